/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `pe-hash`: option parsing, I/O and output only; the logic is in pe/ (pe.c,
 * authenticode.c). */

#include <errno.h>
#include <stdio.h>

#include "hexstr.h"
#include "json.h"
#include "log.h"
#include "measure-pe.h"
#include "measure-predict.h"
#include "measure-verbs.h"
#include "verb-options.h"
#include "verbs.h"

#define INPUT_MAX (UINT64_C(4) << 30)

static void help_pe_hash(FILE *f)
{
	fprintf(f,
		"Usage: bootproof pe-hash [OPTIONS] FILE...\n"
		"\n"
		"Authenticode digests of PE/COFF images (PE32 and PE32+, signed or not), exactly as\n"
		"UEFI firmware (EDK2) measures them into PCR 4: CheckSum and the certificate table\n"
		"entry skipped, sections in file order, trailing data up to the certificate table.\n"
		"\n"
		"Options:\n"
		"  -h --help          show this help\n"
		"     --bank LIST     banks, comma-separated: sha1,sha256,sha384,sha512 (default sha256)\n"
		"     --json          JSON output instead of '<bank>:<hex>  <file>' lines\n");
}

int verb_pe_hash(int argc, char *argv[])
{
	_cleanup_(json_decrefp) json_t *files = NULL;
	unsigned mask = BANK_MASK(BANK_SHA256);
	bool json = false;
	int r;

	r = parse_bank_json_options(argc, argv, "pe-hash", help_pe_hash, &mask, &json);
	if (r != VERB_PROCEED)
		return r;
	if (optind >= argc) {
		log_error("pe-hash: no FILE given");
		help_pe_hash(stderr);
		return EXIT_USAGE;
	}
	files = json_array();
	if (!files)
		return log_error_errno(-ENOMEM, "pe-hash");
	for (int i = optind; i < argc; i++) {
		_cleanup_(mapped_file_close) struct mapped_file m = {};
		uint8_t d[_BANK_MAX][DIGEST_MAX];
		char err[256] = "";

		r = mapped_file_open(argv[i], INPUT_MAX, &m);
		if (r < 0)
			return log_error_errno(r, "pe-hash: cannot read '%s'", argv[i]);
		r = authenticode_digest_msg(m.data, m.len, mask, 0, d, err, sizeof(err));
		if (r == -EBADMSG || r == -E2BIG || r == -EOPNOTSUPP) {
			log_error("pe-hash: '%s' is not a valid PE/COFF image: %s", argv[i],
				  err[0] ? err : "malformed");
			return r;
		}
		if (r < 0)
			return log_error_errno(r, "pe-hash: '%s'", argv[i]);
		if (json) {
			json_t *o = json_object(), *dj = digests_json(d, mask);
			if (!o || !dj || json_object_set_new(o, "authenticode", dj) < 0 ||
			    json_object_set_new(o, "path", json_string(argv[i])) < 0 ||
			    json_object_set_new(o, "size", json_integer((json_int_t)m.len)) < 0 ||
			    json_array_append_new(files, o) < 0)
				return log_error_errno(-ENOMEM, "pe-hash");
		} else
			FOREACH_BANK(b, mask) {
				char hex[2 * DIGEST_MAX + 1];
				hex_encode(d[b], bank_size(b), hex);
				printf("%s:%s  %s\n", bank_name(b), hex, argv[i]);
			}
	}
	if (json) {
		_cleanup_(json_decrefp) json_t *top = json_object();
		if (!top || json_object_set(top, "files", files) < 0)
			return log_error_errno(-ENOMEM, "pe-hash");
		r = json_write_canonical("-", top);
		if (r < 0)
			return log_error_errno(r, "pe-hash: cannot write output");
	}
	if (fflush(stdout) != 0)
		return log_error_errno(-EIO, "pe-hash: cannot write output");
	return EXIT_OK;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `uki inspect`: option parsing, I/O and output only; the logic is in pe/uki.c and
 * predict/predict-uki.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hexstr.h"
#include "json.h"
#include "log.h"
#include "measure-pe.h"
#include "measure-predict.h"
#include "measure-verbs.h"
#include "verb-options.h"
#include "verbs.h"

#define INPUT_MAX (UINT64_C(4) << 30)

static void help_uki(FILE *f)
{
	fprintf(f,
		"Usage: bootproof uki inspect [OPTIONS] UKI\n"
		"\n"
		"Shows a Unified Kernel Image as systemd-stub sees it: the stub version (from .sdmagic),\n"
		"every section with VirtualSize, SizeOfRawData and the digest of its in-memory bytes\n"
		"(VirtualSize bytes, zero-filled), whether this stub version measures it into PCR 11,\n"
		"the UKI's and the embedded kernel's Authenticode digests, the command line.\n"
		"\n"
		"Options:\n"
		"  -h --help          show this help\n"
		"     --bank LIST     banks (default sha256)\n"
		"     --json          canonical JSON\n");
}

/* uki --json: sections (with their digests and whether PCR 11 measures them), stub,
 * Authenticode digests, command line, uname. */
static int uki_to_json(const struct uki *u, const struct uki_digests *d, unsigned mask,
		       const char *cmdline, size_t size, json_t **ret)
{
	_cleanup_(json_decrefp) json_t *top = NULL, *sects = NULL;

	top = json_object();
	sects = json_array();
	if (!top || !sects)
		return -ENOMEM;
	for (unsigned i = 0; i < u->pe.n_sections; i++) {
		const struct pe_section *s = &u->pe.sections[i];
		enum uki_section which = _UKI_SECTION_MAX;
		json_t *o = json_object();
		for (enum uki_section k = 0; k < _UKI_SECTION_MAX; k++)
			if (u->parts[k].sect == s)
				which = k;
		if (!o || json_array_append_new(sects, o) < 0)
			return -ENOMEM;
		json_object_set_new(o, "name", json_stringn(s->name, strnlen(s->name, 8)));
		json_object_set_new(o, "virtual_size", json_integer(s->virtual_size));
		json_object_set_new(o, "virtual_address", json_integer(s->virtual_address));
		json_object_set_new(o, "size_of_raw_data", json_integer(s->size_of_raw_data));
		json_object_set_new(o, "pointer_to_raw_data", json_integer(s->pointer_to_raw_data));
		json_object_set_new(o, "measured_pcr11",
				    json_boolean(which != _UKI_SECTION_MAX &&
						 uki_section_measured(u->stub.major, which)));
		json_object_set_new(o, "digests", digests_json(d->section[i], mask));
	}
	json_object_set_new(top, "sections", TAKE_PTR(sects));
	{
		json_t *st = json_object();
		json_object_set_new(st, "program", json_string("systemd-stub"));
		json_object_set_new(st, "version", json_string(u->stub.version));
		json_object_set_new(st, "major", json_integer(u->stub.major));
		json_object_set_new(top, "stub", st);
	}
	json_object_set_new(top, "authenticode", digests_json(d->authenticode, mask));
	if (d->have_kernel)
		json_object_set_new(top, "kernel_authenticode",
				    digests_json(d->kernel_authenticode, mask));
	json_object_set_new(top, "cmdline", cmdline ? json_string(cmdline) : json_null());
	json_object_set_new(top, "pe32plus", json_boolean(u->pe.pe32plus));
	json_object_set_new(top, "size", json_integer((json_int_t)size));
	if (u->parts[UKI_UNAME].sect) {
		const struct uki_part *p = &u->parts[UKI_UNAME];
		size_t n = strnlen((const char *)p->bytes, (size_t)MIN(p->n_bytes, 256));
		json_object_set_new(top, "uname", json_stringn((const char *)p->bytes, n));
	}
	*ret = TAKE_PTR(top);
	return 0;
}

/* uki: the same as text, one line per section and bank. */
static int uki_print_text(const char *path, size_t size, const struct uki *u,
			  const struct uki_digests *d, unsigned mask, const char *cmdline)
{
	printf("UKI:        %s (%zu bytes, %s)\n", path, size, u->pe.pe32plus ? "PE32+" : "PE32");
	printf("stub:       systemd-stub %s\n", u->stub.version);
	FOREACH_BANK(b, mask) {
		char hex[2 * DIGEST_MAX + 1];
		hex_encode(d->authenticode[b], bank_size(b), hex);
		printf("authenticode %s: %s\n", bank_name(b), hex);
		if (d->have_kernel) {
			hex_encode(d->kernel_authenticode[b], bank_size(b), hex);
			printf("kernel authenticode %s: %s\n", bank_name(b), hex);
		}
	}
	printf("cmdline:    %s\n", cmdline ? cmdline : "(none)");
	printf("\n%-9s %10s %10s %10s  %-5s %s\n", "section", "VirtSize", "RawSize", "RawPtr",
	       "PCR11", "digest (in-memory bytes)");
	for (unsigned i = 0; i < u->pe.n_sections; i++) {
		const struct pe_section *s = &u->pe.sections[i];
		bool measured = false;
		for (enum uki_section k = 0; k < _UKI_SECTION_MAX; k++)
			if (u->parts[k].sect == s && uki_section_measured(u->stub.major, k))
				measured = true;
		FOREACH_BANK(b, mask) {
			char hex[2 * DIGEST_MAX + 1];
			hex_encode(d->section[i][b], bank_size(b), hex);
			printf("%-9.8s %10u %10u %10u  %-5s %s:%s\n", s->name, s->virtual_size,
			       s->size_of_raw_data, s->pointer_to_raw_data, measured ? "yes" : "no",
			       bank_name(b), hex);
		}
	}
	return fflush(stdout) == 0 ? EXIT_OK : log_error_errno(-EIO, "uki inspect: write");
}

static int uki_inspect(const char *path, unsigned mask, bool json)
{
	_cleanup_(mapped_file_close) struct mapped_file m = {};
	_cleanup_(freep) struct uki *u = NULL;
	_cleanup_(freep) struct uki_digests *d = NULL;
	_cleanup_(freep) char *cmdline = NULL;
	_cleanup_(json_decrefp) json_t *top = NULL;
	int r;

	u = malloc(sizeof(*u));
	d = malloc(sizeof(*d));
	if (!u || !d)
		return log_error_errno(-ENOMEM, "uki inspect");
	r = mapped_file_open(path, INPUT_MAX, &m);
	if (r < 0)
		return log_error_errno(r, "uki inspect: cannot read '%s'", path);
	{
		char err[200] = "";
		r = uki_parse_msg(m.data, m.len, u, err, sizeof(err));
		if (r < 0) {
			log_error("uki inspect: '%s' is not a systemd-stub UKI: %s", path,
				  err[0] ? err : "malformed");
			return r;
		}
	}
	r = uki_digests_compute(u, m.data, m.len, mask, NULL, 0, true, 0, d);
	if (r == -EBADMSG) {
		log_warning("uki inspect: '%s': the .linux section is no valid PE image", path);
		r = uki_digests_compute(u, m.data, m.len, mask, NULL, 0, false, 0, d);
	}
	if (r < 0)
		return log_error_errno(r, "uki inspect: '%s'", path);
	r = uki_cmdline(u, &cmdline);
	if (r < 0)
		return log_error_errno(r, "uki inspect: '%s': bad .cmdline", path);

	r = uki_to_json(u, d, mask, cmdline, m.len, &top);
	if (r < 0)
		return log_error_errno(r, "uki inspect");
	if (json) {
		r = json_write_canonical("-", top);
		return r < 0 ? log_error_errno(r, "uki inspect: cannot write output") : EXIT_OK;
	}
	return uki_print_text(path, m.len, u, d, mask, cmdline);
}

int verb_uki(int argc, char *argv[])
{
	unsigned mask = BANK_MASK(BANK_SHA256);
	bool json = false;
	int r;

	r = parse_bank_json_options(argc, argv, "uki", help_uki, &mask, &json);
	if (r != VERB_PROCEED)
		return r;
	if (argc - optind != 2 || strcmp(argv[optind], "inspect") != 0) {
		log_error("uki: expected 'inspect UKI'");
		help_uki(stderr);
		return EXIT_USAGE;
	}
	return uki_inspect(argv[optind + 1], mask, json);
}

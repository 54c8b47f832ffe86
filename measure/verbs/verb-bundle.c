/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `bootproof bundle import`: an attestation made by GCE's tooling (go-tpm-tools' Attestation
 * protobuf, measure/attest/gotpm-import.h) into a bundle.json that `verify` checks
 * (docs/attest.md "Attestations made elsewhere"). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "json.h"
#include "log.h"
#include "measure-attest.h"
#include "measure-verbs.h"
#include "verbs.h"

static void bundle_help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof bundle import FILE.pb -o bundle.json [--bank BANK]\n"
		"\n"
		"Converts a go-tpm-tools Attestation protobuf (gotpm attest, GCE Confidential Space)\n"
		"into a bundle: go-tpm-tools quotes each bank separately, and the bundle carries every\n"
		"bank's quote (\"quotes\", one per bank), or with --bank BANK that bank's quote alone\n"
		"(\"quote\"); the quoted PCR values, the AK (TPMT_PUBLIC), the AK certificate and\n"
		"intermediates, the event log. The bundle's nonce is the one the quotes answered:\n"
		"`bootproof verify --nonce` still checks it against yours.\n"
		"\n"
		"The result is an imported bundle (format bootproof-bundle/imported-1): its quote\n"
		"binds the nonce only, so verify reports it as such (binding: nonce-only) and accepts\n"
		"in it only what is checked on its own: the AK, its certificate chain, the event log.\n");
}

static const struct option import_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"output", required_argument, NULL, 'o'},
	{"bank", required_argument, NULL, 'b'},
	{},
};

static int import_verb(int argc, char *argv[])
{
	_cleanup_(bundle_freep) struct bundle *b = bundle_new();
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(freep) uint8_t *data = NULL;
	struct gotpm_attestation a;
	const char *out = NULL;
	int bank = -1; /* every bank */
	char err[300];
	size_t len;
	int c, r;

	if (!b)
		return log_error_errno(-ENOMEM, "bundle import");
	while ((c = getopt_long(argc, argv, "ho:", import_options, NULL)) >= 0)
		switch (c) {
		case 'h':
			bundle_help(stdout);
			return EXIT_OK;
		case 'o':
			out = optarg;
			break;
		case 'b':
			if ((bank = (int)bank_from_name(optarg)) < 0) {
				log_error("bundle import: --bank '%s' is not a known bank", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			bundle_help(stderr);
			return EXIT_USAGE;
		}
	if (!out || optind != argc - 1) {
		log_error("bundle import: one FILE and -o are required");
		return EXIT_USAGE;
	}
	r = read_file_capped(argv[optind], GOTPM_MAX_SIZE, &data, &len);
	if (r < 0)
		return log_error_errno(r, "bundle import: cannot read '%s'", argv[optind]);
	r = gotpm_attestation_parse(data, len, &a, err, sizeof(err));
	if (r >= 0)
		r = gotpm_to_bundle(&a, bank, b, err, sizeof(err));
	if (r < 0) {
		log_error("bundle import: '%s': %s", argv[optind], err);
		return r == -ENOMEM ? r : EXIT_ERROR;
	}
	r = bundle_to_json(b, &j);
	if (r < 0)
		return log_error_errno(r, "bundle import");
	r = json_write_canonical(out, j);
	if (r < 0)
		return log_error_errno(r, "bundle import: cannot write '%s'", out);
	return EXIT_OK;
}

int verb_bundle(int argc, char *argv[])
{
	static const struct verb verbs[] = {
		{"import", import_verb, "a go-tpm-tools Attestation protobuf -> bundle.json"},
	};

	return verb_dispatch_group(verbs, ARRAY_SIZE(verbs), "bootproof bundle", bundle_help, argc,
				   argv);
}

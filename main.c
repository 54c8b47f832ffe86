/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bootproof: the verb table. Each verb lives in its component's directory; this file only parses
 * the global options and dispatches. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "docker-exports/verb-containers.h"
#include "job/verb-job.h"
#include "digest.h"
#include "log.h"
#include "measure/verbs/measure-verbs.h"
#include "verbs.h"

static const struct verb verbs[] = {
	{"containers", verb_containers, "measure container archives / check a docker engine"},
	{"pe-hash", verb_pe_hash, "Authenticode digests of PE/COFF files"},
	{"uki", verb_uki, "inspect a Unified Kernel Image"},
	{"predict", verb_predict, "expected PCR values and events -> golden manifest"},
	{"eventlog", verb_eventlog, "show / replay / compare / profile TCG and systemd event logs"},
	{"extend", verb_extend, "measure runtime inputs/outputs into PCR 14/15"},
	{"attest", verb_attest, "make a TPM quote bundle on this machine"},
	{"verify", verb_verify, "verify a quote bundle against a golden manifest"},
	{"bundle", verb_bundle, "import an attestation made elsewhere (go-tpm-tools) as a bundle"},
	{"manifest", verb_manifest, "sign / verify release files"},
	{"job", verb_job, "run one measured job: spec, container, inputs, run, exit, outputs"},
	{"seal", verb_seal, "sealing policy of golden.json / check a LUKS2 volume against it"},
	{"golden", verb_golden, "which PCR and event of two golden manifests differ"},
	{"siglist", verb_siglist, "split EFI signature lists into hashes and certificates"},
};

static void help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Build-time measurement and boot attestation for measured-boot OS images.\n"
		"\n"
		"Options:\n"
		"  -h --help      show this help\n"
		"     --version  show the version\n"
		"  -v --verbose  more messages (twice: debug)\n"
		"  -q --quiet    errors only\n"
		"\n"
		"Exit codes: 0 ok, 1 operational error, 2 usage, 3 verification failed / mismatch.\n");
	verb_print_table(verbs, ARRAY_SIZE(verbs), "bootproof", f);
}

int main(int argc, char *argv[])
{
	static const struct option options[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"verbose", no_argument, NULL, 'v'},
		{"quiet", no_argument, NULL, 'q'},
		{},
	};
	int c;

	log_set_program("bootproof");
	/* '+': stop at the first non-option, the verb; its options are its own. */
	while ((c = getopt_long(argc, argv, "+hvq", options, NULL)) >= 0)
		switch (c) {
		case 'h':
			help(stdout);
			return EXIT_OK;
		case 'V':
			printf("bootproof %s\n", BOOTPROOF_VERSION);
			return EXIT_OK;
		case 'v':
			if (log_get_level() < LOG_LEVEL_DEBUG)
				log_set_level(log_get_level() + 1);
			break;
		case 'q':
			log_set_level(LOG_LEVEL_ERROR);
			break;
		default:
			help(stderr);
			return EXIT_USAGE;
		}
	if (optind >= argc) {
		help(stderr);
		return EXIT_USAGE;
	}
	if (crypto_init() < 0) {
		log_error("cannot initialise OpenSSL");
		return EXIT_ERROR;
	}
	/* Verbs parse their own options with getopt from a fresh state. */
	argc -= optind;
	argv += optind;
	optind = 0;
	return verb_exit_code(
		verb_dispatch(verbs, ARRAY_SIZE(verbs), "bootproof", argc, argv));
}

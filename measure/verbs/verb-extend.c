/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `extend` (docs/attest.md): runtime measurement of files into PCR 14/15 and the runtime
 * log. Option parsing, I/O and the one log line per failure; the logic is in attest/. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "hexstr.h"
#include "log.h"
#include "measure-attest.h"
#include "measure-verbs.h"
#include "parse.h"
#include "verbs.h"

static int parse_pcr(const char *s, unsigned *ret)
{
	uint32_t v;
	if (safe_atou32(s, &v) < 0 || v >= TPM2_PCR_COUNT)
		return -EINVAL;
	*ret = v;
	return 0;
}

static void extend_help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof extend --pcr N [--kind input|output] [--label TEXT] [--tcti CONF]\n"
		"                        [--log FILE] PATH...\n"
		"\n"
		"Measures each file or directory (deterministic walk, docs/attest.md), extends every\n"
		"active PCR bank with the digest of the event string, and appends one record per PATH\n"
		"to systemd's userspace measurement log (JSON-SEQ), under an exclusive lock.\n"
		"\n"
		"  --pcr N         PCR to extend (14 = inputs, 15 = outputs by default)\n"
		"  --kind K        input or output (default: input for 14, output for 15)\n"
		"  --label TEXT    free text recorded with the measurement (no ':')\n"
		"  --tcti CONF     TCTI (default: $TPM2TOOLS_TCTI, $TCTI, $TSS2_TCTI, /dev/tpmrm0)\n"
		"  --log FILE      log file (default: $SYSTEMD_MEASURE_LOG_USERSPACE or\n"
		"                  " RUNTIME_LOG_DEFAULT ")\n");
}

struct extend_options {
	const char *label, *tcti, *log_path;
	unsigned pcr;
	int kind;
};

static const struct option extend_options_table[] = {
	{"help", no_argument, NULL, 'h'},   {"pcr", required_argument, NULL, 'p'},
	{"kind", required_argument, NULL, 'k'}, {"label", required_argument, NULL, 'l'},
	{"tcti", required_argument, NULL, 'T'}, {"log", required_argument, NULL, 'L'},
	{},
};

/* Returns VERB_PROCEED (argv[optind..] are the paths), or the exit code to end with. */
static int extend_parse_options(int argc, char *argv[], struct extend_options *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "hp:k:l:T:L:", extend_options_table, NULL)) >= 0)
		switch (c) {
		case 'h':
			extend_help(stdout);
			return EXIT_OK;
		case 'p':
			if (parse_pcr(optarg, &o->pcr) < 0) {
				log_error("extend: --pcr '%s' is not a PCR index 0-23", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'k':
			o->kind = runtime_kind_from_string(optarg);
			if (o->kind < 0) {
				log_error("extend: --kind must be input or output");
				return EXIT_USAGE;
			}
			break;
		case 'l': o->label = optarg; break;
		case 'T': o->tcti = optarg; break;
		case 'L': o->log_path = optarg; break;
		default:
			extend_help(stderr);
			return EXIT_USAGE;
		}
	if (o->pcr == UINT_MAX || optind >= argc) {
		log_error("extend: --pcr and at least one PATH are required");
		return EXIT_USAGE;
	}
	if (o->kind < 0) {
		if (o->pcr != 14 && o->pcr != 15) {
			log_error("extend: --kind is required for PCR %u", o->pcr);
			return EXIT_USAGE;
		}
		o->kind = o->pcr == 14 ? RUNTIME_INPUT : RUNTIME_OUTPUT;
	}
	if (strchr(o->label, ':') || strlen(o->label) > RUNTIME_MAX_LABEL) {
		log_error("extend: --label may not contain ':' or exceed %u bytes", RUNTIME_MAX_LABEL);
		return EXIT_USAGE;
	}
	if (!o->log_path)
		o->log_path = getenv("SYSTEMD_MEASURE_LOG_USERSPACE");
	if (!o->log_path || !*o->log_path)
		o->log_path = RUNTIME_LOG_DEFAULT;
	o->tcti = tpm_tcti_choose(o->tcti);
	return VERB_PROCEED;
}

/* Measures one path, extends the PCR, appends to the log, prints the record. */
static int extend_one(const struct extend_options *o, const char *path)
{
	_cleanup_(freep) char *abs = realpath(path, NULL), *s = NULL;
	struct runtime_measurement m;
	char err[512] = "", hex[65];
	unsigned mask;
	int r;

	if (!abs)
		return log_error_errno(-errno, "extend: cannot resolve '%s'", path);
	r = runtime_measure_path(abs, &m, err, sizeof(err));
	if (r < 0)
		return log_error_errno(r, "extend: cannot measure %s", err[0] ? err : abs);
	r = runtime_event_string((enum runtime_kind)o->kind, &m, o->label, abs, &s);
	if (r < 0)
		return log_error_errno(r, "extend: '%s' cannot be recorded (control "
					  "characters in the path?)", abs);
	r = runtime_extend(o->tcti, o->pcr, o->log_path, s, &mask);
	if (r == -EOPNOTSUPP)
		return log_error_errno(r, "extend: the TPM has an active PCR bank bootproof "
					  "cannot compute");
	if (r < 0)
		return log_error_errno(r, "extend: extending PCR %u / appending to '%s' "
					  "failed (TCTI %s)", o->pcr, o->log_path,
				       o->tcti ? o->tcti : "default");
	hex_encode(m.sha256, 32, hex);
	printf("pcr %u %s %s sha256:%s %llu %s\n", o->pcr,
	       runtime_kind_to_string((enum runtime_kind)o->kind), m.is_dir ? "dir" : "file", hex,
	       (unsigned long long)m.size, abs);
	return 0;
}

int verb_extend(int argc, char *argv[])
{
	struct extend_options o = {.label = "", .pcr = UINT_MAX, .kind = -1};
	int r = extend_parse_options(argc, argv, &o);

	if (r != VERB_PROCEED)
		return r;
	for (int i = optind; i < argc; i++) {
		r = extend_one(&o, argv[i]);
		if (r < 0)
			return r;
	}
	return EXIT_OK;
}

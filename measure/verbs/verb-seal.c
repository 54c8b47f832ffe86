/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `seal`: `seal policy` prints golden.json's sealing policy in the forms tools take
 * (digest, tpm2_policypcr values file, systemd-cryptenroll literal PCRs); `seal check` decides
 * whether a LUKS2 volume is bound to exactly that policy and nothing else opens it. The logic is
 * in seal-policy.c and luks-token.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "hexstr.h"
#include "json.h"
#include "log.h"
#include "measure-attest.h"
#include "measure-eventlog.h"
#include "measure-golden.h"
#include "measure-platform.h"
#include "measure-seal.h"
#include "measure-verbs.h"
#include "verbs.h"

#define LUKS_DUMP_MAX (LUKS2_HDR_MAX + 4096u)

/* A bare "seal" object (what the release puts on the ESP, docs/sealing.md): validated and its
 * digest recomputed from its values by seal_policy_load(). */
static int load_seal_file(const char *path, struct seal_policy *ret)
{
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(freep) uint8_t *buf = NULL;
	char err[512];
	size_t len;
	int r;

	r = read_file_capped(path, 1u << 20, &buf, &len);
	if (r < 0)
		return log_error_errno(r, "seal: cannot read '%s'", path);
	r = json_parse_capped(buf, len, 1u << 20, 4, &j, err, sizeof(err));
	if (r >= 0)
		r = seal_policy_load(j, ret, err, sizeof(err));
	if (r < 0)
		log_error("seal: '%s': %s", path, err);
	return r < 0 ? -EBADMSG : 0;
}

/* The policy from --golden FILE, --seal FILE or --pcr-values LITERAL (exactly one is set). */
static int load_policy(const char *golden, const char *seal, const char *literal,
		       struct seal_policy *ret)
{
	_cleanup_(golden_freep) struct golden *g = NULL;
	char err[512];
	int r;

	if (seal)
		return load_seal_file(seal, ret);

	if (literal) {
		r = seal_policy_parse_literal(literal, ret);
		if (r < 0)
			log_error("seal: --pcr-values '%.80s': give IDX:BANK=HEX items joined by '+'",
				  literal);
		return r < 0 ? -EINVAL : 0;
	}
	r = golden_load_file(golden, &g, err, sizeof(err));
	if (r < 0) {
		log_error("seal: '%s': %s", golden, err);
		return r;
	}
	if (!g->seal) {
		log_error("seal: '%s' has no sealing policy (\"seal\"): predict it with "
			  "bootproof predict (without --no-seal)", golden);
		return -ENOENT;
	}
	*ret = *g->seal;
	return 0;
}

static void policy_help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof seal policy (--golden FILE | --seal FILE | --pcr-values LIST)\n"
		"                             [--format F] [-o FILE]\n"
		"\n"
		"The sealing policy of golden.json (its \"seal\" object), or of literal PCR values.\n"
		"     --golden FILE       golden.json with a \"seal\" object\n"
		"     --seal FILE         the \"seal\" object alone (--format json; on the ESP)\n"
		"     --pcr-values LIST   IDX:BANK=HEX+... (systemd-cryptenroll's literal form)\n"
		"     --format digest     the PolicyPCR digest, hex (default)\n"
		"              selection  the PCR selection for tpm2-tools, e.g. sha256:4,7,9,11,12\n"
		"              values     the values, concatenated (tpm2_policypcr -f FILE)\n"
		"              cryptenroll  IDX:BANK=HEX+... for systemd-cryptenroll >= 255 --tpm2-pcrs=\n"
		"              json       the \"seal\" object\n"
		"  -o --output FILE       '-' = stdout (default)\n");
}

/* The policy in one of the forms of --format; -EINVAL for an unknown form. */
static int write_policy(const struct seal_policy *p, const char *format, const char *output)
{
	int r;

	if (strcmp(format, "digest") == 0 || strcmp(format, "selection") == 0) {
		char line[2 * SEAL_DIGEST_SIZE + 96], pcrs[80];
		if (format[0] == 'd')
			hex_encode(p->digest, SEAL_DIGEST_SIZE, line);
		else {
			seal_pcr_mask_format(p->pcr_mask, ',', pcrs, sizeof(pcrs));
			snprintf(line, sizeof(line), "%s:%s", bank_name(p->bank), pcrs);
		}
		strncat(line, "\n", sizeof(line) - strlen(line) - 1);
		r = write_file_atomic(output, line, strlen(line));
	} else if (strcmp(format, "values") == 0) {
		uint8_t buf[SEAL_PCR_MAX * DIGEST_MAX];
		size_t n = 0;
		for (unsigned i = 0; i < SEAL_PCR_MAX; i++)
			if (p->pcr_mask & (1u << i)) {
				memcpy(buf + n, p->values[i], bank_size(p->bank));
				n += bank_size(p->bank);
			}
		r = write_file_atomic(output, buf, n);
	} else if (strcmp(format, "cryptenroll") == 0) {
		_cleanup_(freep) char *s = NULL;
		r = seal_policy_cryptenroll_pcrs(p, &s);
		if (r >= 0) {
			size_t n = strlen(s);
			_cleanup_(freep) char *line = malloc(n + 2);
			if (!line)
				return -ENOMEM;
			memcpy(line, s, n);
			memcpy(line + n, "\n", 2);
			r = write_file_atomic(output, line, n + 1);
		}
	} else if (strcmp(format, "json") == 0) {
		_cleanup_(json_decrefp) json_t *j = NULL;
		r = seal_policy_to_json(p, &j);
		if (r >= 0)
			r = json_write_canonical(output, j);
	} else
		return -EINVAL;
	return r;
}

static int verb_seal_policy(int argc, char *argv[])
{
	enum { ARG_GOLDEN = 0x100, ARG_VALUES, ARG_SEAL, ARG_FORMAT };
	static const struct option options[] = {
		{"help", no_argument, NULL, 'h'},
		{"golden", required_argument, NULL, ARG_GOLDEN},
		{"pcr-values", required_argument, NULL, ARG_VALUES},
		{"seal", required_argument, NULL, ARG_SEAL},
		{"format", required_argument, NULL, ARG_FORMAT},
		{"output", required_argument, NULL, 'o'},
		{},
	};
	const char *golden = NULL, *literal = NULL, *format = "digest", *output = "-";
	const char *seal = NULL;
	struct seal_policy p;
	int c, r;

	while ((c = getopt_long(argc, argv, "ho:", options, NULL)) >= 0)
		switch (c) {
		case 'h': policy_help(stdout); return EXIT_OK;
		case ARG_GOLDEN: golden = optarg; break;
		case ARG_VALUES: literal = optarg; break;
		case ARG_SEAL: seal = optarg; break;
		case ARG_FORMAT: format = optarg; break;
		case 'o': output = optarg; break;
		default: policy_help(stderr); return EXIT_USAGE;
		}
	if (optind != argc || !!golden + !!seal + !!literal != 1) {
		log_error("seal policy: give exactly one of --golden, --seal and --pcr-values");
		return EXIT_USAGE;
	}
	r = load_policy(golden, seal, literal, &p);
	if (r == -EINVAL)
		return EXIT_USAGE;
	if (r < 0)
		return EXIT_ERROR;

	r = write_policy(&p, format, output);
	if (r == -EINVAL) {
		log_error("seal policy: --format takes digest, selection, values, cryptenroll or json");
		return EXIT_USAGE;
	}
	if (r < 0)
		return log_error_errno(r, "seal policy: cannot write '%s'", output);
	return EXIT_OK;
}

static void check_help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof seal check (--golden FILE | --seal FILE | --pcr-values LIST)\n"
		"                            (--device DEV | --luks-dump FILE | --bundle FILE) [--json]\n"
		"\n"
		"Exit 0 only if every keyslot of the LUKS2 volume is bound by exactly one systemd-tpm2\n"
		"token whose PCR list, bank and policy hash equal the golden sealing policy and whose\n"
		"sealed object (tpm2-blob) the TPM releases only under that policy, with no PIN,\n"
		"signed-policy key or pcrlock, and no other token or keyslot (a passphrase, recovery\n"
		"key, FIDO2 ...) recorded. A header cannot prove that a keyslot's secret is its\n"
		"token's sealed one (docs/sealing.md). Exit 3 names what is wrong.\n"
		"     --device DEV        the LUKS2 block device or image file (both header copies\n"
		"                         are read and must agree)\n"
		"     --luks-dump FILE    its JSON metadata ('cryptsetup luksDump --dump-json-metadata',\n"
		"                         or the \"luks2_metadata\" of an attestation bundle)\n"
		"     --bundle FILE       the \"luks2_metadata\" of an attestation bundle\n"
		"                         (bootproof attest --luks-device DEV)\n"
		"     --json              print the verdict as JSON\n");
}

/* The LUKS2 JSON metadata from --device, --luks-dump or --bundle (exactly one is set).
 * Returns VERB_PROCEED, or the exit code to end with. */
static int read_metadata(const char *device, const char *dump, const char *bundle, uint8_t **ret,
			 size_t *ret_len)
{
	char err[512];
	int r;

	if (device) {
		r = luks2_read_metadata(device, ret, ret_len, err, sizeof(err));
		if (r < 0) {
			log_error("seal check: '%s': %s", device, err);
			return r == -EBADMSG || r == -EOPNOTSUPP ? EXIT_MISMATCH : EXIT_ERROR;
		}
	} else if (dump) {
		r = read_file_capped(dump, LUKS_DUMP_MAX, ret, ret_len);
		if (r < 0)
			return log_error_errno(r, "seal check: cannot read '%s'", dump);
	} else {
		_cleanup_(bundle_freep) struct bundle *bu = NULL;
		_cleanup_(freep) uint8_t *raw = NULL;
		size_t raw_len;
		r = read_file_capped(bundle, BUNDLE_MAX_FILE_SIZE, &raw, &raw_len);
		if (r < 0)
			return log_error_errno(r, "seal check: cannot read '%s'", bundle);
		r = bundle_parse(raw, raw_len, &bu, err, sizeof(err));
		if (r < 0) {
			log_error("seal check: bundle '%s': %s", bundle, err);
			return EXIT_ERROR;
		}
		if (!bu->luks2_metadata.present) {
			log_error("seal check: bundle '%s' carries no luks2_metadata (made without "
				  "attest --luks-device)", bundle);
			return EXIT_MISMATCH;
		}
		*ret = TAKE_PTR(bu->luks2_metadata.data);
		*ret_len = bu->luks2_metadata.size;
		bu->luks2_metadata.present = false;
	}
	return VERB_PROCEED;
}

/* The verdict as text or JSON on stdout. */
static int print_verdict(const struct luks_verdict *v, const char *want, bool as_json)
{
	if (as_json) {
		_cleanup_(json_decrefp) json_t *o = json_pack(
			"{s:b, s:s, s:s, s:s, s:i, s:i}", "ok", v->ok, "reason", v->ok ? "" : v->why,
			"golden_policy_digest", want, "token_policy_hash",
			v->has_token ? v->token_policy_hash : "", "keyslots", (int)v->n_keyslots,
			"tokens", (int)v->n_tokens);
		if (!o)
			return -ENOMEM;
		return json_write_canonical("-", o);
	}
	printf("golden policy digest: %s\n", want);
	printf("token policy hash:    %s\n", v->has_token ? v->token_policy_hash : "(none)");
	printf("keyslots %u, tokens %u: %s\n", v->n_keyslots, v->n_tokens,
	       v->ok ? "sealed to the golden policy only" : v->why);
	return 0;
}

static int verb_seal_check(int argc, char *argv[])
{
	enum { ARG_GOLDEN = 0x100, ARG_VALUES, ARG_SEAL, ARG_DEVICE, ARG_DUMP, ARG_BUNDLE, ARG_JSON };
	static const struct option options[] = {
		{"help", no_argument, NULL, 'h'},
		{"golden", required_argument, NULL, ARG_GOLDEN},
		{"pcr-values", required_argument, NULL, ARG_VALUES},
		{"seal", required_argument, NULL, ARG_SEAL},
		{"device", required_argument, NULL, ARG_DEVICE},
		{"luks-dump", required_argument, NULL, ARG_DUMP},
		{"bundle", required_argument, NULL, ARG_BUNDLE},
		{"json", no_argument, NULL, ARG_JSON},
		{},
	};
	const char *golden = NULL, *literal = NULL, *device = NULL, *dump = NULL, *bundle = NULL,
		   *source;
	const char *seal = NULL;
	_cleanup_(freep) uint8_t *buf = NULL;
	struct luks_verdict v;
	struct seal_policy p;
	bool as_json = false;
	size_t len;
	char err[512], want[2 * SEAL_DIGEST_SIZE + 1];
	int c, r;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
		switch (c) {
		case 'h': check_help(stdout); return EXIT_OK;
		case ARG_GOLDEN: golden = optarg; break;
		case ARG_VALUES: literal = optarg; break;
		case ARG_SEAL: seal = optarg; break;
		case ARG_DEVICE: device = optarg; break;
		case ARG_DUMP: dump = optarg; break;
		case ARG_BUNDLE: bundle = optarg; break;
		case ARG_JSON: as_json = true; break;
		default: check_help(stderr); return EXIT_USAGE;
		}
	if (optind != argc || !!golden + !!seal + !!literal != 1 ||
	    !!device + !!dump + !!bundle != 1) {
		log_error("seal check: give one of --golden/--seal/--pcr-values and one of "
			  "--device/--luks-dump/--bundle");
		return EXIT_USAGE;
	}
	r = load_policy(golden, seal, literal, &p);
	if (r == -EINVAL)
		return EXIT_USAGE;
	if (r < 0)
		return EXIT_ERROR;

	r = read_metadata(device, dump, bundle, &buf, &len);
	if (r != VERB_PROCEED)
		return r;
	source = device ? device : dump ? dump : bundle;
	r = luks2_check_json((const char *)buf, len, &p, &v, err, sizeof(err));
	if (r < 0) {
		log_error("seal check: '%s': %s", source, err);
		return EXIT_MISMATCH;
	}
	hex_encode(p.digest, SEAL_DIGEST_SIZE, want);
	if (print_verdict(&v, want, as_json) < 0)
		return log_error_errno(-ENOMEM, "seal check");
	if (!v.ok) {
		log_error("seal check: '%s': %s", source, v.why);
		return EXIT_MISMATCH;
	}
	return EXIT_OK;
}

static const struct verb seal_verbs[] = {
	{"policy", verb_seal_policy, "the sealing policy of golden.json (digest, values, cryptenroll)"},
	{"check", verb_seal_check, "is a LUKS2 volume bound to the golden policy and nothing else?"},
};

int verb_seal(int argc, char *argv[])
{
	return verb_dispatch_group(seal_verbs, ARRAY_SIZE(seal_verbs), "bootproof seal", NULL, argc,
				   argv);
}

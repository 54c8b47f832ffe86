/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verbs of the attestation part: extend, attest, verify, manifest sign|verify (docs/attest.md).
 * Option parsing, I/O and the one log line per failure; the logic is in the bp_measure modules. */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include "background.h"
#include "fileio.h"
#include "hexstr.h"
#include "json.h"
#include "log.h"
#include "measure-attest.h"
#include "measure-eventlog.h"
#include "measure-verbs.h"
#include "parse.h"
#include "verb-options.h"
#include "verify-html.h"
#include "verbs.h"

#define FIRMWARE_LOG_DEFAULT "/sys/kernel/security/tpm0/binary_bios_measurements"

static int parse_pcr(const char *s, unsigned *ret)
{
	uint32_t v;
	if (safe_atou32(s, &v) < 0 || v >= TPM2_PCR_COUNT)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* --nonce HEX: 1..BUNDLE_MAX_NONCE bytes; replaces an earlier one. Logs a usage error. */
static int parse_nonce(const char *verb, const char *arg, uint8_t **nonce, size_t *size)
{
	free(*nonce);
	*nonce = NULL;
	if (hex_decode_alloc(arg, BUNDLE_MAX_NONCE, nonce, size) < 0 || *size == 0) {
		log_error("%s: --nonce must be 1-%u bytes of lowercase hex", verb, BUNDLE_MAX_NONCE);
		return -EINVAL;
	}
	return 0;
}

/* ---------------------------------------------------------------- extend */

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

/* ---------------------------------------------------------------- attest */

static void attest_help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof attest --nonce HEX -o FILE [OPTIONS]\n"
		"\n"
		"Quotes PCRs 0-15 of every active bank with an attestation key and writes bundle.json:\n"
		"quote, signature, PCR values, AK public key, EK certificate (if the TPM has one),\n"
		"the firmware and userspace event logs and container_measurements.json.\n"
		"\n"
		"  --nonce HEX            the verifier's challenge (1-64 bytes)\n"
		"  -o --output FILE       bundle.json ('-' = stdout)\n"
		"  --tcti CONF            TCTI (default: $TPM2TOOLS_TCTI, $TCTI, $TSS2_TCTI, device)\n"
		"  --ak-handle HANDLE     use a persistent AK (0x81...) instead of creating one\n"
		"  --ak-type T            rsa (RSASSA, default), rsapss or ecc (ECDSA P-256)\n"
		"  --ak-pub-out FILE      also write the AK public key as PEM (for enrolment)\n"
		"  --pcrs LIST            PCRs to quote (default 0-15)\n"
		"  --eventlog FILE        firmware log (default " FIRMWARE_LOG_DEFAULT ")\n"
		"  --userspace-log FILE   userspace log (default " RUNTIME_LOG_DEFAULT ")\n"
		"  --containers FILE      container_measurements.json to include\n"
		"  --activate FILE        a credential challenge from `bootproof verify\n"
		"                         --make-credential`: activate it with the AK and the EK\n"
		"  --luks-device DEV      include the LUKS2 metadata of the sealed data volume\n"
		"                         (for `bootproof seal check --bundle`)\n");
}

static int read_optional(const char *path, bool explicit, size_t max, struct blob *ret,
			 const char *what)
{
	_cleanup_(freep) uint8_t *data = NULL;
	size_t len;
	int r = read_file_capped(path, max, &data, &len);

	if (r == -ENOENT && !explicit) {
		log_info("attest: no %s at %s; the bundle says null", what, path);
		*ret = (struct blob){};
		return 0;
	}
	if (r < 0)
		return log_error_errno(r, "attest: cannot read the %s '%s'", what, path);
	return blob_set(ret, data, len);
}

struct attest_options {
	uint8_t *nonce;
	size_t nonce_size;
	const char *out, *ak_pub_out, *fw_path, *us_path, *containers, *activate;
	const char *luks_device;
	struct attest_quote_options quote;
};

static void attest_options_done(struct attest_options *o)
{
	free(o->nonce);
}

static const struct option attest_options_table[] = {
	{"help", no_argument, NULL, 'h'},
	{"nonce", required_argument, NULL, 'n'},
	{"output", required_argument, NULL, 'o'},
	{"tcti", required_argument, NULL, 'T'},
	{"ak-handle", required_argument, NULL, 'H'},
	{"ak-type", required_argument, NULL, 't'},
	{"ak-pub-out", required_argument, NULL, 'P'},
	{"pcrs", required_argument, NULL, 'p'},
	{"eventlog", required_argument, NULL, 'e'},
	{"userspace-log", required_argument, NULL, 'u'},
	{"containers", required_argument, NULL, 'c'},
	{"activate", required_argument, NULL, 'A'},
	{"luks-device", required_argument, NULL, 'L'},
	{},
};

/* Returns VERB_PROCEED, or the exit code to end with (help, usage). */
static int attest_parse_options(int argc, char *argv[], struct attest_options *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "hn:o:", attest_options_table, NULL)) >= 0)
		switch (c) {
		case 'h':
			attest_help(stdout);
			return EXIT_OK;
		case 'n':
			if (parse_nonce("attest", optarg, &o->nonce, &o->nonce_size) < 0)
				return EXIT_USAGE;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'T':
			o->quote.tcti = optarg;
			break;
		case 'H': {
			char *end;
			unsigned long v;
			errno = 0;
			v = strtoul(optarg, &end, 0);
			if (errno || *end || (v >> 24) != 0x81) {
				log_error("attest: --ak-handle '%s' is not a persistent handle "
					  "(0x81xxxxxx)", optarg);
				return EXIT_USAGE;
			}
			o->quote.ak_handle = (uint32_t)v;
			break;
		}
		case 't':
			if (strcmp(optarg, "rsa") == 0)
				o->quote.ak_type = AK_RSA_RSASSA;
			else if (strcmp(optarg, "rsapss") == 0)
				o->quote.ak_type = AK_RSA_RSAPSS;
			else if (strcmp(optarg, "ecc") == 0)
				o->quote.ak_type = AK_ECC_ECDSA;
			else {
				log_error("attest: --ak-type must be rsa, rsapss or ecc");
				return EXIT_USAGE;
			}
			break;
		case 'P':
			o->ak_pub_out = optarg;
			break;
		case 'p':
			if (pcr_list_parse(optarg, &o->quote.pcr_mask) < 0) {
				log_error("attest: --pcrs '%s' is not a PCR list", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'e':
			o->fw_path = optarg;
			break;
		case 'u':
			o->us_path = optarg;
			break;
		case 'c':
			o->containers = optarg;
			break;
		case 'A':
			o->activate = optarg;
			break;
		case 'L':
			o->luks_device = optarg;
			break;
		default:
			attest_help(stderr);
			return EXIT_USAGE;
		}
	if (!o->nonce || !o->out || optind < argc) {
		log_error("attest: --nonce and -o are required, and nothing else");
		return EXIT_USAGE;
	}
	return VERB_PROCEED;
}

/* The logs, container measurements and credential challenge, read before the quote. */
static int attest_read_inputs(struct attest_options *o, struct bundle *b, json_t **ret_challenge)
{
	int r;

	/* Logs first: read before the quote, so an extension between reading and quoting shows
	 * up as a replay mismatch rather than passing silently. */
	r = read_optional(o->fw_path ? o->fw_path : FIRMWARE_LOG_DEFAULT, o->fw_path,
			  BUNDLE_MAX_EVENTLOG, &b->firmware_log, "firmware event log");
	if (r < 0)
		return r;
	r = read_optional(o->us_path ? o->us_path : RUNTIME_LOG_DEFAULT, o->us_path,
			  BUNDLE_MAX_EVENTLOG, &b->userspace_log, "userspace measurement log");
	if (r < 0)
		return r;
	if (o->containers) {
		r = read_optional(o->containers, true, BUNDLE_MAX_CONTAINERS,
				  &b->container_measurements, "container measurements");
		if (r < 0)
			return r;
	}
	if (o->luks_device) {
		_cleanup_(freep) uint8_t *meta = NULL;
		char err[256];
		size_t meta_len;
		r = luks2_read_metadata(o->luks_device, &meta, &meta_len, err, sizeof(err));
		if (r < 0) {
			log_error("attest: --luks-device '%s': %s", o->luks_device, err);
			return r;
		}
		r = blob_set(&b->luks2_metadata, meta, meta_len);
		if (r < 0)
			return log_error_errno(r, "attest");
	}
	memcpy(b->nonce, o->nonce, o->nonce_size);
	b->nonce_size = o->nonce_size;
	if (o->activate) {
		_cleanup_(freep) uint8_t *cdata = NULL;
		char err[200];
		size_t clen;

		r = read_file_capped(o->activate, 64 * 1024, &cdata, &clen);
		if (r < 0)
			return log_error_errno(r, "attest: cannot read '%s'", o->activate);
		r = json_parse_capped(cdata, clen, 64 * 1024, 4, ret_challenge, err, sizeof(err));
		if (r < 0)
			return log_error_errno(r, "attest: '%s': %s", o->activate, err);
	}
	return 0;
}

/* The AK's public key as PEM, for enrolment. */
static int write_ak_pem(const struct bundle *b, const char *path)
{
	struct tpm2_public pub;
	_cleanup_(EVP_PKEY_freep) EVP_PKEY *pk = NULL;
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem;
	long n;
	int r;

	r = tpm2_public_parse(b->ak_public.data, b->ak_public.size, &pub, NULL);
	if (r >= 0)
		r = tpm2_public_to_pkey(&pub, &pk);
	if (r < 0 || !bio || PEM_write_bio_PUBKEY(bio, pk) != 1) {
		BIO_free(bio);
		return log_error_errno(r < 0 ? r : -EIO, "attest: cannot encode the AK");
	}
	n = BIO_get_mem_data(bio, &pem);
	r = write_file_atomic(path, pem, (size_t)n);
	BIO_free(bio);
	if (r < 0)
		return log_error_errno(r, "attest: cannot write '%s'", path);
	return 0;
}

int verb_attest(int argc, char *argv[])
{
	_cleanup_(bundle_freep) struct bundle *b = bundle_new();
	_cleanup_(json_decrefp) json_t *challenge = NULL, *j = NULL;
	_cleanup_(attest_options_done) struct attest_options o = {
		.quote = {.ak_type = AK_RSA_RSASSA, .pcr_mask = 0xffff},
	};
	char err[512];
	int r;

	if (!b)
		return log_error_errno(-ENOMEM, "attest");
	r = attest_parse_options(argc, argv, &o);
	if (r != VERB_PROCEED)
		return r;
	r = attest_read_inputs(&o, b, &challenge);
	if (r < 0)
		return r;
	o.quote.challenge = challenge;
	o.quote.challenge_name = o.activate;
	r = attest_quote(&o.quote, b, err, sizeof(err));
	if (o.quote.ret_ek_error)
		log_warning_errno(o.quote.ret_ek_error, "attest: cannot read the EK certificate; the "
				  "bundle says null");
	if (r < 0) {
		log_error("attest: %s", err);
		return r;
	}
	if (o.ak_pub_out && (r = write_ak_pem(b, o.ak_pub_out)) < 0)
		return r;
	r = bundle_to_json(b, &j);
	if (r < 0)
		return log_error_errno(r, "attest: cannot build the bundle");
	r = json_write_canonical(o.out, j);
	if (r < 0)
		return log_error_errno(r, "attest: cannot write '%s'", o.out);
	return EXIT_OK;
}

/* ---------------------------------------------------------------- verify */

/* The verifier's secret: written 0600 through a temporary file and rename (never partial). */
static int write_secret_json(const char *path, const json_t *j)
{
	_cleanup_(freep) char *text = NULL, *tmp = NULL;
	_cleanup_(closep) int fd = -1;
	size_t len;
	int r;

	r = json_dump_canonical(j, &text, &len);
	if (r < 0)
		return r;
	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0 || rename(tmp, path) < 0) {
		r = -errno ? -errno : -EIO;
		unlink(tmp);
		return r;
	}
	explicit_bzero(text, len);
	return 0;
}

static int load_credential_secret(const char *path, uint8_t **ret_secret, size_t *ret_size,
				  uint8_t **ret_name, size_t *ret_name_size)
{
	_cleanup_(freep) uint8_t *data = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	const char *sec, *name, *fmt;
	char err[200];
	size_t len;
	int r;

	r = read_file_capped(path, 4096, &data, &len);
	if (r < 0)
		return r;
	r = json_parse_capped(data, len, 4096, 4, &j, err, sizeof(err));
	if (r < 0)
		return r;
	if (json_get_string(j, "format", &fmt) < 0 || strcmp(fmt, CREDENTIAL_FORMAT) != 0 ||
	    json_get_string(j, "secret", &sec) < 0 || json_get_string(j, "ak_name", &name) < 0)
		return -EBADMSG;
	r = hex_decode_alloc(sec, 64, ret_secret, ret_size);
	if (r < 0)
		return r;
	return hex_decode_alloc(name, TPM2_NAME_MAX, ret_name, ret_name_size);
}

static void verify_help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof verify BUNDLE... --golden FILE --nonce HEX (--ak-pub FILE | --ca FILE...)\n"
		"\n"
		"Verifies quote bundles against a golden manifest: signature (scheme pinned by the\n"
		"signature), magic, type, nonce, PCR selection, pcrDigest, golden PCRs (per phase),\n"
		"replay of the firmware and userspace logs, runtime (PCR 14/15) records.\n"
		"Exit 0 only if everything holds; 3 with the specific reason otherwise.\n"
		"\n"
		"  --golden FILE        golden.json\n"
		"  --nonce HEX          the challenge sent to the machine\n"
		"  --ak-pub FILE        the trusted AK (PEM public key recorded at enrolment)\n"
		"  --ca FILE            EK certificate trust anchor(s), PEM; repeatable. Proves the EK\n"
		"                       certificate's chain only, not the AK (see docs/attest.md)\n"
		"  --runtime-pcrs LIST  PCRs replayed from the runtime log (default 14,15)\n"
		"  --make-credential F  with --ca only: write a credential challenge for the bundle's\n"
		"                       AK to the certified EK (F) and the secret to keep (F.secret)\n"
		"  --credential-secret F  with --ca only: trust the AK if the bundle carries the\n"
		"                       secret the machine's TPM released (bootproof attest --activate)\n"
		"  --json               print the verdict JSON instead of the summary\n"
		"  -o FILE              also write the verdict JSON to FILE\n"
		"  --html FILE          also write a report page for people (one bundle)\n");
}

static int add_ca_file(X509_STORE *store, const char *path)
{
	BIO *bio = BIO_new_file(path, "r");
	X509 *x;
	int n = 0;

	if (!bio)
		return -ENOENT;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (X509_STORE_add_cert(store, x) != 1) {
			X509_free(x);
			BIO_free(bio);
			return -EIO;
		}
		X509_free(x);
		n++;
	}
	BIO_free(bio);
	return n > 0 ? 0 : -EBADMSG;
}

static void print_summary(const json_t *v, FILE *f)
{
	const char *name = json_string_value(json_object_get(v, "bundle"));
	const char *reason = json_string_value(json_object_get(v, "reason"));
	const char *detail = json_string_value(json_object_get(v, "detail"));
	json_t *rt = json_object_get(v, "runtime"), *e;
	size_t i;

	fprintf(f, "%s: %s\n", name ? name : "?",
		json_is_true(json_object_get(v, "ok")) ? "VERIFIED" : "FAILED");
	if (!json_is_true(json_object_get(v, "ok")))
		fprintf(f, "  reason: %s: %s\n", reason ? reason : "?", detail ? detail : "");
	if (rt) {
		json_array_foreach(json_object_get(rt, "inputs"), i, e)
			fprintf(f, "  input  (PCR %lld) %s %s sha256:%s %s\n",
				json_integer_value(json_object_get(e, "pcr")),
				json_string_value(json_object_get(e, "type")),
				json_string_value(json_object_get(e, "path")),
				json_string_value(json_object_get(e, "sha256")),
				json_string_value(json_object_get(e, "label")));
		json_array_foreach(json_object_get(rt, "outputs"), i, e)
			fprintf(f, "  output (PCR %lld) %s %s sha256:%s %s\n",
				json_integer_value(json_object_get(e, "pcr")),
				json_string_value(json_object_get(e, "type")),
				json_string_value(json_object_get(e, "path")),
				json_string_value(json_object_get(e, "sha256")),
				json_string_value(json_object_get(e, "label")));
	}
}

/* verify's command line: the library's options and what the verb itself reads and writes. */
struct verify_cli {
	struct verify_options o;
	uint8_t *nonce, *cred_secret, *cred_name;
	EVP_PKEY *ak;
	X509_STORE *ca;
	const char *golden_path, *ak_path, *out, *make_credential, *html;
	bool json;
};

static void verify_cli_done(struct verify_cli *v)
{
	free(v->nonce);
	free(v->cred_secret);
	free(v->cred_name);
	EVP_PKEY_free(v->ak);
	X509_STORE_free(v->ca);
}

static const struct option verify_options_table[] = {
	{"help", no_argument, NULL, 'h'},
	{"golden", required_argument, NULL, 'g'},
	{"nonce", required_argument, NULL, 'n'},
	{"ak-pub", required_argument, NULL, 'a'},
	{"ca", required_argument, NULL, 'c'},
	{"runtime-pcrs", required_argument, NULL, 'R'},
	{"json", no_argument, NULL, 'j'},
	{"output", required_argument, NULL, 'o'},
	{"make-credential", required_argument, NULL, 'M'},
	{"credential-secret", required_argument, NULL, 'S'},
	{"html", required_argument, NULL, 'H'},
	{},
};

/* Returns VERB_PROCEED (argv[optind..] are the bundles), or the exit code to end with. */
static int verify_parse_options(int argc, char *argv[], struct verify_cli *v)
{
	int c, r;

	while ((c = getopt_long(argc, argv, "ho:", verify_options_table, NULL)) >= 0)
		switch (c) {
		case 'h':
			verify_help(stdout);
			return EXIT_OK;
		case 'g':
			v->golden_path = optarg;
			break;
		case 'n':
			if (parse_nonce("verify", optarg, &v->nonce, &v->o.nonce_size) < 0)
				return EXIT_USAGE;
			break;
		case 'a':
			v->ak_path = optarg; /* loaded while golden.json loads: verb_verify() */
			break;
		case 'c':
			if (!v->ca && !(v->ca = X509_STORE_new()))
				return log_error_errno(-ENOMEM, "verify");
			r = add_ca_file(v->ca, optarg);
			if (r < 0)
				return log_error_errno(r, "verify: cannot load --ca '%s' (PEM "
							  "certificates)", optarg);
			break;
		case 'R':
			if (pcr_list_parse(optarg, &v->o.runtime_pcrs) < 0) {
				log_error("verify: --runtime-pcrs '%s' is not a PCR list", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j':
			v->json = true;
			break;
		case 'o':
			v->out = optarg;
			break;
		case 'M':
			v->make_credential = optarg;
			break;
		case 'H':
			v->html = optarg;
			break;
		case 'S':
			r = load_credential_secret(optarg, &v->cred_secret, &v->o.credential_secret_size,
						   &v->cred_name, &v->o.credential_ak_name_size);
			if (r < 0)
				return log_error_errno(r, "verify: cannot load --credential-secret "
							  "'%s'", optarg);
			v->o.credential_secret = v->cred_secret;
			v->o.credential_ak_name = v->cred_name;
			break;
		default:
			verify_help(stderr);
			return EXIT_USAGE;
		}
	if (optind >= argc || !v->golden_path || !v->nonce || (!v->ak_path && !v->ca)) {
		log_error("verify: BUNDLE, --golden, --nonce and --ak-pub or --ca are required");
		return EXIT_USAGE;
	}
	if (v->html && argc - optind != 1) {
		log_error("verify: --html reports on one bundle");
		return EXIT_USAGE;
	}
	if ((v->make_credential || v->cred_secret) &&
	    (!v->ca || v->ak_path || argc - optind != 1)) {
		log_error("verify: --make-credential / --credential-secret need --ca, no --ak-pub, "
			  "and one bundle");
		return EXIT_USAGE;
	}
	v->o.nonce = v->nonce;
	v->o.ca = v->ca;
	return VERB_PROCEED;
}

/* golden.json, loaded on a second thread (helpers/background.h) while the main thread loads the
 * AK key and parses and checks the first bundle: the two halves cost about the same (jansson
 * parsing golden.json; OpenSSL's first key import and the bundle's JSON), so a verifier that
 * runs one process per quote waits for the longer of the two, not their sum (issue 9). */
struct golden_job {
	const char *path;
	struct golden *golden;
	struct background_job job; /* zeroed until started: joining it then is a no-op */
	bool logged;
	char err[512];
};

static int golden_job_run(void *userdata)
{
	struct golden_job *g = userdata;
	return golden_load_file(g->path, &g->golden, g->err, sizeof(g->err));
}

static void golden_job_start(struct golden_job *g)
{
	g->job = (struct background_job){.run = golden_job_run, .userdata = g};
	background_start(&g->job);
}

/* verify_options.golden_wait: joins the job (once; later calls return the same result). */
static int golden_job_wait(void *userdata, const struct golden **ret)
{
	struct golden_job *g = userdata;
	int r = background_join(&g->job);

	if (r < 0) {
		if (!g->logged)
			log_error_errno(r, "verify: golden manifest '%s': %s", g->path, g->err);
		g->logged = true;
		return r;
	}
	*ret = g->golden;
	return 0;
}

static void golden_job_done(struct golden_job *g)
{
	background_join(&g->job);
	golden_free(g->golden);
}

/* attest_verify_bundle() on each file; the summaries on stdout, the verdicts into all. */
static int verify_bundles(char *paths[], size_t n, struct verify_cli *v, json_t *all,
			  bool *ret_all_ok)
{
	bool all_ok = true;
	int r;

	for (size_t i = 0; i < n; i++) {
		_cleanup_(freep) uint8_t *data = NULL;
		json_t *verdict = NULL;
		size_t len;
		bool ok;

		r = read_file_capped(paths[i], BUNDLE_MAX_FILE_SIZE, &data, &len);
		if (r < 0)
			return log_error_errno(r, "verify: cannot read '%s'", paths[i]);
		r = attest_verify_bundle(data, len, paths[i], &v->o, &verdict, &ok);
		if (!v->o.golden) {
			/* golden.json is judged before any verdict is printed, even if this
			 * bundle failed before it needed it. */
			int rg = golden_job_wait(v->o.golden_wait_userdata, &v->o.golden);
			if (rg < 0) {
				json_decref(verdict);
				return rg;
			}
		}
		if (r < 0)
			return log_error_errno(r, "verify: cannot evaluate '%s'", paths[i]);
		all_ok = all_ok && ok;
		if (v->html && (r = verify_html_write(v->html, &(struct verify_report){
				.verdict = verdict, .golden = v->o.golden, .bundle = data,
				.bundle_size = len, .runtime_pcrs = v->o.runtime_pcrs})) < 0) {
			json_decref(verdict);
			return log_error_errno(r, "verify: cannot write '%s'", v->html);
		}
		if (!v->json)
			print_summary(verdict, stdout);
		if (json_array_append_new(all, verdict) < 0)
			return log_error_errno(-ENOMEM, "verify");
	}
	*ret_all_ok = all_ok;
	return 0;
}

/* The verdict JSON (one object for one bundle) on stdout and/or into a file. */
static int write_verdicts(const struct verify_cli *v, json_t *all)
{
	json_t *doc = json_array_size(all) == 1 ? json_array_get(all, 0) : all;
	int r;

	if (v->json) {
		r = json_write_canonical("-", doc);
		if (r < 0)
			return log_error_errno(r, "verify: cannot write the verdict");
	}
	if (v->out) {
		r = json_write_canonical(v->out, doc);
		if (r < 0)
			return log_error_errno(r, "verify: cannot write '%s'", v->out);
	}
	return 0;
}

/* --make-credential: the challenge for the machine, and the secret the verifier keeps. */
static int write_credential(const char *path, const json_t *challenge, const json_t *secret)
{
	_cleanup_(freep) char *secret_path = NULL;
	int r;

	r = json_write_canonical(path, challenge);
	if (r < 0)
		return log_error_errno(r, "verify: cannot write '%s'", path);
	if (asprintf(&secret_path, "%s.secret", path) < 0)
		return log_error_errno(-ENOMEM, "verify");
	r = write_secret_json(secret_path, secret);
	if (r < 0)
		return log_error_errno(r, "verify: cannot write '%s'", secret_path);
	log_info("verify: credential challenge in '%s', its secret in '%s'", path, secret_path);
	return 0;
}

int verb_verify(int argc, char *argv[])
{
	_cleanup_(verify_cli_done) struct verify_cli v = {
		.o = {.runtime_pcrs = (1u << 14) | (1u << 15)},
	};
	_cleanup_(golden_job_done) struct golden_job golden = {};
	_cleanup_(json_decrefp) json_t *challenge = NULL, *challenge_secret = NULL;
	_cleanup_(json_decrefp) json_t *all = json_array();
	bool all_ok = true;
	int r;

	if (!all)
		return -ENOMEM;
	r = verify_parse_options(argc, argv, &v);
	if (r != VERB_PROCEED)
		return r;
	if (v.make_credential) {
		v.o.ret_challenge = &challenge;
		v.o.ret_challenge_secret = &challenge_secret;
	}
	golden.path = v.golden_path;
	golden_job_start(&golden);
	v.o.golden_wait = golden_job_wait;
	v.o.golden_wait_userdata = &golden;
	if (v.ak_path) {
		r = manifest_load_public_key(v.ak_path, &v.ak);
		if (r < 0)
			return log_error_errno(r, "verify: cannot load --ak-pub '%s'", v.ak_path);
		v.o.ak = v.ak;
	}
	r = verify_bundles(argv + optind, (size_t)(argc - optind), &v, all, &all_ok);
	if (r < 0)
		return r;
	r = write_verdicts(&v, all);
	if (r < 0)
		return r;
	if (v.make_credential && challenge && challenge_secret) {
		r = write_credential(v.make_credential, challenge, challenge_secret);
		if (r < 0)
			return r;
	}
	return all_ok ? EXIT_OK : EXIT_MISMATCH;
}

/* ---------------------------------------------------------------- manifest */

static void manifest_help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof manifest sign --key KEY.pem [-o SIG] FILE\n"
		"       bootproof manifest verify --key PUB.pem [--signature SIG] [--check] FILE\n"
		"\n"
		"Detached signatures over release files (SHA256SUMS). RSA and EC keys sign SHA-256\n"
		"(as 'openssl dgst -sha256 -sign'), Ed25519 keys sign the file itself. SIG defaults to\n"
		"FILE.sig. --check also verifies every file listed in a SHA256SUMS file (relative to\n"
		"its directory). Exit 3 when a signature or a digest does not match.\n");
}

static const struct option manifest_sign_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"key", required_argument, NULL, 'k'},
	{"output", required_argument, NULL, 'o'},
	{},
};

static int manifest_sign_verb(int argc, char *argv[])
{
	_cleanup_(EVP_PKEY_freep) EVP_PKEY *key = NULL;
	_cleanup_(freep) uint8_t *data = NULL, *sig = NULL;
	_cleanup_(freep) char *def = NULL;
	const char *key_path = NULL, *out = NULL;
	size_t len, sig_len;
	int c, r;

	while ((c = getopt_long(argc, argv, "hk:o:", manifest_sign_options, NULL)) >= 0)
		switch (c) {
		case 'h':
			manifest_help(stdout);
			return EXIT_OK;
		case 'k':
			key_path = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			manifest_help(stderr);
			return EXIT_USAGE;
		}
	if (!key_path || optind != argc - 1) {
		log_error("manifest sign: --key and exactly one FILE are required");
		return EXIT_USAGE;
	}
	r = manifest_load_private_key(key_path, &key);
	if (r < 0)
		return log_error_errno(r, "manifest sign: cannot load the private key '%s'",
				       key_path);
	r = read_file_capped(argv[optind], MANIFEST_MAX_SIZE, &data, &len);
	if (r < 0)
		return log_error_errno(r, "manifest sign: cannot read '%s'", argv[optind]);
	r = manifest_sign(key, data, len, &sig, &sig_len);
	if (r < 0)
		return log_error_errno(r, "manifest sign: signing failed (RSA, EC or Ed25519 keys)");
	if (!out) {
		if (asprintf(&def, "%s.sig", argv[optind]) < 0)
			return log_error_errno(-ENOMEM, "manifest sign");
		out = def;
	}
	r = write_file_atomic(out, sig, sig_len);
	if (r < 0)
		return log_error_errno(r, "manifest sign: cannot write '%s'", out);
	return EXIT_OK;
}

static const struct option manifest_verify_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"key", required_argument, NULL, 'k'},
	{"signature", required_argument, NULL, 's'},
	{"check", no_argument, NULL, 'C'},
	{},
};

static int manifest_verify_verb(int argc, char *argv[])
{
	_cleanup_(EVP_PKEY_freep) EVP_PKEY *key = NULL;
	_cleanup_(freep) uint8_t *data = NULL, *sig = NULL;
	_cleanup_(freep) char *def = NULL, *dir = NULL;
	const char *key_path = NULL, *sig_path = NULL;
	bool check = false;
	size_t len, sig_len;
	char err[512];
	int c, r;

	while ((c = getopt_long(argc, argv, "hk:s:", manifest_verify_options, NULL)) >= 0)
		switch (c) {
		case 'h':
			manifest_help(stdout);
			return EXIT_OK;
		case 'k':
			key_path = optarg;
			break;
		case 's':
			sig_path = optarg;
			break;
		case 'C':
			check = true;
			break;
		default:
			manifest_help(stderr);
			return EXIT_USAGE;
		}
	if (!key_path || optind != argc - 1) {
		log_error("manifest verify: --key and exactly one FILE are required");
		return EXIT_USAGE;
	}
	if (!sig_path) {
		if (asprintf(&def, "%s.sig", argv[optind]) < 0)
			return log_error_errno(-ENOMEM, "manifest verify");
		sig_path = def;
	}
	r = manifest_load_public_key(key_path, &key);
	if (r < 0)
		return log_error_errno(r, "manifest verify: cannot load the public key '%s'",
				       key_path);
	r = read_file_capped(argv[optind], MANIFEST_MAX_SIZE, &data, &len);
	if (r < 0)
		return log_error_errno(r, "manifest verify: cannot read '%s'", argv[optind]);
	r = read_file_capped(sig_path, MANIFEST_MAX_SIG, &sig, &sig_len);
	if (r < 0)
		return log_error_errno(r, "manifest verify: cannot read '%s'", sig_path);
	r = manifest_verify(key, data, len, sig, sig_len);
	if (r < 0)
		return log_error_errno(r, "manifest verify: cannot verify (RSA, EC or Ed25519 keys)");
	if (r == 0) {
		log_error("manifest verify: '%s' is not a valid signature of '%s' by '%s'", sig_path,
			  argv[optind], key_path);
		return EXIT_MISMATCH;
	}
	if (check) {
		const char *slash = strrchr(argv[optind], '/');
		dir = slash ? strndup(argv[optind], (size_t)(slash - argv[optind])) : strdup(".");
		if (!dir)
			return log_error_errno(-ENOMEM, "manifest verify");
		r = manifest_check_sums(data, len, dir, err, sizeof(err));
		if (r != 0) {
			log_error("manifest verify: %s: %s", argv[optind], err);
			return r == 1 || r == -EBADMSG || r == -EEXIST || r == -ENOENT ? EXIT_MISMATCH
										: EXIT_ERROR;
		}
	}
	printf("%s: signature OK%s\n", argv[optind], check ? ", every listed file matches" : "");
	return EXIT_OK;
}

int verb_manifest(int argc, char *argv[])
{
	static const struct verb verbs[] = {
		{"sign", manifest_sign_verb, "write a detached signature of a file"},
		{"verify", manifest_verify_verb, "check a detached signature (and SHA256SUMS)"},
	};

	return verb_dispatch_group(verbs, ARRAY_SIZE(verbs), "bootproof manifest", manifest_help,
				   argc, argv);
}

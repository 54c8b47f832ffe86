/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `attest` (docs/attest.md): a quote bundle on the machine. Option parsing, I/O and the one
 * log line per failure; the logic is in attest/. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "fileio.h"
#include "json.h"
#include "log.h"
#include "measure-attest.h"
#include "measure-verbs.h"
#include "verb-options.h"
#include "verbs.h"

#define FIRMWARE_LOG_DEFAULT "/sys/kernel/security/tpm0/binary_bios_measurements"

static void attest_help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof attest --nonce HEX -o FILE [OPTIONS]\n"
		"\n"
		"Quotes PCRs 0-15 of every active bank with an attestation key and writes bundle.json:\n"
		"quote, signature, PCR values, AK public key, EK certificate (if the TPM has one),\n"
		"the firmware and userspace event logs and container_measurements.json. The quote's\n"
		"qualifying data is H(nonce, H(every other field)): none can be swapped afterwards.\n"
		"\n"
		"  --nonce HEX            the verifier's challenge (1-64 bytes)\n"
		"  -o --output FILE       bundle.json ('-' = stdout)\n"
		"  --tcti CONF            TCTI (default: $TPM2TOOLS_TCTI, $TCTI, $TSS2_TCTI, device)\n"
		"  --ak SOURCE            create (default): bootproof's own AK; gce: the AK from the\n"
		"                         vTPM's NV template and its certificate (RSA, or ECC with\n"
		"                         --ak-type ecc); azure: the persistent AK 0x81000003 and its\n"
		"                         certificate; auto: gce or azure, whichever the TPM has\n"
		"  --ak-chain FILE        with --ak gce|azure: PEM intermediates of the AK certificate\n"
		"                         to put in the bundle (ak.intermediates)\n"
		"  --ak-handle HANDLE     use a persistent AK (0x81...) instead of creating one\n"
		"  --ak-type T            rsa (RSASSA, default), rsapss or ecc (ECDSA P-256)\n"
		"  --ak-pub-out FILE      also write the AK public key as PEM (for enrolment)\n"
		"  --pcrs LIST            PCRs to quote (default 0-15)\n"
		"  --quote-per-bank       one quote per active bank (\"quotes\") instead of one quote\n"
		"                         over every bank\n"
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
	const char *luks_device, *ak_chain;
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
	{"ak", required_argument, NULL, 'K'},
	{"ak-chain", required_argument, NULL, 'C'},
	{"ak-pub-out", required_argument, NULL, 'P'},
	{"pcrs", required_argument, NULL, 'p'},
	{"quote-per-bank", no_argument, NULL, 'Q'},
	{"eventlog", required_argument, NULL, 'e'},
	{"userspace-log", required_argument, NULL, 'u'},
	{"containers", required_argument, NULL, 'c'},
	{"activate", required_argument, NULL, 'A'},
	{"luks-device", required_argument, NULL, 'L'},
	{},
};

/* The AK options: --ak-handle, --ak-type, --ak SOURCE and --ak-chain FILE (the cloud's certified
 * AK, cloud-ak.h). Logs a usage error. */
static int attest_parse_ak_option(int c, const char *arg, struct attest_options *o)
{
	switch (c) {
	case 'H': {
		char *end;
		unsigned long v;
		errno = 0;
		v = strtoul(arg, &end, 0);
		if (errno || *end || (v >> 24) != 0x81) {
			log_error("attest: --ak-handle '%s' is not a persistent handle "
				  "(0x81xxxxxx)", arg);
			return -EINVAL;
		}
		o->quote.ak_handle = (uint32_t)v;
		break;
	}
	case 't':
		if (strcmp(arg, "rsa") == 0)
			o->quote.ak_type = AK_RSA_RSASSA;
		else if (strcmp(arg, "rsapss") == 0)
			o->quote.ak_type = AK_RSA_RSAPSS;
		else if (strcmp(arg, "ecc") == 0)
			o->quote.ak_type = AK_ECC_ECDSA;
		else {
			log_error("attest: --ak-type must be rsa, rsapss or ecc");
			return -EINVAL;
		}
		break;
	case 'C':
		o->ak_chain = arg;
		break;
	default: /* 'K' */
		if (cloud_ak_from_string(arg, &o->quote.cloud) < 0) {
			log_error("attest: --ak must be create, gce, azure or auto");
			return -EINVAL;
		}
	}
	return 0;
}

static int attest_check_cloud_options(const struct attest_options *o)
{
	if (o->ak_chain && o->quote.cloud == CLOUD_AK_NONE) {
		log_error("attest: --ak-chain goes with --ak gce|azure|auto");
		return -EINVAL;
	}
	if (o->quote.cloud != CLOUD_AK_NONE &&
	    (o->quote.ak_handle || o->quote.ak_type == AK_RSA_RSAPSS)) {
		log_error("attest: --ak %s takes the cloud's own key: no --ak-handle, and --ak-type "
			  "only rsa or ecc", cloud_ak_to_string(o->quote.cloud));
		return -EINVAL;
	}
	return 0;
}

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
		case 'H':
		case 't':
		case 'K':
		case 'C':
			if (attest_parse_ak_option(c, optarg, o) < 0)
				return EXIT_USAGE;
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
		case 'Q':
			o->quote.per_bank = true;
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
	return attest_check_cloud_options(o) < 0 ? EXIT_USAGE : VERB_PROCEED;
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
		char err[256] = "";
		size_t meta_len;
		r = luks2_read_metadata(o->luks_device, &meta, &meta_len, err, sizeof(err));
		if (r < 0)
			return log_error_reason(r, err, "attest: --luks-device '%s'", o->luks_device);
		r = blob_set(&b->luks2_metadata, meta, meta_len);
		if (r < 0)
			return log_error_errno(r, "attest");
	}
	if (o->ak_chain) {
		char err[300] = "";
		r = ak_chain_load_pem(o->ak_chain, b->ak_intermediates, BUNDLE_MAX_AK_INTERMEDIATES,
				      &b->n_ak_intermediates, err, sizeof(err));
		if (r < 0)
			return log_error_reason(r, err, "attest: --ak-chain");
	}
	memcpy(b->nonce, o->nonce, o->nonce_size);
	b->nonce_size = o->nonce_size;
	if (o->activate) {
		_cleanup_(freep) uint8_t *cdata = NULL;
		char err[200] = "";
		size_t clen;

		r = read_file_capped(o->activate, 64 * 1024, &cdata, &clen);
		if (r < 0)
			return log_error_errno(r, "attest: cannot read '%s'", o->activate);
		r = json_parse_capped(cdata, clen, 64 * 1024, 4, ret_challenge, err, sizeof(err));
		if (r < 0)
			return log_error_reason(r, err, "attest: '%s'", o->activate);
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

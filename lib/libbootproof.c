/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libbootproof (bootproof.h): thin wrappers that load files the way `bootproof verify` and
 * `bootproof eventlog replay` do and call the same functions (attest_verify_bundle(),
 * replay_log()), so the library and the CLI cannot disagree. Nothing here logs: every failure
 * becomes a negative errno and a sentence in *ret_error. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include "bootproof.h"
#include "fileio.h"
#include "hexstr.h"
#include "json.h"
#include "macro.h"
#include "measure-attest.h"
#include "measure-eventlog.h"

#define EXPORT __attribute__((visibility("default")))

struct bootproof_verifier {
	struct verify_options o;
	struct golden *golden;
	uint8_t *nonce;
	EVP_PKEY *ak;
	X509_STORE *ca;
};

/* Sets *ret_error (if wanted) to the formatted message, plus ": strerror(r)" if r names a
 * system error; returns r. */
static int fail(int r, char **ret_error, bool with_errno, const char *fmt, ...) _printf_(4, 5);
static int fail(int r, char **ret_error, bool with_errno, const char *fmt, ...)
{
	_cleanup_(freep) char *msg = NULL;
	va_list ap;
	int n;

	if (!ret_error)
		return r;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	*ret_error = NULL;
	if (n < 0)
		return r;
	if (!with_errno) {
		*ret_error = TAKE_PTR(msg);
		return r;
	}
	if (asprintf(ret_error, "%s: %s", msg, strerror(-r)) < 0)
		*ret_error = NULL;
	return r;
}

EXPORT const char *bootproof_version(void)
{
	return BOOTPROOF_VERSION;
}

EXPORT void bootproof_free(void *p)
{
	free(p);
}

EXPORT void bootproof_verifier_free(bootproof_verifier *v)
{
	if (!v)
		return;
	golden_free(v->golden);
	free(v->nonce);
	EVP_PKEY_free(v->ak);
	X509_STORE_free(v->ca);
	free(v);
}

EXPORT int bootproof_verifier_new(const char *golden_path, const char *nonce_hex,
				  bootproof_verifier **ret, char **ret_error)
{
	bootproof_verifier *v;
	char err[512] = "";
	int r;

	if (!golden_path || !nonce_hex || !ret)
		return fail(-EINVAL, ret_error, false, "golden path, nonce and result are required");
	v = calloc(1, sizeof(*v));
	if (!v)
		return fail(-ENOMEM, ret_error, true, "verifier");
	v->o.runtime_pcrs = (1u << 14) | (1u << 15); /* verify's default */
	if (hex_decode_alloc(nonce_hex, BUNDLE_MAX_NONCE, &v->nonce, &v->o.nonce_size) < 0 ||
	    v->o.nonce_size == 0) {
		bootproof_verifier_free(v);
		return fail(-EINVAL, ret_error, false,
			    "the nonce must be 1-%u bytes of lowercase hex", BUNDLE_MAX_NONCE);
	}
	v->o.nonce = v->nonce;
	r = golden_load_file(golden_path, &v->golden, err, sizeof(err));
	if (r < 0) {
		bootproof_verifier_free(v);
		return fail(r, ret_error, !err[0], "golden manifest '%s': %s", golden_path, err);
	}
	v->o.golden = v->golden;
	*ret = v;
	return 0;
}

EXPORT int bootproof_verifier_set_ak_pub(bootproof_verifier *v, const char *pem_path,
					 char **ret_error)
{
	EVP_PKEY *ak = NULL;
	int r;

	if (!v || !pem_path)
		return fail(-EINVAL, ret_error, false, "verifier and AK path are required");
	r = manifest_load_public_key(pem_path, &ak);
	if (r < 0)
		return fail(r, ret_error, true, "cannot load --ak-pub '%s'", pem_path);
	EVP_PKEY_free(v->ak);
	v->ak = ak;
	v->o.ak = ak;
	return 0;
}

/* The CLI's add_ca_file(): every PEM certificate of the file into the store, at least one. */
EXPORT int bootproof_verifier_add_ca(bootproof_verifier *v, const char *pem_path,
				     char **ret_error)
{
	BIO *bio;
	X509 *x;
	int n = 0, r = 0;

	if (!v || !pem_path)
		return fail(-EINVAL, ret_error, false, "verifier and CA path are required");
	if (!v->ca && !(v->ca = X509_STORE_new()))
		return fail(-ENOMEM, ret_error, true, "CA store");
	bio = BIO_new_file(pem_path, "r");
	if (!bio)
		return fail(-ENOENT, ret_error, true, "cannot load --ca '%s' (PEM certificates)",
			    pem_path);
	while (r == 0 && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (X509_STORE_add_cert(v->ca, x) != 1)
			r = -EIO;
		X509_free(x);
		n++;
	}
	BIO_free(bio);
	if (r == 0 && n == 0)
		r = -EBADMSG;
	if (r < 0)
		return fail(r, ret_error, true, "cannot load --ca '%s' (PEM certificates)",
			    pem_path);
	v->o.ca = v->ca;
	return 0;
}

EXPORT int bootproof_verifier_set_runtime_pcrs(bootproof_verifier *v, uint32_t mask)
{
	if (!v || (mask >> TPM2_PCR_COUNT) != 0)
		return -EINVAL;
	v->o.runtime_pcrs = mask;
	return 0;
}

EXPORT int bootproof_verify(bootproof_verifier *v, const void *bundle, size_t bundle_size,
			    const char *name, char **ret_verdict, char **ret_error)
{
	_cleanup_(json_decrefp) json_t *verdict = NULL;
	char *text = NULL;
	size_t len;
	bool ok;
	int r;

	if (!v || (!bundle && bundle_size > 0) || !name || !ret_verdict)
		return fail(-EINVAL, ret_error, false, "verifier, bundle, name and result are "
						       "required");
	if (!v->o.ak && !v->o.ca)
		return fail(-EINVAL, ret_error, false, "an AK (--ak-pub) or a CA (--ca) is "
						       "required");
	if (bundle_size > BUNDLE_MAX_FILE_SIZE)
		return fail(-EFBIG, ret_error, true, "cannot read '%s'", name);
	r = attest_verify_bundle(bundle_size ? bundle : (const void *)"", bundle_size, name, &v->o,
				 &verdict, &ok);
	if (r < 0)
		return fail(r, ret_error, true, "cannot evaluate '%s'", name);
	r = json_dump_canonical(verdict, &text, &len);
	if (r < 0)
		return fail(r, ret_error, true, "cannot write the verdict");
	*ret_verdict = text;
	return ok ? BOOTPROOF_VERIFIED : BOOTPROOF_REFUSED;
}

EXPORT int bootproof_verify_file(bootproof_verifier *v, const char *path, char **ret_verdict,
				 char **ret_error)
{
	_cleanup_(freep) uint8_t *data = NULL;
	size_t len;
	int r;

	if (!v || !path || !ret_verdict)
		return fail(-EINVAL, ret_error, false, "verifier, path and result are required");
	r = read_file_capped(path, BUNDLE_MAX_FILE_SIZE, &data, &len);
	if (r < 0)
		return fail(r, ret_error, true, "cannot read '%s'", path);
	return bootproof_verify(v, data, len, path, ret_verdict, ret_error);
}

/* The parse half of `eventlog replay`'s load_logs(), from memory. */
static int parse_logs(const void *fw_data, size_t fw_size, const void *sd_data, size_t sd_size,
		      struct evlog **fw, struct sdlog **sd, char **ret_error)
{
	struct record_error e = {};
	int r;

	if (fw_data) {
		if (fw_size > EVLOG_MAX_LOG_SIZE)
			return fail(-EFBIG, ret_error, true, "firmware log");
		r = evlog_parse(fw_data, fw_size, fw, &e);
		if (r < 0)
			return fail(r, ret_error, true, "firmware log: event %zu at offset 0x%zx: %s",
				    e.index, e.offset, e.what);
	}
	if (sd_data) {
		if (sd_size > SDLOG_MAX_LOG_SIZE)
			return fail(-EFBIG, ret_error, true, "userspace log");
		r = sdlog_parse(sd_data, sd_size, sd, &e);
		if (r < 0)
			return fail(r, ret_error, true, "userspace log: record %zu at offset 0x%zx: %s",
				    e.index, e.offset, e.what);
	}
	return 0;
}

EXPORT int bootproof_replay(const void *firmware_log, size_t firmware_size,
			    const void *userspace_log, size_t userspace_size, const char *banks,
			    char **ret_json, char **ret_error)
{
	_cleanup_(evlog_freep) struct evlog *fw = NULL;
	_cleanup_(sdlog_freep) struct sdlog *sd = NULL;
	_cleanup_(freep) struct replay_pcrs *pcrs = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	unsigned mask = 0;
	size_t len;
	int r;

	if (!ret_json || (!firmware_log && !userspace_log))
		return fail(-EINVAL, ret_error, false, "a log and a result are required");
	if (banks && bank_mask_parse(banks, &mask) < 0)
		return fail(-EINVAL, ret_error, false, "unknown bank in '%s'", banks);
	r = parse_logs(firmware_log, firmware_size, userspace_log, userspace_size, &fw, &sd,
		       ret_error);
	if (r < 0)
		return r;
	if (fw && (mask & ~fw->banks))
		return fail(-EINVAL, ret_error, false, "the log has no %s bank",
			    bank_name((enum bank)__builtin_ctz(mask & ~fw->banks)));
	pcrs = malloc(sizeof(*pcrs));
	if (!pcrs)
		return fail(-ENOMEM, ret_error, true, "replay");
	r = replay_log(fw, sd, mask, pcrs);
	if (r < 0)
		return fail(r, ret_error, true, "replay failed (StartupLocality out of place?)");
	j = replay_to_json(pcrs, false);
	if (!j)
		return fail(-ENOMEM, ret_error, true, "replay");
	r = json_dump_canonical(j, ret_json, &len);
	if (r < 0)
		return fail(r, ret_error, true, "replay");
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine side of attestation; see attest-quote.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attest-quote.h"
#include "credential.h"
#include "errbuf.h"
#include "hexstr.h"
#include "json.h"
#include "quote-verify.h"

/* Round 2 of credential activation on the machine: the secret into the bundle. */
static int activate_credential(struct tpm *t, const struct ak *ak, json_t *challenge,
			       struct bundle *b)
{
	_cleanup_(freep) uint8_t *blob = NULL, *enc = NULL, *want_name = NULL;
	const char *fmt, *h_name, *h_blob, *h_enc;
	struct tpm2_public pub;
	uint8_t name[TPM2_NAME_MAX], secret[64];
	size_t blob_size, enc_size, want_size, name_size, secret_size;
	int r;

	if (json_get_string(challenge, "format", &fmt) < 0 || strcmp(fmt, CREDENTIAL_FORMAT) != 0 ||
	    json_get_string(challenge, "ak_name", &h_name) < 0 ||
	    json_get_string(challenge, "credential_blob", &h_blob) < 0 ||
	    json_get_string(challenge, "encrypted_secret", &h_enc) < 0)
		return -EBADMSG;
	if (hex_decode_alloc(h_blob, 1024, &blob, &blob_size) < 0 ||
	    hex_decode_alloc(h_enc, 1024, &enc, &enc_size) < 0 ||
	    hex_decode_alloc(h_name, TPM2_NAME_MAX, &want_name, &want_size) < 0)
		return -EBADMSG;
	r = tpm2_public_parse(ak->public, ak->public_size, &pub, NULL);
	if (r < 0)
		return r;
	r = tpm2_public_name(&pub, name, &name_size);
	if (r < 0)
		return r;
	if (want_size != name_size || memcmp(want_name, name, name_size) != 0)
		return -ENOKEY; /* made for another AK */
	r = tpm_activate_credential(t, ak, blob, blob_size, enc, enc_size, secret, sizeof(secret),
				    &secret_size);
	if (r < 0)
		return r;
	r = blob_set(&b->credential, secret, secret_size);
	explicit_bzero(secret, sizeof(secret));
	return r;
}

/* The EK certificate if the TPM has one; a missing one leaves the bundle's null. */
static int read_ek_certificate(struct tpm *t, struct bundle *b, int *ret_error)
{
	uint8_t *ek = NULL;
	size_t ek_size;
	int r = tpm_read_ek_certificate(t, &ek, &ek_size);

	if (r < 0) {
		*ret_error = r == -ENOENT ? 0 : r;
		return 0;
	}
	r = blob_set(&b->ek_certificate, ek, ek_size);
	free(ek);
	return r;
}

/* Whether a quote's pcrDigest is the digest of the values read after it. */
static int quote_matches(const struct blob *attest, const struct blob *signature,
			 const struct pcr_values *pcrs, bool *ret, char *err, size_t err_size)
{
	struct tpm2_attest a;
	struct tpm2_signature sig;
	uint8_t digest[DIGEST_MAX];
	int r;

	if (tpm2_attest_parse(attest->data, attest->size, &a, NULL) < 0 ||
	    tpm2_signature_parse(signature->data, signature->size, &sig, NULL) < 0 ||
	    bank_from_tpm_alg(sig.hash_alg) < 0)
		return errbuf_set(err, err_size, -EBADMSG, "the TPM returned a quote bootproof "
				  "cannot decode: %s", strerror(EBADMSG));
	r = quote_pcr_digest(&a.pcr_select, pcrs, bank_from_tpm_alg(sig.hash_alg), digest);
	if (r < 0)
		return errbuf_set(err, err_size, r, "cannot compute the PCR digest: %s",
				  strerror(-r));
	*ret = memcmp(digest, a.pcr_digest, a.pcr_digest_size) == 0;
	return 0;
}

/* --quote-per-bank: one TPM2_Quote per active bank into b->quotes (in bank order), then the
 * PCRs; retry if a PCR moved in between. b->n_quotes is already the number of banks (bound). */
static int quote_each_bank(struct tpm *t, const struct ak *ak, const uint32_t sel[_BANK_MAX],
			   const uint8_t qualifying[BUNDLE_BINDING_DIGEST], struct bundle *b,
			   char *err, size_t err_size)
{
	for (int attempt = 0;; attempt++) {
		bool all = true;
		size_t i = 0;
		int r;

		for (enum bank k = 0; k < _BANK_MAX; k++) {
			uint32_t one[_BANK_MAX] = {};
			struct bundle_quote *q;

			if (!sel[k])
				continue;
			q = &b->quotes[i++];
			free(q->attest.data);
			free(q->signature.data);
			q->attest = q->signature = (struct blob){};
			one[k] = sel[k];
			r = tpm_quote(t, ak, qualifying, BUNDLE_BINDING_DIGEST, one, &q->attest.data,
				      &q->attest.size, &q->signature.data, &q->signature.size);
			if (r < 0)
				return errbuf_set(err, err_size, r, "TPM2_Quote of bank %s failed: %s",
						  bank_name(k), strerror(-r));
			q->attest.present = q->signature.present = true;
		}
		r = tpm_pcr_read(t, sel, &b->pcrs, NULL);
		if (r < 0)
			return errbuf_set(err, err_size, r, "TPM2_PCR_Read failed: %s", strerror(-r));
		for (size_t j = 0; j < i && all; j++) {
			r = quote_matches(&b->quotes[j].attest, &b->quotes[j].signature, &b->pcrs,
					  &all, err, err_size);
			if (r < 0)
				return r;
		}
		if (all)
			return 0;
		if (attempt >= 4)
			return errbuf_set(err, err_size, -EAGAIN, "PCRs keep changing during the "
					  "quotes: %s", strerror(EAGAIN));
	}
}

/* Quote over qualifying (bundle-binding.h), then read the PCRs; retry if a PCR moved in
 * between (the digest check). */
static int quote_stable_pcrs(struct tpm *t, const struct ak *ak, const uint32_t sel[_BANK_MAX],
			     const uint8_t qualifying[BUNDLE_BINDING_DIGEST], struct bundle *b,
			     char *err, size_t err_size)
{
	for (int attempt = 0;; attempt++) {
		bool match;
		int r;

		free(b->attest.data);
		free(b->signature.data);
		b->attest = b->signature = (struct blob){};
		r = tpm_quote(t, ak, qualifying, BUNDLE_BINDING_DIGEST, sel, &b->attest.data,
			      &b->attest.size, &b->signature.data, &b->signature.size);
		if (r < 0)
			return errbuf_set(err, err_size, r, "TPM2_Quote failed: %s", strerror(-r));
		b->attest.present = b->signature.present = true;
		r = tpm_pcr_read(t, sel, &b->pcrs, NULL);
		if (r < 0)
			return errbuf_set(err, err_size, r, "TPM2_PCR_Read failed: %s", strerror(-r));
		r = quote_matches(&b->attest, &b->signature, &b->pcrs, &match, err, err_size);
		if (r < 0)
			return r;
		if (match)
			return 0;
		if (attempt >= 4)
			return errbuf_set(err, err_size, -EAGAIN, "PCRs keep changing during the "
					  "quote: %s", strerror(EAGAIN));
	}
}

/* The cloud's AK and its certificate (cloud-ak.h) into the bundle. */
static int open_cloud_ak(struct tpm *t, struct ak *ak, struct attest_quote_options *o,
			 struct bundle *b, char *err, size_t err_size)
{
	uint8_t *cert = NULL;
	size_t cert_size;
	int r = cloud_ak_open(t, o->cloud, o->ak_type, ak, &cert, &cert_size, err, err_size);

	if (r < 0)
		return r;
	r = blob_set(&b->ak_certificate, cert, cert_size);
	free(cert);
	return r < 0 ? errbuf_set(err, err_size, r, "%s", strerror(-r)) : 0;
}

/* Everything after the TPM is open; the caller closes it. */
static int quote_with_ak(struct tpm *t, struct ak *ak, struct attest_quote_options *o,
			 struct bundle *b, char *err, size_t err_size)
{
	uint32_t sel[_BANK_MAX] = {};
	uint8_t qualifying[BUNDLE_BINDING_DIGEST];
	unsigned banks, unknown;
	int r;

	r = tpm_active_banks(t, &banks, &unknown);
	if (r < 0)
		return errbuf_set(err, err_size, r, "cannot list the active PCR banks: %s",
				  strerror(-r));
	if (unknown)
		return errbuf_set(err, err_size, -EOPNOTSUPP, "the TPM has %u active PCR bank(s) "
				  "bootproof cannot verify (e.g. SM3): %s", unknown,
				  strerror(EOPNOTSUPP));
	if (o->cloud != CLOUD_AK_NONE) {
		r = open_cloud_ak(t, ak, o, b, err, err_size);
		if (r < 0)
			return r;
	} else
		r = o->ak_handle ? tpm_load_ak(t, o->ak_handle, ak) : tpm_create_ak(t, o->ak_type, ak);
	if (r < 0)
		return errbuf_set(err, err_size, r, "cannot %s the attestation key: %s",
				  o->ak_handle ? "load" : "create", strerror(-r));
	r = blob_set(&b->ak_public, ak->public, ak->public_size);
	if (r < 0)
		return errbuf_set(err, err_size, r, "%s", strerror(-r));
	if (o->challenge) {
		r = activate_credential(t, ak, o->challenge, b);
		if (r < 0)
			return errbuf_set(err, err_size, r, "credential activation with '%s' failed "
					  "(another TPM, another AK, or not an RSA EK): %s",
					  o->challenge_name, strerror(-r));
	}
	r = read_ek_certificate(t, b, &o->ret_ek_error);
	if (r < 0)
		return errbuf_set(err, err_size, r, "%s", strerror(-r));
	FOREACH_BANK(k, banks) sel[k] = o->pcr_mask;
	if (o->per_bank) {
		/* binding.quotes names the quoted banks: the banks "pcrs" will have */
		FOREACH_BANK(k, banks) {
			b->pcrs.mask[k] = o->pcr_mask;
			b->n_quotes++;
		}
	}
	/* Every field is in the bundle by now (logs read before, AK, credential, EK certificate
	 * above): bind them all into the quote. */
	r = bundle_bind(b, qualifying);
	if (r < 0)
		return errbuf_set(err, err_size, r, "cannot hash the bundle's fields: %s",
				  strerror(-r));
	if (o->per_bank)
		return quote_each_bank(t, ak, sel, qualifying, b, err, err_size);
	return quote_stable_pcrs(t, ak, sel, qualifying, b, err, err_size);
}

int attest_quote(struct attest_quote_options *o, struct bundle *b, char *err, size_t err_size)
{
	const char *tcti = tpm_tcti_choose(o->tcti);
	struct ak ak = {.handle = ESYS_TR_NONE};
	struct tpm t = {};
	int r;

	o->ret_ek_error = 0;
	r = tpm_open(tcti, &t);
	if (r < 0)
		return errbuf_set(err, err_size, r, "cannot open the TPM (TCTI %s): %s",
				  tcti ? tcti : "default", strerror(-r));
	r = quote_with_ak(&t, &ak, o, b, err, err_size);
	tpm_release_ak(&t, &ak);
	tpm_close(&t);
	return r;
}

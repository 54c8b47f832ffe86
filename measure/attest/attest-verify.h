/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whole-bundle verification for `bootproof verify`: bundle schema, AK trust (--ak-pub, --ca),
 * the quote (quote-verify.h), golden PCR values (per phase), replay of the firmware and
 * userspace logs against the quoted values, and the runtime (PCR 14/15) records. The verdict is
 * data: canonical JSON with "ok", the first failing check's "reason" (a stable code) and
 * "detail" (a sentence naming the field / PCR / event), plus what was measured at runtime. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ak-cert.h"
#include "measure-eventlog.h"
#include "measure-golden.h"

struct job_release;

struct verify_options {
	const struct golden *golden;      /* golden values; NULL and no golden_wait: none (every
					   * quoted PCR reported, not judged; without an event log
					   * in the bundle, not replayed either) */
	/* Or: golden is NULL and this is called when a bundle first needs the golden values (after
	 * its parse, nonce and AK checks), so the caller can load golden.json meanwhile (verify:
	 * on a second thread). < 0 ends the evaluation with that error. */
	int (*golden_wait)(void *userdata, const struct golden **ret);
	void *golden_wait_userdata;
	const uint8_t *nonce;
	size_t nonce_size;
	EVP_PKEY *ak;                     /* trusted AK (--ak-pub), or NULL */
	X509_STORE *ca;                   /* EK certificate trust anchors (--ca), or NULL */
	const struct ak_anchors *ak_ca;   /* cloud AK certificate roots (--ak-ca), or NULL:
					   * the bundle's ak.certificate must chain to them */
	time_t at;                        /* --at: verification time of the AK certificate; 0 now */
	uint32_t runtime_pcrs;            /* PCRs replayed from the runtime log (bit 14, 15) */
	EVP_PKEY *ek_pub;                 /* --ek-pub: the EK given out of band (AWS), the target
					   * of credential activation instead of the certificate's */
	/* Jobs (job-verify.h): the release's containers (NULL: reported, not judged), and
	 * whether the last job must have run and exited 0. */
	const struct job_release *release_containers;
	bool require_job_success;
	/* Credential activation (credential.h), with ca or ek_pub: */
	const uint8_t *credential_secret; /* round 2: the secret the verifier kept, or NULL */
	size_t credential_secret_size;
	const uint8_t *credential_ak_name;/* ... and the AK Name it was made for */
	size_t credential_ak_name_size;
	json_t **ret_challenge;           /* round 1: if non-NULL, receives the challenge JSON */
	json_t **ret_challenge_secret;    /* ... and the secret to keep (written 0600) */
};

/* Verifies one bundle's bytes; name is used in messages and the verdict. Returns 0 with *ret
 * (a new JSON object) and *ret_ok set; < 0 only if it could not evaluate (-ENOMEM, -EIO). */
int attest_verify_bundle(const uint8_t *data, size_t len, const char *name,
			 const struct verify_options *o, json_t **ret, bool *ret_ok);

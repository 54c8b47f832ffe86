/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `bootproof attest` on the TPM: with an attestation key (created, or a persistent one), quote
 * the PCRs of every active bank over the bundle's nonce and the digests of all its other fields
 * (bundle-binding.h: qualifyingData), read the PCRs that match the quote,
 * and optionally activate a verifier's credential challenge; all of it into the bundle. */
#pragma once

#include <stdint.h>

#include <jansson.h>

#include "bundle.h"
#include "cloud-ak.h"
#include "tpm2-esys.h"

struct attest_quote_options {
	const char *tcti;          /* NULL: tpm_tcti_choose()'s default */
	uint32_t ak_handle;        /* persistent AK (0x81...); 0: create one of ak_type */
	enum ak_type ak_type;
	enum cloud_ak cloud;       /* the cloud's certified AK (cloud-ak.h): its certificate
				    * goes into the bundle's ak.certificate; NONE: as above */
	uint32_t pcr_mask;         /* PCRs to quote in every active bank */
	bool per_bank;             /* one quote per bank ("quotes", bundle.h), not one over all */
	json_t *challenge;         /* a credential challenge to activate, or NULL */
	const char *challenge_name; /* its file, for the message */
	int ret_ek_error;          /* out: why the EK certificate could not be read (it is left
				    * null), or 0 */
};

/* Fills b's quote, signature, PCR values, AK public key, EK certificate, credential and binding;
 * b's nonce, logs, container measurements and LUKS2 metadata must be set (they are bound). Returns 0, or a negative errno with err holding one line (for the
 * caller's "attest: " prefix). */
int attest_quote(struct attest_quote_options *o, struct bundle *b, char *err, size_t err_size);

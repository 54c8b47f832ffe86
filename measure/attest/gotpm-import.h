/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Attestations made by GCE's own tooling (google/go-tpm-tools `Attestation` protobuf,
 * proto/attest.proto and proto/tpm.proto: what `gotpm attest` and Confidential Space emit) into
 * a bootproof bundle (`bootproof bundle import`). The wire format (protobuf encoding: varint
 * keys, wire types 0/1/2/5) is read by a bounded reader; the fields used:
 *   Attestation { 1 ak_pub (TPMT_PUBLIC), 2 quotes (repeated Quote), 3 event_log,
 *                 6 ak_cert (DER), 7 intermediate_certs (repeated DER) }
 *   Quote { 1 quote (TPMS_ATTEST), 2 raw_sig (TPMT_SIGNATURE), 3 pcrs (PCRs) }
 *   PCRs { 1 hash (TPM_ALG_ID), 2 pcrs (map<uint32, bytes>: entries { 1 key, 2 value }) }
 * Other fields (instance_info, canonical_event_log, SEV-SNP / TDX attestations) are skipped.
 * go-tpm-tools quotes each bank separately: the import takes every bank's quote into the
 * bundle's "quotes" (one quote per bank, bundle.h), or one bank's quote as "quote". */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"

#define GOTPM_MAX_SIZE (32u * 1024 * 1024)
#define GOTPM_MAX_QUOTES 8u
#define GOTPM_MAX_INTERMEDIATES 8u
#define GOTPM_MAX_DEPTH 4u

struct gotpm_view {
	const uint8_t *data; /* into the parsed buffer: valid while it lives */
	size_t size;
	bool present;
};

struct gotpm_quote {
	struct gotpm_view quote, raw_sig;
	uint32_t hash_alg;              /* TPM_ALG_ID of the bank */
	uint32_t pcr_mask;              /* PCRs with a value */
	struct gotpm_view pcr[24];
};

struct gotpm_attestation {
	struct gotpm_view ak_pub, event_log, ak_cert;
	struct gotpm_view intermediates[GOTPM_MAX_INTERMEDIATES];
	size_t n_intermediates;
	struct gotpm_quote quotes[GOTPM_MAX_QUOTES];
	size_t n_quotes;
};

/* Decodes the protobuf; -EBADMSG / -E2BIG with "field path at offset N: defect" in err. */
int gotpm_attestation_parse(const uint8_t *data, size_t len, struct gotpm_attestation *ret,
			    char *err, size_t err_size);
/* Fills b (a new bundle) from a: with bank >= 0 that bank's quote as "quote", with bank -1 every
 * quote as "quotes" (each must be of a known bank, no bank twice, all with the same nonce); nonce
 * = the quotes' extraData, the quoted banks' PCR values, ak.public (TPM2B_PUBLIC),
 * ak.certificate/intermediates, the event log as the firmware log. -ENOENT if a has no quote of
 * that bank; -EBADMSG / -E2BIG with err on inconsistent data. */
int gotpm_to_bundle(const struct gotpm_attestation *a, int bank, struct bundle *b, char *err,
		    size_t err_size);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What ties a bundle's fields to its quote (docs/attest.md, "What the quote binds").
 *
 * A TPM2_Quote signs the PCR values and one free field, qualifyingData (extraData in the
 * TPMS_ATTEST). Everything else in bundle.json (the AK public area, its certificate and
 * intermediates, the EK certificate, both event logs, container_measurements, the activated
 * credential, luks2_metadata) is written by the machine; unless it is hashed into qualifyingData,
 * it can be replaced after the quote. So attest asks the TPM for
 *
 *   F = SHA-256("bootproof-bundle-binding/1" 0x00 ||
 *               for each bound field, in the order of enum bound_field:
 *                 u8 len(name) || name || (0x00                    if the field is absent/null
 *                                          | 0x01 || SHA-256(bytes) if present, even if empty))
 *               and, in a bundle with one quote per bank ("quotes") only, then
 *                 u8 len("quotes") || "quotes" || 0x01 || SHA-256(the quoted banks: for each
 *                 bank with values in "pcrs", in the order sha1, sha256, sha384, sha512, its
 *                 TPM_ALG_ID as u16 big-endian))
 *   qualifyingData = SHA-256("bootproof-qualifying-data/1" 0x00 || u8 len(nonce) || nonce || F)
 *
 * and the bundle carries the per-field digests ("binding") so that a verifier that finds the
 * quote intact but a field changed can name the field. The verifier recomputes qualifyingData
 * from its own nonce and the bundle's "binding", the TPM signature proves that, and then each
 * field's own SHA-256 must equal its entry.
 *
 * Imported bundles ("bootproof-bundle/imported-1", bundle.h) have no binding: their quote was
 * made by another tool with qualifyingData = the nonce itself. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUNDLE_BINDING_LABEL "bootproof-bundle-binding/1"
#define BUNDLE_QUALIFYING_LABEL "bootproof-qualifying-data/1"
#define BUNDLE_BINDING_DIGEST 32u /* SHA-256 */
#define BUNDLE_BINDING_QUOTES "quotes" /* the per-bank entry, not an enum bound_field: bundles
					* with one quote hash exactly what they did before it */

/* The bound fields, in the order they are hashed. Never reorder or add one once a format that
 * uses them is released (a new field needs new labels); ak.certificate and ak.intermediates joined
 * before bootproof-bundle/2 was. */
enum bound_field {
	BOUND_AK_PUBLIC,
	BOUND_AK_CERTIFICATE,   /* the cloud's AK certificate (ak-cert.h), DER */
	BOUND_AK_INTERMEDIATES, /* its chain: u32 BE length || DER, each in order */
	BOUND_EK_CERTIFICATE,
	BOUND_EVENTLOG_FIRMWARE,
	BOUND_EVENTLOG_USERSPACE,
	BOUND_CONTAINER_MEASUREMENTS,
	BOUND_CREDENTIAL,
	BOUND_LUKS2_METADATA,
	_BOUND_FIELD_MAX,
};

/* Per-field digests: what the bundle's "binding" object holds. */
struct bundle_binding {
	bool present[_BOUND_FIELD_MAX];
	uint8_t digest[_BOUND_FIELD_MAX][BUNDLE_BINDING_DIGEST];
	/* A bundle with one quote per bank: which banks are quoted, so that dropping one bank's
	 * quote and its values from the bundle breaks every remaining quote's qualifyingData. */
	bool per_bank;
	uint8_t quotes[BUNDLE_BINDING_DIGEST];
};

struct bundle;

/* The field's key path in bundle.json and in "binding" ("eventlog.firmware"); _BOUND_FIELD_MAX
 * names the per-bank entry, "quotes". */
const char *bound_field_name(enum bound_field f);
/* SHA-256 of every bound field of b (absent ones marked absent). -ENOMEM / -EIO. */
int bundle_binding_compute(const struct bundle *b, struct bundle_binding *ret);
/* qualifyingData for a nonce (1..64 bytes) and a binding, as above. */
int bundle_qualifying_data(const uint8_t *nonce, size_t nonce_size,
			   const struct bundle_binding *bb, uint8_t ret[BUNDLE_BINDING_DIGEST]);
/* attest: fills b->binding from b's fields and returns the qualifyingData for b->nonce. */
int bundle_bind(struct bundle *b, uint8_t ret_qualifying[BUNDLE_BINDING_DIGEST]);
/* verify: 0 when every field hashes to its "binding" entry; 1 when one does not (*ret_field,
 * and *ret_actual its actual digest state); < 0 on errors. */
int bundle_binding_check(const struct bundle *b, enum bound_field *ret_field,
			 struct bundle_binding *ret_actual);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sealed object inside a systemd-tpm2 LUKS2 token ("tpm2-blob"), and what it proves.
 *
 * systemd (v250-v257, src/shared/tpm2-util.c tpm2_seal + tpm2_marshal_blob) stores the object
 * it created under the storage root key as the base64 of
 *
 *   TPM2B_PRIVATE || TPM2B_PUBLIC [|| TPM2B_ENCRYPTED_SECRET]
 *
 * (the seed only for an object sealed offline, --tpm2-device-key). tpm2_unseal() loads exactly
 * this public area, and the TPM checks the private part's integrity HMAC against the public
 * area's name, so the authPolicy in the blob is what the TPM enforces at TPM2_Unseal; the
 * token's "tpm2-policy-hash" is only systemd's note of it (used to skip a doomed attempt).
 *
 * The public area of systemd's sealed object (tpm2_seal's hmac_template; a PIN goes into the
 * sensitive userAuth and a PolicyAuthValue step, never into userWithAuth):
 *   type KEYEDHASH, nameAlg SHA256, objectAttributes fixedTPM | fixedParent, plus noDA when
 *   sealed without PIN (systemd >= 256, PR #30728: 0x412 from systemd-cryptenroll 257, 0x12 from
 *   252/254 or with a PIN; noDA only exempts the object from dictionary-attack lockout, there is
 *   no low-entropy authValue to guard), scheme NULL, unique 32 bytes. userWithAuth stays clear:
 *   the USER role, i.e. TPM2_Unseal, needs a policy session satisfying authPolicy; with it set
 *   the authValue alone, empty without PIN, would unseal.
 *
 * Encoding (TPM 2.0 Part 2): all integers big-endian; TPMT_PUBLIC = u16 type, u16 nameAlg,
 * u32 objectAttributes, TPM2B_DIGEST authPolicy, parameters (keyed hash: TPMT_KEYEDHASH_SCHEME
 * = u16 scheme [+ u16 hashAlg for HMAC, + u16 hashAlg + u16 kdf for XOR]), unique (keyed hash:
 * TPM2B_DIGEST). The blob is untrusted: every size is checked against the caps below and the
 * parts must fill the blob exactly. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define TPM2_BLOB_B64_MAX 8192u       /* base64 characters of one "tpm2-blob" */
#define TPM2_BLOB_PRIVATE_MAX 1550u   /* sizeof(_PRIVATE) in tpm2-tss */
#define TPM2_BLOB_DIGEST_MAX 64u      /* TPM2B_DIGEST: SHA-512 at most */
#define TPM2_BLOB_SECRET_MAX 512u     /* TPM2B_ENCRYPTED_SECRET: RSA 4096 */

#define TPM2_ALG_KEYEDHASH_ID 0x0008u
#define TPM2_ALG_SHA256_ID 0x000Bu
#define TPM2_ALG_NULL_ID 0x0010u
#define TPM2_ALG_HMAC_ID 0x0005u
#define TPM2_ALG_XOR_ID 0x000Au

#define BLOB_TPMA_FIXEDTPM 0x00000002u
#define BLOB_TPMA_FIXEDPARENT 0x00000010u
#define BLOB_TPMA_USERWITHAUTH 0x00000040u
#define BLOB_TPMA_NODA 0x00000400u
/* What systemd's tpm2_seal() gives its sealed object: these always, noDA optionally, nothing
 * else. */
#define TPM2_BLOB_SEALED_ATTRIBUTES (BLOB_TPMA_FIXEDTPM | BLOB_TPMA_FIXEDPARENT)
#define TPM2_BLOB_OPTIONAL_ATTRIBUTES BLOB_TPMA_NODA

/* The decoded blob (native fields, no pointers into the input). */
struct tpm2_blob {
	size_t private_size;      /* TPM2B_PRIVATE size (its bytes are opaque: encrypted) */
	uint16_t type;            /* TPMT_PUBLIC */
	uint16_t name_alg;
	uint32_t attributes;
	uint16_t scheme;          /* TPMT_KEYEDHASH_SCHEME.scheme */
	uint16_t auth_policy_size;
	uint8_t auth_policy[TPM2_BLOB_DIGEST_MAX];
	uint16_t unique_size;
	bool has_seed;            /* a TPM2B_ENCRYPTED_SECRET follows: sealed offline */
};

/* Parses the binary blob. -EBADMSG with errbuf naming the part and offset ("TPM2B_PUBLIC at
 * offset 160: authPolicy size 70 > 64"), -EOPNOTSUPP for a public area that is not a keyed-hash
 * (sealed data) object. */
int tpm2_blob_parse(const uint8_t *data, size_t len, struct tpm2_blob *ret, char *errbuf,
		    size_t errbuf_size);

/* Strict standard base64 (RFC 4648 §4, '=' padding, no whitespace, unused bits zero) into a
 * malloc'd buffer; -EBADMSG with errbuf naming the character offset, -E2BIG over max_chars. */
int tpm2_blob_unbase64(const char *s, size_t max_chars, uint8_t **ret, size_t *ret_len,
		       char *errbuf, size_t errbuf_size);

/* base64 text -> tpm2_blob_parse(). */
int tpm2_blob_parse_base64(const char *s, struct tpm2_blob *ret, char *errbuf,
			   size_t errbuf_size);

/* The verdict: does the TPM release this object only to a policy session whose digest is
 * `policy` (32 bytes, SHA-256), as systemd seals it? true, or false with `why` naming the first
 * difference ("authPolicy 1f2e... is not the golden policy digest ...", "userWithAuth is set:
 * the object's authValue alone unseals it"). */
bool tpm2_blob_sealed_to(const struct tpm2_blob *b, const uint8_t policy[32], char *why,
			 size_t why_size);

/* A token's "tpm2-blob" value: one base64 string, or (systemd >= 256, sharded policies) an array
 * of them; the text of the single blob, or NULL when it is not exactly one string. Borrowed. */
const char *tpm2_blob_json_text(json_t *field);

/* The token-level check: "tpm2-blob" is exactly one blob (not shards), parses, and
 * tpm2_blob_sealed_to(policy). false with why = "token ID: tpm2-blob: <reason>". */
bool tpm2_blob_json_sealed_to(const char *token_id, json_t *field, const uint8_t policy[32],
			      char *why, size_t why_size);

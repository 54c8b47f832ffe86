/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Big-endian TPM 2.0 structures that a verifier receives from an untrusted machine: TPMS_ATTEST
 * (quote), TPML_PCR_SELECTION, TPMT_SIGNATURE, TPM2B_PUBLIC. Decoded field by field through
 * helpers/cursor.h into native structs (never overlaid), every size checked against a named cap.
 * TPM 2.0 Library, Part 2: Structures, rev 1.59 (§10.12.8 TPMS_ATTEST, §10.9.7 TPML_PCR_SELECTION,
 * §11.3.4 TPMT_SIGNATURE, §12.2.4 TPMT_PUBLIC). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "measure-golden.h" /* TPM2_PCR_COUNT (pcr-values.h) */

/* Caps (Part 2 sizes, rounded to what a real TPM can produce). */
#define TPM2_ATTEST_MAX_SIZE 2304u     /* sizeof(TPMS_ATTEST) in tpm2-tss */
#define TPM2_NAME_MAX 66u              /* TPMU_NAME: alg + SHA-512 digest */
#define TPM2_DATA_MAX 66u              /* TPM2B_DATA: sizeof(TPMT_HA) */
#define TPM2_DIGEST_MAX 64u            /* TPM2B_DIGEST */
#define TPM2_NUM_PCR_BANKS_MAX 16u     /* TPM2_NUM_PCR_BANKS */
#define BP_TPM2_PCR_SELECT_MAX 4u         /* sizeofSelect bytes accepted (24 PCRs need 3) */
#define TPM2_RSA_MAX_BYTES 512u        /* 4096-bit modulus / signature */
#define TPM2_ECC_MAX_BYTES 66u         /* P-521 coordinate */
#define TPM2_PUBLIC_MAX_SIZE 1024u     /* TPM2B_PUBLIC payload */
#define TPM2_SIGNATURE_MAX_SIZE 1024u  /* marshalled TPMT_SIGNATURE */

#define BP_TPM2_GENERATED_VALUE 0xff544347u
#define BP_TPM2_ST_ATTEST_QUOTE 0x8018u

#define BP_TPM2_ALG_RSA 0x0001u
#define BP_TPM2_ALG_NULL 0x0010u
#define BP_TPM2_ALG_RSASSA 0x0014u
#define BP_TPM2_ALG_RSAPSS 0x0016u
#define BP_TPM2_ALG_ECDSA 0x0018u
#define BP_TPM2_ALG_ECDAA 0x001Au
#define BP_TPM2_ALG_ECC 0x0023u

#define BP_TPM2_ECC_NIST_P256 0x0003u
#define BP_TPM2_ECC_NIST_P384 0x0004u
#define BP_TPM2_ECC_NIST_P521 0x0005u

/* TPMA_OBJECT bits (Part 2 §8.3). */
#define BP_TPMA_OBJECT_FIXEDTPM (1u << 1)
#define BP_TPMA_OBJECT_FIXEDPARENT (1u << 4)
#define BP_TPMA_OBJECT_SENSITIVEDATAORIGIN (1u << 5)
#define BP_TPMA_OBJECT_RESTRICTED (1u << 16)
#define BP_TPMA_OBJECT_DECRYPT (1u << 17)
#define BP_TPMA_OBJECT_SIGN_ENCRYPT (1u << 18)

/* Where a decode stopped: offset into the structure, the field, the defect. */
struct tpm2_parse_error {
	size_t offset;
	const char *field;
	const char *defect;
};

struct tpm2_pcr_select {
	uint16_t hash;   /* TPM_ALG_ID of the bank */
	uint32_t mask;   /* bit i = PCR i (i < TPM2_PCR_COUNT) */
};

struct tpm2_pcr_selection {
	size_t n;
	struct tpm2_pcr_select sel[TPM2_NUM_PCR_BANKS_MAX];
};

struct tpm2_attest {
	uint32_t magic;
	uint16_t type;
	uint8_t signer_name[TPM2_NAME_MAX];
	size_t signer_name_size;
	uint8_t extra_data[TPM2_DATA_MAX];
	size_t extra_data_size;
	uint64_t clock;
	uint32_t reset_count;
	uint32_t restart_count;
	uint8_t safe;
	uint64_t firmware_version;
	/* TPMS_QUOTE_INFO (only quotes are accepted) */
	struct tpm2_pcr_selection pcr_select;
	uint8_t pcr_digest[TPM2_DIGEST_MAX];
	size_t pcr_digest_size;
};

struct tpm2_signature {
	uint16_t sig_alg;  /* RSASSA, RSAPSS, ECDSA */
	uint16_t hash_alg;
	uint8_t sig[TPM2_RSA_MAX_BYTES]; /* RSA */
	size_t sig_size;
	uint8_t r[TPM2_ECC_MAX_BYTES], s[TPM2_ECC_MAX_BYTES]; /* ECDSA */
	size_t r_size, s_size;
};

struct tpm2_public {
	uint16_t type; /* BP_TPM2_ALG_RSA or BP_TPM2_ALG_ECC */
	uint16_t name_alg;
	uint32_t attributes;
	uint16_t scheme;      /* the key's signing scheme, BP_TPM2_ALG_NULL if none */
	uint16_t scheme_hash;
	/* RSA */
	uint16_t rsa_bits;
	uint32_t rsa_exponent; /* 0 means 65537 */
	uint8_t rsa_modulus[TPM2_RSA_MAX_BYTES];
	size_t rsa_modulus_size;
	/* ECC */
	uint16_t ecc_curve;
	uint8_t ecc_x[TPM2_ECC_MAX_BYTES], ecc_y[TPM2_ECC_MAX_BYTES];
	size_t ecc_x_size, ecc_y_size;
	/* The TPMT_PUBLIC bytes (what the Name hashes): a copy, so the struct stands alone. */
	uint8_t tpmt[TPM2_PUBLIC_MAX_SIZE];
	size_t tpmt_size;
};

/* Each parser consumes the whole buffer: trailing bytes are an error ("oversized").
 * Returns 0, -EBADMSG (malformed), -E2BIG (a cap exceeded) or -EOPNOTSUPP (valid but not a
 * quote / an unsupported algorithm); on failure fills *ret_err when non-NULL. */
int tpm2_attest_parse(const uint8_t *data, size_t len, struct tpm2_attest *ret,
		      struct tpm2_parse_error *ret_err);
int tpm2_signature_parse(const uint8_t *data, size_t len, struct tpm2_signature *ret,
			 struct tpm2_parse_error *ret_err);
/* data is a TPM2B_PUBLIC (u16 size prefix + TPMT_PUBLIC). */
int tpm2_public_parse(const uint8_t *data, size_t len, struct tpm2_public *ret,
		      struct tpm2_parse_error *ret_err);
/* A TPML_PCR_SELECTION alone (as tpm2-tools serialises it). */
int tpm2_pcr_selection_parse(const uint8_t *data, size_t len, struct tpm2_pcr_selection *ret,
			     struct tpm2_parse_error *ret_err);

/* "offset 0x12 (extraData): size 300 exceeds cap 66" into buf. */
void tpm2_parse_error_format(const struct tpm2_parse_error *e, char *buf, size_t size);

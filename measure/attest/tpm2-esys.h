/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Thin tpm2-tss ESYS session helpers shared by `extend` and `attest`: open a TPM through the
 * TCTI loader, find the active PCR banks, extend, read PCRs. All return -errno; the TSS return
 * code is logged at debug level only. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <tss2/tss2_esys.h>

#include "quote-verify.h"

struct tpm {
	ESYS_CONTEXT *esys;
	TSS2_TCTI_CONTEXT *tcti;
};

/* TCTI configuration: the argument, else $TPM2TOOLS_TCTI, else $TCTI, else $TSS2_TCTI, else the
 * loader's default (the kernel resource manager /dev/tpmrm0, then /dev/tpm0). */
const char *tpm_tcti_choose(const char *arg);
int tpm_open(const char *tcti, struct tpm *ret);
void tpm_close(struct tpm *t);

/* Banks with at least one PCR allocated. Banks bootproof cannot compute (SM3, ...) are counted in
 * *ret_n_unknown: callers that must extend or quote every bank fail on them. */
int tpm_active_banks(struct tpm *t, unsigned *ret_mask, unsigned *ret_n_unknown);
/* Extends PCR pcr in every bank of mask with digest[bank]. */
int tpm_pcr_extend(struct tpm *t, unsigned pcr, unsigned mask,
		   const uint8_t digest[_BANK_MAX][DIGEST_MAX]);
/* Reads the PCRs in sel[bank] (bit masks) into ret; loops over TPM2_PCR_Read's 8-digest limit.
 * *ret_update_counter gets the pcrUpdateCounter of the last read. */
int tpm_pcr_read(struct tpm *t, const uint32_t sel[_BANK_MAX], struct pcr_values *ret,
		 uint32_t *ret_update_counter);
/* TSS return code -> -errno (logging the code at debug). */
int tpm_rc_to_errno(TSS2_RC rc, const char *what);

enum ak_type {
	AK_RSA_RSASSA, /* RSA 2048, RSASSA-PKCS1-v1_5 SHA-256 (default) */
	AK_RSA_RSAPSS, /* RSA 2048, RSASSA-PSS SHA-256 */
	AK_ECC_ECDSA,  /* NIST P-256, ECDSA SHA-256 */
};

struct ak {
	ESYS_TR handle;
	bool transient; /* flush when done */
	uint8_t public[TPM2_PUBLIC_MAX_SIZE + 2]; /* marshalled TPM2B_PUBLIC */
	size_t public_size;
};

/* Creates the AK as a primary key of the endorsement hierarchy (empty endorsement auth): a
 * restricted signing key with fixedTPM/fixedParent; the same TPM gives the same key each time. */
int tpm_create_ak(struct tpm *t, enum ak_type type, struct ak *ret);
/* Uses an existing persistent key (0x81xxxxxx). */
int tpm_load_ak(struct tpm *t, uint32_t persistent_handle, struct ak *ret);
void tpm_release_ak(struct tpm *t, struct ak *ak);

/* TPM2_Quote of sel[bank] with the AK's own scheme: marshalled TPMS_ATTEST and TPMT_SIGNATURE
 * into malloc'd buffers. */
int tpm_quote(struct tpm *t, const struct ak *ak, const uint8_t *nonce, size_t nonce_size,
	      const uint32_t sel[_BANK_MAX], uint8_t **ret_attest, size_t *ret_attest_size,
	      uint8_t **ret_sig, size_t *ret_sig_size);
/* The EK certificate from the TCG NV indexes (RSA 2048 first, then ECC and the high range). -ENOENT when
 * the TPM has none. */
int tpm_read_ek_certificate(struct tpm *t, uint8_t **ret, size_t *ret_size);

/* TPM2_ActivateCredential with the AK (activateHandle) and the TCG default RSA EK (Template
 * L-1, created as a primary in the endorsement hierarchy, used through a PolicySecret(endorsement)
 * session). blob / enc are the marshalled TPM2B_ID_OBJECT / TPM2B_ENCRYPTED_SECRET. The EK and the
 * session are flushed. */
int tpm_activate_credential(struct tpm *t, const struct ak *ak, const uint8_t *blob,
			    size_t blob_size, const uint8_t *enc, size_t enc_size, uint8_t *ret,
			    size_t ret_max, size_t *ret_size);

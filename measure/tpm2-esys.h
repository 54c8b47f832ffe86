/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Thin tpm2-tss ESYS session helpers shared by `extend` and `attest`: open a TPM through the
 * TCTI loader, find the active PCR banks, extend, read PCRs. All return -errno; the TSS return
 * code is logged at debug level only. */
#pragma once

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

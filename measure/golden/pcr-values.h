/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCR values per bank, as a TPM reports them (a quote's PCRs, tpm2_pcrread YAML, an ESAPI PCR
 * read): the type every layer that holds measured values shares (attest/, platform/). */
#pragma once

#include <stdint.h>

#include "digest.h"

/* PCR values per bank: mask[bank] bit i set = value[bank][i] present. */
struct pcr_values {
	uint32_t mask[_BANK_MAX];
	uint8_t value[_BANK_MAX][TPM2_PCR_COUNT][DIGEST_MAX];
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the TPMS_ATTEST, TPML_PCR_SELECTION and TPM2B_PUBLIC decoders (TPM 2.0 Part 2): the same
 * bytes through each; whatever decodes must respect the caps. */
#include <stdint.h>
#include <stdlib.h>

#include "measure-attest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpm2_attest a;
	struct tpm2_pcr_selection s;
	struct tpm2_public *p = malloc(sizeof(*p));
	struct tpm2_parse_error e;

	if (tpm2_attest_parse(data, size, &a, &e) == 0 &&
	    (a.extra_data_size > TPM2_DATA_MAX || a.pcr_select.n > TPM2_NUM_PCR_BANKS_MAX ||
	     a.pcr_digest_size > TPM2_DIGEST_MAX))
		abort();
	if (tpm2_pcr_selection_parse(data, size, &s, &e) == 0 && s.n > TPM2_NUM_PCR_BANKS_MAX)
		abort();
	if (p && tpm2_public_parse(data, size, p, &e) == 0) {
		EVP_PKEY *k = NULL;
		uint8_t name[TPM2_NAME_MAX];
		size_t n;
		if (tpm2_public_to_pkey(p, &k) == 0)
			EVP_PKEY_free(k);
		(void)tpm2_public_name(p, name, &n);
	}
	free(p);
	return 0;
}

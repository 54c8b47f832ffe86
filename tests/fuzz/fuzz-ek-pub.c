/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the out-of-band EK public key reader (measure/attest/ek-pub.h): PEM, DER
 * SubjectPublicKeyInfo, TPMT_PUBLIC; whatever loads is an RSA 2048 key. */
#include <stdint.h>
#include <stdlib.h>

#include "measure-attest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	EVP_PKEY *k = NULL;
	char err[300];

	if (ek_pub_parse(data, size, &k, err, sizeof(err)) < 0)
		return 0;
	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA || EVP_PKEY_get_bits(k) != 2048)
		abort();
	EVP_PKEY_free(k);
	return 0;
}

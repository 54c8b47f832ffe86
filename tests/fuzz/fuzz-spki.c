/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Differential fuzzing of helpers/spki's fast path against OpenSSL's d2i_PUBKEY: whatever the
 * fast path accepts, OpenSSL must accept as the same key. */
#include <stdint.h>
#include <stdlib.h>

#include <openssl/x509.h>

#include "spki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	EVP_PKEY *k = NULL, *ref;
	const unsigned char *p = data;

	if (size > 64 * 1024 || spki_decode_fast(data, size, &k) < 0)
		return 0;
	ref = d2i_PUBKEY(NULL, &p, (long)size);
	if (!ref || EVP_PKEY_eq(k, ref) != 1 || p != data + size)
		abort();
	EVP_PKEY_free(ref);
	EVP_PKEY_free(k);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the systemd-tpm2 "tpm2-blob" reader: the input as the binary blob (TPM2B_PRIVATE ||
 * TPM2B_PUBLIC [|| TPM2B_ENCRYPTED_SECRET]) and, NUL-terminated, as its base64 text. The corpus
 * holds real blobs written by systemd-cryptenroll 252 and 254 on swtpm (PCRs 4+7, with and
 * without PIN), an offline-sealed shape and a base64 token value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure-seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t policy[32];
	struct tpm2_blob b;
	char err[256], why[320];
	char *text;

	if (tpm2_blob_parse(data, size, &b, err, sizeof(err)) >= 0)
		(void)tpm2_blob_sealed_to(&b, policy, why, sizeof(why));
	if (size > 2 * TPM2_BLOB_B64_MAX)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (tpm2_blob_parse_base64(text, &b, err, sizeof(err)) >= 0)
		(void)tpm2_blob_sealed_to(&b, policy, why, sizeof(why));
	free(text);
	return 0;
}

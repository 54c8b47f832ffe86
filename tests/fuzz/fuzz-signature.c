/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the TPMT_SIGNATURE decoder (TPM 2.0 Part 2 §11.3.4) and the signature check behind it:
 * the input is a TPMT_SIGNATURE verified over a fixed message with a fixed P-256 / RSA key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "measure-attest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static EVP_PKEY *ec, *rsa;
	struct tpm2_signature s;
	struct tpm2_parse_error e;
	struct pcr_values v = {};
	struct quote_verdict qv;
	/* A well-formed TPMS_ATTEST (TPM 2.0 Part 2 §10.12.8): magic, quote type, empty signer,
	 * extraData = {0x00}, clock info, firmware version, no PCR selected, empty pcrDigest. So
	 * quote_verify() gets past the attest to the signature decode and the EVP check. */
	static const uint8_t msg[] = {0xff, 0x54, 0x43, 0x47, 0x80, 0x18, 0x00, 0x00, 0x00, 0x01,
				      0x00, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1,
				      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	if (!ec)
		ec = EVP_EC_gen("prime256v1");
	if (!rsa)
		rsa = EVP_RSA_gen(2048);
	if (tpm2_signature_parse(data, size, &s, &e) == 0 &&
	    (s.sig_size > TPM2_RSA_MAX_BYTES || s.r_size > TPM2_ECC_MAX_BYTES ||
	     s.s_size > TPM2_ECC_MAX_BYTES))
		abort();
	for (int i = 0; i < 2; i++) {
		struct quote_input in = {.attest = msg, .attest_size = sizeof(msg), .signature = data,
					 .signature_size = size, .ak = i ? rsa : ec,
					 .nonce = msg + 10, .nonce_size = 1, .pcrs = &v};
		if (in.ak && quote_verify(&in, &qv) == 0 && qv.ok)
			abort();
	}
	return 0;
}

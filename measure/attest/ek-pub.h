/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An EK public key given out of band (`verify --ek-pub FILE`), as AWS hands it out:
 * `aws ec2 get-instance-tpm-ek-pub --key-format der|tpmt` (base64-decoded: a DER
 * SubjectPublicKeyInfo, or a marshalled TPMT_PUBLIC), or PEM. It is the target of credential
 * activation (credential.h): RSA 2048 EKs of the TCG default template (what the machine side,
 * tpm_activate_credential, creates). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define EK_PUB_MAX_SIZE 4096u

/* Decodes data (the file's bytes): PEM "PUBLIC KEY", DER SubjectPublicKeyInfo, or TPMT_PUBLIC
 * (then it must be an RSA 2048 restricted decryption key, nameAlg SHA-256). -EBADMSG with err
 * saying which forms were tried, -EOPNOTSUPP for a key credential activation cannot target. */
int ek_pub_parse(const uint8_t *data, size_t len, EVP_PKEY **ret, char *err, size_t err_size);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The attestation key a cloud's vTPM comes with, and the certificate the cloud issued for it
 * (docs/cloud-gce.md, docs/cloud-azure.md):
 *  - GCE (Shielded / Confidential VM): a primary key of the endorsement hierarchy created from
 *    the TPMT_PUBLIC template in NV 0x01c10001 (RSA) or 0x01c10003 (ECC); its certificate in NV
 *    0x01c10000 / 0x01c10002 (google/go-tpm-tools client/handles.go, client/keys.go
 *    GceAttestationKeyRSA/ECC). The key equals the certified one only when created from exactly
 *    that template, which is why the template is read rather than rebuilt.
 *  - Azure (Trusted Launch / CVM): the persistent AK 0x81000003 and its certificate in NV
 *    0x01C101D0 (kinvolk/azure-cvm-tooling az-cvm-vtpm, Azure's cvm-guest-attestation
 *    client library). The guest agent renews the certificate: read it at attest time. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "tpm2-esys.h"

#define GCE_AK_CERT_NV_RSA 0x01c10000u
#define GCE_AK_TEMPLATE_NV_RSA 0x01c10001u
#define GCE_AK_CERT_NV_ECC 0x01c10002u
#define GCE_AK_TEMPLATE_NV_ECC 0x01c10003u
#define AZURE_AK_CERT_NV 0x01c101d0u
#define AZURE_AK_HANDLE 0x81000003u
#define CLOUD_AK_MAX_NV (16u * 1024) /* a certificate or a template read from NV */

enum cloud_ak {
	CLOUD_AK_NONE,  /* bootproof's own AK (tpm_create_ak / --ak-handle) */
	CLOUD_AK_GCE,
	CLOUD_AK_AZURE,
	CLOUD_AK_AUTO,  /* GCE if its template index exists, else Azure if its certificate does */
};

/* "create", "gce", "azure", "auto" -> enum; -EINVAL otherwise. */
int cloud_ak_from_string(const char *s, enum cloud_ak *ret);
const char *cloud_ak_to_string(enum cloud_ak c);

/* Loads (Azure) or creates (GCE; ECC when type is AK_ECC_ECDSA) the cloud's AK into *ret and
 * reads its certificate (malloc'd DER) into *ret_cert. AUTO resolves first. -ENOENT when the NV
 * material is absent, with err naming the index; other -errno with err saying what failed. */
int cloud_ak_open(struct tpm *t, enum cloud_ak which, enum ak_type type, struct ak *ret,
		  uint8_t **ret_cert, size_t *ret_cert_size, char *err, size_t err_size);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Cloud vTPM attestation keys (cloud-ak.h): TPM 2.0 Library Part 3 §31.13 TPM2_NV_ReadPublic,
 * §31.10 TPM2_NV_Read, §24.1 TPM2_CreatePrimary; the NV indices of google/go-tpm-tools
 * client/handles.go and of Azure's vTPM (0x01C101D0, 0x81000003). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cloud-ak.h"
#include "dlopen-tss2.h" /* the Esys_/Tss2_ names below are pointers resolved by dlopen_tss2() */
#include "errbuf.h"

int cloud_ak_from_string(const char *s, enum cloud_ak *ret)
{
	static const char *const names[] = {"create", "gce", "azure", "auto"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*ret = (enum cloud_ak)i;
			return 0;
		}
	return -EINVAL;
}

const char *cloud_ak_to_string(enum cloud_ak c)
{
	return c == CLOUD_AK_GCE ? "gce" : c == CLOUD_AK_AZURE ? "azure" : c == CLOUD_AK_AUTO ? "auto"
									   : "create";
}

/* An NV index's whole contents, with owner authorization when the index allows owner reads (as
 * go-tpm-tools reads GCE's, and tpm2_nvread -C o Azure's), else with its own empty auth.
 * -ENOENT if the index is not defined. */
static int nv_read_all(struct tpm *t, uint32_t index, uint8_t **ret, size_t *ret_size)
{
	TPM2B_NV_PUBLIC *nvpub = NULL;
	ESYS_TR h = ESYS_TR_NONE, auth;
	uint8_t *buf = NULL;
	uint16_t size, off = 0;
	TSS2_RC rc;
	int r;

	rc = Esys_TR_FromTPMPublic(t->esys, index, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &h);
	if (rc != TSS2_RC_SUCCESS)
		return -ENOENT;
	rc = Esys_NV_ReadPublic(t->esys, h, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &nvpub, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		r = tpm_rc_to_errno(rc, "Esys_NV_ReadPublic");
		goto out;
	}
	size = nvpub->nvPublic.dataSize;
	auth = (nvpub->nvPublic.attributes & TPMA_NV_OWNERREAD) ? ESYS_TR_RH_OWNER : h;
	Esys_Free(nvpub);
	if (size == 0 || size > CLOUD_AK_MAX_NV) {
		r = -EBADMSG;
		goto out;
	}
	buf = malloc(size);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	while (off < size) {
		/* 512 bytes per read: below every TPM's TPM2_PT_NV_BUFFER_MAX. */
		uint16_t n = (uint16_t)MIN(512u, (unsigned)(size - off));
		TPM2B_MAX_NV_BUFFER *data = NULL;

		rc = Esys_NV_Read(t->esys, auth, h, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, n,
				  off, &data);
		if (rc != TSS2_RC_SUCCESS || data->size != n) {
			Esys_Free(data);
			r = rc != TSS2_RC_SUCCESS ? tpm_rc_to_errno(rc, "Esys_NV_Read") : -EIO;
			goto out;
		}
		memcpy(buf + off, data->buffer, n);
		Esys_Free(data);
		off = (uint16_t)(off + n);
	}
	*ret = buf;
	*ret_size = size;
	buf = NULL;
	r = 0;
out:
	free(buf);
	Esys_TR_Close(t->esys, &h);
	return r;
}

/* GCE: the primary key of the endorsement hierarchy from the NV template, byte for byte. */
static int create_from_template(struct tpm *t, const uint8_t *tmpl_bytes, size_t tmpl_size,
				struct ak *ret)
{
	TPM2B_SENSITIVE_CREATE sens = {};
	TPM2B_PUBLIC tmpl = {};
	TPM2B_DATA outside = {};
	TPML_PCR_SELECTION creation_pcr = {};
	TPM2B_PUBLIC *out_pub = NULL;
	struct ak ak = {.transient = true};
	size_t off = 0;
	TSS2_RC rc;

	rc = Tss2_MU_TPMT_PUBLIC_Unmarshal(tmpl_bytes, tmpl_size, &off, &tmpl.publicArea);
	if (rc != TSS2_RC_SUCCESS || off != tmpl_size)
		return -EBADMSG;
	rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD, ESYS_TR_NONE,
				ESYS_TR_NONE, &sens, &tmpl, &outside, &creation_pcr, &ak.handle,
				&out_pub, NULL, NULL, NULL);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_rc_to_errno(rc, "Esys_CreatePrimary(GCE AK template)");
	off = 0;
	rc = Tss2_MU_TPM2B_PUBLIC_Marshal(out_pub, ak.public, sizeof(ak.public), &off);
	Esys_Free(out_pub);
	if (rc != TSS2_RC_SUCCESS) {
		Esys_FlushContext(t->esys, ak.handle);
		return tpm_rc_to_errno(rc, "Tss2_MU_TPM2B_PUBLIC_Marshal");
	}
	ak.public_size = off;
	*ret = ak;
	return 0;
}

static bool nv_defined(struct tpm *t, uint32_t index)
{
	ESYS_TR h = ESYS_TR_NONE;

	if (Esys_TR_FromTPMPublic(t->esys, index, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &h) !=
	    TSS2_RC_SUCCESS)
		return false;
	Esys_TR_Close(t->esys, &h);
	return true;
}

static int open_gce(struct tpm *t, enum ak_type type, struct ak *ret, uint8_t **ret_cert,
		    size_t *ret_cert_size, char *err, size_t errsz)
{
	bool ecc = type == AK_ECC_ECDSA;
	uint32_t ti = ecc ? GCE_AK_TEMPLATE_NV_ECC : GCE_AK_TEMPLATE_NV_RSA;
	uint32_t ci = ecc ? GCE_AK_CERT_NV_ECC : GCE_AK_CERT_NV_RSA;
	_cleanup_(freep) uint8_t *tmpl = NULL, *cert = NULL;
	size_t tmpl_size, cert_size;
	int r;

	r = nv_read_all(t, ti, &tmpl, &tmpl_size);
	if (r < 0)
		return errbuf_set(err, errsz, r, "no GCE %s AK template in NV 0x%08x (%s): not a GCE "
				  "Shielded VM vTPM?", ecc ? "ECC" : "RSA", ti, strerror(-r));
	r = nv_read_all(t, ci, &cert, &cert_size);
	if (r < 0)
		return errbuf_set(err, errsz, r, "no GCE %s AK certificate in NV 0x%08x (%s)",
				  ecc ? "ECC" : "RSA", ci, strerror(-r));
	r = create_from_template(t, tmpl, tmpl_size, ret);
	if (r < 0)
		return errbuf_set(err, errsz, r, "cannot create the GCE AK from the template in NV "
				  "0x%08x: %s", ti, strerror(-r));
	*ret_cert = TAKE_PTR(cert);
	*ret_cert_size = cert_size;
	return 0;
}

static int open_azure(struct tpm *t, struct ak *ret, uint8_t **ret_cert, size_t *ret_cert_size,
		      char *err, size_t errsz)
{
	_cleanup_(freep) uint8_t *cert = NULL;
	size_t cert_size;
	int r;

	r = nv_read_all(t, AZURE_AK_CERT_NV, &cert, &cert_size);
	if (r < 0)
		return errbuf_set(err, errsz, r, "no Azure AK certificate in NV 0x%08x (%s): not an "
				  "Azure Trusted Launch / confidential VM vTPM?", AZURE_AK_CERT_NV,
				  strerror(-r));
	r = tpm_load_ak(t, AZURE_AK_HANDLE, ret);
	if (r < 0)
		return errbuf_set(err, errsz, r, "no Azure AK at the persistent handle 0x%08x: %s",
				  AZURE_AK_HANDLE, strerror(-r));
	*ret_cert = TAKE_PTR(cert);
	*ret_cert_size = cert_size;
	return 0;
}

int cloud_ak_open(struct tpm *t, enum cloud_ak which, enum ak_type type, struct ak *ret,
		  uint8_t **ret_cert, size_t *ret_cert_size, char *err, size_t errsz)
{
	if (which == CLOUD_AK_AUTO) {
		if (nv_defined(t, type == AK_ECC_ECDSA ? GCE_AK_TEMPLATE_NV_ECC
						       : GCE_AK_TEMPLATE_NV_RSA))
			which = CLOUD_AK_GCE;
		else if (nv_defined(t, AZURE_AK_CERT_NV))
			which = CLOUD_AK_AZURE;
		else
			return errbuf_set(err, errsz, -ENOENT, "--ak auto: neither a GCE AK template "
					  "(NV 0x%08x / 0x%08x) nor an Azure AK certificate (NV "
					  "0x%08x) on this TPM", GCE_AK_TEMPLATE_NV_RSA,
					  GCE_AK_TEMPLATE_NV_ECC, AZURE_AK_CERT_NV);
	}
	if (which == CLOUD_AK_GCE)
		return open_gce(t, type, ret, ret_cert, ret_cert_size, err, errsz);
	if (which == CLOUD_AK_AZURE)
		return open_azure(t, ret, ret_cert, ret_cert_size, err, errsz);
	return -EINVAL;
}

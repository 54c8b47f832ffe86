/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ESYS wrappers (TCG TSS 2.0 Enhanced System API Specification v1.00; TPM 2.0 Library Part 3
 * §22.2 TPM2_PCR_Extend, §22.4 TPM2_PCR_Read, §30.2 TPM2_GetCapability(TPM_CAP_PCRS)). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dlopen-tss2.h" /* the Esys_/Tss2_ names below are pointers resolved by dlopen_tss2() */
#include "log.h"
#include "tpm2-esys.h"

int tpm_rc_to_errno(TSS2_RC rc, const char *what)
{
	log_debug("%s: %s (0x%x)", what, Tss2_RC_Decode(rc), rc);
	switch (rc & 0xFFFF) {
	case TSS2_BASE_RC_IO_ERROR:
	case TSS2_BASE_RC_NO_CONNECTION:
		return -ECONNREFUSED;
	case TSS2_BASE_RC_MEMORY:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

const char *tpm_tcti_choose(const char *arg)
{
	const char *e;

	if (arg)
		return arg;
	e = getenv("TPM2TOOLS_TCTI");
	if (e && *e)
		return e;
	e = getenv("TCTI");
	if (e && *e)
		return e;
	e = getenv("TSS2_TCTI");
	if (e && *e)
		return e;
	return NULL;
}

int tpm_open(const char *tcti, struct tpm *ret)
{
	struct tpm t = {};
	TSS2_RC rc;

	/* The TSS logs errors to stderr by itself; libraries log at debug only, so the verb
	 * reports. TSS2_LOG set by the user still wins. */
	setenv("TSS2_LOG", "all+none", 0);
	if (dlopen_tss2() < 0)
		return -ELIBACC;
	rc = Tss2_TctiLdr_Initialize(tcti, &t.tcti);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_rc_to_errno(rc, "Tss2_TctiLdr_Initialize");
	rc = Esys_Initialize(&t.esys, t.tcti, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		Tss2_TctiLdr_Finalize(&t.tcti);
		return tpm_rc_to_errno(rc, "Esys_Initialize");
	}
	*ret = t;
	return 0;
}

void tpm_close(struct tpm *t)
{
	if (t->esys)
		Esys_Finalize(&t->esys);
	if (t->tcti)
		Tss2_TctiLdr_Finalize(&t->tcti);
	*t = (struct tpm){};
}

int tpm_active_banks(struct tpm *t, unsigned *ret_mask, unsigned *ret_n_unknown)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	unsigned mask = 0, unknown = 0;
	TSS2_RC rc;

	rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, TPM2_CAP_PCRS, 0,
				1, &more, &cap);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_rc_to_errno(rc, "Esys_GetCapability(PCRS)");
	for (uint32_t i = 0; i < cap->data.assignedPCR.count && i < TPM2_NUM_PCR_BANKS; i++) {
		const TPMS_PCR_SELECTION *s = &cap->data.assignedPCR.pcrSelections[i];
		bool any = false;
		for (unsigned k = 0; k < s->sizeofSelect && k < sizeof(s->pcrSelect); k++)
			any = any || s->pcrSelect[k];
		if (!any)
			continue;
		enum bank b = bank_from_tpm_alg(s->hash);
		if (b < 0)
			unknown++;
		else
			mask |= BANK_MASK(b);
	}
	Esys_Free(cap);
	*ret_mask = mask;
	*ret_n_unknown = unknown;
	return 0;
}

int tpm_pcr_extend(struct tpm *t, unsigned pcr, unsigned mask,
		   const uint8_t digest[_BANK_MAX][DIGEST_MAX])
{
	TPML_DIGEST_VALUES v = {};
	TSS2_RC rc;

	if (pcr >= TPM2_PCR_COUNT)
		return -EINVAL;
	FOREACH_BANK(b, mask) {
		v.digests[v.count].hashAlg = bank_info(b)->tpm_alg;
		memcpy(&v.digests[v.count].digest, digest[b], bank_size(b));
		v.count++;
	}
	rc = Esys_PCR_Extend(t->esys, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
			     ESYS_TR_NONE, &v);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_rc_to_errno(rc, "Esys_PCR_Extend");
	return 0;
}

int tpm_pcr_read(struct tpm *t, const uint32_t sel[_BANK_MAX], struct pcr_values *ret,
		 uint32_t *ret_update_counter)
{
	uint32_t left[_BANK_MAX];
	struct pcr_values out = {};
	uint32_t counter = 0;

	memcpy(left, sel, sizeof(left));
	for (;;) {
		TPML_PCR_SELECTION in = {};
		TPML_PCR_SELECTION *got_sel = NULL;
		TPML_DIGEST *values = NULL;
		size_t k = 0;
		TSS2_RC rc;

		for (enum bank b = 0; b < _BANK_MAX; b++) {
			if (!left[b])
				continue;
			in.pcrSelections[in.count].hash = bank_info(b)->tpm_alg;
			in.pcrSelections[in.count].sizeofSelect = 3;
			for (unsigned i = 0; i < 3; i++)
				in.pcrSelections[in.count].pcrSelect[i] = (uint8_t)(left[b] >> (8 * i));
			in.count++;
		}
		if (in.count == 0)
			break;
		rc = Esys_PCR_Read(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &in, &counter,
				   &got_sel, &values);
		if (rc != TSS2_RC_SUCCESS)
			return tpm_rc_to_errno(rc, "Esys_PCR_Read");
		/* The TPM returns the values of the PCRs it read, in selection order, and the
		 * selection it actually served (at most 8 digests per call). */
		bool progress = false;
		for (uint32_t i = 0; i < got_sel->count; i++) {
			enum bank b = bank_from_tpm_alg(got_sel->pcrSelections[i].hash);
			if (b < 0)
				continue;
			for (unsigned pcr = 0; pcr < TPM2_PCR_COUNT; pcr++) {
				if (!(got_sel->pcrSelections[i].pcrSelect[pcr / 8] & (1u << (pcr % 8))))
					continue;
				if (k >= values->count || values->digests[k].size != bank_size(b)) {
					Esys_Free(got_sel);
					Esys_Free(values);
					return -EIO;
				}
				memcpy(out.value[b][pcr], values->digests[k].buffer, bank_size(b));
				out.mask[b] |= 1u << pcr;
				left[b] &= ~(1u << pcr);
				k++;
				progress = true;
			}
		}
		Esys_Free(got_sel);
		Esys_Free(values);
		if (!progress)
			return -EIO; /* a bank the TPM does not have */
	}
	*ret = out;
	if (ret_update_counter)
		*ret_update_counter = counter;
	return 0;
}

static int marshal_public(const TPM2B_PUBLIC *pub, struct ak *ak)
{
	size_t off = 0;
	TSS2_RC rc = Tss2_MU_TPM2B_PUBLIC_Marshal(pub, ak->public, sizeof(ak->public), &off);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_rc_to_errno(rc, "Tss2_MU_TPM2B_PUBLIC_Marshal");
	ak->public_size = off;
	return 0;
}

int tpm_create_ak(struct tpm *t, enum ak_type type, struct ak *ret)
{
	TPM2B_SENSITIVE_CREATE sens = {};
	TPM2B_PUBLIC tmpl = {};
	TPM2B_DATA outside = {};
	TPML_PCR_SELECTION creation_pcr = {};
	TPM2B_PUBLIC *out_pub = NULL;
	struct ak ak = {.transient = true};
	TPMT_PUBLIC *p = &tmpl.publicArea;
	TSS2_RC rc;
	int r;

	p->nameAlg = TPM2_ALG_SHA256;
	p->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
			      TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
			      TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
	if (type == AK_ECC_ECDSA) {
		p->type = TPM2_ALG_ECC;
		p->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
		p->parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
		p->parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
		p->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
		p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
	} else {
		p->type = TPM2_ALG_RSA;
		p->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
		p->parameters.rsaDetail.scheme.scheme =
			type == AK_RSA_RSAPSS ? TPM2_ALG_RSAPSS : TPM2_ALG_RSASSA;
		p->parameters.rsaDetail.scheme.details.rsassa.hashAlg = TPM2_ALG_SHA256;
		p->parameters.rsaDetail.keyBits = 2048;
		p->parameters.rsaDetail.exponent = 0;
	}
	rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD, ESYS_TR_NONE,
				ESYS_TR_NONE, &sens, &tmpl, &outside, &creation_pcr, &ak.handle,
				&out_pub, NULL, NULL, NULL);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_rc_to_errno(rc, "Esys_CreatePrimary(AK)");
	r = marshal_public(out_pub, &ak);
	Esys_Free(out_pub);
	if (r < 0) {
		Esys_FlushContext(t->esys, ak.handle);
		return r;
	}
	*ret = ak;
	return 0;
}

int tpm_load_ak(struct tpm *t, uint32_t persistent_handle, struct ak *ret)
{
	struct ak ak = {.transient = false};
	TPM2B_PUBLIC *out_pub = NULL;
	TSS2_RC rc;
	int r;

	if ((persistent_handle >> 24) != TPM2_HT_PERSISTENT)
		return -EINVAL;
	rc = Esys_TR_FromTPMPublic(t->esys, persistent_handle, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, &ak.handle);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_rc_to_errno(rc, "Esys_TR_FromTPMPublic(AK)");
	rc = Esys_ReadPublic(t->esys, ak.handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &out_pub,
			     NULL, NULL);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_rc_to_errno(rc, "Esys_ReadPublic(AK)");
	r = marshal_public(out_pub, &ak);
	Esys_Free(out_pub);
	if (r < 0)
		return r;
	*ret = ak;
	return 0;
}

void tpm_release_ak(struct tpm *t, struct ak *ak)
{
	if (ak->transient && ak->handle != ESYS_TR_NONE && ak->handle != 0)
		Esys_FlushContext(t->esys, ak->handle);
	ak->handle = ESYS_TR_NONE;
}

int tpm_quote(struct tpm *t, const struct ak *ak, const uint8_t *nonce, size_t nonce_size,
	      const uint32_t sel[_BANK_MAX], uint8_t **ret_attest, size_t *ret_attest_size,
	      uint8_t **ret_sig, size_t *ret_sig_size)
{
	TPM2B_DATA qual = {};
	TPMT_SIG_SCHEME scheme = {.scheme = TPM2_ALG_NULL};
	TPML_PCR_SELECTION pcrs = {};
	TPM2B_ATTEST *quoted = NULL;
	TPMT_SIGNATURE *sig = NULL;
	uint8_t *a = NULL, *s = NULL;
	size_t off = 0;
	TSS2_RC rc;

	if (nonce_size > sizeof(qual.buffer))
		return -E2BIG;
	qual.size = (UINT16)nonce_size;
	memcpy(qual.buffer, nonce, nonce_size);
	for (enum bank b = 0; b < _BANK_MAX; b++) {
		if (!sel[b])
			continue;
		pcrs.pcrSelections[pcrs.count].hash = bank_info(b)->tpm_alg;
		pcrs.pcrSelections[pcrs.count].sizeofSelect = 3;
		for (unsigned i = 0; i < 3; i++)
			pcrs.pcrSelections[pcrs.count].pcrSelect[i] = (uint8_t)(sel[b] >> (8 * i));
		pcrs.count++;
	}
	rc = Esys_Quote(t->esys, ak->handle, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &qual,
			&scheme, &pcrs, &quoted, &sig);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_rc_to_errno(rc, "Esys_Quote");
	a = malloc(quoted->size ? quoted->size : 1);
	s = malloc(sizeof(TPMT_SIGNATURE));
	if (!a || !s) {
		free(a);
		free(s);
		Esys_Free(quoted);
		Esys_Free(sig);
		return -ENOMEM;
	}
	memcpy(a, quoted->attestationData, quoted->size);
	*ret_attest_size = quoted->size;
	rc = Tss2_MU_TPMT_SIGNATURE_Marshal(sig, s, sizeof(TPMT_SIGNATURE), &off);
	Esys_Free(quoted);
	Esys_Free(sig);
	if (rc != TSS2_RC_SUCCESS) {
		free(a);
		free(s);
		return tpm_rc_to_errno(rc, "Tss2_MU_TPMT_SIGNATURE_Marshal");
	}
	*ret_attest = a;
	*ret_sig = s;
	*ret_sig_size = off;
	return 0;
}

#define EK_CERT_MAX (16u * 1024)

static int read_nv(struct tpm *t, uint32_t index, uint8_t **ret, size_t *ret_size)
{
	TPM2B_NV_PUBLIC *nvpub = NULL;
	ESYS_TR h = ESYS_TR_NONE;
	uint8_t *buf;
	uint16_t size, off = 0;
	TSS2_RC rc;

	rc = Esys_TR_FromTPMPublic(t->esys, index, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &h);
	if (rc != TSS2_RC_SUCCESS)
		return -ENOENT;
	rc = Esys_NV_ReadPublic(t->esys, h, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &nvpub, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		Esys_TR_Close(t->esys, &h);
		return tpm_rc_to_errno(rc, "Esys_NV_ReadPublic");
	}
	size = nvpub->nvPublic.dataSize;
	Esys_Free(nvpub);
	if (size == 0 || size > EK_CERT_MAX) {
		Esys_TR_Close(t->esys, &h);
		return -EBADMSG;
	}
	buf = malloc(size);
	if (!buf) {
		Esys_TR_Close(t->esys, &h);
		return -ENOMEM;
	}
	while (off < size) {
		/* 512 bytes per read: below every TPM's TPM2_PT_NV_BUFFER_MAX. */
		uint16_t n = (uint16_t)MIN(512u, (unsigned)(size - off));
		TPM2B_MAX_NV_BUFFER *data = NULL;

		rc = Esys_NV_Read(t->esys, h, h, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, n, off,
				  &data);
		if (rc != TSS2_RC_SUCCESS || data->size != n) {
			Esys_Free(data);
			free(buf);
			Esys_TR_Close(t->esys, &h);
			return rc != TSS2_RC_SUCCESS ? tpm_rc_to_errno(rc, "Esys_NV_Read") : -EIO;
		}
		memcpy(buf + off, data->buffer, n);
		Esys_Free(data);
		off = (uint16_t)(off + n);
	}
	Esys_TR_Close(t->esys, &h);
	*ret = buf;
	*ret_size = size;
	return 0;
}

int tpm_read_ek_certificate(struct tpm *t, uint8_t **ret, size_t *ret_size)
{
	/* TCG EK Credential Profile 2.5 §2.2.1.5: low range RSA 2048, ECC P-256; high range
	 * RSA 2048, ECC P-256, P-384, P-521, RSA 3072, RSA 4096. The first one present wins. */
	static const uint32_t indexes[] = {0x01c00002, 0x01c0000a, 0x01c00012, 0x01c00014,
					   0x01c00016, 0x01c00018, 0x01c0001c, 0x01c0001e};
	int r = -ENOENT;

	for (size_t i = 0; i < ARRAY_SIZE(indexes) && r == -ENOENT; i++)
		r = read_nv(t, indexes[i], ret, ret_size);
	return r;
}

/* The default RSA 2048 EK template (TCG EK Credential Profile, Template L-1): the EK that
 * credential activation decrypts with, recreated from the endorsement seed. */
static void ek_rsa_template(TPMT_PUBLIC *p)
{
	/* PolicySecret(TPM_RH_ENDORSEMENT) digest. */
	static const uint8_t ek_policy[32] = {
		0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc,
		0x8d, 0x46, 0xa5, 0xd7, 0x24, 0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52,
		0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa};

	p->type = TPM2_ALG_RSA;
	p->nameAlg = TPM2_ALG_SHA256;
	p->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
			      TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_ADMINWITHPOLICY |
			      TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT;
	p->authPolicy.size = sizeof(ek_policy);
	memcpy(p->authPolicy.buffer, ek_policy, sizeof(ek_policy));
	p->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_AES;
	p->parameters.rsaDetail.symmetric.keyBits.aes = 128;
	p->parameters.rsaDetail.symmetric.mode.aes = TPM2_ALG_CFB;
	p->parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
	p->parameters.rsaDetail.keyBits = 2048;
	p->parameters.rsaDetail.exponent = 0;
	p->unique.rsa.size = 256; /* zero-filled */
}

int tpm_activate_credential(struct tpm *t, const struct ak *ak, const uint8_t *blob,
			    size_t blob_size, const uint8_t *enc, size_t enc_size, uint8_t *ret,
			    size_t ret_max, size_t *ret_size)
{
	TPM2B_SENSITIVE_CREATE sens = {};
	TPM2B_PUBLIC tmpl = {};
	TPM2B_DATA outside = {};
	TPML_PCR_SELECTION creation_pcr = {};
	TPM2B_ID_OBJECT id = {};
	TPM2B_ENCRYPTED_SECRET sec = {};
	TPMT_SYM_DEF sym = {.algorithm = TPM2_ALG_NULL};
	TPM2B_NONCE nonce_tpm = {};
	TPM2B_DIGEST cp_hash = {};
	TPM2B_NONCE policy_ref = {};
	TPM2B_DIGEST *cert_info = NULL;
	ESYS_TR ek = ESYS_TR_NONE, sess = ESYS_TR_NONE;
	size_t off = 0;
	TSS2_RC rc;
	int r;

	if (Tss2_MU_TPM2B_ID_OBJECT_Unmarshal(blob, blob_size, &off, &id) != TSS2_RC_SUCCESS ||
	    off != blob_size)
		return -EBADMSG;
	off = 0;
	if (Tss2_MU_TPM2B_ENCRYPTED_SECRET_Unmarshal(enc, enc_size, &off, &sec) != TSS2_RC_SUCCESS ||
	    off != enc_size)
		return -EBADMSG;

	ek_rsa_template(&tmpl.publicArea);
	rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD, ESYS_TR_NONE,
				ESYS_TR_NONE, &sens, &tmpl, &outside, &creation_pcr, &ek, NULL, NULL,
				NULL, NULL);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_rc_to_errno(rc, "Esys_CreatePrimary(EK)");
	rc = Esys_StartAuthSession(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, NULL, TPM2_SE_POLICY, &sym, TPM2_ALG_SHA256,
				   &sess);
	if (rc != TSS2_RC_SUCCESS) {
		r = tpm_rc_to_errno(rc, "Esys_StartAuthSession");
		goto out;
	}
	rc = Esys_PolicySecret(t->esys, ESYS_TR_RH_ENDORSEMENT, sess, ESYS_TR_PASSWORD, ESYS_TR_NONE,
			       ESYS_TR_NONE, &nonce_tpm, &cp_hash, &policy_ref, 0, NULL, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		r = tpm_rc_to_errno(rc, "Esys_PolicySecret");
		goto out;
	}
	rc = Esys_ActivateCredential(t->esys, ak->handle, ek, ESYS_TR_PASSWORD, sess, ESYS_TR_NONE,
				     &id, &sec, &cert_info);
	if (rc != TSS2_RC_SUCCESS) {
		r = tpm_rc_to_errno(rc, "Esys_ActivateCredential");
		goto out;
	}
	if (cert_info->size > ret_max) {
		r = -E2BIG;
		goto out;
	}
	memcpy(ret, cert_info->buffer, cert_info->size);
	*ret_size = cert_info->size;
	r = 0;
out:
	Esys_Free(cert_info);
	if (sess != ESYS_TR_NONE)
		Esys_FlushContext(t->esys, sess);
	Esys_FlushContext(t->esys, ek);
	return r;
}

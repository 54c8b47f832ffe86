/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ESYS wrappers (TCG TSS 2.0 Enhanced System API Specification v1.00; TPM 2.0 Library Part 3
 * §22.2 TPM2_PCR_Extend, §22.4 TPM2_PCR_Read, §30.2 TPM2_GetCapability(TPM_CAP_PCRS)). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

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

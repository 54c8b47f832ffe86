/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Platform targets and PCR rules (platform-target.h). Event formats: TCG PC Client PFP 1.05r23
 * §10.4.1 (EV_S_CRTM_VERSION: UCS-2 string with NUL; EV_NONHOST_INFO; EV_SEPARATOR 00000000);
 * GCE's PCR 0 content as replayed from Google's public event logs (go-eventlog testdata,
 * ../shared/reference/cloud-platforms.md §2.1); EDK2 Tcg2Dxe's ExitBootServices actions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure-eventlog.h"
#include "platform-target.h"

#define EBS_INVOCATION "Exit Boot Services Invocation"
#define EBS_FAILURE "Exit Boot Services Returned with Failure"
#define EBS_RETRY_NAME "ebs-retry"

static const char *const target_names[_PLATFORM_TARGET_MAX] = {
	[PLATFORM_TARGET_QEMU] = "qemu",
	[PLATFORM_TARGET_GCE] = "gce",
	[PLATFORM_TARGET_AZURE] = "azure",
	[PLATFORM_TARGET_AWS] = "aws",
};

enum platform_target platform_target_from_string(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(target_names); i++)
		if (strcmp(s, target_names[i]) == 0)
			return (enum platform_target)i;
	return _PLATFORM_TARGET_INVALID;
}

const char *platform_target_to_string(enum platform_target t)
{
	return (unsigned)t < ARRAY_SIZE(target_names) ? target_names[t] : "?";
}

static const char *const cvm_names[_GCE_CVM_MAX] = {
	[GCE_CVM_NONE] = "none",
	[GCE_CVM_SEV] = "sev",
	[GCE_CVM_SEV_ES] = "sev-es",
	[GCE_CVM_TDX] = "tdx",
	[GCE_CVM_SEV_SNP] = "sev-snp",
};

enum gce_cvm gce_cvm_from_string(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(cvm_names); i++)
		if (strcmp(s, cvm_names[i]) == 0)
			return (enum gce_cvm)i;
	return _GCE_CVM_INVALID;
}

const char *gce_cvm_to_string(enum gce_cvm c)
{
	return (unsigned)c < ARRAY_SIZE(cvm_names) ? cvm_names[c] : "?";
}

static int add_hashed(struct golden_pcr *p, enum bank b, const char *type, uint32_t type_id,
		      const char *desc, const void *data, size_t len)
{
	uint8_t d[DIGEST_MAX];
	int r = digest_buffer(b, data, len, d);
	if (r < 0)
		return r;
	return golden_pcr_add_event(p, GOLDEN_LOG_FIRMWARE, type, type_id, desc, d, bank_size(b),
				    NULL, data, len);
}

static int add_separator(struct golden_pcr *p, enum bank b)
{
	static const uint8_t sep[4];
	return add_hashed(p, b, "EV_SEPARATOR", EV_SEPARATOR, "separator", sep, sizeof(sep));
}

int gce_pcr0_build(struct golden_pcr *p, enum bank b, unsigned firmware, enum gce_cvm cvm)
{
	uint8_t ucs2[64] = {}, info[32] = {};
	char ascii[32];
	int n, r;

	if (firmware < 1 || firmware > GCE_FIRMWARE_MAX || (unsigned)cvm >= _GCE_CVM_MAX ||
	    p->n_events > 0)
		return -EINVAL;
	/* EV_S_CRTM_VERSION: the version string in UCS-2 with its NUL, as GCE logs it. */
	n = snprintf(ascii, sizeof(ascii), "GCE Virtual Firmware v%u", firmware);
	if (n < 0 || (size_t)(n + 1) * 2 > sizeof(ucs2))
		return -EINVAL;
	for (int i = 0; i < n; i++)
		ucs2[2 * i] = (uint8_t)ascii[i];
	r = add_hashed(p, b, "EV_S_CRTM_VERSION", EV_S_CRTM_VERSION, ascii, ucs2,
		       (size_t)(n + 1) * 2);
	if (r < 0)
		return r;
	/* EV_NONHOST_INFO: "GCE NonHostInfo\0", the confidential technology, 15 zero bytes. */
	memcpy(info, "GCE NonHostInfo", 15);
	info[16] = (uint8_t)cvm;
	{
		char desc[64];
		snprintf(desc, sizeof(desc), "GCE NonHostInfo (confidential VM: %s)",
			 gce_cvm_to_string(cvm));
		r = add_hashed(p, b, "EV_NONHOST_INFO", EV_NONHOST_INFO, desc, info, sizeof(info));
	}
	if (r < 0)
		return r;
	r = add_separator(p, b);
	if (r < 0)
		return r;
	return golden_pcr_recompute(p, b);
}

/* One row of a target's table. */
struct rule {
	enum pcr_status status;
	const char *source;
	bool separator;   /* exact: the value is one EV_SEPARATOR */
	bool from_log;    /* qemu: events already filled from the reference log */
	bool gce_pcr0;
	bool ebs_retry;   /* placeholder alternative for predict */
};

#define PREDICT_PCR4 "bootproof predict: Authenticode of systemd-boot, the UKI and its .linux as installed on the ESP"
#define PREDICT_PCR5 "bootproof predict: GPT of the disk, loader.conf, ExitBootServices (alternative ebs-retry: EDK2's ExitBootServices retry)"

static const struct rule *target_rules(enum platform_target t)
{
	static const struct rule qemu[8] = {
		[0] = {PCR_STATUS_EXACT, NULL, .from_log = true},
		[1] = {PCR_STATUS_EXACT, NULL, .from_log = true},
		[2] = {PCR_STATUS_EXACT, NULL, .from_log = true},
		[3] = {PCR_STATUS_EXACT, NULL, .from_log = true},
		[4] = {PCR_STATUS_COMPUTED, PREDICT_PCR4},
		[5] = {PCR_STATUS_COMPUTED, PREDICT_PCR5, .ebs_retry = true},
		[6] = {PCR_STATUS_EXACT, NULL, .from_log = true},
		[7] = {PCR_STATUS_COMPUTED, "bootproof predict: SecureBoot, PK, KEK, db, dbx as enrolled in OVMF_VARS (Secure Boot off, no keys: OVMF's empty-variable value)"},
	};
	static const struct rule gce[8] = {
		[0] = {PCR_STATUS_COMPUTED, NULL, .gce_pcr0 = true},
		[1] = {PCR_STATUS_VARIABLE, "GCE firmware: BootOrder/Boot#### (nvme_card-pd vs Google PersistentDisk) and ACPI DATA differ by machine type and disk interface"},
		[2] = {PCR_STATUS_EXACT, "GCE firmware: separator only (every public GCE log, go-eventlog/go-tpm-tools testdata)", .separator = true},
		[3] = {PCR_STATUS_EXACT, "GCE firmware: separator only (every public GCE log, go-eventlog/go-tpm-tools testdata)", .separator = true},
		[4] = {PCR_STATUS_COMPUTED, PREDICT_PCR4},
		[5] = {PCR_STATUS_COMPUTED, PREDICT_PCR5, .ebs_retry = true},
		[6] = {PCR_STATUS_EXACT, "GCE firmware: separator only (every public GCE log, go-eventlog/go-tpm-tools testdata)", .separator = true},
		[7] = {PCR_STATUS_COMPUTED, "bootproof predict: the PK/KEK/db/dbx registered with gcloud compute images create --platform-key-file/--key-exchange-key-file/--signature-database-file/--forbidden-database-file (GCE wraps each DER in its own EFI_SIGNATURE_LIST, owner d281fad2-8d88-47a4-9792-5baa47bb1b89)"},
	};
	static const struct rule azure[8] = {
		[0] = {PCR_STATUS_VARIABLE, "Azure Hyper-V UEFI (mu_msvm): changes with host firmware updates"},
		[1] = {PCR_STATUS_EXACT, "Azure firmware: separator only (Constellation and Fluorite Azure measurements; one real boot to confirm)", .separator = true},
		[2] = {PCR_STATUS_VARIABLE, "Azure firmware: differs by VM size (option ROMs; three values seen)"},
		[3] = {PCR_STATUS_EXACT, "Azure firmware: separator only (Constellation and Fluorite Azure measurements; one real boot to confirm)", .separator = true},
		[4] = {PCR_STATUS_COMPUTED, PREDICT_PCR4},
		[5] = {PCR_STATUS_COMPUTED, PREDICT_PCR5, .ebs_retry = true},
		[6] = {PCR_STATUS_PER_INSTANCE, "mu_msvm VmMeasurementDxe: EV_COMPACT_HASH \"UUID: <VM BIOS GUID>\" and the machine architecture, per VM"},
		[7] = {PCR_STATUS_COMPUTED, "bootproof predict: uefiSettings of the gallery image version (NoSignatureTemplate + additionalSignatures PK/KEK/db/dbx)"},
	};
	static const struct rule aws[8] = {
		[0] = {PCR_STATUS_OBSERVED, "AWS NitroTPM: constant per AWS's attestation document docs; value from one real boot (tpm2_pcrread, eventlog profile --pcrs)"},
		[1] = {PCR_STATUS_OBSERVED, "AWS NitroTPM: constant per AWS's attestation document docs; value from one real boot (tpm2_pcrread, eventlog profile --pcrs)"},
		[2] = {PCR_STATUS_EXACT, "AWS firmware: separator only (Constellation AWS measurements; one real boot to confirm)", .separator = true},
		[3] = {PCR_STATUS_EXACT, "AWS firmware: separator only (Constellation AWS measurements; one real boot to confirm)", .separator = true},
		[4] = {PCR_STATUS_COMPUTED, PREDICT_PCR4},
		[5] = {PCR_STATUS_COMPUTED, PREDICT_PCR5, .ebs_retry = true},
		[6] = {PCR_STATUS_EXACT, "AWS firmware: separator only (Constellation AWS measurements; one real boot to confirm)", .separator = true},
		[7] = {PCR_STATUS_COMPUTED, "bootproof predict: the variables of register-image --uefi-data (PK/KEK/db/dbx; without uefi-data: Secure Boot off, empty variables)"},
	};
	switch (t) {
	case PLATFORM_TARGET_QEMU: return qemu;
	case PLATFORM_TARGET_GCE: return gce;
	case PLATFORM_TARGET_AZURE: return azure;
	case PLATFORM_TARGET_AWS: return aws;
	default: return NULL;
	}
}

int platform_target_fill(enum platform_target t, const struct platform_target_options *o,
			 unsigned bank_mask, const char *log_source,
			 struct golden_bank banks[_BANK_MAX])
{
	const struct rule *rules = target_rules(t);
	unsigned fw = o && o->gce_firmware ? o->gce_firmware : 2;
	enum gce_cvm cvm = o ? o->gce_cvm : GCE_CVM_NONE;
	char gce_src[200];
	int r;

	if (!rules)
		return -EINVAL;
	snprintf(gce_src, sizeof(gce_src),
		 "computed: GCE Virtual Firmware v%u, confidential VM %s (EV_S_CRTM_VERSION, "
		 "EV_NONHOST_INFO, separator)", fw, gce_cvm_to_string(cvm));
	FOREACH_BANK(b, bank_mask) {
		banks[b].present = true;
		for (unsigned pcr = 0; pcr < 8; pcr++) {
			struct golden_pcr *p = &banks[b].pcrs[pcr];
			const struct rule *ru = &rules[pcr];
			const char *src = ru->gce_pcr0 ? gce_src : ru->from_log ? log_source : ru->source;

			if (ru->from_log && !p->present)
				return -EINVAL;
			if (pcr == 7 && o && o->default_keys &&
			    (t == PLATFORM_TARGET_GCE || t == PLATFORM_TARGET_AZURE)) {
				static const struct rule dflt = {
					.status = PCR_STATUS_VARIABLE,
					.source = "the cloud's default Secure Boot variables (Microsoft KEK/db, a dbx the "
					"cloud updates) are measured even with Secure Boot off: register "
					"custom PK/KEK/db/dbx to make PCR 7 computable"};
				ru = &dflt;
				src = ru->source;
			}
			p->present = true;
			p->status = ru->status;
			free(p->source);
			p->source = src ? strdup(src) : NULL;
			if (src && !p->source)
				return -ENOMEM;
			if (ru->gce_pcr0)
				r = gce_pcr0_build(p, b, fw, cvm);
			else if (ru->separator) {
				r = add_separator(p, b);
				if (r >= 0)
					r = golden_pcr_recompute(p, b);
			} else if (!ru->from_log) {
				p->no_value = true;
				r = 0;
			} else
				r = 0;
			if (r < 0)
				return r;
			if (ru->ebs_retry) {
				p->alternatives = calloc(1, sizeof(*p->alternatives));
				if (!p->alternatives)
					return -ENOMEM;
				p->n_alternatives = 1;
				p->alternatives[0].present = true;
				p->alternatives[0].no_value = true;
				p->alternatives[0].name = strdup(EBS_RETRY_NAME);
				if (!p->alternatives[0].name)
					return -ENOMEM;
			}
		}
	}
	return 0;
}

int pcr5_ebs_retry_build(const struct golden_pcr *pcr5, enum bank b, struct golden_pcr *alt)
{
	static const char *const failure = EBS_FAILURE;
	bool inserted = false;
	int r;

	for (size_t i = 0; i < pcr5->n_events; i++) {
		const struct golden_event *e = &pcr5->events[i];
		if (!inserted && e->has_type_id && e->type_id == EV_EFI_ACTION && e->data &&
		    e->data_len == strlen(EBS_INVOCATION) &&
		    memcmp(e->data, EBS_INVOCATION, e->data_len) == 0) {
			r = add_hashed(alt, b, "EV_EFI_ACTION", EV_EFI_ACTION, failure, failure,
				       strlen(failure));
			if (r < 0)
				return r;
			inserted = true;
		}
		r = golden_pcr_add_event(alt, e->log, e->type,
					 e->has_type_id ? (int64_t)e->type_id : -1, e->description,
					 e->digest, bank_size(b), e->phase, e->data, e->data_len);
		if (r < 0)
			return r;
	}
	if (!inserted)
		return -ENOENT;
	return golden_pcr_recompute(alt, b);
}

int platform_rules_apply(struct golden_bank golden[_BANK_MAX],
			 const struct golden_bank profile[_BANK_MAX], unsigned bank_mask)
{
	int r;

	FOREACH_BANK(b, bank_mask) {
		if (!profile[b].present || !golden[b].present)
			continue;
		for (unsigned pcr = 0; pcr < TPM2_PCR_COUNT; pcr++) {
			const struct golden_pcr *src = &profile[b].pcrs[pcr];
			struct golden_pcr *dst = &golden[b].pcrs[pcr];
			size_t first_alt;

			if (!src->present || src->status == PCR_STATUS_UNSET)
				continue;
			/* Placeholders stand for what predict models itself (4, 5, 7); anywhere else
			 * they would turn an empty event list into a "computed" value. */
			if (src->status == PCR_STATUS_COMPUTED && src->no_value && pcr != 4 &&
			    pcr != 5 && pcr != 7)
				return -EBADMSG;
			/* A placeholder for a PCR predict did not model (PCR 5 without a disk), or a
			 * rule with events for a PCR predict did not copy: predict decides which PCRs
			 * exist; only bare statuses (variable, per-instance, unseen) add one. */
			if (!dst->present && !src->no_value)
				continue;
			if (src->status == PCR_STATUS_COMPUTED && src->no_value && !dst->present)
				continue;
			first_alt = dst->n_alternatives;
			r = golden_pcr_copy_status(dst, src, b);
			if (r < 0)
				return r;
			dst->present = true;
			/* A computed placeholder: predict's own events and value stand. */
			if (src->status == PCR_STATUS_COMPUTED)
				dst->no_value = false;
			for (size_t i = first_alt; i < dst->n_alternatives;) {
				struct golden_pcr *a = &dst->alternatives[i], tmp = {};
				if (!a->no_value) {
					i++;
					continue;
				}
				if (strcmp(a->name, EBS_RETRY_NAME) != 0)
					return -EBADMSG;
				r = pcr5_ebs_retry_build(dst, b, &tmp);
				if (r == -ENOENT) {
					/* No ExitBootServices in the prediction: nothing to retry. */
					golden_pcr_clear(&tmp);
					golden_pcr_clear(a);
					memmove(a, a + 1, (dst->n_alternatives - i - 1) * sizeof(*a));
					dst->n_alternatives--;
					continue;
				}
				if (r < 0) {
					golden_pcr_clear(&tmp);
					return r;
				}
				tmp.name = TAKE_PTR(a->name);
				tmp.present = true;
				golden_pcr_clear(a);
				*a = tmp;
				i++;
			}
		}
	}
	return 0;
}

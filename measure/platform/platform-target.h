/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Platform targets and the rules a verifier applies to PCR 0-7 (golden format 2, pcr-status.h,
 * docs/golden-format.md "PCR status", image/platform/README.md).
 *
 * - platform_target_*: the per-target status table (qemu, gce, azure, aws) and the events bootproof
 *   computes itself: GCE's PCR 0 from the firmware version and the confidential-VM type
 *   (EV_S_CRTM_VERSION "GCE Virtual Firmware vN", EV_NONHOST_INFO "GCE NonHostInfo" + type byte,
 *   separator) and the separator-only PCRs.
 * - platform_rules_apply(): copies a profile's status, source and alternatives into predict's
 *   golden banks and builds PCR 5's "ebs-retry" alternative (EDK2's ExitBootServices retry:
 *   "Returned with Failure", then "Invocation", then "Returned with Success"). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "measure-golden.h"

enum platform_target {
	PLATFORM_TARGET_QEMU,
	PLATFORM_TARGET_GCE,
	PLATFORM_TARGET_AZURE,
	PLATFORM_TARGET_AWS,
	_PLATFORM_TARGET_MAX,
	_PLATFORM_TARGET_INVALID = -EINVAL,
};

enum platform_target platform_target_from_string(const char *s);
const char *platform_target_to_string(enum platform_target t);

/* GCE confidential-VM technology: the byte of EV_NONHOST_INFO (go-eventlog's
 * GCEConfidentialTechnology numbering). */
enum gce_cvm {
	GCE_CVM_NONE = 0,   /* Shielded VM */
	GCE_CVM_SEV = 1,
	GCE_CVM_SEV_ES = 2,
	GCE_CVM_TDX = 3,
	GCE_CVM_SEV_SNP = 4,
	_GCE_CVM_MAX,
	_GCE_CVM_INVALID = -EINVAL,
};

enum gce_cvm gce_cvm_from_string(const char *s);  /* none sev sev-es tdx sev-snp */
const char *gce_cvm_to_string(enum gce_cvm c);

#define GCE_FIRMWARE_MAX 99u

/* Adds GCE's three PCR 0 events (bank b) to p (which must be empty). firmware 1..99. */
int gce_pcr0_build(struct golden_pcr *p, enum bank b, unsigned firmware, enum gce_cvm cvm);

struct platform_target_options {
	unsigned gce_firmware;     /* 0: 2, the version of the 2024-25 logs */
	enum gce_cvm gce_cvm;
	bool default_keys;         /* gce, azure: the cloud's own Secure Boot keys stay (no custom
	                            * PK/KEK/db/dbx registered): PCR 7 is variable (dbx drifts) */
};

/* Fills banks (zeroed; bank_mask: which) with the target's rules for PCR 0-7: the events it can
 * compute (GCE PCR 0, separator-only PCRs), placeholders for what predict computes (4, 5 with
 * the "ebs-retry" alternative, 7) and bare statuses for variable, per-instance and not yet
 * observed PCRs. For PLATFORM_TARGET_QEMU the caller has filled PCR 0-3, 6 from the reference
 * log already; only their status and source are set. log_source: text for those (may be NULL). */
int platform_target_fill(enum platform_target t, const struct platform_target_options *o,
			 unsigned bank_mask, const char *log_source,
			 struct golden_bank banks[_BANK_MAX]);

/* After predict: for every PCR the profile gives a status, copy status, source and
 * alternatives into golden (placeholders are built: "ebs-retry" from golden's PCR 5 events).
 * Profiles of format 1 carry none: nothing changes. -EBADMSG: an unknown alternative name, or
 * a computed placeholder on a PCR predict does not model (only 4, 5 and 7 have one). */
int platform_rules_apply(struct golden_bank golden[_BANK_MAX],
			 const struct golden_bank profile[_BANK_MAX], unsigned bank_mask);

/* Builds into alt the EBS-retry variant of pcr5 (bank b): the events of pcr5 with "Exit Boot
 * Services Returned with Failure" inserted before "Exit Boot Services Invocation".
 * -ENOENT if pcr5 has no Invocation event. */
int pcr5_ebs_retry_build(const struct golden_pcr *pcr5, enum bank b, struct golden_pcr *alt);

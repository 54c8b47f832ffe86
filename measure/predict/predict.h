/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The boot-chain model: from the files as installed (systemd-boot, the UKI, loader.conf, the
 * disk's GPT), the Secure Boot variables and a platform profile, the expected event list and
 * value of PCR 0-7, 9, 11, 12, 13 for every bank asked for (pcr-spec.md §2-§6, confirmed on
 * real OVMF + swtpm boots for stub 252 and 257, §12). Supported: systemd-stub 252..257, with
 * systemd-boot 252..257 or booted directly by the firmware; Secure Boot off or on (no shim).
 * Anything the model does not know (addons, credentials, sysexts, .pcrsig/.pcrpkey, .ucode,
 * .profile, .dtbauto/.hwids, stub >= 258) is refused with -EOPNOTSUPP and a reason: a guess is
 * worse than no golden value. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "measure-golden.h"
#include "measure-platform.h"
#include "sb-verify.h"

#define PREDICT_MAX_PHASES 8u
#define PREDICT_PHASE_MAX_LEN 64u

struct predict_blob {
	const uint8_t *data;
	size_t len;
	const char *name; /* for descriptions: "\\EFI\\BOOT\\BOOTX64.EFI", a path, ... */
};

struct predict_input {
	unsigned mask;                 /* banks */
	unsigned n_threads;            /* 0: all CPUs */
	char phases[PREDICT_MAX_PHASES][PREDICT_PHASE_MAX_LEN];
	size_t n_phases;

	struct predict_blob uki;        /* required */
	struct predict_blob bootloader; /* systemd-boot as installed; data NULL: firmware starts the UKI */
	struct predict_blob loader_conf;/* \loader\loader.conf; data NULL: see loader_conf_absent */
	bool loader_conf_absent;        /* the ESP has no loader.conf (systemd-boot >= 255 measures none) */
	struct predict_blob gpt_event;  /* UEFI_GPT_DATA built by gpt_event_build(); NULL: no PCR 5 */
	bool exit_boot_services;        /* the two EBS actions in PCR 5 (the kernel calls EBS) */

	bool secure_boot;
	struct predict_blob pk, kek, db, dbx; /* EFI_SIGNATURE_LIST chains (may be empty) */
	enum sbv_firmware firmware;     /* whose image verification (0: edk2 2022.11, the oldest) */

	/* Platform PCRs (0-3, 6 and, if present, 7 when no key material is given) per bank. */
	const struct golden_bank *platform; /* NULL: no platform PCRs */
	const char *platform_name;
	uint8_t platform_sha256[32];
};

/* Parses "enter-initrd:leave-initrd:sysinit:ready" into in->phases. "" = no phases. Known
 * words only (systemd-pcrphase): enter-initrd leave-initrd sysinit ready shutdown final. */
int predict_parse_phases(struct predict_input *in, const char *list);

/* Runs the model into g (banks, stub versions, uki_sha256 are filled; image name/version are
 * the caller's). On -EOPNOTSUPP / -EBADMSG, reason gets one line saying what and where. */
int predict_run(const struct predict_input *in, struct golden *g, char *reason,
		size_t reason_size);

/* systemd-measure `calculate --json=short` shape for PCR 11: per bank, one entry per phase path
 * ("enter-initrd", "enter-initrd:leave-initrd", ...). */
int predict_systemd_json(const struct golden *g, json_t **ret);
/* tpm2-tools PCR "values" blob: the values of the PCRs in selection order (banks in TPM_ALG
 * order, PCRs ascending), as `tpm2_checkquote -F values -f FILE -l SEL` reads them. ret_sel
 * gets the matching selection string, e.g. "sha1:0,1,2+sha256:0,1,2". */
int predict_tpm2_values(const struct golden *g, uint8_t **ret, size_t *ret_len, char **ret_sel);
/* The same values in tpm2-tools' "serialized" PCR file (what `tpm2_quote -o` writes by default
 * and `tpm2_checkquote -f FILE -l SEL` reads). */
int predict_tpm2_serialized(const struct golden *g, uint8_t **ret, size_t *ret_len,
			    char **ret_sel);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `bootproof predict` as a library call: from file names (a disk image, or the UKI, systemd-boot
 * and loader.conf as installed; Secure Boot variables; a platform profile) to the golden
 * manifest. Reads the files (the ESP of a disk image with mtools' mdir/mcopy into a private
 * temporary directory), runs predict_run() and fills the image identity. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "measure-golden.h"
#include "predict.h"

struct predict_files {
	const char *disk;          /* GPT disk image; NULL: explicit files only */
	const char *esp_uki;       /* which UKI on the ESP when \EFI\Linux holds several */
	const char *uki;           /* explicit files override what the disk's ESP holds */
	const char *bootloader;
	const char *loader_conf;
	bool no_loader_conf;
	const char *pk, *kek, *db, *dbx; /* signature lists or .auth files; NULL: empty */
	const char *platform;      /* platform profile; NULL: no platform PCRs */
	const char *name, *version; /* image identity written into the manifest */
	/* Model options: banks, threads, phases, secure_boot, exit_boot_services. Its blobs and
	 * platform fields are filled from the files above. */
	struct predict_input model;
	/* Sealing policy (golden.json "seal", seal-policy.h): PCR mask, PCR 11 phase path, bank;
	 * seal_required: one of them was given explicitly, so a missing value is an error. */
	bool no_seal, seal_required;
	uint32_t seal_mask;
	const char *seal_phase;
	enum bank seal_bank;
};

/* Returns 0 and the manifest in *ret, or a negative errno with err holding one line that names
 * the file and what is wrong (for the caller to print after its "predict: " prefix). */
int predict_files_run(const struct predict_files *f, struct golden **ret, char *err,
		      size_t err_size);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every digest a UKI contributes, in one parallel pass over its mapping: the UKI's Authenticode
 * (PCR 4), the embedded kernel's Authenticode over its in-memory .linux buffer (PCR 4), each
 * section's in-memory bytes (PCR 11), and the combined initrd the stub hands to the kernel
 * (PCR 9), which shares the .initrd prefix with the section digest (context copy). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "measure-pe.h"

#define UKI_KERNEL_MAX_COPY (UINT64_C(1) << 30) /* zero-padded .linux copies (VS > SizeOfRawData) */

struct uki_digests {
	uint8_t authenticode[_BANK_MAX][DIGEST_MAX];
	bool have_kernel;
	uint8_t kernel_authenticode[_BANK_MAX][DIGEST_MAX];
	uint8_t section[PE_MAX_SECTIONS][_BANK_MAX][DIGEST_MAX]; /* by section table index */
	bool have_initrd;                                       /* combined initrd non-empty */
	uint64_t initrd_size;
	uint8_t initrd[_BANK_MAX][DIGEST_MAX];
	uint8_t file_sha256[32];      /* sha256 of the whole file (image identity) */
};

/* extra (may be NULL/0): bytes the stub appends to .initrd (padded to 4) in the combined
 * initrd, e.g. the os-release cpio of stub >= 257. Without extra the combined initrd is .initrd
 * as is. kernel_pe = false skips the kernel Authenticode (a .linux that is not a PE is then no
 * error). Returns -EBADMSG if the kernel is not a valid PE and kernel_pe is set. */
int uki_digests_compute(const struct uki *u, const uint8_t *data, size_t len, unsigned mask,
			const uint8_t *extra, size_t extra_len, bool kernel_pe,
			unsigned n_threads, struct uki_digests *ret);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Read-only mappings of input files (UKIs, EFI binaries, disk images): one mapping, read by
 * every digest job, never copied. Regular files only. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "macro.h"

struct mapped_file {
	const uint8_t *data; /* NULL for an empty file */
	size_t len;
	void *map;           /* for munmap; NULL if data is heap memory */
	uint8_t *heap;
};

/* Maps path (regular file, <= max bytes). -EFBIG above max, -EINVAL not a regular file.
 * "-" reads stdin into memory (capped). */
int mapped_file_open(const char *path, uint64_t max, struct mapped_file *ret);
void mapped_file_close(struct mapped_file *m);

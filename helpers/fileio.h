/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capped file reads and atomic file writes (temporary file in the same directory, fsync,
 * rename, fsync of the directory): an output file is either the old one or the complete new one,
 * never a partial one. The path "-" means stdin / stdout. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "macro.h"

/* Reads a whole regular file (or "-" = stdin) of at most max bytes into a malloc'd buffer that
 * has one extra NUL byte after the data. Refuses symlinks only if nofollow.
 * -EFBIG if the file exceeds max; -EINVAL if it is not a regular file. */
int read_file_capped(const char *path, size_t max, uint8_t **ret, size_t *ret_len);

struct atomic_file {
	char *path;     /* final path, NULL for stdout */
	char *tmp_path; /* hidden temporary next to it */
	FILE *f;        /* write here */
	bool committed;
};

/* Creates the temporary file (mode 0644 whatever the umask, so outputs are reproducible). */
int atomic_file_open(const char *path, struct atomic_file **ret);
/* Flushes, fsyncs and renames into place. On failure the temporary is removed. */
int atomic_file_commit(struct atomic_file *af);
/* Removes the temporary unless committed; NULL-safe; returns NULL. */
struct atomic_file *atomic_file_free(struct atomic_file *af);
DEFINE_FREE_FUNC(struct atomic_file, atomic_file_free)

/* One-shot: write len bytes atomically to path ("-" = stdout). */
int write_file_atomic(const char *path, const void *data, size_t len);

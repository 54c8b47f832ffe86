/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capped file reads and atomic file writes (temporary file in the same directory, fsync,
 * rename, fsync of the directory): an output file is either the old one or the complete new one,
 * never a partial one. The path "-" means stdin / stdout. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "macro.h"

/* Reads a whole regular file (or "-" = stdin) of at most max bytes into a malloc'd buffer that
 * has one extra NUL byte after the data. A symbolic link is followed (O_NOFOLLOW is not used:
 * inputs are files the user named, and release folders link them), so the checks apply to the
 * file it names. -EFBIG if the file exceeds max; -EISDIR for a directory. */
int read_file_capped(const char *path, size_t max, uint8_t **ret, size_t *ret_len);

struct atomic_file {
	char *path;     /* final path, NULL for stdout */
	char *tmp_path; /* hidden temporary next to it */
	FILE *f;        /* write here */
	bool committed;
};

/* Creates the temporary file (mode 0644 whatever the umask, so outputs are reproducible). */
int atomic_file_open(const char *path, struct atomic_file **ret);
/* The same with another mode: 0600 for a secret, which is never readable by others, not even
 * while it is being written. */
int atomic_file_open_mode(const char *path, mode_t mode, struct atomic_file **ret);
/* Flushes, fsyncs and renames into place. On failure the temporary is removed. */
int atomic_file_commit(struct atomic_file *af);
/* Removes the temporary unless committed; NULL-safe; returns NULL. */
struct atomic_file *atomic_file_free(struct atomic_file *af);
DEFINE_FREE_FUNC(struct atomic_file, atomic_file_free)

/* One-shot: write len bytes atomically to path ("-" = stdout). */
int write_file_atomic(const char *path, const void *data, size_t len);
/* One-shot for secrets: mode 0600, atomically, the directory fsynced ("-" = stdout). */
int write_secret_file_atomic(const char *path, const void *data, size_t len);

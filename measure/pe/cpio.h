/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The "newc" cpio archives systemd-stub generates for its combined initrd, byte for byte
 * (systemd src/boot/cpio.c pack_cpio_literal: inodes from 1, uid/gid/mtime/dev 0, nlink 1,
 * header+name and data each padded to 4 from the archive start, fixed TRAILER!!! record).
 * libarchive's writer differs in inode, mtime and trailer, so these are written by hand
 * (pcr-spec.md §4.2; the os-release archive confirmed against a real stub 257 boot, §12). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define CPIO_MAX_DATA (UINT32_C(64) << 20)

/* One directory (mode dir_mode) and one file target_dir/name (mode file_mode) with data, then
 * the trailer: what pack_cpio_literal() makes, e.g. (".extra", "os-release", 0555, 0444). */
int cpio_literal(const char *target_dir, const char *name, uint32_t dir_mode, uint32_t file_mode,
		 const uint8_t *data, size_t len, uint8_t **ret, size_t *ret_len);

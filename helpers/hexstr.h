/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Strict lowercase hex. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes 2*n lowercase hex digits and a NUL to out (size >= 2*n+1). */
void hex_encode(const void *data, size_t n, char *out);
/* Returns a malloc'd string, or NULL on allocation failure. */
char *hex_encode_alloc(const void *data, size_t n);
/* Decodes exactly n bytes from a string of exactly 2*n hex digits. Lowercase only unless
 * allow_upper: digests in bootproof files are canonical lowercase. -EBADMSG on any defect. */
int hex_decode_exact(const char *s, size_t n, bool allow_upper, uint8_t *out);
/* Decodes a hex string of any even length into a malloc'd buffer (cap: max bytes). */
int hex_decode_alloc(const char *s, size_t max, uint8_t **ret, size_t *ret_len);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bounded reader over untrusted bytes (BoringSSL CBS style). A cursor never reads past its end;
 * every getter returns false and leaves the cursor unchanged when the bytes are not there.
 * A cursor is a view: valid while the buffer it was made from lives. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t *base; /* start of the whole buffer, for offsets in error messages */
	const uint8_t *p;    /* next byte */
	size_t len;          /* bytes left */
};

void cursor_init(struct cursor *c, const void *data, size_t len);
static inline size_t cursor_offset(const struct cursor *c)
{
	return (size_t)(c->p - c->base);
}
static inline size_t cursor_left(const struct cursor *c)
{
	return c->len;
}

bool cursor_get_u8(struct cursor *c, uint8_t *ret);
bool cursor_get_u16le(struct cursor *c, uint16_t *ret);
bool cursor_get_u32le(struct cursor *c, uint32_t *ret);
bool cursor_get_u64le(struct cursor *c, uint64_t *ret);
bool cursor_get_u16be(struct cursor *c, uint16_t *ret);
bool cursor_get_u32be(struct cursor *c, uint32_t *ret);
bool cursor_get_u64be(struct cursor *c, uint64_t *ret);
/* Take n bytes as a sub-cursor; the sub-cursor keeps the parent's base so offsets stay absolute. */
bool cursor_get_bytes(struct cursor *c, size_t n, struct cursor *ret_sub);
bool cursor_copy(struct cursor *c, void *dst, size_t n);
bool cursor_skip(struct cursor *c, size_t n);
/* Consume n bytes only if they equal magic. */
bool cursor_expect(struct cursor *c, const void *magic, size_t n);
/* TPM2B: u16 big-endian size, then that many bytes; fails if size > max. */
bool cursor_get_tpm2b(struct cursor *c, size_t max, struct cursor *ret_sub);
/* A view of [off, off+n) of a buffer, checked in subtraction form. */
bool blob_slice(const uint8_t *base, size_t len, uint64_t off, uint64_t n, struct cursor *ret);

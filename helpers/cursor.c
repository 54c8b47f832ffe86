/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bounded reader over untrusted bytes; see cursor.h. */
#include <string.h>

#include "cursor.h"
#include "size.h"

void cursor_init(struct cursor *c, const void *data, size_t len)
{
	c->base = data;
	c->p = data;
	c->len = data ? len : 0;
}

static bool take(struct cursor *c, size_t n, const uint8_t **ret)
{
	if (n > c->len)
		return false;
	*ret = c->p;
	c->p += n;
	c->len -= n;
	return true;
}

bool cursor_get_u8(struct cursor *c, uint8_t *ret)
{
	const uint8_t *p;
	if (!take(c, 1, &p))
		return false;
	*ret = p[0];
	return true;
}

#define CURSOR_GETTER(name, type, n, load)                                                         \
	bool cursor_get_##name(struct cursor *c, type *ret)                                        \
	{                                                                                          \
		const uint8_t *p;                                                                  \
		if (!take(c, n, &p))                                                               \
			return false;                                                              \
		*ret = load(p);                                                                    \
		return true;                                                                       \
	}

CURSOR_GETTER(u16le, uint16_t, 2, load_le16)
CURSOR_GETTER(u32le, uint32_t, 4, load_le32)
CURSOR_GETTER(u64le, uint64_t, 8, load_le64)
CURSOR_GETTER(u16be, uint16_t, 2, load_be16)
CURSOR_GETTER(u32be, uint32_t, 4, load_be32)
CURSOR_GETTER(u64be, uint64_t, 8, load_be64)

bool cursor_get_bytes(struct cursor *c, size_t n, struct cursor *ret_sub)
{
	const uint8_t *p;
	if (!take(c, n, &p))
		return false;
	ret_sub->base = c->base;
	ret_sub->p = p;
	ret_sub->len = n;
	return true;
}

bool cursor_copy(struct cursor *c, void *dst, size_t n)
{
	const uint8_t *p;
	if (!take(c, n, &p))
		return false;
	if (n > 0)
		memcpy(dst, p, n);
	return true;
}

bool cursor_skip(struct cursor *c, size_t n)
{
	const uint8_t *p;
	return take(c, n, &p);
}

bool cursor_expect(struct cursor *c, const void *magic, size_t n)
{
	if (n > c->len || memcmp(c->p, magic, n) != 0)
		return false;
	return cursor_skip(c, n);
}

bool cursor_get_tpm2b(struct cursor *c, size_t max, struct cursor *ret_sub)
{
	struct cursor save = *c;
	uint16_t n;
	if (!cursor_get_u16be(c, &n))
		return false;
	if (n > max || !cursor_get_bytes(c, n, ret_sub)) {
		*c = save;
		return false;
	}
	return true;
}

bool blob_slice(const uint8_t *base, size_t len, uint64_t off, uint64_t n, struct cursor *ret)
{
	if (!range_ok(len, off, n))
		return false;
	ret->base = base;
	ret->p = base + off;
	ret->len = (size_t)n;
	return true;
}

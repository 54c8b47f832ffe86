/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Strict hex encoding/decoding; see hexstr.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hexstr.h"

static const char digits[] = "0123456789abcdef";

void hex_encode(const void *data, size_t n, char *out)
{
	const uint8_t *p = data;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

char *hex_encode_alloc(const void *data, size_t n)
{
	char *s;
	if (n > (SIZE_MAX - 1) / 2)
		return NULL;
	s = malloc(2 * n + 1);
	if (s)
		hex_encode(data, n, s);
	return s;
}

static int nibble(char c, bool allow_upper)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (allow_upper && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int decode(const char *s, size_t n, bool allow_upper, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(s[2 * i], allow_upper), lo;
		if (hi < 0)
			return -EBADMSG;
		lo = nibble(s[2 * i + 1], allow_upper);
		if (lo < 0)
			return -EBADMSG;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int hex_decode_exact(const char *s, size_t n, bool allow_upper, uint8_t *out)
{
	if (!s || n > SIZE_MAX / 2 || strnlen(s, 2 * n + 1) != 2 * n)
		return -EBADMSG;
	return decode(s, n, allow_upper, out);
}

int hex_decode_alloc(const char *s, size_t max, uint8_t **ret, size_t *ret_len)
{
	size_t len;
	uint8_t *buf;
	int r;

	if (!s)
		return -EBADMSG;
	len = strnlen(s, 2 * max + 1);
	if (len > 2 * max)
		return -E2BIG;
	if (len % 2 != 0)
		return -EBADMSG;
	buf = malloc(len / 2 + 1);
	if (!buf)
		return -ENOMEM;
	r = decode(s, len / 2, true, buf);
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret = buf;
	*ret_len = len / 2;
	return 0;
}

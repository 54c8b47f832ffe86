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

/* Every byte's hex value with a flag: DIGIT | value for 0-9 a-f, UPPER | value for A-F, 0 for
 * anything else. A table rather than range tests: verify decodes a few kilobytes of hex per
 * bundle (issue 9). */
enum { DIGIT = 0x20, UPPER = 0x40 };
static const uint8_t nibbles[256] = {
	['0'] = DIGIT | 0, ['1'] = DIGIT | 1, ['2'] = DIGIT | 2, ['3'] = DIGIT | 3,
	['4'] = DIGIT | 4, ['5'] = DIGIT | 5, ['6'] = DIGIT | 6, ['7'] = DIGIT | 7,
	['8'] = DIGIT | 8, ['9'] = DIGIT | 9, ['a'] = DIGIT | 10, ['b'] = DIGIT | 11,
	['c'] = DIGIT | 12, ['d'] = DIGIT | 13, ['e'] = DIGIT | 14, ['f'] = DIGIT | 15,
	['A'] = UPPER | 10, ['B'] = UPPER | 11, ['C'] = UPPER | 12,
	['D'] = UPPER | 13, ['E'] = UPPER | 14, ['F'] = UPPER | 15,
};

static int decode(const char *s, size_t n, bool allow_upper, uint8_t *out)
{
	const uint8_t accept = allow_upper ? DIGIT | UPPER : DIGIT;

	for (size_t i = 0; i < n; i++) {
		uint8_t hi = nibbles[(uint8_t)s[2 * i]], lo = nibbles[(uint8_t)s[2 * i + 1]];
		if (!(hi & accept) || !(lo & accept))
			return -EBADMSG;
		out[i] = (uint8_t)((hi & 15) << 4 | (lo & 15));
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

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capped jansson parsing and the canonical writer; see json.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "hexstr.h"
#include "json.h"

/* jansson has no runtime depth limit (only a 2048 compile-time one), so scan the bytes first:
 * count bracket nesting outside string literals. Linear, no allocation. Most bytes of our
 * documents are inside strings (hex digests, base64), so a string's body is skipped in a tight
 * loop that stops only at a quote or a backslash. */
static int json_check_depth(const unsigned char *p, size_t len, unsigned max_depth,
			    size_t *ret_offset)
{
	unsigned depth = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = p[i];
		if (ch == '"') {
			for (i++; i < len && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++; /* the escaped character, whatever it is */
			continue;
		}
		if (ch == '[' || ch == '{') {
			if (++depth > max_depth) {
				*ret_offset = i;
				return -E2BIG;
			}
		} else if ((ch == ']' || ch == '}') && depth > 0)
			depth--;
	}
	return 0;
}

int json_parse_capped(const void *data, size_t len, size_t max_len, unsigned max_depth,
		      json_t **ret, char *errbuf, size_t errbuf_size)
{
	json_error_t err;
	json_t *j;
	size_t off = 0;
	int r;

	if (errbuf_size > 0)
		errbuf[0] = '\0';
	if (len > max_len) {
		if (errbuf_size > 0)
			snprintf(errbuf, errbuf_size, "document of %zu bytes exceeds the %zu byte cap",
				 len, max_len);
		return -E2BIG;
	}
	r = json_check_depth(data, len, max_depth, &off);
	if (r < 0) {
		if (errbuf_size > 0)
			snprintf(errbuf, errbuf_size, "nesting deeper than %u at byte %zu", max_depth,
				 off);
		return r;
	}
	j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		if (errbuf_size > 0)
			snprintf(errbuf, errbuf_size, "line %d column %d: %s", err.line, err.column,
				 err.text);
		return -EBADMSG;
	}
	*ret = j;
	return 0;
}

int json_dump_canonical(const json_t *j, char **ret, size_t *ret_len)
{
	char *s = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(2) | JSON_ENSURE_ASCII);
	size_t n;
	char *t;

	if (!s)
		return -ENOMEM;
	n = strlen(s);
	t = realloc(s, n + 2);
	if (!t) {
		free(s);
		return -ENOMEM;
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	*ret = t;
	*ret_len = n + 1;
	return 0;
}

int json_write_canonical(const char *path, const json_t *j)
{
	_cleanup_(freep) char *s = NULL;
	size_t n;
	int r = json_dump_canonical(j, &s, &n);
	if (r < 0)
		return r;
	return write_file_atomic(path, s, n);
}

int json_get_string(const json_t *obj, const char *key, const char **ret)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_string(v))
		return -EBADMSG;
	*ret = json_string_value(v);
	return 0;
}

int json_get_object(const json_t *obj, const char *key, json_t **ret)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_object(v))
		return -EBADMSG;
	*ret = v;
	return 0;
}

int json_get_array(const json_t *obj, const char *key, json_t **ret)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_array(v))
		return -EBADMSG;
	*ret = v;
	return 0;
}

int json_set_new(json_t *obj, const char *key, json_t *v)
{
	if (!v)
		return -ENOMEM;
	return json_object_set_new(obj, key, v) == 0 ? 0 : -ENOMEM;
}

json_t *json_hex_string(const uint8_t *d, size_t n)
{
	_cleanup_(freep) char *s = hex_encode_alloc(d, n);
	return s ? json_string(s) : NULL;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Table-driven JSON object reader; see json-fields.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "hexstr.h"
#include "json-fields.h"

#define KEYS_MAX 32 /* rows of one table */

int json_check_keys(json_t *obj, const char *path, const char *const *allowed, char *err,
		    size_t err_size)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		bool ok = false;
		(void)v;
		for (size_t i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				ok = true;
		if (!ok)
			return errbuf_set(err, err_size, -EBADMSG, "%s: unknown key \"%.64s\"",
					  path, key);
	}
	return 0;
}

int json_field_string(const json_t *obj, const char *path, const char *key, unsigned flags,
		      uint64_t cap, char **ret, char *err, size_t err_size)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t n;

	if (!v) {
		if (flags & JSON_FIELD_REQUIRED)
			return errbuf_set(err, err_size, -EBADMSG, "%s: missing \"%s\"", path, key);
		*ret = NULL;
		return 0;
	}
	if (!json_is_string(v))
		return errbuf_set(err, err_size, -EBADMSG, "%s.%s: not a string", path, key);
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > cap)
		return errbuf_set(err, err_size, -E2BIG,
				  "%s.%s: string of %zu bytes exceeds the %llu byte cap", path, key,
				  n, (unsigned long long)cap);
	if (n == 0 && !(flags & JSON_FIELD_EMPTY_OK))
		return errbuf_set(err, err_size, -EBADMSG, "%s.%s: empty string", path, key);
	if (strlen(s) != n)
		return errbuf_set(err, err_size, -EBADMSG, "%s.%s: contains a NUL character", path,
				  key);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return errbuf_set(err, err_size, -EBADMSG,
					  "%s.%s: control character at index %zu", path, key, i);
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

int json_field_hex(const json_t *obj, const char *path, const char *key, size_t n, uint8_t *ret,
		   char *err, size_t err_size)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return errbuf_set(err, err_size, -EBADMSG, "%s: missing \"%s\"", path, key);
	if (!json_is_string(v))
		return errbuf_set(err, err_size, -EBADMSG, "%s.%s: not a string", path, key);
	if (json_string_length(v) != 2 * n ||
	    hex_decode_exact(json_string_value(v), n, false, ret) < 0)
		return errbuf_set(err, err_size, -EBADMSG, "%s.%s: not %zu bytes of lowercase hex",
				  path, key, n);
	return 0;
}

int json_field_uint(const json_t *obj, const char *path, const char *key, uint64_t max,
		    struct json_field_uint *ret, char *err, size_t err_size)
{
	json_t *v = json_object_get(obj, key);
	json_int_t i;

	ret->present = false;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return errbuf_set(err, err_size, -EBADMSG, "%s.%s: not an integer", path, key);
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i > max)
		return errbuf_set(err, err_size, -EBADMSG, "%s.%s: %lld out of range 0..%llu", path,
				  key, (long long)i, (unsigned long long)max);
	ret->present = true;
	ret->value = (uint64_t)i;
	return 0;
}

static int read_bool(const json_t *obj, const char *path, const struct json_field *f, bool *ret,
		     char *err, size_t err_size)
{
	json_t *v = json_object_get(obj, f->key);

	if (!v && !(f->flags & JSON_FIELD_REQUIRED))
		return 0;
	if (!v || !json_is_boolean(v))
		return errbuf_set(err, err_size, -EBADMSG, "%s.%s: missing or not a boolean", path,
				  f->key);
	*ret = json_is_true(v);
	return 0;
}

static int read_field(const json_t *obj, const char *path, const struct json_field *f,
		      uint8_t *dest, char *err, size_t err_size)
{
	void *to = dest + f->offset;

	switch (f->type) {
	case JSON_FIELD_STRING:
		return json_field_string(obj, path, f->key, f->flags, f->cap, to, err, err_size);
	case JSON_FIELD_HEX:
		if (!json_object_get(obj, f->key) && !(f->flags & JSON_FIELD_REQUIRED))
			return 0;
		return json_field_hex(obj, path, f->key, (size_t)f->cap, to, err, err_size);
	case JSON_FIELD_UINT:
		return json_field_uint(obj, path, f->key, f->cap, to, err, err_size);
	case JSON_FIELD_BOOL:
		return read_bool(obj, path, f, to, err, err_size);
	case JSON_FIELD_ANY:
		if (!json_object_get(obj, f->key) && (f->flags & JSON_FIELD_REQUIRED))
			return errbuf_set(err, err_size, -EBADMSG, "%s: missing \"%s\"", path,
					  f->key);
		return 0;
	}
	return -EINVAL;
}

int json_fields_read(json_t *obj, const char *path, const struct json_field *fields,
		     size_t n_fields, void *dest, char *err, size_t err_size)
{
	const char *keys[KEYS_MAX + 1];
	int r;

	if (n_fields > KEYS_MAX)
		return -EINVAL;
	if (!json_is_object(obj))
		return errbuf_set(err, err_size, -EBADMSG, "%s: not an object", path);
	for (size_t i = 0; i < n_fields; i++)
		keys[i] = fields[i].key;
	keys[n_fields] = NULL;
	r = json_check_keys(obj, path, keys, err, err_size);
	for (size_t i = 0; r >= 0 && i < n_fields; i++)
		r = read_field(obj, path, &fields[i], dest, err, err_size);
	return r;
}

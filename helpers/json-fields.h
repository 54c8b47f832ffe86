/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading a JSON object by a table: each row names a key, its type, whether it is required,
 * its cap and where the value goes. Unknown keys are refused, caps enforced, and the messages
 * ("PATH: unknown key", "PATH: missing", "PATH.KEY: not a string", ...) written here once, for
 * every loader (golden manifest, platform profile, seal policy). Messages go to the caller's
 * errbuf (errbuf.h); PATH names the object in the document ("(top level)", "image", ...). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum json_field_type {
	JSON_FIELD_STRING, /* char * (malloc'd, the caller frees): no NUL, no control character,
			    * at most cap bytes; empty only with JSON_FIELD_EMPTY_OK */
	JSON_FIELD_HEX,	   /* uint8_t[cap]: exactly cap bytes as lowercase hex */
	JSON_FIELD_UINT,   /* struct json_field_uint: an integer 0..cap */
	JSON_FIELD_BOOL,   /* bool */
	JSON_FIELD_ANY,	   /* nothing stored: the key is allowed, the caller reads it */
};

#define JSON_FIELD_REQUIRED (1u << 0)
#define JSON_FIELD_EMPTY_OK (1u << 1)

struct json_field {
	const char *key;
	enum json_field_type type;
	unsigned flags;
	uint64_t cap;
	size_t offset; /* of the destination in the caller's structure */
};

struct json_field_uint {
	bool present;
	uint64_t value;
};

/* Every key of obj must be in allowed[] (NULL-terminated). */
int json_check_keys(json_t *obj, const char *path, const char *const *allowed, char *err,
		    size_t err_size);

/* One field each; a missing optional field leaves *ret NULL (string) or untouched. */
int json_field_string(const json_t *obj, const char *path, const char *key, unsigned flags,
		      uint64_t cap, char **ret, char *err, size_t err_size);
int json_field_hex(const json_t *obj, const char *path, const char *key, size_t n, uint8_t *ret,
		   char *err, size_t err_size);
int json_field_uint(const json_t *obj, const char *path, const char *key, uint64_t max,
		    struct json_field_uint *ret, char *err, size_t err_size);

/* The whole object: no key outside the table, then each row in order into dest + offset. */
int json_fields_read(json_t *obj, const char *path, const struct json_field *fields,
		     size_t n_fields, void *dest, char *err, size_t err_size);

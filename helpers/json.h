/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON through jansson with caps on size and nesting depth, duplicate keys rejected, and one
 * canonical writer (sorted keys, 2-space indent, trailing newline) for every file bootproof
 * emits, so two runs on two machines give identical bytes. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define JSON_MAX_DEPTH_DEFAULT 64u
#define JSON_MAX_SIZE_DEFAULT (16u * 1024 * 1024)

/* Parses untrusted bytes. On -EBADMSG / -E2BIG, writes a message with the line/column (or the
 * cap exceeded) to errbuf. Rejects: more than max_len bytes, nesting deeper than max_depth,
 * duplicate object keys, NUL bytes, trailing garbage, invalid UTF-8. */
int json_parse_capped(const void *data, size_t len, size_t max_len, unsigned max_depth,
		      json_t **ret, char *errbuf, size_t errbuf_size);

/* Canonical text of j in a malloc'd, NUL-terminated buffer (ends with '\n'). */
int json_dump_canonical(const json_t *j, char **ret, size_t *ret_len);
/* Canonical text written atomically to path ("-" = stdout). */
int json_write_canonical(const char *path, const json_t *j);

/* Typed getters; -EBADMSG if missing or of another type. The returned string is borrowed:
 * valid while obj lives. */
int json_get_string(const json_t *obj, const char *key, const char **ret);
int json_get_object(const json_t *obj, const char *key, json_t **ret);
int json_get_array(const json_t *obj, const char *key, json_t **ret);

/* Builders for the canonical writers: json_set_new() takes v (NULL = an allocation that failed) into
 * obj[key], -ENOMEM on failure; json_hex_string() is d as a lowercase hex string (NULL: no memory). */
int json_set_new(json_t *obj, const char *key, json_t *v);
json_t *json_hex_string(const uint8_t *d, size_t n);

/* jansson >= 2.9 already provides json_decrefp() for _cleanup_(json_decrefp). */

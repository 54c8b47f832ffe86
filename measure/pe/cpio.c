/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* systemd-stub's literal newc cpio (src/boot/cpio.c pack_cpio_one/pack_cpio_dir/
 * pack_cpio_trailer), see cpio.h. Header: "070701" then 13 fields of 8 uppercase-or-lowercase
 * hex digits (the stub writes lowercase except the trailer's "0000000B"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpio.h"
#include "size.h"

struct out {
	uint8_t *buf;
	size_t len, cap;
};

static int put(struct out *o, const void *p, size_t n)
{
	if (n > o->cap - o->len)
		return -E2BIG;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

static int pad4(struct out *o)
{
	static const uint8_t z[4];
	return put(o, z, (4 - o->len % 4) % 4);
}

static int header(struct out *o, uint32_t ino, uint32_t mode, uint32_t filesize, const char *name)
{
	char h[160];
	uint32_t namesize = (uint32_t)(strlen(name) + 1);
	int r;

	/* magic ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor
	 * namesize check */
	snprintf(h, sizeof(h), "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", ino,
		 mode, 0u, 0u, 1u, 0u, filesize, 0u, 0u, 0u, 0u, namesize, 0u);
	r = put(o, h, 6 + 13 * 8);
	if (r < 0)
		return r;
	r = put(o, name, namesize);
	if (r < 0)
		return r;
	return pad4(o);
}

int cpio_literal(const char *target_dir, const char *name, uint32_t dir_mode, uint32_t file_mode,
		 const uint8_t *data, size_t len, uint8_t **ret, size_t *ret_len)
{
	/* The trailer exactly as the stub writes it (pack_cpio_trailer). */
	static const char trailer[] = "070701"
				      "00000000"
				      "00000000"
				      "00000000"
				      "00000000"
				      "00000001"
				      "00000000"
				      "00000000"
				      "00000000"
				      "00000000"
				      "00000000"
				      "00000000"
				      "0000000B"
				      "00000000"
				      "TRAILER!!!\0\0\0\0";
	struct out o = {};
	char path[512];
	size_t cap;
	int r;

	if (len > CPIO_MAX_DATA || strlen(name) > 255 || strlen(target_dir) > 255 ||
	    strlen(target_dir) + strlen(name) + 2 > sizeof(path))
		return -E2BIG;
	{
		size_t a = strlen(target_dir), b = strlen(name);
		memcpy(path, target_dir, a);
		path[a] = '/';
		memcpy(path + a + 1, name, b + 1);
	}
	cap = 3 * (6 + 13 * 8 + 4) + strlen(target_dir) + strlen(path) + 2 + len + 4 +
	      sizeof(trailer);
	o.buf = malloc(cap);
	if (!o.buf)
		return -ENOMEM;
	o.cap = cap;
	r = header(&o, 1, 0040000 | dir_mode, 0, target_dir);
	if (r >= 0)
		r = header(&o, 2, 0100000 | file_mode, (uint32_t)len, path);
	if (r >= 0)
		r = put(&o, data, len);
	if (r >= 0)
		r = pad4(&o);
	if (r >= 0)
		r = put(&o, trailer, sizeof(trailer) - 1);
	if (r < 0) {
		free(o.buf);
		return r;
	}
	*ret = o.buf;
	*ret_len = o.len;
	return 0;
}

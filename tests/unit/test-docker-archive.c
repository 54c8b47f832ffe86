/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of docker-archive.c + image-id.c over archives synthesised in memory with
 * libarchive's writer (docker save layout: <id>.json, <v1>/layer.tar, manifest.json last).
 * Expected digests are computed here with OpenSSL over the exact bytes written (an
 * independent path from the streaming walker); the real-tool cross-checks are in
 * tests/containers/. */
#include <archive.h>
#include <archive_entry.h>

#include "digest.h"
#include "docker-exports/docker-archive.h"
#include "docker-exports/image-id.h"
#include "hexstr.h"
#include "test.h"

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = realloc(b->p, b->cap);
		ASSERT_TRUE(b->p);
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static la_ssize_t write_cb(struct archive *a, void *ud, const void *data, size_t n)
{
	(void)a;
	buf_add(ud, data, n);
	return (la_ssize_t)n;
}

struct file {
	const char *name;
	const void *data;
	size_t len;
	const char *symlink;
};

/* A tar (optionally gzip-compressed) of files, in the order given. */
static struct buf make_tar(const struct file *f, size_t n, bool gzip)
{
	struct buf b = {};
	struct archive *a = archive_write_new();
	ASSERT_TRUE(a);
	ASSERT_EQ(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	if (gzip)
		ASSERT_EQ(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	ASSERT_EQ(archive_write_set_bytes_in_last_block(a, 1), ARCHIVE_OK);
	ASSERT_EQ(archive_write_open(a, &b, NULL, write_cb, NULL), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, f[i].name);
		archive_entry_set_mode(e, (f[i].symlink ? AE_IFLNK : AE_IFREG) | 0644);
		archive_entry_set_size(e, f[i].symlink ? 0 : (la_int64_t)f[i].len);
		if (f[i].symlink)
			archive_entry_set_symlink(e, f[i].symlink);
		ASSERT_EQ(archive_write_header(a, e), ARCHIVE_OK);
		if (!f[i].symlink && f[i].len)
			ASSERT_EQ(archive_write_data(a, f[i].data, f[i].len), (la_ssize_t)f[i].len);
		archive_entry_free(e);
	}
	ASSERT_EQ(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return b;
}

static void sha_hex(const void *p, size_t n, char out[65])
{
	uint8_t d[32];
	ASSERT_OK(digest_buffer(BANK_SHA256, p, n, d));
	hex_encode(d, 32, out);
}

/* A docker-save style archive with one image; layer_size bytes of pseudo-random content. */
static struct buf make_image(size_t layer_size, bool gzip_layer, char ret_id[65],
			     char ret_diff[65])
{
	uint8_t *content = malloc(layer_size ? layer_size : 1);
	struct file lf[2] = {{"etc/motd", "hello\n", 6, NULL}, {"bin/data", content, layer_size, NULL}};
	struct buf layer, plain, out;
	char cfg[512], man[512], cfgname[80];
	uint32_t x = 12345;

	for (size_t i = 0; i < layer_size; i++) {
		x = x * 1103515245u + 12345u;
		content[i] = (uint8_t)(x >> 16);
	}
	plain = make_tar(lf, 2, false);
	layer = gzip_layer ? make_tar(lf, 2, true) : plain;
	sha_hex(plain.p, plain.len, ret_diff);
	snprintf(cfg, sizeof(cfg),
		 "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
		 "\"diff_ids\":[\"sha256:%s\"]}}",
		 ret_diff);
	sha_hex(cfg, strlen(cfg), ret_id);
	snprintf(cfgname, sizeof(cfgname), "%s.json", ret_id);
	snprintf(man, sizeof(man),
		 "[{\"Config\":\"%s\",\"RepoTags\":[\"unit/test:1\"],\"Layers\":[\"v1/layer.tar\"]}]",
		 cfgname);
	{
		struct file f[] = {
			{"v1/layer.tar", layer.p, layer.len, NULL},
			{"v2/layer.tar", NULL, 0, "../v1/layer.tar"},
			{cfgname, cfg, strlen(cfg), NULL},
			{"manifest.json", man, strlen(man), NULL},
		};
		out = make_tar(f, 4, false);
	}
	if (gzip_layer)
		free(layer.p);
	free(plain.p);
	free(content);
	return out;
}

static int measure(const struct buf *b, size_t len, bool threaded, struct docker_archive **ret_a,
		   struct docker_image_set **ret_s)
{
	struct docker_read_options o = {.threaded = threaded};
	struct docker_archive *a = NULL;
	struct docker_image_set *s = NULL;
	struct docker_diag diag;
	int r = docker_archive_read_memory(b->p, len, "unit.tar", &o, &a, &diag);
	if (r < 0)
		return r;
	ASSERT_OK(docker_image_set_new(&s));
	r = docker_images_from_archive(a, s, &diag);
	if (r < 0 || !ret_a) {
		docker_archive_free(a);
		docker_image_set_free(s);
		return r;
	}
	*ret_a = a;
	*ret_s = s;
	return 0;
}

static void check_image(size_t layer_size, bool gzip, bool threaded)
{
	char id[65], diff[65], arch[65], got[65];
	struct buf b = make_image(layer_size, gzip, id, diff);
	struct docker_archive *a;
	struct docker_image_set *s;

	ASSERT_OK(measure(&b, b.len, threaded, &a, &s));
	ASSERT_EQ(s->n_images, 1);
	hex_encode(s->images[0].id, 32, got);
	ASSERT_STREQ(got, id);
	hex_encode(s->images[0].diff_ids[0], 32, got);
	ASSERT_STREQ(got, diff);
	ASSERT_STREQ(s->images[0].tags[0], "unit/test:1");
	sha_hex(b.p, b.len, arch);
	hex_encode(a->sha256, 32, got);
	ASSERT_STREQ(got, arch);
	ASSERT_EQ(a->size, b.len);
	docker_archive_free(a);
	docker_image_set_free(s);
	free(b.p);
}

TEST(small_image)
{
	check_image(1000, false, false);
	check_image(1000, false, true);
}

TEST(gzip_layer)
{
	check_image(300000, true, false);
	check_image(300000, true, true);
}

/* Larger than the read ring (4 x 1 MiB) and the staging slots: exercises buffer reuse. */
TEST(large_layer_threaded)
{
	check_image(9u << 20, false, true);
	check_image(9u << 20, true, true);
}

/* Cut anywhere: always an error, never a crash or a partial success. */
TEST(truncation_sweep)
{
	char id[65], diff[65];
	struct buf b = make_image(5000, true, id, diff);

	ASSERT_OK(measure(&b, b.len, false, NULL, NULL));
	for (size_t n = 0; n < b.len; n += (n < 2048 ? 37 : 211))
		if (measure(&b, n, n % 2 == 0, NULL, NULL) >= 0)
			TEST_FAIL("archive cut at %zu of %zu bytes accepted", n, b.len);
	free(b.p);
}

/* Flip one byte anywhere in the layer: rejected (diff_id or gzip stream). */
TEST(layer_bitflips)
{
	char id[65], diff[65];
	struct buf b = make_image(3000, false, id, diff);

	/* the layer's data sits after the first header (1536 bytes of pax + ustar at most) */
	for (size_t off = 1536; off < 1536 + 3000; off += 97) {
		b.p[off] ^= 0x01;
		if (measure(&b, b.len, false, NULL, NULL) >= 0)
			TEST_FAIL("flipped byte at %zu accepted", off);
		b.p[off] ^= 0x01;
	}
	ASSERT_OK(measure(&b, b.len, false, NULL, NULL));
	free(b.p);
}

TEST(links)
{
	const struct file bad[] = {{"x", NULL, 0, "../../etc/passwd"}};
	const struct file abs[] = {{"x", NULL, 0, "/etc/passwd"}};
	const struct file dup[] = {{"a", "1", 1, NULL}, {"./a", "2", 1, NULL}};
	struct buf b;

	b = make_tar(bad, 1, false);
	ASSERT_ERR(measure(&b, b.len, false, NULL, NULL), -EBADMSG);
	free(b.p);
	b = make_tar(abs, 1, false);
	ASSERT_ERR(measure(&b, b.len, false, NULL, NULL), -EBADMSG);
	free(b.p);
	b = make_tar(dup, 2, false);
	ASSERT_ERR(measure(&b, b.len, false, NULL, NULL), -EBADMSG);
	free(b.p);
}

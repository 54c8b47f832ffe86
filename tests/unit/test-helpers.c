/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for helpers/: cursor bounds, size overflow, hex, banks and digests (FIPS 180-4
 * known answers), JSON caps and canonical output, atomic writes. */
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "background.h"
#include "cursor.h"
#include "digest.h"
#include "dlopen-lib.h"
#include "fileio.h"
#include "hash-worker.h"
#include "hexstr.h"
#include "json-fields.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "size.h"
#include "test.h"
#include "vec.h"

TEST(cursor_bounds)
{
	static const uint8_t buf[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	struct cursor c, sub;
	uint32_t v32;
	uint64_t v64;
	uint16_t v16;

	cursor_init(&c, buf, sizeof(buf));
	ASSERT_TRUE(cursor_get_u32le(&c, &v32));
	ASSERT_EQ(v32, 0x04030201);
	ASSERT_TRUE(cursor_get_u32be(&c, &v32));
	ASSERT_EQ(v32, 0x05060708);
	ASSERT_EQ(cursor_offset(&c), 8);
	/* One byte left: wider reads fail and consume nothing. */
	ASSERT_TRUE(!cursor_get_u16le(&c, &v16));
	ASSERT_TRUE(!cursor_get_u64le(&c, &v64));
	ASSERT_TRUE(!cursor_get_bytes(&c, 2, &sub));
	ASSERT_EQ(cursor_left(&c), 1);
	ASSERT_TRUE(!cursor_skip(&c, SIZE_MAX));
	ASSERT_TRUE(cursor_skip(&c, 1));
	ASSERT_EQ(cursor_left(&c), 0);
}

TEST(cursor_tpm2b)
{
	static const uint8_t ok[] = {0, 3, 'a', 'b', 'c', 9};
	static const uint8_t lying[] = {0, 9, 'a', 'b'};
	struct cursor c, sub;

	cursor_init(&c, ok, sizeof(ok));
	ASSERT_TRUE(!cursor_get_tpm2b(&c, 2, &sub)); /* over the cap */
	ASSERT_EQ(cursor_offset(&c), 0);
	ASSERT_TRUE(cursor_get_tpm2b(&c, 3, &sub));
	ASSERT_EQ(sub.len, 3);
	ASSERT_EQ(cursor_offset(&sub), 2); /* offsets stay absolute in sub-views */
	cursor_init(&c, lying, sizeof(lying));
	ASSERT_TRUE(!cursor_get_tpm2b(&c, 100, &sub));
	ASSERT_EQ(cursor_offset(&c), 0);
}

TEST(slices_and_sizes)
{
	static const uint8_t buf[16];
	struct cursor c;
	size_t s;
	ASSERT_TRUE(blob_slice(buf, 16, 0, 16, &c));
	ASSERT_TRUE(blob_slice(buf, 16, 16, 0, &c));
	ASSERT_TRUE(!blob_slice(buf, 16, 17, 0, &c));
	ASSERT_TRUE(!blob_slice(buf, 16, 8, 9, &c));
	ASSERT_TRUE(!blob_slice(buf, 16, UINT64_MAX, 2, &c));
	ASSERT_TRUE(!size_add(SIZE_MAX, 1, &s));
	ASSERT_TRUE(!size_mul(SIZE_MAX / 2 + 1, 2, &s));
	ASSERT_TRUE(size_mul(3, 5, &s));
	ASSERT_EQ(s, 15);
}

TEST(hex)
{
	uint8_t out[4];
	char s[9];
	uint8_t *dyn;
	size_t n;
	hex_encode("\x01\xab\xff\x00", 4, s);
	ASSERT_STREQ(s, "01abff00");
	ASSERT_OK(hex_decode_exact("01abff00", 4, false, out));
	ASSERT_MEMEQ(out, "\x01\xab\xff\x00", 4);
	ASSERT_ERR(hex_decode_exact("01ABff00", 4, false, out), -EBADMSG);
	ASSERT_OK(hex_decode_exact("01ABff00", 4, true, out));
	ASSERT_ERR(hex_decode_exact("01abff0", 4, false, out), -EBADMSG);
	ASSERT_ERR(hex_decode_exact("01abff000", 4, false, out), -EBADMSG);
	ASSERT_ERR(hex_decode_exact("01abfg00", 4, false, out), -EBADMSG);
	ASSERT_ERR(hex_decode_alloc("abc", 10, &dyn, &n), -EBADMSG);
	ASSERT_ERR(hex_decode_alloc("aabbcc", 2, &dyn, &n), -E2BIG);
	ASSERT_OK(hex_decode_alloc("aabbcc", 3, &dyn, &n));
	ASSERT_EQ(n, 3);
	free(dyn);
}

/* Every pair of bytes against libc's isxdigit()/isupper() (the C locale): the decoder's table
 * accepts exactly the hex digits, upper case only when asked. */
TEST(hex_every_byte)
{
	for (unsigned hi = 0; hi < 256; hi++)
		for (unsigned lo = 0; lo < 256; lo++) {
			char s[3] = {(char)hi, (char)lo, 0};
			bool digits = hi && lo && isxdigit((int)hi) && isxdigit((int)lo);
			bool upper = isupper((int)hi) || isupper((int)lo);
			uint8_t out;
			if (!hi || !lo)
				continue; /* a NUL ends the string: a length error, tested above */
			ASSERT_EQ(hex_decode_exact(s, 1, true, &out), digits ? 0 : -EBADMSG);
			ASSERT_EQ(hex_decode_exact(s, 1, false, &out),
				  digits && !upper ? 0 : -EBADMSG);
			if (digits)
				ASSERT_EQ(out, (uint8_t)strtoul(s, NULL, 16));
		}
}

static int background_add(void *p)
{
	int *v = p;
	*v += 41;
	return *v == 42 ? 0 : -EINVAL;
}

TEST(background_job)
{
	int v = 1;
	struct background_job job = {.run = background_add, .userdata = &v}, never = {};
	ASSERT_OK(background_join(&never)); /* never started: nothing to wait for */
	background_start(&job);
	ASSERT_OK(background_join(&job));
	ASSERT_EQ(v, 42);
	v = 0; /* the job's error comes back from the join */
	background_start(&job);
	ASSERT_ERR(background_join(&job), -EINVAL);
	/* a thread or nothing: on success the job runs once and is joined like any other */
	v = 1;
	if (background_try_start(&job)) {
		ASSERT_OK(background_join(&job));
		ASSERT_EQ(v, 42);
	}
}

TEST(vec_grow_and_insert)
{
	int *a = NULL, *p;
	size_t n = 0, n_alloc = 0;

	/* doubling from 2 up to the cap of 5: 2, 4, then 5, then full */
	for (int i = 0; i < 5; i++) {
		p = vec_grow(a, n, &n_alloc, sizeof(*a), 2, 5);
		ASSERT_TRUE(p);
		a = p;
		a[n++] = i;
		ASSERT_EQ(n_alloc, (size_t)(n <= 2 ? 2 : n <= 4 ? 4 : 5));
	}
	ASSERT_TRUE(!vec_grow(a, n, &n_alloc, sizeof(*a), 2, 5));
	ASSERT_EQ(n_alloc, (size_t)5);
	/* insert at the front, the middle and the end of exactly-sized arrays */
	p = vec_insert(a, n, 0, sizeof(*a));
	ASSERT_TRUE(p);
	a = p;
	a[0] = -1;
	n++;
	p = vec_insert(a, n, 3, sizeof(*a));
	ASSERT_TRUE(p);
	a = p;
	a[3] = 100;
	n++;
	p = vec_insert(a, n, n, sizeof(*a));
	ASSERT_TRUE(p);
	a = p;
	a[n++] = 200;
	{
		const int want[] = {-1, 0, 1, 100, 2, 3, 4, 200};
		ASSERT_EQ(n, ARRAY_SIZE(want));
		for (size_t i = 0; i < n; i++)
			ASSERT_EQ(a[i], want[i]);
	}
	ASSERT_TRUE(!vec_insert(a, n, n + 1, sizeof(*a))); /* past the end */
	free(a);
}

TEST(parse_numbers)
{
	uint32_t v;
	ASSERT_OK(safe_atou32("4294967295", &v));
	ASSERT_EQ(v, 4294967295u);
	ASSERT_ERR(safe_atou32("4294967296", &v), -ERANGE);
	ASSERT_ERR(safe_atou32("-1", &v), -EINVAL);
	ASSERT_ERR(safe_atou32(" 1", &v), -EINVAL);
	ASSERT_ERR(safe_atou32("1x", &v), -EINVAL);
	ASSERT_ERR(safe_atou32("", &v), -EINVAL);
}

/* FIPS 180-4 example "abc" digests (NIST CSRC examples). */
TEST(digest_known_answers)
{
	static const char *const abc[_BANK_MAX] = {
		[BANK_SHA1] = "a9993e364706816aba3e25717850c26c9cd0d89d",
		[BANK_SHA256] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		[BANK_SHA384] = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
				"8086072ba1e7cc2358baeca134c825a7",
		[BANK_SHA512] = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
				"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	};
	uint8_t out[_BANK_MAX][DIGEST_MAX], one[DIGEST_MAX];
	char hex[2 * DIGEST_MAX + 1];
	struct multi_hash h, copy;

	ASSERT_OK(multi_hash_init(&h, BANK_MASK_ALL));
	ASSERT_OK(multi_hash_update(&h, "a", 1));
	ASSERT_OK(multi_hash_copy(&copy, &h));
	ASSERT_OK(multi_hash_update(&h, "bc", 2));
	ASSERT_OK(multi_hash_update(&copy, "bc", 2));
	ASSERT_OK(multi_hash_final(&h, out));
	for (enum bank b = 0; b < _BANK_MAX; b++) {
		hex_encode(out[b], bank_size(b), hex);
		ASSERT_STREQ(hex, abc[b]);
		ASSERT_OK(digest_buffer(b, "abc", 3, one));
		ASSERT_MEMEQ(one, out[b], bank_size(b));
	}
	ASSERT_OK(multi_hash_final(&copy, out));
	hex_encode(out[BANK_SHA256], 32, hex);
	ASSERT_STREQ(hex, abc[BANK_SHA256]);
	multi_hash_done(&h);
	multi_hash_done(&copy);
}

/* digest_fd: the "abc" answer through a pipe, a file larger than its 1 MiB read buffer against
 * the one-shot digest of the same bytes, the empty input, and a read error. */
TEST(digest_fd)
{
	char dir[] = "/tmp/bp-test-XXXXXX", path[64], hex[2 * DIGEST_MAX + 1];
	const size_t big = (1u << 20) + 3;
	uint8_t d[DIGEST_MAX], want[DIGEST_MAX], *data = malloc(big);
	uint64_t size;
	int p[2], fd;

	ASSERT_TRUE(data);
	ASSERT_OK(pipe(p));
	ASSERT_EQ(write(p[1], "abc", 3), 3);
	close(p[1]);
	ASSERT_OK(digest_fd(BANK_SHA256, p[0], d, &size));
	close(p[0]);
	hex_encode(d, 32, hex);
	ASSERT_STREQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ASSERT_EQ(size, 3);

	for (size_t i = 0; i < big; i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	ASSERT_TRUE(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/big", dir);
	ASSERT_OK(write_file_atomic(path, data, big));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_TRUE(fd >= 0);
	ASSERT_OK(digest_fd(BANK_SHA384, fd, d, &size));
	ASSERT_EQ(size, big);
	ASSERT_OK(digest_buffer(BANK_SHA384, data, big, want));
	ASSERT_MEMEQ(d, want, 48);
	/* At end of file: the empty input (FIPS 180-4 SHA-256 of ""). */
	ASSERT_OK(digest_fd(BANK_SHA256, fd, d, NULL));
	hex_encode(d, 32, hex);
	ASSERT_STREQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	close(fd);
	ASSERT_ERR(digest_fd(BANK_SHA256, fd, d, NULL), -EBADF);
	unlink(path);
	ASSERT_OK(rmdir(dir));
	free(data);
}

TEST(banks)
{
	unsigned mask;
	ASSERT_EQ(bank_from_name("sha384"), BANK_SHA384);
	ASSERT_EQ(bank_from_name("md5"), _BANK_INVALID);
	ASSERT_EQ(bank_from_tpm_alg(0x000B), BANK_SHA256);
	ASSERT_EQ(bank_from_tpm_alg(0x0012), _BANK_INVALID);
	ASSERT_OK(bank_mask_parse("sha1,sha512", &mask));
	ASSERT_EQ(mask, BANK_MASK(BANK_SHA1) | BANK_MASK(BANK_SHA512));
	ASSERT_ERR(bank_mask_parse("sha1,", &mask), -EINVAL);
	ASSERT_ERR(bank_mask_parse("sha1,md5", &mask), -EINVAL);
	ASSERT_ERR(bank_mask_parse("sha", &mask), -EINVAL);
}

/* PCR extend is H(old || digest) (TPM 2.0 Part 1, 17.5); the cross-check against real TPM
 * extends lives in the swtpm tests. */
TEST(pcr_extend)
{
	uint8_t pcr[32] = {0}, d[32], expect[64];
	ASSERT_OK(digest_buffer(BANK_SHA256, "abc", 3, d));
	memcpy(expect, pcr, 32);
	memcpy(expect + 32, d, 32);
	ASSERT_OK(pcr_extend(BANK_SHA256, pcr, d));
	ASSERT_OK(digest_buffer(BANK_SHA256, expect, 64, d));
	ASSERT_MEMEQ(pcr, d, 32);
}

TEST(json_caps_and_canonical)
{
	char err[256], *s;
	size_t n;
	json_t *j;
	ASSERT_ERR(json_parse_capped("{\"a\":1,\"a\":2}", 13, 100, 8, &j, err, sizeof(err)),
		   -EBADMSG);
	ASSERT_ERR(json_parse_capped("[[[[1]]]]", 9, 100, 3, &j, err, sizeof(err)), -E2BIG);
	ASSERT_OK(json_parse_capped("[\"[[[[\"]", 8, 100, 1, &j, err, sizeof(err))); /* brackets in strings do not count */
	json_decref(j);
	/* an escaped quote does not end the string; an escaped backslash before a quote does */
	ASSERT_OK(json_parse_capped("[\"\\\"[[\"]", 8, 100, 1, &j, err, sizeof(err)));
	json_decref(j);
	ASSERT_ERR(json_parse_capped("[\"\\\\\",[[1]]]", 12, 100, 2, &j, err, sizeof(err)), -E2BIG);
	ASSERT_ERR(json_parse_capped("[1]", 3, 2, 8, &j, err, sizeof(err)), -E2BIG);
	ASSERT_ERR(json_parse_capped("[1] x", 5, 100, 8, &j, err, sizeof(err)), -EBADMSG);
	ASSERT_OK(json_parse_capped("{\"b\":1,\"a\":\"\xc3\xa9\"}", 16, 100, 8, &j, err,
				    sizeof(err)));
	ASSERT_OK(json_dump_canonical(j, &s, &n));
	ASSERT_STREQ(s, "{\n  \"a\": \"\\u00E9\",\n  \"b\": 1\n}\n");
	free(s);
	json_decref(j);
}

TEST(atomic_write)
{
	char dir[] = "/tmp/bp-test-XXXXXX", path[64];
	struct atomic_file *af = NULL;
	struct stat st;
	uint8_t *buf;
	size_t n;
	mode_t old = umask(077);

	ASSERT_TRUE(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.json", dir);
	ASSERT_OK(write_file_atomic(path, "old\n", 4));
	/* An abandoned write leaves the old file and no temporary behind. */
	ASSERT_OK(atomic_file_open(path, &af));
	fputs("partial", af->f);
	af = atomic_file_free(af);
	ASSERT_OK(read_file_capped(path, 100, &buf, &n));
	ASSERT_EQ(n, 4);
	free(buf);
	ASSERT_OK(write_file_atomic(path, "new\n", 4));
	ASSERT_OK(stat(path, &st));
	ASSERT_EQ(st.st_mode & 0777, 0644); /* not the umask's 0600 */
	ASSERT_ERR(read_file_capped(path, 3, &buf, &n), -EFBIG);
	/* A secret replaces it with mode 0600 whatever the umask. */
	umask(0);
	ASSERT_OK(write_secret_file_atomic(path, "secret\n", 7));
	ASSERT_OK(stat(path, &st));
	ASSERT_EQ(st.st_mode & 0777, 0600);
	ASSERT_OK(read_file_capped(path, 100, &buf, &n));
	ASSERT_EQ(n, 7);
	ASSERT_TRUE(memcmp(buf, "secret\n", 7) == 0);
	free(buf);
	unlink(path);
	ASSERT_OK(rmdir(dir)); /* fails if a temporary was left */
	umask(old);
}

/* hash_worker: updates of several contexts, borrowed and copied, with the caller waiting (and so
 * helping with the queue) at every step, give the same digests as plain sequential updates. */
TEST(hash_worker_order)
{
	static uint8_t data[3][1 << 16];
	uint8_t got[2][32], want[2][32];
	unsigned n = 0;

	for (size_t i = 0; i < sizeof(data); i++)
		((uint8_t *)data)[i] = (uint8_t)(i * 2654435761u >> 11);
	for (int threaded = 0; threaded < 2; threaded++) {
		struct hash_worker *w = NULL;
		EVP_MD_CTX *a = EVP_MD_CTX_new(), *b = EVP_MD_CTX_new();
		uint64_t ticket = 0;

		ASSERT_OK(hash_worker_new(threaded, &w));
		ASSERT_TRUE(a && b);
		ASSERT_EQ(EVP_DigestInit_ex(a, EVP_sha256(), NULL), 1);
		ASSERT_EQ(EVP_DigestInit_ex(b, EVP_sha256(), NULL), 1);
		for (unsigned round = 0; round < 200; round++) {
			size_t off = (round * 7919u) % (sizeof(data[0]) - 4096), len = 1 + round * 13 % 4000;
			ASSERT_OK(hash_worker_submit(w, a, data[round % 3] + off, len, &ticket));
			ASSERT_OK(hash_worker_submit_copy(w, b, data[(round + 1) % 3] + off, len));
			if (round % 3 == 0)
				ASSERT_OK(hash_worker_wait(w, ticket));
			if (round % 17 == 0)
				ASSERT_OK(hash_worker_sync(w));
		}
		ASSERT_OK(hash_worker_sync(w));
		n = 0;
		ASSERT_EQ(EVP_DigestFinal_ex(a, got[0], &n), 1);
		ASSERT_EQ(EVP_DigestFinal_ex(b, got[1], &n), 1);
		if (threaded)
			ASSERT_TRUE(memcmp(got, want, sizeof(got)) == 0);
		else
			memcpy(want, got, sizeof(got));
		hash_worker_free(w);
		EVP_MD_CTX_free(a);
		EVP_MD_CTX_free(b);
	}
	/* The sequential result itself, from OpenSSL one-shot over the same concatenation. */
	{
		EVP_MD_CTX *c = EVP_MD_CTX_new();
		ASSERT_EQ(EVP_DigestInit_ex(c, EVP_sha256(), NULL), 1);
		for (unsigned round = 0; round < 200; round++) {
			size_t off = (round * 7919u) % (sizeof(data[0]) - 4096), len = 1 + round * 13 % 4000;
			ASSERT_EQ(EVP_DigestUpdate(c, data[round % 3] + off, len), 1);
		}
		ASSERT_EQ(EVP_DigestFinal_ex(c, got[0], &n), 1);
		ASSERT_TRUE(memcmp(got[0], want[0], 32) == 0);
		EVP_MD_CTX_free(c);
	}
}

/* dlopen_lib: a missing library or symbol is -ELIBACC, remembered; a present one resolves. */
static DLSYM_PROTOTYPE(strlen);
TEST(dlopen_lib)
{
	struct dlopen_lib missing = {.soname = "libbootproof-test-missing.so.0", .purpose = "a test"};
	struct dlopen_lib libc = {.soname = "libc.so.6", .purpose = "a test"};
	struct dlopen_lib libc2 = {.soname = "libc.so.6", .purpose = "a test"};
	const struct dlsym_entry ok[] = {DLSYM_ARG(strlen)};
	void *bogus = NULL;
	const struct dlsym_entry bad[] = {DLSYM_ARG(strlen), {&bogus, "bootproof_no_such_symbol"}};

	ASSERT_ERR(dlopen_lib(&missing, ok, 1), -ELIBACC);
	ASSERT_ERR(dlopen_lib(&missing, ok, 1), -ELIBACC);
	ASSERT_ERR(dlopen_lib(&libc2, bad, 2), -ELIBACC);
	ASSERT_TRUE(!sym_strlen);
	ASSERT_OK(dlopen_lib(&libc, ok, 1));
	ASSERT_TRUE(sym_strlen);
	ASSERT_EQ(sym_strlen("four"), 4);
	ASSERT_OK(dlopen_lib(&libc, ok, 1));
}

/* json_fields_read: one table gives unknown-key refusal, required keys, caps and the values. */
struct fields_dest {
	char *name;
	uint8_t digest[2];
	struct json_field_uint count;
	bool flag;
};

static int read_fields(const char *text, struct fields_dest *d, char *err, size_t err_size)
{
	static const struct json_field f[] = {
	    {"name", JSON_FIELD_STRING, JSON_FIELD_REQUIRED, 4, offsetof(struct fields_dest, name)},
	    {"digest", JSON_FIELD_HEX, 0, 2, offsetof(struct fields_dest, digest)},
	    {"count", JSON_FIELD_UINT, 0, 9, offsetof(struct fields_dest, count)},
	    {"flag", JSON_FIELD_BOOL, 0, 0, offsetof(struct fields_dest, flag)},
	    {"extra", JSON_FIELD_ANY, 0, 0, 0},
	};
	json_t *j = json_loads(text, 0, NULL);
	int r;
	if (!j)
		return -EINVAL;
	r = json_fields_read(j, "obj", f, ARRAY_SIZE(f), d, err, err_size);
	json_decref(j);
	if (r < 0) { /* what was read before the defect is the caller's to free */
		free(d->name);
		d->name = NULL;
	}
	return r;
}

TEST(json_fields)
{
	struct fields_dest d = {};
	char err[200] = "";

	ASSERT_OK(read_fields("{\"name\":\"ab\",\"digest\":\"0aff\",\"count\":9,\"flag\":true,"
			      "\"extra\":[1]}",
			      &d, err, sizeof(err)));
	ASSERT_STREQ(d.name, "ab");
	ASSERT_EQ(d.digest[0], 0x0a);
	ASSERT_EQ(d.digest[1], 0xff);
	ASSERT_TRUE(d.count.present);
	ASSERT_EQ(d.count.value, 9);
	ASSERT_TRUE(d.flag);
	free(d.name);
	d = (struct fields_dest){};
	ASSERT_OK(read_fields("{\"name\":\"ab\"}", &d, err, sizeof(err)));
	ASSERT_TRUE(!d.count.present);
	free(d.name);
	d.name = NULL;
	ASSERT_ERR(read_fields("{\"name\":\"ab\",\"nme\":1}", &d, err, sizeof(err)), -EBADMSG);
	ASSERT_STREQ(err, "obj: unknown key \"nme\"");
	ASSERT_ERR(read_fields("{}", &d, err, sizeof(err)), -EBADMSG);
	ASSERT_STREQ(err, "obj: missing \"name\"");
	ASSERT_ERR(read_fields("{\"name\":\"abcde\"}", &d, err, sizeof(err)), -E2BIG);
	ASSERT_STREQ(err, "obj.name: string of 5 bytes exceeds the 4 byte cap");
	ASSERT_ERR(read_fields("{\"name\":\"a\\u0001\"}", &d, err, sizeof(err)), -EBADMSG);
	ASSERT_STREQ(err, "obj.name: control character at index 1");
	ASSERT_ERR(read_fields("{\"name\":\"a\",\"digest\":\"0AFF\"}", &d, err, sizeof(err)),
		   -EBADMSG);
	ASSERT_STREQ(err, "obj.digest: not 2 bytes of lowercase hex");
	ASSERT_ERR(read_fields("{\"name\":\"a\",\"count\":10}", &d, err, sizeof(err)), -EBADMSG);
	ASSERT_STREQ(err, "obj.count: 10 out of range 0..9");
	ASSERT_ERR(read_fields("{\"name\":\"a\",\"flag\":1}", &d, err, sizeof(err)), -EBADMSG);
	ASSERT_STREQ(err, "obj.flag: missing or not a boolean");
	ASSERT_ERR(read_fields("[]", &d, err, sizeof(err)), -EBADMSG);
	ASSERT_STREQ(err, "obj: not an object");
}

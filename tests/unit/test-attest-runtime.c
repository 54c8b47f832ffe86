/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runtime measurement walk and event strings; release-file signatures. The walk's exact digest
 * is cross-checked against an independent Python implementation of the documented format in
 * tests/attest/test-extend-concurrent.sh; here: determinism, sensitivity, refusals. */
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "measure-attest.h"
#include "test.h"

static void write_file(const char *dir, const char *name, const char *content)
{
	char p[512];
	FILE *f;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	ASSERT_TRUE(f);
	fputs(content, f);
	fclose(f);
}

static void make_tree(const char *root, bool reverse)
{
	char p[512];
	/* Same tree, entries created in another order. */
	if (reverse) {
		snprintf(p, sizeof(p), "%s/z", root);
		ASSERT_TRUE(mkdir(p, 0700) == 0);
		write_file(root, "z/b", "bee");
		write_file(root, "a", "ay");
		snprintf(p, sizeof(p), "%s/empty", root);
		ASSERT_TRUE(mkdir(p, 0755) == 0);
	} else {
		snprintf(p, sizeof(p), "%s/empty", root);
		ASSERT_TRUE(mkdir(p, 0700) == 0);
		write_file(root, "a", "ay");
		snprintf(p, sizeof(p), "%s/z", root);
		ASSERT_TRUE(mkdir(p, 0755) == 0);
		write_file(root, "z/b", "bee");
	}
	snprintf(p, sizeof(p), "%s/z/link", root);
	ASSERT_TRUE(symlink("../a", p) == 0);
}

TEST(walk_deterministic)
{
	char d1[] = "/tmp/bp-rt-XXXXXX", d2[] = "/tmp/bp-rt-XXXXXX", err[256], p[512];
	struct runtime_measurement m1, m2, m3;

	ASSERT_TRUE(mkdtemp(d1) && mkdtemp(d2));
	make_tree(d1, false);
	make_tree(d2, true);
	ASSERT_OK(runtime_measure_path(d1, &m1, err, sizeof(err)));
	ASSERT_OK(runtime_measure_path(d2, &m2, err, sizeof(err)));
	ASSERT_TRUE(m1.is_dir);
	ASSERT_EQ(m1.size, 5);        /* "ay" + "bee" */
	ASSERT_EQ(m1.n_entries, 5);   /* a, empty, z, z/b, z/link */
	ASSERT_MEMEQ(m1.sha256, m2.sha256, 32);
	/* One byte changed -> another digest. */
	write_file(d2, "z/b", "bef");
	ASSERT_OK(runtime_measure_path(d2, &m3, err, sizeof(err)));
	ASSERT_TRUE(memcmp(m1.sha256, m3.sha256, 32) != 0);
	/* A FIFO is refused, naming the entry. */
	snprintf(p, sizeof(p), "%s/fifo", d1);
	ASSERT_TRUE(mkfifo(p, 0600) == 0);
	ASSERT_ERR(runtime_measure_path(d1, &m3, err, sizeof(err)), -EOPNOTSUPP);
	ASSERT_STREQ(err, "fifo: not a regular file, directory or symlink");
	/* The top-level path is not followed when it is a symlink. */
	snprintf(p, sizeof(p), "%s/z/link", d2);
	ASSERT_TRUE(runtime_measure_path(p, &m3, err, sizeof(err)) < 0);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", d1, d2);
	ASSERT_TRUE(system(cmd) == 0);
}

TEST(file_digest)
{
	char d[] = "/tmp/bp-rt-XXXXXX", err[256], p[512];
	struct runtime_measurement m;
	uint8_t want[32];

	ASSERT_TRUE(mkdtemp(d));
	write_file(d, "f", "hello\n");
	snprintf(p, sizeof(p), "%s/f", d);
	ASSERT_OK(runtime_measure_path(p, &m, err, sizeof(err)));
	ASSERT_TRUE(!m.is_dir && m.size == 6);
	ASSERT_OK(digest_buffer(BANK_SHA256, "hello\n", 6, want));
	ASSERT_MEMEQ(m.sha256, want, 32);
	unlink(p);
	rmdir(d);
}

TEST(event_string_roundtrip)
{
	struct runtime_measurement m = {.is_dir = true, .size = 42};
	struct runtime_event e;
	char *s = NULL;

	memset(m.sha256, 0xab, 32);
	ASSERT_OK(runtime_event_string(RUNTIME_OUTPUT, &m, "weights v1", "/data/a:b c", &s));
	ASSERT_STREQ(s, "bootproof:v1:output:dir:"
			"abababababababababababababababababababababababababababababababab"
			":42:weights v1:/data/a:b c");
	ASSERT_OK(runtime_event_parse(s, &e));
	ASSERT_EQ(e.kind, RUNTIME_OUTPUT);
	ASSERT_TRUE(e.is_dir);
	ASSERT_EQ(e.size, 42);
	ASSERT_STREQ(e.label, "weights v1");
	ASSERT_STREQ(e.path, "/data/a:b c");
	free(s);
	ASSERT_ERR(runtime_event_string(RUNTIME_INPUT, &m, "a:b", "/x", &s), -EINVAL);
	ASSERT_ERR(runtime_event_string(RUNTIME_INPUT, &m, "a", "/x\ny", &s), -EINVAL);
	ASSERT_ERR(runtime_event_string(RUNTIME_INPUT, &m, "a", "relative", &s), -EINVAL);
	ASSERT_ERR(runtime_event_parse("bootproof:v1:input:file:00:1:l:/p", &e), -EBADMSG);
	ASSERT_ERR(runtime_event_parse("bootproof:v1:sideways:file:"
				       "abababababababababababababababababababababababababababababababab"
				       ":1:l:/p", &e), -EBADMSG);
	ASSERT_ERR(runtime_event_parse("machine-id:1234", &e), -EBADMSG);
}

TEST(manifest_sign_verify)
{
	static const char *const types[] = {"RSA", "EC", "ED25519"};
	const uint8_t data[] = "0000  SHA256SUMS\n";

	for (size_t i = 0; i < 3; i++) {
		EVP_PKEY *k = i == 0 ? EVP_RSA_gen(2048)
			    : i == 1 ? EVP_EC_gen("prime256v1")
				     : EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		uint8_t *sig = NULL;
		size_t n;
		ASSERT_TRUE(k);
		ASSERT_OK(manifest_sign(k, data, sizeof(data) - 1, &sig, &n));
		ASSERT_EQ(manifest_verify(k, data, sizeof(data) - 1, sig, n), 1);
		ASSERT_EQ(manifest_verify(k, data, sizeof(data) - 2, sig, n), 0);
		sig[n / 2] ^= 1;
		ASSERT_EQ(manifest_verify(k, data, sizeof(data) - 1, sig, n), 0);
		fprintf(stderr, "%s ok\n", types[i]);
		free(sig);
		EVP_PKEY_free(k);
	}
}

TEST(check_sums)
{
	char d[] = "/tmp/bp-sums-XXXXXX", err[256];
	/* sha256("abc") from FIPS 180-2 Appendix B.1 */
	const char *good = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  f\n";
	const char *bad = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ae  f\n";

	ASSERT_TRUE(mkdtemp(d));
	write_file(d, "f", "abc");
	ASSERT_OK(manifest_check_sums((const uint8_t *)good, strlen(good), d, err, sizeof(err)));
	ASSERT_EQ(manifest_check_sums((const uint8_t *)bad, strlen(bad), d, err, sizeof(err)), 1);
	ASSERT_ERR(manifest_check_sums((const uint8_t *)"xyz\n", 4, d, err, sizeof(err)), -EBADMSG);
	const char *up = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  ../f\n";
	ASSERT_ERR(manifest_check_sums((const uint8_t *)up, strlen(up), d, err, sizeof(err)), -EBADMSG);
	char two[256];
	snprintf(two, sizeof(two), "%s%s", good, good);
	ASSERT_ERR(manifest_check_sums((const uint8_t *)two, strlen(two), d, err, sizeof(err)), -EEXIST);
	char p[512];
	snprintf(p, sizeof(p), "%s/f", d);
	unlink(p);
	rmdir(d);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* verify-release.h: golden.json against the release's signed SHA256SUMS. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "digest.h"
#include "errbuf.h"
#include "fileio.h"
#include "hexstr.h"
#include "macro.h"
#include "measure-attest.h"
#include "verify-release.h"

#define RELEASE_MAX_GOLDEN (64u * 1024 * 1024)

static int read_in(const char *dir, const char *name, size_t max, uint8_t **ret, size_t *ret_len,
		   struct release_check *c)
{
	_cleanup_(freep) char *path = NULL;
	int r;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	r = read_file_capped(path, max, ret, ret_len);
	if (r < 0)
		return errbuf_set(c->detail, sizeof(c->detail), r, "%s: cannot read: %s", path,
				  strerror(-r));
	return 0;
}

/* SHA-256 of the key as DER SubjectPublicKeyInfo, the fingerprint `openssl pkey -pubin -outform
 * DER | sha256sum` prints. */
static int key_fingerprint(EVP_PKEY *key, char hex[65])
{
	unsigned char *der = NULL;
	uint8_t d[32];
	int n = i2d_PUBKEY(key, &der), r;

	if (n <= 0)
		return -EIO;
	r = digest_buffer(BANK_SHA256, der, (size_t)n, d);
	OPENSSL_free(der);
	if (r < 0)
		return r;
	hex_encode(d, 32, hex);
	return 0;
}

/* The digest SHA256SUMS lists for golden.json ("<hex>  golden.json" or "<hex> *golden.json"). */
static bool sums_lists(const uint8_t *sums, size_t len, const char *want_hex)
{
	size_t off = 0;

	while (off < len) {
		const uint8_t *nl = memchr(sums + off, '\n', len - off);
		size_t ll = nl ? (size_t)(nl - (sums + off)) : len - off;

		if (ll == 64 + 2 + strlen("golden.json") && sums[off + 64] == ' ' &&
		    (sums[off + 65] == ' ' || sums[off + 65] == '*') &&
		    memcmp(sums + off + 66, "golden.json", strlen("golden.json")) == 0)
			return memcmp(sums + off, want_hex, 64) == 0;
		off += ll + 1;
	}
	return false;
}

int release_check(const char *dir, const char *golden_path, struct release_check *c)
{
	_cleanup_(freep) uint8_t *sums = NULL, *sig = NULL, *golden = NULL;
	_cleanup_(freep) char *key_path = NULL;
	EVP_PKEY *key = NULL;
	size_t sums_len, sig_len, golden_len;
	uint8_t d[32];
	int r;

	*c = (struct release_check){};
	if ((r = read_in(dir, "SHA256SUMS", MANIFEST_MAX_SIZE, &sums, &sums_len, c)) < 0 ||
	    (r = read_in(dir, "SHA256SUMS.sig", MANIFEST_MAX_SIG, &sig, &sig_len, c)) < 0)
		return r;
	r = read_file_capped(golden_path, RELEASE_MAX_GOLDEN, &golden, &golden_len);
	if (r < 0)
		return errbuf_set(c->detail, sizeof(c->detail), r, "%s: cannot read: %s",
				  golden_path, strerror(-r));
	r = digest_buffer(BANK_SHA256, golden, golden_len, d);
	if (r < 0)
		return r;
	hex_encode(d, 32, c->golden_sha256);
	if (asprintf(&key_path, "%s/signing-key.pub.pem", dir) < 0)
		return -ENOMEM;
	r = manifest_load_public_key(key_path, &key);
	if (r < 0)
		return errbuf_set(c->detail, sizeof(c->detail), r, "%s: cannot load the release's "
				  "signing key", key_path);
	r = key_fingerprint(key, c->key_sha256);
	if (r >= 0)
		r = manifest_verify(key, sums, sums_len, sig, sig_len);
	EVP_PKEY_free(key);
	if (r < 0)
		return errbuf_set(c->detail, sizeof(c->detail), r, "%s/SHA256SUMS.sig: the signature "
				  "could not be checked", dir);
	c->signature_ok = r == 1;
	c->golden_listed = sums_lists(sums, sums_len, c->golden_sha256);
	if (!c->signature_ok)
		snprintf(c->detail, sizeof(c->detail), "%s/SHA256SUMS.sig does not verify with "
			 "signing-key.pub.pem", dir);
	else if (!c->golden_listed)
		snprintf(c->detail, sizeof(c->detail), "%s (sha256 %s) is not the golden.json the "
			 "release's signed SHA256SUMS lists", golden_path, c->golden_sha256);
	return 0;
}

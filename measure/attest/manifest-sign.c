/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Release-file signatures over OpenSSL EVP (EVP_DigestSign/Verify: PKCS#1 v1.5 or ECDSA with
 * SHA-256, or pure Ed25519 per RFC 8032), and SHA256SUMS checking (GNU coreutils sha256sum
 * output format). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "errbuf.h"
#include "digest.h"
#include "hexstr.h"
#include "manifest-sign.h"
#include "ossl-free.h"
#include "spki.h"

int manifest_load_private_key(const char *path, EVP_PKEY **ret)
{
	_cleanup_(BIO_freep) BIO *bio = BIO_new_file(path, "r");
	EVP_PKEY *k;

	if (!bio)
		return -ENOENT;
	k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	if (!k)
		return -EBADMSG;
	*ret = k;
	return 0;
}

/* A key file that cannot be read is an I/O error naming why (missing, a directory, no permission),
 * never "Bad message": only bytes that were read and do not parse are that. */
static int key_file_readable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	return access(path, R_OK) < 0 ? -errno : 0;
}

int manifest_load_public_key(const char *path, EVP_PKEY **ret)
{
	_cleanup_(BIO_freep) BIO *bio = NULL;
	_cleanup_(X509_freep) X509 *cert = NULL;
	EVP_PKEY *k;
	int r = key_file_readable(path);

	if (r < 0)
		return r;
	bio = BIO_new_file(path, "r");
	if (!bio)
		return -EIO;
	/* RSA/EC/Ed25519 keys without OpenSSL 3.0's decoder set-up (a third of a `verify`). */
	if (spki_pem_read_fast(bio, &k) < 0)
		k = BIO_reset(bio) == 0 ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	if (!k) {
		/* or a certificate */
		if (BIO_reset(bio) != 0)
			return -EIO;
		cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		if (!cert)
			return -EBADMSG;
		k = X509_get_pubkey(cert);
		if (!k)
			return -EBADMSG;
	}
	*ret = k;
	return 0;
}

static const EVP_MD *md_for(EVP_PKEY *key)
{
	int id = EVP_PKEY_get_base_id(key);
	if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448)
		return NULL; /* pure EdDSA: no pre-hash */
	return bank_md(BANK_SHA256);
}

static bool key_supported(EVP_PKEY *key)
{
	int id = EVP_PKEY_get_base_id(key);
	return id == EVP_PKEY_RSA || id == EVP_PKEY_EC || id == EVP_PKEY_ED25519;
}

int manifest_sign(EVP_PKEY *key, const uint8_t *data, size_t len, uint8_t **ret, size_t *ret_len)
{
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	_cleanup_(freep) uint8_t *sig = NULL;
	size_t n = 0;

	if (!ctx)
		return -ENOMEM;
	if (!key_supported(key))
		return -EOPNOTSUPP;
	if (EVP_DigestSignInit(ctx, NULL, md_for(key), NULL, key) != 1 ||
	    EVP_DigestSign(ctx, NULL, &n, data, len) != 1)
		return -EIO;
	sig = malloc(n);
	if (!sig)
		return -ENOMEM;
	if (EVP_DigestSign(ctx, sig, &n, data, len) != 1)
		return -EIO;
	*ret = TAKE_PTR(sig);
	*ret_len = n;
	return 0;
}

int manifest_verify(EVP_PKEY *key, const uint8_t *data, size_t len, const uint8_t *sig,
		    size_t sig_len)
{
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx)
		return -ENOMEM;
	if (!key_supported(key))
		return -EOPNOTSUPP;
	if (EVP_DigestVerifyInit(ctx, NULL, md_for(key), NULL, key) != 1)
		return -EIO;
	return EVP_DigestVerify(ctx, sig, sig_len, data, len) == 1 ? 1 : 0;
}

static int hash_file(const char *path, uint8_t out[32])
{
	_cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -errno;
	return digest_fd(BANK_SHA256, fd, out, NULL);
}

int manifest_check_sums(const uint8_t *sums, size_t len, const char *dir, char *err, size_t errsz)
{
	size_t off = 0, line = 0;

	while (off < len) {
		const uint8_t *nl = memchr(sums + off, '\n', len - off);
		size_t ll, name_len;
		char name[4096], *path = NULL;
		uint8_t want[32], got[32];
		char hex[65];
		int r;

		line++;
		if (line > MANIFEST_MAX_LINES)
			return errbuf_set(err, errsz, -E2BIG, "more than %u lines", MANIFEST_MAX_LINES);
		if (!nl)
			return errbuf_set(err, errsz, -EBADMSG, "line %zu: no final newline", line);
		ll = (size_t)(nl - (sums + off));
		/* "<64 hex><space><space or *><name>" */
		if (ll < 67 || sums[off + 64] != ' ' ||
		    (sums[off + 65] != ' ' && sums[off + 65] != '*'))
			return errbuf_set(err, errsz, -EBADMSG, "line %zu: not '<sha256>  <file>'", line);
		memcpy(hex, sums + off, 64);
		hex[64] = 0;
		if (hex_decode_exact(hex, 32, false, want) < 0)
			return errbuf_set(err, errsz, -EBADMSG, "line %zu: not lowercase sha256 hex", line);
		name_len = ll - 66;
		if (name_len >= sizeof(name))
			return errbuf_set(err, errsz, -EBADMSG, "line %zu: name too long", line);
		memcpy(name, sums + off + 66, name_len);
		name[name_len] = 0;
		if (strlen(name) != name_len || name[0] == '/' || strstr(name, "..") ||
		    strchr(name, '\\'))
			return errbuf_set(err, errsz, -EBADMSG, "line %zu: file name '%s' not accepted",
				    line, name);
		/* duplicates */
		for (size_t o2 = 0; o2 < off;) {
			const uint8_t *n2 = memchr(sums + o2, '\n', off - o2);
			if (!n2)
				break;
			if ((size_t)(n2 - (sums + o2)) == ll &&
			    memcmp(sums + o2 + 66, name, name_len) == 0)
				return errbuf_set(err, errsz, -EEXIST, "line %zu: '%s' listed twice", line,
					    name);
			o2 = (size_t)(n2 - sums) + 1;
		}
		if (asprintf(&path, "%s/%s", dir, name) < 0)
			return -ENOMEM;
		r = hash_file(path, got);
		free(path);
		if (r < 0)
			return errbuf_set(err, errsz, r, "line %zu: cannot read '%s': %s", line, name,
					  strerror(-r));
		if (CRYPTO_memcmp(want, got, 32) != 0)
			return errbuf_set(err, errsz, 1, "line %zu: '%s' does not match its sha256", line,
				    name);
		off += ll + 1;
	}
	return 0;
}

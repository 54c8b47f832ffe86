/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* systemd-tpm2 token "tpm2-blob" reader and verdict (see tpm2-blob.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "errbuf.h"
#include "hexstr.h"
#include "tpm2-blob.h"

/* The TPMT_PUBLIC of a keyed-hash object, from a cursor holding exactly the TPM2B_PUBLIC's
 * bytes; at is the TPM2B_PUBLIC's offset in the blob, for messages. */
static int parse_public(struct cursor *c, size_t at, struct tpm2_blob *b, char *errbuf,
			size_t errbuf_size)
{
	struct cursor policy, unique;
	uint16_t hash_alg, kdf;

	if (!cursor_get_u16be(c, &b->type) || !cursor_get_u16be(c, &b->name_alg) ||
	    !cursor_get_u32be(c, &b->attributes))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "TPM2B_PUBLIC at offset %zu: truncated type/nameAlg/attributes", at);
	if (b->type != TPM2_ALG_KEYEDHASH_ID)
		return errbuf_set(errbuf, errbuf_size, -EOPNOTSUPP,
				  "TPM2B_PUBLIC at offset %zu: type 0x%04x is not a keyed-hash "
				  "(sealed data) object", at, b->type);
	if (!cursor_get_tpm2b(c, TPM2_BLOB_DIGEST_MAX, &policy))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "TPM2B_PUBLIC at offset %zu: authPolicy at offset %zu truncated or "
				  "over %u bytes", at, cursor_offset(c), TPM2_BLOB_DIGEST_MAX);
	b->auth_policy_size = (uint16_t)cursor_left(&policy);
	if (!cursor_copy(&policy, b->auth_policy, b->auth_policy_size))
		return -EBADMSG; /* cannot happen: the sub-cursor holds exactly that many */
	if (!cursor_get_u16be(c, &b->scheme))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "TPM2B_PUBLIC at offset %zu: truncated keyed-hash scheme", at);
	/* TPMU_SCHEME_KEYEDHASH: HMAC carries a hash, XOR a hash and a KDF, NULL nothing. */
	if ((b->scheme == TPM2_ALG_HMAC_ID && !cursor_get_u16be(c, &hash_alg)) ||
	    (b->scheme == TPM2_ALG_XOR_ID &&
	     (!cursor_get_u16be(c, &hash_alg) || !cursor_get_u16be(c, &kdf))))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "TPM2B_PUBLIC at offset %zu: truncated scheme details", at);
	if (b->scheme != TPM2_ALG_NULL_ID && b->scheme != TPM2_ALG_HMAC_ID &&
	    b->scheme != TPM2_ALG_XOR_ID)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "TPM2B_PUBLIC at offset %zu: unknown keyed-hash scheme 0x%04x", at,
				  b->scheme);
	if (!cursor_get_tpm2b(c, TPM2_BLOB_DIGEST_MAX, &unique))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "TPM2B_PUBLIC at offset %zu: unique at offset %zu truncated or over "
				  "%u bytes", at, cursor_offset(c), TPM2_BLOB_DIGEST_MAX);
	b->unique_size = (uint16_t)cursor_left(&unique);
	if (cursor_left(c) != 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "TPM2B_PUBLIC at offset %zu: %zu bytes after the public area", at,
				  cursor_left(c));
	return 0;
}

int tpm2_blob_parse(const uint8_t *data, size_t len, struct tpm2_blob *ret, char *errbuf,
		    size_t errbuf_size)
{
	struct tpm2_blob b = {};
	struct cursor c, priv, pub, seed;
	size_t at;
	int r;

	cursor_init(&c, data, len);
	/* TPM2B_PRIVATE: opaque (integrity HMAC + encrypted sensitive area), but not empty. */
	if (!cursor_get_tpm2b(&c, TPM2_BLOB_PRIVATE_MAX, &priv) || cursor_left(&priv) == 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "TPM2B_PRIVATE at offset 0: missing, empty, truncated or over %u "
				  "bytes (blob of %zu bytes)", TPM2_BLOB_PRIVATE_MAX, len);
	b.private_size = cursor_left(&priv);
	at = cursor_offset(&c);
	if (!cursor_get_tpm2b(&c, UINT16_MAX, &pub) || cursor_left(&pub) == 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "TPM2B_PUBLIC at offset %zu: missing, empty or truncated", at);
	r = parse_public(&pub, at, &b, errbuf, errbuf_size);
	if (r < 0)
		return r;
	if (cursor_left(&c) > 0) {
		at = cursor_offset(&c);
		if (!cursor_get_tpm2b(&c, TPM2_BLOB_SECRET_MAX, &seed) || cursor_left(&seed) == 0)
			return errbuf_set(errbuf, errbuf_size, -EBADMSG,
					  "TPM2B_ENCRYPTED_SECRET at offset %zu: empty, truncated or "
					  "over %u bytes", at, TPM2_BLOB_SECRET_MAX);
		b.has_seed = true;
	}
	if (cursor_left(&c) != 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "offset %zu: %zu bytes after the sealed object", cursor_offset(&c),
				  cursor_left(&c));
	*ret = b;
	return 0;
}

/* 0..63 for a base64 character, -1 otherwise. */
static int b64_value(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

int tpm2_blob_unbase64(const char *s, size_t max_chars, uint8_t **ret, size_t *ret_len,
		       char *errbuf, size_t errbuf_size)
{
	size_t n = strnlen(s, max_chars + 1), pad = 0, out = 0;
	uint8_t *buf;
	uint32_t acc = 0;

	if (n > max_chars)
		return errbuf_set(errbuf, errbuf_size, -E2BIG, "base64 longer than %zu characters",
				  max_chars);
	if (n == 0 || n % 4 != 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "base64 of %zu characters (not a positive multiple of 4)", n);
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	buf = malloc(n / 4 * 3);
	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int v = i >= n - pad ? 0 : b64_value(s[i]);
		if (v < 0) {
			free(buf);
			return errbuf_set(errbuf, errbuf_size, -EBADMSG,
					  "base64 character %zu (0x%02x) is not in the alphabet", i,
					  (unsigned)(unsigned char)s[i]);
		}
		acc = acc << 6 | (uint32_t)v;
		if (i % 4 == 3) {
			buf[out++] = (uint8_t)(acc >> 16);
			buf[out++] = (uint8_t)(acc >> 8);
			buf[out++] = (uint8_t)acc;
			acc = 0;
		}
	}
	/* The bits the padding stands for must be zero: one encoding per byte string. */
	if ((pad == 1 && buf[out - 1] != 0) || (pad == 2 && (buf[out - 1] | buf[out - 2]) != 0)) {
		free(buf);
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "base64 padding: unused bits are not zero");
	}
	*ret = buf;
	*ret_len = out - pad;
	return 0;
}

int tpm2_blob_parse_base64(const char *s, struct tpm2_blob *ret, char *errbuf,
			   size_t errbuf_size)
{
	uint8_t *bin;
	size_t len;
	int r;

	r = tpm2_blob_unbase64(s, TPM2_BLOB_B64_MAX, &bin, &len, errbuf, errbuf_size);
	if (r < 0)
		return r;
	r = tpm2_blob_parse(bin, len, ret, errbuf, errbuf_size);
	free(bin);
	return r;
}

static bool why_not(char *why, size_t size, const char *fmt, ...) _printf_(3, 4);
static bool why_not(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return false;
}

bool tpm2_blob_sealed_to(const struct tpm2_blob *b, const uint8_t policy[32], char *why,
			 size_t why_size)
{
	char got[2 * TPM2_BLOB_DIGEST_MAX + 1], want[65];

	if (b->has_seed)
		return why_not(why, why_size, "sealed offline (a TPM2B_ENCRYPTED_SECRET follows): "
			       "made outside this TPM, which the image's enrollment never does");
	if (b->name_alg != TPM2_ALG_SHA256_ID)
		return why_not(why, why_size, "nameAlg 0x%04x, not SHA-256 (0x000b)", b->name_alg);
	if (b->attributes & BLOB_TPMA_USERWITHAUTH)
		return why_not(why, why_size, "userWithAuth is set (attributes 0x%08x): the "
			       "object's authValue alone unseals it, without the policy",
			       b->attributes);
	if ((b->attributes & ~(uint32_t)TPM2_BLOB_OPTIONAL_ATTRIBUTES) != TPM2_BLOB_SEALED_ATTRIBUTES)
		return why_not(why, why_size, "object attributes 0x%08x, not systemd's fixedTPM|"
			       "fixedParent (0x%08x) [|noDA]", b->attributes,
			       TPM2_BLOB_SEALED_ATTRIBUTES);
	if (b->scheme != TPM2_ALG_NULL_ID || b->unique_size != 32)
		return why_not(why, why_size, "keyed-hash scheme 0x%04x / unique of %u bytes, not "
			       "a sealed data object (scheme NULL, 32 bytes)", b->scheme,
			       b->unique_size);
	hex_encode(policy, 32, want);
	hex_encode(b->auth_policy, b->auth_policy_size, got);
	if (b->auth_policy_size != 32 || memcmp(b->auth_policy, policy, 32) != 0)
		return why_not(why, why_size, "authPolicy %s is not the golden policy digest %s "
			       "(the TPM enforces this one, whatever tpm2-policy-hash says)",
			       b->auth_policy_size ? got : "(empty)", want);
	return true;
}

const char *tpm2_blob_json_text(json_t *field)
{
	if (json_is_array(field) && json_array_size(field) == 1)
		field = json_array_get(field, 0);
	return json_is_string(field) ? json_string_value(field) : NULL;
}

bool tpm2_blob_json_sealed_to(const char *token_id, json_t *field, const uint8_t policy[32],
			      char *why, size_t why_size)
{
	struct tpm2_blob b;
	const char *text = tpm2_blob_json_text(field);
	char err[256];

	if (!field)
		return why_not(why, why_size, "token %s: no tpm2-blob (no sealed object)", token_id);
	if (json_is_array(field) && json_array_size(field) != 1)
		return why_not(why, why_size, "token %s: tpm2-blob holds %zu sealed objects "
			       "(policy shards), not one", token_id, json_array_size(field));
	if (!text)
		return why_not(why, why_size, "token %s: tpm2-blob is not a base64 string",
			       token_id);
	if (tpm2_blob_parse_base64(text, &b, err, sizeof(err)) < 0)
		return why_not(why, why_size, "token %s: tpm2-blob is not a TPM sealed object: %s",
			       token_id, err);
	if (!tpm2_blob_sealed_to(&b, policy, err, sizeof(err)))
		return why_not(why, why_size, "token %s: tpm2-blob: %s", token_id, err);
	return true;
}

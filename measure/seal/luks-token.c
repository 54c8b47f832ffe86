/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* LUKS2 header and systemd-tpm2 token check (see luks-token.h). Binary header layout: LUKS2
 * On-Disk Format Specification §2.1 (magic, version u16be @6, hdr_size u64be @8, seqid u64be @16,
 * checksum_alg char[32] @72, hdr_offset u64be @256, csum[64] @448; the checksum covers hdr_size
 * bytes with csum zeroed). Token fields: systemd tpm2_make_luks2_json (v254-v257). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "errbuf.h"
#include "hexstr.h"
#include "json.h"
#include "luks-token.h"
#include "parse.h"
#include "size.h"
#include "tpm2-blob.h"

static const uint8_t magic_primary[6] = {'L', 'U', 'K', 'S', 0xba, 0xbe};
static const uint8_t magic_secondary[6] = {'S', 'K', 'U', 'L', 0xba, 0xbe};

struct luks2_hdr {
	uint64_t hdr_size, seqid, hdr_offset;
};

static int header_at(const uint8_t *data, size_t len, uint64_t off, const uint8_t magic[6],
		     const char *which, struct luks2_hdr *ret, char *errbuf, size_t errbuf_size)
{
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *ctx = NULL;
	static const uint8_t zero[64];
	uint8_t csum[32];
	unsigned int n;
	struct luks2_hdr h;
	const uint8_t *p;

	if (!range_ok(len, off, LUKS2_BIN_HDR_SIZE))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "%s header at %llu: truncated",
				  which, (unsigned long long)off);
	p = data + off;
	if (memcmp(p, magic, 6) != 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "%s header at %llu: no LUKS2 magic",
				  which, (unsigned long long)off);
	if (load_be16(p + 6) != 2)
		return errbuf_set(errbuf, errbuf_size, -EOPNOTSUPP,
				  "%s header: version %u, not LUKS2", which, load_be16(p + 6));
	h.hdr_size = load_be64(p + 8);
	h.seqid = load_be64(p + 16);
	h.hdr_offset = load_be64(p + 256);
	if (h.hdr_size < LUKS2_HDR_MIN || h.hdr_size > LUKS2_HDR_MAX ||
	    (h.hdr_size & (h.hdr_size - 1)) != 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "%s header: hdr_size %llu is not a power of two in 16 KiB..4 MiB",
				  which, (unsigned long long)h.hdr_size);
	if (h.hdr_offset != off)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "%s header: hdr_offset %llu, found at %llu", which,
				  (unsigned long long)h.hdr_offset, (unsigned long long)off);
	if (!range_ok(len, off, h.hdr_size))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "%s header: JSON area of %llu bytes truncated", which,
				  (unsigned long long)(h.hdr_size - LUKS2_BIN_HDR_SIZE));
	if (memcmp(p + 72, "sha256", 7) != 0)
		return errbuf_set(errbuf, errbuf_size, -EOPNOTSUPP,
				  "%s header: checksum algorithm is not sha256", which);
	/* SHA-256 over the whole header area with the csum field read as zeros. */
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, bank_md(BANK_SHA256), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, p, 448) != 1 || EVP_DigestUpdate(ctx, zero, 64) != 1 ||
	    EVP_DigestUpdate(ctx, p + 512, (size_t)h.hdr_size - 512) != 1 ||
	    EVP_DigestFinal_ex(ctx, csum, &n) != 1 || n != sizeof(csum))
		return -EIO;
	if (memcmp(csum, p + 448, sizeof(csum)) != 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "%s header: checksum mismatch",
				  which);
	*ret = h;
	return 0;
}

int luks2_header_json(const uint8_t *data, size_t len, const char **ret, size_t *ret_len,
		      char *errbuf, size_t errbuf_size)
{
	struct luks2_hdr a, b;
	const uint8_t *ja, *jb;
	size_t jlen, n;
	int r;

	if (len >= 8 && memcmp(data, magic_primary, 6) == 0 && load_be16(data + 6) == 1)
		return errbuf_set(errbuf, errbuf_size, -EOPNOTSUPP, "a LUKS1 volume, not LUKS2");
	r = header_at(data, len, 0, magic_primary, "primary", &a, errbuf, errbuf_size);
	if (r < 0)
		return r;
	/* The secondary copy sits right after the primary area. cryptsetup uses whichever valid
	 * copy is newer and repairs the other: both must agree, or the check would look at one
	 * header while cryptsetup opens with the other. */
	r = header_at(data, len, a.hdr_size, magic_secondary, "secondary", &b, errbuf, errbuf_size);
	if (r < 0)
		return r;
	if (a.hdr_size != b.hdr_size || a.seqid != b.seqid)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "primary and secondary headers differ (size %llu/%llu, seqid "
				  "%llu/%llu)", (unsigned long long)a.hdr_size,
				  (unsigned long long)b.hdr_size, (unsigned long long)a.seqid,
				  (unsigned long long)b.seqid);
	jlen = (size_t)a.hdr_size - LUKS2_BIN_HDR_SIZE;
	ja = data + LUKS2_BIN_HDR_SIZE;
	jb = data + a.hdr_size + LUKS2_BIN_HDR_SIZE;
	if (memcmp(ja, jb, jlen) != 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "primary and secondary headers carry different JSON metadata");
	n = strnlen((const char *)ja, jlen);
	if (n == jlen)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "JSON area: not NUL-terminated within %zu bytes", jlen);
	*ret = (const char *)ja;
	*ret_len = n;
	return 0;
}

/* A refusal is a verdict, not an error: the volume is read, and it does not match the policy
 * (the verb exits 3). v->ok goes false and the reason goes to v->why through errbuf; returns
 * false (0), so a check can `return refuse(v, ...)` and its caller carry on to the report. */
static bool refuse(struct luks_verdict *v, const char *fmt, ...) _printf_(2, 3);
static bool refuse(struct luks_verdict *v, const char *fmt, ...)
{
	va_list ap;

	v->ok = false;
	va_start(ap, fmt);
	errbuf_setv(v->why, sizeof(v->why), 0, fmt, ap);
	va_end(ap);
	return false;
}

/* LUKS2 object ids are decimal strings; keyslots/tokens are capped at 32. Only the canonical
 * spelling (no leading zero, no sign): "01" would name keyslot 1 here while cryptsetup never
 * treats it as keyslot 1, so a token bound to "01" could look as if it bound keyslot 1. */
static int id_parse(const char *s, unsigned max, unsigned *ret)
{
	uint32_t v;
	if (s[0] == '0' && s[1] != '\0')
		return -EBADMSG;
	if (safe_atou32(s, &v) < 0 || v >= max)
		return -EBADMSG;
	*ret = v;
	return 0;
}

static void mask_format(uint32_t mask, char *buf, size_t size)
{
	seal_pcr_mask_format(mask, ',', buf, size);
}

/* The token's keyslots list: exactly one keyslot, a canonical id of a keyslot the volume has.
 * false (v refused, named) otherwise. */
static bool token_keyslot(const char *id, json_t *ks, struct luks_verdict *v,
			  uint32_t keyslots_present, unsigned *ret_keyslot)
{
	json_t *e;

	if (!ks || !json_is_array(ks) || json_array_size(ks) == 0)
		return refuse(v, "token %s: binds no keyslot", id);
	/* systemd writes and reads exactly one (cryptsetup_get_keyslot_from_token): a second
	 * keyslot in the list is one the TPM secret was never enrolled in. */
	if (json_array_size(ks) != 1)
		return refuse(v, "token %s: lists %zu keyslots; a systemd-tpm2 token binds exactly one",
			    id, json_array_size(ks));
	e = json_array_get(ks, 0);
	if (!json_is_string(e) || id_parse(json_string_value(e), LUKS2_MAX_KEYSLOTS, ret_keyslot) < 0)
		return refuse(v, "token %s: keyslots[0] is not a canonical keyslot id (0..31, decimal "
			    "without leading zeros)", id);
	if (!(keyslots_present & (1u << *ret_keyslot)))
		return refuse(v, "token %s: keyslots[0] names no keyslot of the volume", id);
	return true;
}

/* No policy part beyond the golden PolicyPCR: no PIN, no signed policy, no pcrlock. false (v
 * refused, the part named) otherwise. */
static bool token_without_extra_parts(const char *id, json_t *t, struct luks_verdict *v)
{
	json_t *x = json_object_get(t, "tpm2-pin");

	if (x && !json_is_false(x))
		return refuse(v, "token %s: also needs a PIN (tpm2-pin), which the golden policy "
			    "does not include", id);
	x = json_object_get(t, "tpm2_pubkey");
	if (x && !(json_is_string(x) && json_string_length(x) == 0))
		return refuse(v, "token %s: carries a signed-policy public key (tpm2_pubkey): "
			    "anything the key holder signs opens it", id);
	x = json_object_get(t, "tpm2_pubkey_pcrs");
	if (x && !(json_is_array(x) && json_array_size(x) == 0))
		return refuse(v, "token %s: has signed-policy PCRs (tpm2_pubkey_pcrs)", id);
	x = json_object_get(t, "tpm2_pcrlock");
	if (x && !json_is_false(x))
		return refuse(v, "token %s: is a pcrlock policy (tpm2_pcrlock)", id);
	return true;
}

/* One systemd-tpm2 token against the policy; *ret_keyslot = the one keyslot it binds (valid
 * while v->ok). */
static int check_tpm2_token(const char *id, json_t *t, const struct seal_policy *pol,
			    struct luks_verdict *v, uint32_t keyslots_present, unsigned *ret_keyslot)
{
	json_t *pcrs = json_object_get(t, "tpm2-pcrs"), *bank = json_object_get(t, "tpm2-pcr-bank"),
	       *hash = json_object_get(t, "tpm2-policy-hash"), *e;
	char want[80], got[80], want_hash[2 * SEAL_DIGEST_SIZE + 1];
	uint32_t mask = 0;
	size_t i;

	if (!token_keyslot(id, json_object_get(t, "keyslots"), v, keyslots_present, ret_keyslot))
		return 0;
	if (!pcrs || !json_is_array(pcrs) || json_array_size(pcrs) > SEAL_PCR_MAX)
		return refuse(v, "token %s: no tpm2-pcrs list", id);
	json_array_foreach(pcrs, i, e) {
		json_int_t p = json_is_integer(e) ? json_integer_value(e) : -1;
		if (p < 0 || p >= (json_int_t)SEAL_PCR_MAX || (mask & (1u << p)))
			return refuse(v, "token %s: tpm2-pcrs[%zu] is not a distinct PCR index", id, i);
		mask |= 1u << p;
	}
	/* The policy hash: a string, or (systemd >= 256, sharded) an array of strings. */
	if (hash && json_is_array(hash)) {
		if (json_array_size(hash) != 1)
			return refuse(v, "token %s: %zu policy shards (pcrlock or signed policy "
				    "combined), not one PolicyPCR", id, json_array_size(hash));
		hash = json_array_get(hash, 0);
	}
	if (!hash || !json_is_string(hash) || strlen(json_string_value(hash)) != 64)
		return refuse(v, "token %s: no tpm2-policy-hash", id);
	if (!v->has_token) {
		v->has_token = true;
		v->token_pcr_mask = mask;
		snprintf(v->token_bank, sizeof(v->token_bank), "%s",
			 bank && json_is_string(bank) ? json_string_value(bank) : "sha256");
		snprintf(v->token_policy_hash, sizeof(v->token_policy_hash), "%s",
			 json_string_value(hash));
	}
	if (mask != pol->pcr_mask) {
		mask_format(mask, got, sizeof(got));
		mask_format(pol->pcr_mask, want, sizeof(want));
		return refuse(v, "token %s: tpm2-pcrs [%s] is not the golden [%s]", id, got, want);
	}
	/* systemd writes tpm2-pcr-bank always since v251; absent means sha256 (older tokens). */
	if (strcmp(bank && json_is_string(bank) ? json_string_value(bank) : "sha256",
		   bank_name(pol->bank)) != 0)
		return refuse(v, "token %s: bank %.16s is not the golden %s", id,
			    bank && json_is_string(bank) ? json_string_value(bank) : "?",
			    bank_name(pol->bank));
	/* Extra policy parts first: they change the hash too, but this names the cause. */
	if (!token_without_extra_parts(id, t, v))
		return 0;
	hex_encode(pol->digest, SEAL_DIGEST_SIZE, want_hash);
	if (strcasecmp(json_string_value(hash), want_hash) != 0)
		return refuse(v, "token %s: tpm2-policy-hash %s is not the golden policy digest %s",
			    id, json_string_value(hash), want_hash);
	/* The string above is systemd's note; the TPM enforces the sealed object's own policy. */
	if (!tpm2_blob_json_sealed_to(id, json_object_get(t, "tpm2-blob"), pol->digest, v->why,
				      sizeof(v->why)))
		v->ok = false;
	return 0;
}

/* Token `token` (checked) binds keyslot k: no other token may bind it (which secret would open
 * it?), and no other token may carry the same sealed object (one TPM secret enrolled in two
 * keyslots is never what systemd-cryptenroll writes: it seals a fresh secret per keyslot, so a
 * copy is a decoy for a keyslot opened by something else). */
static void bind_keyslot(struct luks_verdict *v, unsigned k, const char *token, const char *blob,
			 const char *bound_by[], const char *blob_of[], uint32_t *bound)
{
	if (*bound & (1u << k)) {
		refuse(v, "keyslot %u: bound by tokens %s and %s; exactly one systemd-tpm2 token may "
		     "bind a keyslot", k, bound_by[k], token);
		return;
	}
	for (unsigned i = 0; i < LUKS2_MAX_KEYSLOTS; i++)
		if ((*bound & (1u << i)) && blob && blob_of[i] && strcmp(blob, blob_of[i]) == 0) {
			refuse(v, "tokens %s and %s carry the same sealed object (tpm2-blob) for "
			     "keyslots %u and %u: systemd seals a fresh secret per keyslot, so one "
			     "is a copy standing in for a keyslot opened by something else",
			     bound_by[i], token, i, k);
			return;
		}
	*bound |= 1u << k;
	bound_by[k] = token;
	blob_of[k] = blob;
}

int luks2_check_json(const char *json, size_t len, const struct seal_policy *policy,
		     struct luks_verdict *ret, char *errbuf, size_t errbuf_size)
{
	_cleanup_(json_decrefp) json_t *j = NULL;
	struct luks_verdict v = {.ok = true};
	json_t *keyslots, *tokens, *e;
	uint32_t present = 0, bound = 0;
	/* per keyslot: the token binding it and that token's "tpm2-blob" (borrowed from j) */
	const char *bound_by[LUKS2_MAX_KEYSLOTS] = {}, *blob_of[LUKS2_MAX_KEYSLOTS] = {};
	const char *key;
	int r;

	r = json_parse_capped(json, len, LUKS2_HDR_MAX, LUKS2_JSON_DEPTH, &j, errbuf, errbuf_size);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "LUKS2 metadata: not an object");
	keyslots = json_object_get(j, "keyslots");
	tokens = json_object_get(j, "tokens");
	if (!keyslots || !json_is_object(keyslots) || !tokens || !json_is_object(tokens) ||
	    !json_is_object(json_object_get(j, "segments")) ||
	    !json_is_object(json_object_get(j, "digests")))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "LUKS2 metadata: \"keyslots\", \"tokens\", \"segments\" or "
				  "\"digests\" missing or not an object");
	if (json_object_size(keyslots) > LUKS2_MAX_KEYSLOTS ||
	    json_object_size(tokens) > LUKS2_MAX_TOKENS)
		return errbuf_set(errbuf, errbuf_size, -E2BIG,
				  "LUKS2 metadata: more than %u keyslots or tokens",
				  LUKS2_MAX_KEYSLOTS);
	json_object_foreach(keyslots, key, e) {
		unsigned k;
		if (id_parse(key, LUKS2_MAX_KEYSLOTS, &k) < 0 || !json_is_object(e))
			return errbuf_set(errbuf, errbuf_size, -EBADMSG,
					  "keyslots.%.16s: not a canonical keyslot id (0..31, "
					  "decimal without leading zeros) with an object",
					  key);
		present |= 1u << k;
	}
	v.n_keyslots = (unsigned)json_object_size(keyslots);
	v.n_tokens = (unsigned)json_object_size(tokens);
	json_object_foreach(tokens, key, e) {
		unsigned k, slot = 0;
		json_t *type = json_is_object(e) ? json_object_get(e, "type") : NULL;
		if (id_parse(key, LUKS2_MAX_TOKENS, &k) < 0 || !type || !json_is_string(type))
			return errbuf_set(errbuf, errbuf_size, -EBADMSG,
					  "tokens.%.16s: not a canonical token id (0..31, decimal "
					  "without leading zeros) with a type", key);
		if (!v.ok)
			continue;
		if (strcmp(json_string_value(type), "systemd-tpm2") != 0) {
			refuse(&v, "token %s: type \"%.40s\" is not systemd-tpm2: something other than "
			     "the golden TPM policy can open the volume", key, json_string_value(type));
			continue;
		}
		r = check_tpm2_token(key, e, policy, &v, present, &slot);
		if (r < 0)
			return r;
		if (v.ok)
			bind_keyslot(&v, slot, key, tpm2_blob_json_text(json_object_get(e, "tpm2-blob")),
				     bound_by, blob_of, &bound);
	}
	if (v.ok && v.n_keyslots == 0)
		refuse(&v, "the volume has no keyslot");
	if (v.ok && v.n_tokens == 0)
		refuse(&v, "the volume has no token: no keyslot is bound to the TPM");
	for (unsigned k = 0; v.ok && k < LUKS2_MAX_KEYSLOTS; k++)
		if ((present & (1u << k)) && !(bound & (1u << k)))
			refuse(&v, "keyslot %u: no systemd-tpm2 token binds it (a passphrase, recovery "
			     "key or key file can open the volume)", k);
	*ret = v;
	return 0;
}

int luks2_read_metadata(const char *path, uint8_t **ret, size_t *ret_len, char *errbuf,
			size_t errbuf_size)
{
	_cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_(freep) uint8_t *buf = NULL;
	size_t len = 0, cap = 2 * (size_t)LUKS2_HDR_MAX, jlen;
	const char *json;
	uint8_t *copy;
	int r;

	if (fd < 0)
		return errbuf_set(errbuf, errbuf_size, negative_errno(), "cannot open: %s",
				  strerror(errno));
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	while (len < cap) {
		ssize_t n = pread(fd, buf + len, cap - len, (off_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errbuf_set(errbuf, errbuf_size, negative_errno(), "cannot read: %s",
					  strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
	}
	r = luks2_header_json(buf, len, &json, &jlen, errbuf, errbuf_size);
	if (r < 0)
		return r;
	copy = malloc(jlen + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, json, jlen);
	copy[jlen] = '\0';
	*ret = copy;
	*ret_len = jlen;
	return 0;
}

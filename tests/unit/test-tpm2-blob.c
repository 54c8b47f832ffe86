/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The systemd-tpm2 "tpm2-blob" reader (tpm2-blob.c) and the token rules of luks-token.c that
 * cryptsetup's own header validation keeps out of a real volume. Real blobs from the fuzz corpus
 * (tests/fuzz/corpus/fuzz-tpm2-blob): systemd-cryptenroll 252 and 254 on swtpm, --tpm2-pcrs=4+7
 * with both PCRs zero, without and with --tpm2-with-pin, and 257 (real_257 below). The expected values come from outside
 * bootproof: the authPolicy equals the token's own tpm2-policy-hash written by systemd
 * (4f3d0316...e2f9, and 3e39754a...317d with PIN), which is also PolicyPCR of systemd's
 * test-tpm2.c form followed by PolicyAuthValue = SHA256(D || 0000016B) (TPM 2.0 Part 3 §23.18),
 * computed here with OpenSSL; the attributes are tpm2_seal()'s template (fixedTPM|fixedParent). */
#include <string.h>

#include <openssl/evp.h>

#include "digest.h"
#include "fileio.h"
#include "hexstr.h"
#include "json.h"
#include "measure-seal.h"
#include "test.h"

#define POLICY_4_7 "4f3d0316367f04116f53e36d21aa213e2b91f4720303c6049bb6d4bc7fe8e2f9"
#define POLICY_4_7_PIN "3e39754a1de4c816b35f52b5ec517fb1c841cbd0f3c2d619c1270fa049b5317d"
#define ZERO64 "0000000000000000000000000000000000000000000000000000000000000000"

static void read_corpus(const char *name, uint8_t **ret, size_t *ret_len)
{
	const char *dir = getenv("BOOTPROOF_SOURCE_DIR");
	char path[512];

	ASSERT_TRUE(dir);
	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/%s", dir, name);
	ASSERT_OK(read_file_capped(path, 1 << 20, ret, ret_len));
}

static void policy_4_7(struct seal_policy *p)
{
	ASSERT_OK(seal_policy_parse_literal("4:sha256=" ZERO64 "+7:sha256=" ZERO64, p));
}

static void expect_policy(const struct tpm2_blob *b, const char *want)
{
	char got[2 * TPM2_BLOB_DIGEST_MAX + 1];
	ASSERT_EQ(b->auth_policy_size, 32);
	hex_encode(b->auth_policy, b->auth_policy_size, got);
	ASSERT_STREQ(got, want);
}

/* What systemd's tpm2_seal() makes, read back field by field. */
static void expect_systemd_object(const struct tpm2_blob *b)
{
	ASSERT_EQ(b->type, 0x0008);      /* TPM_ALG_KEYEDHASH */
	ASSERT_EQ(b->name_alg, 0x000b);  /* TPM_ALG_SHA256 */
	ASSERT_EQ(b->attributes, 0x12);  /* fixedTPM | fixedParent, no userWithAuth */
	ASSERT_EQ(b->scheme, 0x0010);    /* TPM_ALG_NULL */
	ASSERT_EQ(b->unique_size, 32);
	ASSERT_EQ(b->private_size, 158);
	ASSERT_TRUE(!b->has_seed);
}

TEST(real_blobs)
{
	static const char *const plain[] = {"fuzz-tpm2-blob/cryptenroll252-pcr4-7.bin",
					    "fuzz-tpm2-blob/cryptenroll254-pcr4-7.bin"};
	_cleanup_(freep) uint8_t *pin = NULL;
	struct seal_policy p;
	struct tpm2_blob b;
	uint8_t step[36], with_pin[32];
	char err[256], why[320];
	size_t len;

	policy_4_7(&p);
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
		_cleanup_(freep) uint8_t *buf = NULL;
		read_corpus(plain[i], &buf, &len);
		ASSERT_EQ(len, 240);
		ASSERT_OK(tpm2_blob_parse(buf, len, &b, err, sizeof(err)));
		expect_systemd_object(&b);
		expect_policy(&b, POLICY_4_7);
		ASSERT_TRUE(tpm2_blob_sealed_to(&b, p.digest, why, sizeof(why)));
	}

	/* With a PIN: the same attributes; the policy gains PolicyAuthValue. */
	read_corpus("fuzz-tpm2-blob/cryptenroll252-pcr4-7-pin.bin", &pin, &len);
	ASSERT_OK(tpm2_blob_parse(pin, len, &b, err, sizeof(err)));
	expect_systemd_object(&b);
	expect_policy(&b, POLICY_4_7_PIN);
	memcpy(step, p.digest, 32);
	memcpy(step + 32, "\x00\x00\x01\x6b", 4);
	ASSERT_OK(digest_buffer(BANK_SHA256, step, sizeof(step), with_pin));
	ASSERT_MEMEQ(with_pin, b.auth_policy, 32);
	ASSERT_TRUE(!tpm2_blob_sealed_to(&b, p.digest, why, sizeof(why)));
	ASSERT_TRUE(strstr(why, "authPolicy " POLICY_4_7_PIN " is not the golden policy digest "
			   POLICY_4_7) != NULL);
}

/* systemd-cryptenroll 257.13 (Debian trixie, the image's) on swtpm, enrolled as data-init does:
 * --tpm2-public-key= --tpm2-pcrs=<golden.json's literal values of the stub-257 UKI fixture>
 * --wipe-slot=password, then the same with --tpm2-with-pin. systemd >= 256 adds noDA without PIN
 * (0x412); the token's own tpm2-policy-hash is 341095a0...8fb7, the digest test-seal-tpm gets
 * from a tpm2-tools trial session, and c37c9865...0694 = SHA256(341095a0... || 0000016B) with
 * PIN. The head of the first volume (both LUKS2 headers) passes the whole check. */
#define GOLDEN_LITERAL                                                                             \
	"4:sha256=2d8e0b815c1d5145072feb041278733975fb6110178bb4fa3061f377b7faccda+"               \
	"7:sha256=65caf8dd1e0ea7a6347b635d2b379c93b9a1351edc2afc3ecda700e534eb3068+"               \
	"9:sha256=ca5cb765875f1e92f40e71a248992bb8d846abf029d7868985f1d50440255ff0+"               \
	"11:sha256=cbe400986cba6b0eca581acdce396a39403e4ab4fc801ec4f60c0da64b53f983+"              \
	"12:sha256=" ZERO64
#define GOLDEN_DIGEST "341095a0db1fd7aa13db1be56d71155c53282f1d65cd6bdf244e0123cb978fb7"
TEST(real_257)
{
	_cleanup_(freep) uint8_t *blob = NULL, *pin = NULL, *head = NULL;
	struct seal_policy p;
	struct luks_verdict v;
	struct tpm2_blob b;
	const char *json;
	char err[256], why[320];
	size_t len, jlen;

	ASSERT_OK(seal_policy_parse_literal(GOLDEN_LITERAL, &p));
	read_corpus("fuzz-tpm2-blob/cryptenroll257-golden.bin", &blob, &len);
	ASSERT_OK(tpm2_blob_parse(blob, len, &b, err, sizeof(err)));
	ASSERT_EQ(b.type, 0x0008);
	ASSERT_EQ(b.name_alg, 0x000b);
	ASSERT_EQ(b.attributes, 0x412); /* fixedTPM | fixedParent | noDA */
	ASSERT_EQ(b.scheme, 0x0010);
	ASSERT_EQ(b.unique_size, 32);
	ASSERT_TRUE(!b.has_seed);
	expect_policy(&b, GOLDEN_DIGEST);
	ASSERT_TRUE(tpm2_blob_sealed_to(&b, p.digest, why, sizeof(why)));

	read_corpus("fuzz-tpm2-blob/cryptenroll257-golden-pin.bin", &pin, &len);
	ASSERT_OK(tpm2_blob_parse(pin, len, &b, err, sizeof(err)));
	ASSERT_EQ(b.attributes, 0x12); /* with a PIN: no noDA */
	expect_policy(&b, "c37c98658d220bc7e5b37ba1edeedd0a602f6c3999b373dcdd39bbed48290694");
	ASSERT_TRUE(!tpm2_blob_sealed_to(&b, p.digest, why, sizeof(why)));

	read_corpus("fuzz-luks/head-cryptenroll257-golden.bin", &head, &len);
	ASSERT_OK(luks2_header_json(head, len, &json, &jlen, err, sizeof(err)));
	ASSERT_OK(luks2_check_json(json, jlen, &p, &v, err, sizeof(err)));
	if (!v.ok)
		TEST_FAIL("systemd 257 volume refused: %s", v.why);
	ASSERT_STREQ(v.token_policy_hash, GOLDEN_DIGEST);
	ASSERT_EQ(v.n_keyslots, 1);
	ASSERT_EQ(v.n_tokens, 1);
}

TEST(base64_token_value)
{
	_cleanup_(freep) uint8_t *txt = NULL, *bin = NULL, *dec = NULL;
	_cleanup_(freep) char *s = NULL;
	size_t n, bin_len, dec_len;
	struct tpm2_blob b;
	char err[256];

	read_corpus("fuzz-tpm2-blob/cryptenroll254-base64.txt", &txt, &n);
	read_corpus("fuzz-tpm2-blob/cryptenroll254-pcr4-7.bin", &bin, &bin_len);
	s = strndup((const char *)txt, n);
	ASSERT_TRUE(s);
	ASSERT_OK(tpm2_blob_unbase64(s, TPM2_BLOB_B64_MAX, &dec, &dec_len, err, sizeof(err)));
	ASSERT_EQ(dec_len, bin_len);
	ASSERT_MEMEQ(dec, bin, bin_len);
	ASSERT_OK(tpm2_blob_parse_base64(s, &b, err, sizeof(err)));
	expect_policy(&b, POLICY_4_7);
}

TEST(base64_strict)
{
	static const char *const bad[] = {"", "A", "AB=", "A===", "AB==AB==", "AB\n=", "AB==",
					  "AAB=", "AA=A", "AA AA", "AA-_"};
	uint8_t *out;
	size_t n;
	char err[256], big[TPM2_BLOB_B64_MAX + 8];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (tpm2_blob_unbase64(bad[i], TPM2_BLOB_B64_MAX, &out, &n, err, sizeof(err)) !=
		    -EBADMSG)
			TEST_FAIL("base64 '%s' accepted", bad[i]);
	ASSERT_OK(tpm2_blob_unbase64("AA==", 16, &out, &n, err, sizeof(err)));
	ASSERT_EQ(n, 1);
	free(out);
	ASSERT_OK(tpm2_blob_unbase64("AAE=", 16, &out, &n, err, sizeof(err)));
	ASSERT_EQ(n, 2);
	ASSERT_EQ(out[1], 1);
	free(out);
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ASSERT_ERR(tpm2_blob_unbase64(big, TPM2_BLOB_B64_MAX, &out, &n, err, sizeof(err)), -E2BIG);
}

/* Every truncation fails; every size field set to the values around its bounds fails or parses
 * to a consistent object (never reads past the end: the ASan build checks that). */
TEST(sweep)
{
	_cleanup_(freep) uint8_t *buf = NULL;
	static const uint16_t sizes[] = {0, 1, 31, 33, 64, 65, 0x7fff, 0xffff};
	/* offsets of the u16 sizes in a 240-byte systemd blob: private, public, authPolicy,
	 * unique; then type, scheme */
	static const size_t fields[] = {0, 160, 170, 206};
	struct tpm2_blob b;
	char err[256];
	size_t len;
	uint8_t save[2];
	int r;

	read_corpus("fuzz-tpm2-blob/cryptenroll254-pcr4-7.bin", &buf, &len);
	for (size_t n = 0; n < len; n++)
		ASSERT_ERR(tpm2_blob_parse(buf, n, &b, err, sizeof(err)), -EBADMSG);
	for (size_t f = 0; f < ARRAY_SIZE(fields); f++)
		for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
			memcpy(save, buf + fields[f], 2);
			buf[fields[f]] = (uint8_t)(sizes[s] >> 8);
			buf[fields[f] + 1] = (uint8_t)sizes[s];
			r = tpm2_blob_parse(buf, len, &b, err, sizeof(err));
			if (memcmp(save, buf + fields[f], 2) != 0 && r != -EBADMSG)
				TEST_FAIL("size field at %zu = %u: %d", fields[f], sizes[s], r);
			memcpy(buf + fields[f], save, 2);
		}
	/* a trailing byte, and a public area that is an RSA key */
	ASSERT_OK(tpm2_blob_parse(buf, len, &b, err, sizeof(err)));
	{
		_cleanup_(freep) uint8_t *more = malloc(len + 1);
		ASSERT_TRUE(more);
		memcpy(more, buf, len);
		more[len] = 0;
		ASSERT_ERR(tpm2_blob_parse(more, len + 1, &b, err, sizeof(err)), -EBADMSG);
		ASSERT_TRUE(strstr(err, "TPM2B_ENCRYPTED_SECRET at offset 240") != NULL);
	}
	buf[163] = 0x01;
	ASSERT_ERR(tpm2_blob_parse(buf, len, &b, err, sizeof(err)), -EOPNOTSUPP);
	ASSERT_TRUE(strstr(err, "TPM2B_PUBLIC at offset 160: type 0x0001") != NULL);
}

/* One attribute or field differing from systemd's object: refused, the reason named. */
TEST(verdicts)
{
	_cleanup_(freep) uint8_t *buf = NULL, *seed = NULL;
	struct seal_policy p;
	struct tpm2_blob b, x;
	char err[256], why[320];
	size_t len;

	policy_4_7(&p);
	read_corpus("fuzz-tpm2-blob/cryptenroll254-pcr4-7.bin", &buf, &len);
	ASSERT_OK(tpm2_blob_parse(buf, len, &b, err, sizeof(err)));
	x = b;
	x.attributes |= BLOB_TPMA_USERWITHAUTH;
	ASSERT_TRUE(!tpm2_blob_sealed_to(&x, p.digest, why, sizeof(why)));
	ASSERT_TRUE(strstr(why, "userWithAuth is set") != NULL);
	x = b;
	x.attributes = 0;
	ASSERT_TRUE(!tpm2_blob_sealed_to(&x, p.digest, why, sizeof(why)));
	ASSERT_TRUE(strstr(why, "object attributes 0x00000000") != NULL);
	x = b;
	x.attributes = 0x412; /* noDA: systemd >= 256 without PIN */
	ASSERT_TRUE(tpm2_blob_sealed_to(&x, p.digest, why, sizeof(why)));
	x.attributes = 0x412 | 0x80; /* adminWithPolicy: not systemd's */
	ASSERT_TRUE(!tpm2_blob_sealed_to(&x, p.digest, why, sizeof(why)));
	x.attributes = 0x32; /* sensitiveDataOrigin */
	ASSERT_TRUE(!tpm2_blob_sealed_to(&x, p.digest, why, sizeof(why)));
	ASSERT_TRUE(strstr(why, "object attributes 0x00000032") != NULL);
	x = b;
	x.name_alg = 0x0004;
	ASSERT_TRUE(!tpm2_blob_sealed_to(&x, p.digest, why, sizeof(why)));
	ASSERT_TRUE(strstr(why, "nameAlg 0x0004") != NULL);
	x = b;
	x.auth_policy_size = 0;
	ASSERT_TRUE(!tpm2_blob_sealed_to(&x, p.digest, why, sizeof(why)));
	ASSERT_TRUE(strstr(why, "authPolicy (empty)") != NULL);
	/* sealed offline: the corpus shape made by tests/seal/luks2-edit.py (attributes 0, as
	 * systemd's tpm2_calculate_seal without attributes, and a 256-byte seed) */
	read_corpus("fuzz-tpm2-blob/offline-seed.bin", &seed, &len);
	ASSERT_OK(tpm2_blob_parse(seed, len, &x, err, sizeof(err)));
	ASSERT_TRUE(x.has_seed);
	ASSERT_TRUE(!tpm2_blob_sealed_to(&x, p.digest, why, sizeof(why)));
	ASSERT_TRUE(strstr(why, "sealed offline") != NULL);
}

/* Token-level rules on the real dump (cryptsetup 2.6 + systemd-cryptenroll 254): accepted as
 * is; then edits cryptsetup's own header validation would not let into a volume (so only a
 * luksDump JSON or a bundle can carry them) and sealed-object edits. */
static void expect_token_refused(const char *dump, const char *from, const char *to,
				 const char *what)
{
	_cleanup_(freep) char *t = NULL;
	const char *at = strstr(dump, from);
	struct seal_policy p;
	struct luks_verdict v;
	char err[256];
	size_t a;

	ASSERT_TRUE(at);
	a = (size_t)(at - dump);
	t = malloc(strlen(dump) + strlen(to) + 1);
	ASSERT_TRUE(t);
	memcpy(t, dump, a);
	memcpy(t + a, to, strlen(to));
	memcpy(t + a + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
	policy_4_7(&p);
	ASSERT_OK(luks2_check_json(t, strlen(t), &p, &v, err, sizeof(err)));
	if (v.ok || !strstr(v.why, what))
		TEST_FAIL("'%s' -> '%s': verdict %d '%s', expected '%s'", from, to, v.ok, v.why, what);
}

TEST(token_rules)
{
	_cleanup_(freep) uint8_t *raw = NULL;
	_cleanup_(freep) char *dump = NULL;
	struct seal_policy p;
	struct luks_verdict v;
	char err[256];
	size_t len;

	read_corpus("fuzz-luks/dump-tpm2-4-7.json", &raw, &len);
	dump = strndup((const char *)raw, len);
	ASSERT_TRUE(dump);
	policy_4_7(&p);
	ASSERT_OK(luks2_check_json(dump, strlen(dump), &p, &v, err, sizeof(err)));
	ASSERT_TRUE(v.ok);

	/* the token's keyslot list: spelled otherwise, or more than one */
	expect_token_refused(dump, "\"keyslots\":[\n        \"1\"\n      ],\n      \"tpm2-blob\"",
			     "\"keyslots\": [\"01\"], \"tpm2-blob\"", "not a canonical keyslot id");
	expect_token_refused(dump, "\"keyslots\":[\n        \"1\"\n      ],\n      \"tpm2-blob\"",
			     "\"keyslots\": [\"1\", \"1\"], \"tpm2-blob\"", "lists 2 keyslots");
	expect_token_refused(dump, "\"keyslots\":[\n        \"1\"\n      ],\n      \"tpm2-blob\"",
			     "\"keyslots\": [1], \"tpm2-blob\"", "not a canonical keyslot id");
	/* the sealed object: shards, not base64 */
	{
		_cleanup_(freep) uint8_t *bin = NULL;
		char b64[400], from[410], to[420];
		size_t bin_len;
		read_corpus("fuzz-tpm2-blob/cryptenroll254-pcr4-7.bin", &bin, &bin_len);
		ASSERT_EQ(EVP_EncodeBlock((unsigned char *)b64, bin, (int)bin_len), 320);
		snprintf(from, sizeof(from), "\"%s\"", b64);
		snprintf(to, sizeof(to), "[\"%s\", \"AAAA\"]", b64);
		expect_token_refused(dump, from, to, "tpm2-blob holds 2 sealed objects");
	}
	expect_token_refused(dump, "\"tpm2-blob\":\"AJ4A", "\"tpm2-blob\":\"!J4A",
			     "tpm2-blob is not a TPM sealed object: base64 character 0");
	expect_token_refused(dump, "\"tpm2-blob\":\"", "\"tpm2-blob\": 7, \"x\": \"",
			     "tpm2-blob is not a base64 string");
}

/* The advisory tpm2-policy-hash right, the object's authPolicy one bit off: refused, because the
 * TPM enforces the object's. The edited blob is re-encoded with OpenSSL's base64. */
TEST(object_policy_wins)
{
	_cleanup_(freep) uint8_t *raw = NULL, *bin = NULL;
	_cleanup_(freep) char *dump = NULL;
	char old_b64[400], new_b64[400];
	size_t len, bin_len;

	read_corpus("fuzz-luks/dump-tpm2-4-7.json", &raw, &len);
	dump = strndup((const char *)raw, len);
	read_corpus("fuzz-tpm2-blob/cryptenroll254-pcr4-7.bin", &bin, &bin_len);
	ASSERT_TRUE(dump && bin_len == 240);
	ASSERT_EQ(EVP_EncodeBlock((unsigned char *)old_b64, bin, (int)bin_len), 320);
	ASSERT_TRUE(strstr(dump, old_b64) != NULL);
	bin[172 + 31] ^= 1; /* last byte of authPolicy (TPM2B size at 170) */
	ASSERT_EQ(EVP_EncodeBlock((unsigned char *)new_b64, bin, (int)bin_len), 320);
	expect_token_refused(dump, old_b64, new_b64,
			     "token 0: tpm2-blob: authPolicy 4f3d0316367f04116f53e36d21aa213e2b91f47"
			     "20303c6049bb6d4bc7fe8e2f8 is not the golden policy digest " POLICY_4_7);
}

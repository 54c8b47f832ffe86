/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sealing policy (seal-policy.c). Known answers from an independent source: systemd v257
 * src/test/test-tpm2.c TEST(calculate_policy_pcr) (quoted in sealing.md §1.5), whose digests
 * were computed by systemd's own tpm2_calculate_policy_pcr(); and the TEST-70 signed-policy
 * vector ("pol" of `systemd-measure sign`, sealing.md §1.5). The swtpm trial session and
 * systemd-measure cross-checks are in tests/seal/test-seal-policy-tpm.sh. */
#include <string.h>

#include "fileio.h"
#include "hexstr.h"
#include "json.h"
#include "measure-golden.h"
#include "measure-seal.h"
#include "test.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
	ASSERT_OK(hex_decode_exact(s, n, false, out));
}

static void expect_digest(const uint8_t *d, const char *want)
{
	char got[2 * SEAL_DIGEST_SIZE + 1];
	hex_encode(d, SEAL_DIGEST_SIZE, got);
	ASSERT_STREQ(got, want);
}

static const char *const vals16[16] = {
	"2124793cbbe60c3a8637d3b84a5d054e87c351e1469a285acc04755e8b204dec",
	"bf7592f18adcfdc549fc0b94939f5069a24697f9cff4a0dca29014767b97559d",
	"4b00cff9dee3a364979b2dc241b34568a8ad49fcf2713df259e47dff8875feed",
	"3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969",
	"368f85b3013041dfe203faaa364f00b07c5da7b1e5f1dbf2efb06fa6b9bd92de",
	"c97c40369691c8e4aa78fb3a52655cd193b780a838b8e23f5f476576919db5e5",
	"3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969",
	"aa1154c9e0a774854ccbed4c8ce7e9b906b3d700a1a8db1772d0341a62dbe51b",
	"cfde439a2c06af3479ca6bdc60429b90553d65300c5cfcc40004a08c6b5ad81a",
	"9c2bac22ef5ec84fcdb71c3ebf776cba1247e5da980e5ee08e45666a2edf0b8b",
	"9885873f4d7348199ad286f8f2476d4f866940950f6f9fb9f945ed352dbdcbd2",
	"42400ab950d21aa79d12cc4fdef67d1087a39ad64900619831c0974dbae54e44",
	"767d064382e56ca1ad3bdcc6bc596112e6c2008b593d3570d24c2bfa64c4628c",
	"30c16133175959408c9745d8dafadef5daf4b39cb2be04df0d60089bd46d3cc4",
	"e3991b7ddd47be7e92726a832d6874c5349b52b789fa0db8b558c69fea29574e",
	"852dae3ecb992bdeb13d6002fefeeffdd90feca8b378d56681ef2c885d0e5137",
};

/* systemd test-tpm2.c: PCRs {4,7,8} sha256 -> 76532a0e..., the same step again from that digest
 * -> 97e64bca...; all 16 PCRs -> 22be4f16..., again -> 7481fd1b.... */
TEST(systemd_vectors)
{
	uint8_t v[SEAL_PCR_MAX][DIGEST_MAX] = {}, d[SEAL_DIGEST_SIZE];
	uint32_t mask;

	for (unsigned i = 0; i < 16; i++)
		hex(vals16[i], v[i], 32);
	ASSERT_OK(seal_pcr_mask_parse("4,7,8", &mask));
	ASSERT_EQ(mask, (1u << 4) | (1u << 7) | (1u << 8));
	ASSERT_OK(seal_policy_pcr_step(BANK_SHA256, mask, (const uint8_t(*)[DIGEST_MAX])v, NULL, d));
	expect_digest(d, "76532a0e16f7e6bf6b02918c11f75d99d729fab0cc81d0df2c4284a2c4fe6e05");
	ASSERT_OK(seal_policy_pcr_step(BANK_SHA256, mask, (const uint8_t(*)[DIGEST_MAX])v, d, d));
	expect_digest(d, "97e64bcabb64c1fa4b726528644926c8029f5b4458b0575c98c04fe225629a0b");

	ASSERT_OK(seal_policy_pcr_step(BANK_SHA256, 0xffff, (const uint8_t(*)[DIGEST_MAX])v, NULL, d));
	expect_digest(d, "22be4f1674f792d6345cea9427701068f0e8d9f42755dcc0e927e545a68f9c13");
	ASSERT_OK(seal_policy_pcr_step(BANK_SHA256, 0xffff, (const uint8_t(*)[DIGEST_MAX])v, d, d));
	expect_digest(d, "7481fd1b116078eb3ac2456e4ad542c9b46b9b8eb891335771ca8e7c8f8e4415");
}

TEST(mask_parse)
{
	uint32_t m;
	char buf[80];
	ASSERT_OK(seal_pcr_mask_parse("4+7+9+11+12", &m));
	ASSERT_EQ(m, 0x1a90u);
	seal_pcr_mask_format(m, ',', buf, sizeof(buf));
	ASSERT_STREQ(buf, "4,7,9,11,12");
	ASSERT_OK(seal_pcr_mask_parse("23", &m));
	ASSERT_ERR(seal_pcr_mask_parse("", &m), -EINVAL);
	ASSERT_ERR(seal_pcr_mask_parse("24", &m), -EINVAL);
	ASSERT_ERR(seal_pcr_mask_parse("4,4", &m), -EINVAL);
	ASSERT_ERR(seal_pcr_mask_parse("4,", &m), -EINVAL);
	ASSERT_ERR(seal_pcr_mask_parse(",4", &m), -EINVAL);
	ASSERT_ERR(seal_pcr_mask_parse("-1", &m), -EINVAL);
	ASSERT_ERR(seal_pcr_mask_parse("4 ", &m), -EINVAL);
}

/* A golden bank set with PCR 4, 7, 9, 12 values and PCR 11 phases stub, enter-initrd,
 * leave-initrd, sysinit. */
static void make_banks(struct golden *g)
{
	uint8_t d[DIGEST_MAX];
	static const char *const words[] = {"enter-initrd", "leave-initrd", "sysinit"};
	enum bank b = BANK_SHA256;
	g->banks[b].present = true;
	for (unsigned i = 0; i < 16; i++) {
		struct golden_pcr *p = &g->banks[b].pcrs[i];
		if (i == 11)
			continue;
		ASSERT_OK(digest_buffer(b, vals16[i], 64, d));
		ASSERT_OK(golden_pcr_add_event(p, GOLDEN_LOG_FIRMWARE, "EV_IPL", 13, "", d, 32, NULL,
					       NULL, 0));
		ASSERT_OK(golden_pcr_recompute(p, b));
	}
	struct golden_pcr *p = &g->banks[b].pcrs[11];
	ASSERT_OK(golden_pcr_recompute(p, b));
	ASSERT_OK(golden_pcr_add_phase(p, "stub", p->value, 32));
	for (size_t k = 0; k < 3; k++) {
		ASSERT_OK(digest_buffer(b, words[k], strlen(words[k]), d));
		ASSERT_OK(golden_pcr_add_event(p, GOLDEN_LOG_SYSTEMD, "phase", -1, words[k], d, 32,
					       words[k], NULL, 0));
		ASSERT_OK(golden_pcr_recompute(p, b));
		ASSERT_OK(golden_pcr_add_phase(p, words[k], p->value, 32));
	}
}

TEST(from_golden_and_round_trip)
{
	_cleanup_(golden_freep) struct golden *g = golden_new(), *g2 = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(freep) char *text = NULL, *enroll = NULL;
	struct seal_policy p, q;
	uint32_t mask;
	size_t len;
	char err[256];
	uint8_t d[SEAL_DIGEST_SIZE], v[SEAL_PCR_MAX][DIGEST_MAX] = {};

	ASSERT_TRUE(g);
	make_banks(g);
	ASSERT_OK(seal_pcr_mask_parse(SEAL_DEFAULT_PCRS, &mask));
	ASSERT_OK(seal_policy_from_banks(g->banks, BANK_SHA256, mask, SEAL_DEFAULT_PHASE, &p, err,
					 sizeof(err)));
	/* PCR 11 is the leave-initrd value, not the final (sysinit) one. */
	ASSERT_MEMEQ(p.values[11], g->banks[BANK_SHA256].pcrs[11].phases[2].value, 32);
	ASSERT_TRUE(memcmp(p.values[11], g->banks[BANK_SHA256].pcrs[11].value, 32) != 0);
	ASSERT_MEMEQ(p.values[4], g->banks[BANK_SHA256].pcrs[4].value, 32);
	/* The digest is the PolicyPCR step over exactly those values. */
	for (unsigned i = 0; i < SEAL_PCR_MAX; i++)
		memcpy(v[i], p.values[i], 32);
	ASSERT_OK(seal_policy_pcr_step(BANK_SHA256, mask, (const uint8_t(*)[DIGEST_MAX])v, NULL, d));
	ASSERT_MEMEQ(d, p.digest, 32);

	ASSERT_OK(seal_policy_cryptenroll_pcrs(&p, &enroll));
	ASSERT_TRUE(strncmp(enroll, "4:sha256=", 9) == 0);
	ASSERT_TRUE(strstr(enroll, "+11:sha256=") != NULL);
	ASSERT_EQ(strlen(enroll), 5 * 64 + strlen("4:sha256=+7:sha256=+9:sha256=+11:sha256=+12:sha256="));

	/* Unknown phase paths and missing PCRs are -ENOENT. */
	ASSERT_ERR(seal_policy_from_banks(g->banks, BANK_SHA256, mask, "leave-initrd", &q, err,
					  sizeof(err)), -ENOENT);
	ASSERT_ERR(seal_policy_from_banks(g->banks, BANK_SHA256, mask, "enter-initrd:", &q, err,
					  sizeof(err)), -ENOENT);
	ASSERT_ERR(seal_policy_from_banks(g->banks, BANK_SHA256, 1u << 20, "", &q, err,
					  sizeof(err)), -ENOENT);
	ASSERT_ERR(seal_policy_from_banks(g->banks, BANK_SHA1, mask, "", &q, err, sizeof(err)),
		   -ENOENT);
	/* "" = PCR 11 right after the stub. */
	ASSERT_OK(seal_policy_from_banks(g->banks, BANK_SHA256, mask, "", &q, err, sizeof(err)));
	ASSERT_MEMEQ(q.values[11], g->banks[BANK_SHA256].pcrs[11].phases[0].value, 32);

	/* golden.json round trip keeps the seal; the strict reader cross-checks it. */
	g->secure_boot = false;
	ASSERT_OK(seal_policy_attach(g, BANK_SHA256, mask, SEAL_DEFAULT_PHASE, true, err,
				     sizeof(err)));
	ASSERT_OK(golden_to_json(g, &j));
	ASSERT_OK(json_dump_canonical(j, &text, &len));
	ASSERT_OK(golden_load(text, len, &g2, err, sizeof(err)));
	ASSERT_TRUE(g2->seal);
	ASSERT_MEMEQ(g2->seal->digest, p.digest, 32);
	ASSERT_STREQ(g2->seal->phase, SEAL_DEFAULT_PHASE);
}

/* Golden format 2 (PCR status, alternatives): the seal is written and loaded beside it; a sealed
 * PCR without a single value (variable, per-instance) or with alternatives cannot be sealed to. */
TEST(golden_format_2)
{
	_cleanup_(golden_freep) struct golden *g = golden_new(), *g2 = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(freep) char *text = NULL;
	struct seal_policy q;
	uint32_t mask;
	size_t len;
	char err[256];

	ASSERT_TRUE(g);
	make_banks(g);
	ASSERT_OK(seal_pcr_mask_parse(SEAL_DEFAULT_PCRS, &mask));
	g->banks[BANK_SHA256].pcrs[5].status = PCR_STATUS_COMPUTED; /* not sealed: no effect */
	ASSERT_OK(seal_policy_attach(g, BANK_SHA256, mask, SEAL_DEFAULT_PHASE, true, err,
				     sizeof(err)));
	ASSERT_OK(golden_to_json(g, &j));
	ASSERT_STREQ(json_string_value(json_object_get(j, "format")), GOLDEN_FORMAT_V2);
	ASSERT_OK(json_dump_canonical(j, &text, &len));
	ASSERT_OK(golden_load(text, len, &g2, err, sizeof(err)));
	ASSERT_TRUE(g2->seal);
	ASSERT_MEMEQ(g2->seal->digest, g->seal->digest, 32);
	ASSERT_EQ(g2->banks[BANK_SHA256].pcrs[5].status, PCR_STATUS_COMPUTED);

	g->banks[BANK_SHA256].pcrs[7].status = PCR_STATUS_VARIABLE;
	ASSERT_ERR(seal_policy_from_banks(g->banks, BANK_SHA256, mask, SEAL_DEFAULT_PHASE, &q, err,
					  sizeof(err)), -ENOENT);
	ASSERT_TRUE(strstr(err, "PCR 7 (bank sha256) has status variable") != NULL);
	/* without PCR 7 in the mask it seals */
	ASSERT_OK(seal_policy_from_banks(g->banks, BANK_SHA256, mask & ~(1u << 7),
					 SEAL_DEFAULT_PHASE, &q, err, sizeof(err)));
	g->banks[BANK_SHA256].pcrs[7].status = PCR_STATUS_EXACT;
	g->banks[BANK_SHA256].pcrs[4].alternatives = calloc(1, sizeof(struct golden_pcr));
	ASSERT_TRUE(g->banks[BANK_SHA256].pcrs[4].alternatives);
	g->banks[BANK_SHA256].pcrs[4].n_alternatives = 1;
	ASSERT_ERR(seal_policy_from_banks(g->banks, BANK_SHA256, mask, SEAL_DEFAULT_PHASE, &q, err,
					  sizeof(err)), -ENOENT);
	ASSERT_TRUE(strstr(err, "PCR 4 (bank sha256) has 1 accepted alternative") != NULL);
}

/* Edits of one field of a valid golden.json "seal" must be rejected with the field named. */
static void expect_reject(const char *text, const char *from, const char *to, const char *what)
{
	_cleanup_(golden_freep) struct golden *g = NULL;
	_cleanup_(freep) char *t = NULL;
	char err[256];
	const char *at = strstr(text, from);
	size_t a, b = strlen(from), c = strlen(to);

	ASSERT_TRUE(at);
	a = (size_t)(at - text);
	t = malloc(strlen(text) - b + c + 1);
	ASSERT_TRUE(t);
	memcpy(t, text, a);
	memcpy(t + a, to, c);
	memcpy(t + a + c, text + a + b, strlen(text + a + b) + 1);
	ASSERT_ERR(golden_load(t, strlen(t), &g, err, sizeof(err)), -EBADMSG);
	if (!strstr(err, what))
		TEST_FAIL("edit '%s' -> '%s': error '%s' does not name '%s'", from, to, err, what);
}

TEST(strict_reader)
{
	_cleanup_(golden_freep) struct golden *g = golden_new();
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(freep) char *text = NULL;
	char err[256], dig[65], val4[65], edited[65];
	uint32_t mask;
	size_t len;

	ASSERT_TRUE(g);
	make_banks(g);
	ASSERT_OK(seal_pcr_mask_parse(SEAL_DEFAULT_PCRS, &mask));
	ASSERT_OK(seal_policy_attach(g, BANK_SHA256, mask, SEAL_DEFAULT_PHASE, true, err,
				     sizeof(err)));
	ASSERT_OK(golden_to_json(g, &j));
	ASSERT_OK(json_dump_canonical(j, &text, &len));
	hex_encode(g->seal->digest, 32, dig);
	hex_encode(g->seal->values[4], 32, val4);

	memcpy(edited, dig, 65);
	edited[0] = edited[0] == '0' ? '1' : '0';
	expect_reject(text, dig, edited, "seal.policy_digest");
	expect_reject(text, "\"golden-data\"", "\"other\"", "seal.profile");
	expect_reject(text, "\"PolicyPCR\"", "\"PolicyAuthorize\"", "seal.policy");
	expect_reject(text, "\"enter-initrd:leave-initrd\"", "\"enter-initrd\"", "seal.pcr_values.11");
	expect_reject(text, "\"bank\": \"sha256\"", "\"bank\": \"md5\"", "seal.bank");
	expect_reject(text, "\"profile\"", "\"profiles\"", "seal");
	/* A PCR value that differs from the golden one, with a digest recomputed to match it,
	 * is still refused: the seal cannot drift from the PCRs of the same document. */
	{
		struct seal_policy p = *g->seal;
		char v2[65], d2[65];
		p.values[4][0] ^= 1;
		ASSERT_OK(seal_policy_compute(&p));
		hex_encode(p.values[4], 32, v2);
		hex_encode(p.digest, 32, d2);
		_cleanup_(freep) char *t1 = NULL;
		const char *at = strstr(text, val4);
		/* the seal's copy of the PCR 4 value is the last occurrence (after "banks") */
		const char *next;
		while (at && (next = strstr(at + 1, val4)))
			at = next;
		ASSERT_TRUE(at);
		t1 = strdup(text);
		ASSERT_TRUE(t1);
		memcpy(t1 + (at - text), v2, 64);
		expect_reject(t1, dig, d2, "seal.pcr_values.4");
	}
}

/* The LUKS2 head of a real volume (cryptsetup 2.6 luksFormat + systemd-cryptenroll 254
 * --tpm2-pcrs=4+7 on a fresh swtpm, both PCRs zero), from the fuzz corpus: accepted as is;
 * every truncation and every corrupted header field is refused with -EBADMSG/-EOPNOTSUPP. */
TEST(luks2_header_sweep)
{
	_cleanup_(freep) uint8_t *buf = NULL;
	const char *dir = getenv("BOOTPROOF_SOURCE_DIR"), *json;
	char path[512], err[256];
	size_t len, jlen;
	struct seal_policy p;
	struct luks_verdict v;
	static const size_t fields[] = {0, 5, 6, 7, 8, 15, 16, 23, 72, 256, 263, 448, 479, 4096, 5000};

	ASSERT_TRUE(dir);
	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/fuzz-luks/head-tpm2-4-7.bin", dir);
	ASSERT_OK(read_file_capped(path, 1 << 20, &buf, &len));
	ASSERT_EQ(len, 32768);
	ASSERT_OK(seal_policy_parse_literal(
		"4:sha256=0000000000000000000000000000000000000000000000000000000000000000+"
		"7:sha256=0000000000000000000000000000000000000000000000000000000000000000", &p));
	ASSERT_OK(luks2_header_json(buf, len, &json, &jlen, err, sizeof(err)));
	ASSERT_OK(luks2_check_json(json, jlen, &p, &v, err, sizeof(err)));
	ASSERT_TRUE(v.ok);
	expect_digest(p.digest, "4f3d0316367f04116f53e36d21aa213e2b91f4720303c6049bb6d4bc7fe8e2f9");
	ASSERT_STREQ(v.token_policy_hash,
		     "4f3d0316367f04116f53e36d21aa213e2b91f4720303c6049bb6d4bc7fe8e2f9");
	for (size_t n = 0; n < len; n += 509)
		ASSERT_TRUE(luks2_header_json(buf, n, &json, &jlen, err, sizeof(err)) < 0);
	for (size_t half = 0; half < 2; half++)
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
			size_t at = half * 16384 + fields[i];
			buf[at] ^= 0x41;
			int r = luks2_header_json(buf, len, &json, &jlen, err, sizeof(err));
			if (r != -EBADMSG && r != -EOPNOTSUPP)
				TEST_FAIL("flip at %zu: %d", at, r);
			buf[at] ^= 0x41;
		}
}

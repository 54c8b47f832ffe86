/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* golden.json load/store: round trip, canonical bytes, and the strict checks (docs/golden-format.md).
 * Expected digests come from pcr-spec.md §1.2 (computed there with Python hashlib, and identical to
 * systemd's src/pcrlock/pcrlock.d/350-action-efi-application.pcrlock and 500-separator). */
#include <string.h>

#include "hexstr.h"
#include "json.h"
#include "measure-golden.h"
#include "test.h"

static const char action[] = "Calling EFI Application from Boot Option";

static struct golden *make(void)
{
	struct golden *g = golden_new();
	uint8_t d[DIGEST_MAX];
	static const uint8_t sep[4] = {0, 0, 0, 0};

	ASSERT_TRUE(g);
	g->image_name = strdup("bootproof");
	g->secure_boot = false;
	g->has_platform = true;
	g->platform_name = strdup("ovmf-test");
	FOREACH_BANK(b, BANK_MASK(BANK_SHA1) | BANK_MASK(BANK_SHA256)) {
		struct golden_pcr *p = &g->banks[b].pcrs[4];
		g->banks[b].present = true;
		ASSERT_OK(digest_buffer(b, action, strlen(action), d));
		ASSERT_OK(golden_pcr_add_event(p, GOLDEN_LOG_FIRMWARE, "EV_EFI_ACTION", 0x80000007,
					       action, d, bank_size(b), NULL, action, strlen(action)));
		ASSERT_OK(digest_buffer(b, sep, 4, d));
		ASSERT_OK(golden_pcr_add_event(p, GOLDEN_LOG_FIRMWARE, "EV_SEPARATOR", 4, "", d,
					       bank_size(b), NULL, sep, 4));
		ASSERT_OK(golden_pcr_recompute(p, b));
		/* PCR 11 with one phase. */
		p = &g->banks[b].pcrs[11];
		ASSERT_OK(golden_pcr_recompute(p, b));
		ASSERT_OK(golden_pcr_add_phase(p, "stub", p->value, bank_size(b)));
		ASSERT_OK(digest_buffer(b, "enter-initrd", 12, d));
		ASSERT_OK(golden_pcr_add_event(p, GOLDEN_LOG_SYSTEMD, "phase", -1, "enter-initrd", d,
					       bank_size(b), "enter-initrd", NULL, 0));
		ASSERT_OK(golden_pcr_recompute(p, b));
		ASSERT_OK(golden_pcr_add_phase(p, "enter-initrd", p->value, bank_size(b)));
		/* PCR 12: must stay untouched. */
		ASSERT_OK(golden_pcr_recompute(&g->banks[b].pcrs[12], b));
	}
	return g;
}

TEST(known_values)
{
	_cleanup_(golden_freep) struct golden *g = make();
	uint8_t want[32];

	/* pcr-spec.md §1.2: "action, then separator" (sha256). */
	ASSERT_OK(hex_decode_exact("7a94ffe8a7729a566d3d3c577fcb4b6b1e671f31540375f80eae6382ab785e35",
				   32, false, want));
	ASSERT_MEMEQ(g->banks[BANK_SHA256].pcrs[4].value, want, 32);
	/* pcr-spec.md §1.2: PCR 11 phase chain from zero, after enter-initrd: d15b0e8e…f319. */
	char hex[65];
	hex_encode(g->banks[BANK_SHA256].pcrs[11].value, 32, hex);
	ASSERT_TRUE(strncmp(hex, "d15b0e8e", 8) == 0);
	ASSERT_STREQ(hex + 60, "f319");
}

TEST(round_trip_canonical)
{
	_cleanup_(golden_freep) struct golden *g = make(), *g2 = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL, *j2 = NULL;
	_cleanup_(freep) char *s = NULL, *s2 = NULL;
	size_t n, n2;
	char err[256];

	ASSERT_OK(golden_to_json(g, &j));
	ASSERT_OK(json_dump_canonical(j, &s, &n));
	ASSERT_OK(golden_load(s, n, &g2, err, sizeof(err)));
	ASSERT_OK(golden_to_json(g2, &j2));
	ASSERT_OK(json_dump_canonical(j2, &s2, &n2));
	ASSERT_EQ(n, n2);
	ASSERT_MEMEQ(s, s2, n);
	ASSERT_EQ(g2->banks[BANK_SHA1].pcrs[4].n_events, 2);
	ASSERT_EQ(g2->banks[BANK_SHA256].pcrs[11].n_phases, 2);
	ASSERT_TRUE(g2->banks[BANK_SHA256].pcrs[12].present);
	ASSERT_EQ(g2->banks[BANK_SHA256].pcrs[12].n_events, 0);
	ASSERT_TRUE(!g2->banks[BANK_SHA384].present);
	ASSERT_STREQ(g2->platform_name, "ovmf-test");
	ASSERT_EQ(g2->banks[BANK_SHA256].pcrs[4].events[0].data_len, strlen(action));
}

/* Replace the first occurrence of from by to in the canonical text, expect rejection. */
static void expect_reject(const char *from, const char *to, int err, const char *msg_part)
{
	_cleanup_(golden_freep) struct golden *g = make(), *g2 = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(freep) char *s = NULL, *t = NULL;
	size_t n;
	char e[256];
	char *at;

	ASSERT_OK(golden_to_json(g, &j));
	ASSERT_OK(json_dump_canonical(j, &s, &n));
	at = strstr(s, from);
	if (!at)
		TEST_FAIL("'%s' not in document", from);
	t = malloc(n + strlen(to) + 1);
	ASSERT_TRUE(t);
	memcpy(t, s, (size_t)(at - s));
	size_t off = (size_t)(at - s);
	memcpy(t + off, to, strlen(to));
	memcpy(t + off + strlen(to), at + strlen(from), n - off - strlen(from) + 1);
	ASSERT_ERR(golden_load(t, strlen(t), &g2, e, sizeof(e)), err);
	if (!strstr(e, msg_part))
		TEST_FAIL("message '%s' lacks '%s'", e, msg_part);
}

TEST(strict)
{
	expect_reject("bootproof-golden/1", "bootproof-golden/9", -EOPNOTSUPP, "format");
	expect_reject("\"secure_boot\": false", "\"secure_boot\": 0", -EBADMSG, "secure_boot");
	expect_reject("\"format\"", "\"extra\": 1, \"format\"", -EBADMSG, "unknown key \"extra\"");
	expect_reject("\"sha1\": {", "\"md5\": {}, \"sha1\": {", -EBADMSG, "unknown bank");
	expect_reject("\"12\": {", "\"24\": {\"value\": \"\", \"events\": []}, \"12\": {", -EBADMSG,
		      "not a PCR index");
	expect_reject("\"12\": {", "\"04\": {\"value\": \"\", \"events\": []}, \"12\": {", -EBADMSG,
		      "not a PCR index");
	/* A value that is not the replay of its events: flip PCR 4's sha256 value. */
	expect_reject("\"value\": \"7a94ffe8", "\"value\": \"7a94ffe9", -EBADMSG,
		      "banks.sha256.4.value: does not equal the replay");
	expect_reject("\"value\": \"7a94ffe8", "\"value\": \"7A94FFE8", -EBADMSG,
		      "lowercase hex");
	expect_reject("\"log\": \"firmware\"", "\"log\": \"bios\"", -EBADMSG, "events[0].log");
	expect_reject("\"type_id\": 4", "\"type_id\": -4", -EBADMSG, "out of range");
	expect_reject("\"phase\": \"stub\"", "\"phase\": \"nowhere\"", -EBADMSG,
		      "no event carries phase");
	expect_reject("\"events\": [", "\"events\": {", -EBADMSG, "line");
}

TEST(errors_name_the_defect)
{
	_cleanup_(golden_freep) struct golden *g = NULL;
	char e[256];
	ASSERT_ERR(golden_load("[]", 2, &g, e, sizeof(e)), -EBADMSG);
	ASSERT_ERR(golden_load("{", 1, &g, e, sizeof(e)), -EBADMSG);
	ASSERT_TRUE(strstr(e, "line 1"));
	ASSERT_ERR(golden_load_file("/nonexistent/golden.json", &g, e, sizeof(e)), -ENOENT);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Golden format 2 (docs/golden-format.md "PCR status"): load/store of status, source and
 * alternatives; format 1 stays byte-identical; the judgement of every status; GCE's PCR 0 model
 * against values seen on real GCE machines; PCR 5's ExitBootServices-retry alternative against
 * a synthetic log; the tpm2_pcrread YAML reader. */
#include <string.h>

#include "evlog-builder.h"
#include "hexstr.h"
#include "json.h"
#include "measure-eventlog.h"
#include "measure-golden.h"
#include "measure-platform.h"
#include "test.h"

static const uint8_t sep[4];
#define INVOCATION "Exit Boot Services Invocation"
#define SUCCESS "Exit Boot Services Returned with Success"
#define FAILURE "Exit Boot Services Returned with Failure"

static void add(struct golden_pcr *p, enum bank b, const char *type, uint32_t id, const void *d,
		size_t n)
{
	uint8_t h[DIGEST_MAX];
	ASSERT_OK(digest_buffer(b, d, n, h));
	ASSERT_OK(golden_pcr_add_event(p, GOLDEN_LOG_FIRMWARE, type, id, type, h, bank_size(b), NULL,
				       d, n));
}

/* PCR 5 as predict writes it (no GPT, to keep the log small): separator, Invocation, Success. */
static void pcr5(struct golden_pcr *p, enum bank b)
{
	add(p, b, "EV_SEPARATOR", EV_SEPARATOR, sep, 4);
	add(p, b, "EV_EFI_ACTION", EV_EFI_ACTION, INVOCATION, strlen(INVOCATION));
	add(p, b, "EV_EFI_ACTION", EV_EFI_ACTION, SUCCESS, strlen(SUCCESS));
	ASSERT_OK(golden_pcr_recompute(p, b));
}

static char *dump(const struct golden *g)
{
	_cleanup_(json_decrefp) json_t *j = NULL;
	char *s = NULL;
	size_t n;
	ASSERT_OK(golden_to_json(g, &j));
	ASSERT_OK(json_dump_canonical(j, &s, &n));
	return s;
}

TEST(format1_unchanged_and_v2_round_trip)
{
	_cleanup_(golden_freep) struct golden *g = golden_new(), *g2 = NULL;
	struct golden_bank prof[_BANK_MAX] = {};
	_cleanup_(freep) char *s1 = NULL, *s2 = NULL, *s3 = NULL;
	char e[256];

	g->banks[BANK_SHA256].present = true;
	pcr5(&g->banks[BANK_SHA256].pcrs[5], BANK_SHA256);
	s1 = dump(g);
	ASSERT_TRUE(strstr(s1, "\"bootproof-golden/1\""));
	ASSERT_TRUE(!strstr(s1, "status"));

	/* A gce profile applied as predict does: PCR 5 gains status + the retry alternative. */
	ASSERT_OK(platform_target_fill(PLATFORM_TARGET_GCE, NULL, BANK_MASK(BANK_SHA256), NULL, prof));
	ASSERT_OK(platform_rules_apply(g->banks, prof, BANK_MASK(BANK_SHA256)));
	golden_banks_clear(prof);
	ASSERT_EQ(g->banks[BANK_SHA256].pcrs[5].n_alternatives, (size_t)1);
	/* PCR 0-3, 6 were not predicted here (no platform copy): rules for absent PCRs still
	 * arrive for the computed/exact ones, variable ones are listed without a value. */
	ASSERT_TRUE(g->banks[BANK_SHA256].pcrs[1].no_value);
	s2 = dump(g);
	ASSERT_TRUE(strstr(s2, "\"bootproof-golden/2\""));
	ASSERT_OK(golden_load(s2, strlen(s2), &g2, e, sizeof(e)));
	s3 = dump(g2);
	ASSERT_STREQ(s3, s2);
}

/* Replaces the first "from" in a dumped document and expects golden_load to reject it. */
static void expect_reject(const char *doc, const char *from, const char *to, const char *msg)
{
	_cleanup_(golden_freep) struct golden *g = NULL;
	_cleanup_(freep) char *t = NULL;
	const char *at = strstr(doc, from);
	size_t off;
	char e[256] = "";

	if (!at)
		TEST_FAIL("'%s' not in document", from);
	off = (size_t)(at - doc);
	t = malloc(strlen(doc) + strlen(to) + 1);
	ASSERT_TRUE(t);
	memcpy(t, doc, off);
	memcpy(t + off, to, strlen(to));
	memcpy(t + off + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
	if (golden_load(t, strlen(t), &g, e, sizeof(e)) >= 0)
		TEST_FAIL("accepted after '%s' -> '%s'", from, to);
	if (!strstr(e, msg))
		TEST_FAIL("message '%s' lacks '%s'", e, msg);
}

TEST(placeholder_only_where_predict_computes)
{
	_cleanup_(golden_freep) struct golden *g = golden_new();
	struct golden_bank prof[_BANK_MAX] = {};

	g->banks[BANK_SHA256].present = true;
	pcr5(&g->banks[BANK_SHA256].pcrs[5], BANK_SHA256);
	ASSERT_OK(platform_target_fill(PLATFORM_TARGET_GCE, NULL, BANK_MASK(BANK_SHA256), NULL, prof));
	/* PCR 0 as a bare "computed" placeholder: predict has no model for it. */
	golden_pcr_clear(&prof[BANK_SHA256].pcrs[0]);
	prof[BANK_SHA256].pcrs[0].present = true;
	prof[BANK_SHA256].pcrs[0].status = PCR_STATUS_COMPUTED;
	prof[BANK_SHA256].pcrs[0].no_value = true;
	ASSERT_ERR(platform_rules_apply(g->banks, prof, BANK_MASK(BANK_SHA256)), -EBADMSG);
	golden_banks_clear(prof);
}

TEST(strict_v2)
{
	_cleanup_(golden_freep) struct golden *g = golden_new();
	struct golden_bank prof[_BANK_MAX] = {};
	_cleanup_(freep) char *s = NULL;

	g->banks[BANK_SHA256].present = true;
	pcr5(&g->banks[BANK_SHA256].pcrs[5], BANK_SHA256);
	ASSERT_OK(platform_target_fill(PLATFORM_TARGET_AZURE, NULL, BANK_MASK(BANK_SHA256), NULL,
				       prof));
	ASSERT_OK(platform_rules_apply(g->banks, prof, BANK_MASK(BANK_SHA256)));
	golden_banks_clear(prof);
	s = dump(g);
	/* Format 1 does not know the new keys. */
	expect_reject(s, "bootproof-golden/2", "bootproof-golden/1", "unknown key");
	expect_reject(s, "\"status\": \"per-instance\"", "\"status\": \"golden\"", "is not exact");
	/* A per-instance PCR has no value. */
	expect_reject(s, "\"status\": \"per-instance\"",
		      "\"status\": \"per-instance\", \"value\": \"00\"", "has no golden value");
	/* A computed PCR outside a profile needs its value and events. */
	expect_reject(s, "\"status\": \"variable\"", "\"status\": \"computed\"", "missing");
	/* The alternative's value must be the replay of its events. */
	expect_reject(s, "\"name\": \"ebs-retry\"", "\"name\": \"ebs-retry\", \"value\": \"ab\"",
		      "value");
}

TEST(judge_every_status)
{
	struct golden_pcr p = {};
	struct pcr_judgement j;
	uint8_t other[DIGEST_MAX] = {1};
	enum bank b = BANK_SHA256;

	pcr5(&p, b);
	/* format 1 (no status): exact */
	pcr_judge_value(&p, b, p.value, &j);
	ASSERT_EQ(j.rule, PCR_STATUS_EXACT);
	ASSERT_EQ(j.outcome, PCR_OUTCOME_PASS);
	pcr_judge_value(&p, b, other, &j);
	ASSERT_EQ(j.outcome, PCR_OUTCOME_FAIL);
	p.status = PCR_STATUS_COMPUTED;
	pcr_judge_value(&p, b, other, &j);
	ASSERT_EQ(j.rule, PCR_STATUS_COMPUTED);
	ASSERT_EQ(j.outcome, PCR_OUTCOME_FAIL);
	p.status = PCR_STATUS_OBSERVED;
	pcr_judge_value(&p, b, other, &j);
	ASSERT_EQ(j.outcome, PCR_OUTCOME_WARN);
	p.no_value = true;
	pcr_judge_value(&p, b, p.value, &j);
	ASSERT_EQ(j.outcome, PCR_OUTCOME_WARN);
	p.no_value = false;
	p.status = PCR_STATUS_VARIABLE;
	pcr_judge_value(&p, b, other, &j);
	ASSERT_EQ(j.outcome, PCR_OUTCOME_NOT_JUDGED);
	p.status = PCR_STATUS_PER_INSTANCE;
	pcr_judge_value(&p, b, p.value, &j);
	ASSERT_EQ(j.rule, PCR_STATUS_PER_INSTANCE);
	ASSERT_EQ(j.outcome, PCR_OUTCOME_NOT_JUDGED);
	/* An alternative passes and is named. */
	p.status = PCR_STATUS_COMPUTED;
	p.alternatives = calloc(1, sizeof(*p.alternatives));
	ASSERT_TRUE(p.alternatives);
	p.n_alternatives = 1;
	p.alternatives[0].name = strdup("ebs-retry");
	ASSERT_OK(pcr5_ebs_retry_build(&p, b, &p.alternatives[0]));
	pcr_judge_value(&p, b, p.alternatives[0].value, &j);
	ASSERT_EQ(j.outcome, PCR_OUTCOME_PASS);
	ASSERT_STREQ(j.matched, "ebs-retry");
	ASSERT_EQ(p.alternatives[0].n_events, (size_t)4);
	ASSERT_TRUE(p.alternatives[0].events[1].data_len == strlen(FAILURE) &&
		    memcmp(p.alternatives[0].events[1].data, FAILURE, strlen(FAILURE)) == 0);
	golden_pcr_clear(&p);
}

/* Values seen on real GCE machines (../shared/reference/cloud-platforms.md §2.1, sha256: the
 * go-eventlog logs for v1, Fluorite's measurements_gcp_*.json for v2 none/SEV, the go-tpm-tools
 * ubuntu-2404-amd-sevsnp log for v2 SEV-SNP, dstack-cloud's report for v2 TDX). Only the first
 * 8 and last 4 hex digits are recorded there; the full v1 values are checked against the real
 * logs by tests/eventlog/test-platform-profiles.sh. */
TEST(gce_pcr0_cells)
{
	static const struct {
		unsigned fw;
		enum gce_cvm cvm;
		const char *head, *tail;
	} seen[] = {
		{1, GCE_CVM_NONE, "24af52a4", "328f"}, {1, GCE_CVM_SEV, "0f35c214", "39cf"},
		{2, GCE_CVM_NONE, "d0c70a93", "0783"}, {2, GCE_CVM_SEV, "a0b5ff33", "2a85"},
		{2, GCE_CVM_TDX, "0cca9ec1", "f802"},  {2, GCE_CVM_SEV_SNP, "50597a27", "515e"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(seen); i++) {
		struct golden_pcr p = {};
		char hex[65];
		ASSERT_OK(gce_pcr0_build(&p, BANK_SHA256, seen[i].fw, seen[i].cvm));
		hex_encode(p.value, 32, hex);
		if (strncmp(hex, seen[i].head, 8) != 0 || strcmp(hex + 60, seen[i].tail) != 0)
			TEST_FAIL("GCE v%u %s: %s, seen %s…%s", seen[i].fw,
				  gce_cvm_to_string(seen[i].cvm), hex, seen[i].head, seen[i].tail);
		golden_pcr_clear(&p);
	}
	{
		struct golden_pcr p = {};
		ASSERT_ERR(gce_pcr0_build(&p, BANK_SHA256, 0, GCE_CVM_NONE), -EINVAL);
		ASSERT_ERR(gce_pcr0_build(&p, BANK_SHA256, 1, (enum gce_cvm)7), -EINVAL);
	}
}

/* A log whose PCR 5 has EDK2's retry (Failure, Invocation, Success) matches the alternative;
 * the plain one matches the main list; a log that stops after Failure fails. */
static void compare_pcr5(const char *const *actions, size_t n, bool want_ok, const char *want_alt)
{
	_cleanup_(golden_freep) struct golden *g = golden_new();
	_cleanup_(compare_result_freep) struct compare_result *res = NULL;
	struct golden_bank prof[_BANK_MAX] = {};
	struct evlog *log = NULL;
	struct record_error pe;
	struct evlog_builder eb;
	const struct compare_pcr *c = NULL;

	g->banks[BANK_SHA256].present = true;
	pcr5(&g->banks[BANK_SHA256].pcrs[5], BANK_SHA256);
	ASSERT_OK(platform_target_fill(PLATFORM_TARGET_AWS, NULL, BANK_MASK(BANK_SHA256), NULL,
				       prof));
	/* Only PCR 5's rule matters here. */
	for (unsigned i = 0; i < TPM2_PCR_COUNT; i++)
		if (i != 5)
			golden_pcr_clear(&prof[BANK_SHA256].pcrs[i]);
	ASSERT_OK(platform_rules_apply(g->banks, prof, BANK_MASK(BANK_SHA256)));
	golden_banks_clear(prof);

	evb_init(&eb);
	evb_spec_id_banks(&eb, BANK_MASK(BANK_SHA256));
	evb_event(&eb, 5, EV_SEPARATOR, sep, 4);
	for (size_t i = 0; i < n; i++)
		evb_event(&eb, 5, EV_EFI_ACTION, actions[i], strlen(actions[i]));
	ASSERT_TRUE(!eb.oom);
	ASSERT_OK(evlog_parse(eb.buf, eb.len, &log, &pe));
	ASSERT_OK(eventlog_compare(g, log->events, log->n_events, 0, &res));
	for (size_t i = 0; i < res->n_pcrs; i++)
		if (res->pcrs[i].pcr == 5)
			c = &res->pcrs[i];
	ASSERT_TRUE(c);
	ASSERT_EQ(res->ok, want_ok);
	ASSERT_EQ(c->rule, PCR_STATUS_COMPUTED);
	if (want_alt)
		ASSERT_STREQ(c->alternative, want_alt);
	else
		ASSERT_TRUE(!c->alternative);
	evlog_free(log);
	evb_done(&eb);
}

TEST(pcr5_ebs_retry_log)
{
	static const char *const plain[] = {INVOCATION, SUCCESS};
	static const char *const retry[] = {FAILURE, INVOCATION, SUCCESS};
	static const char *const broken[] = {FAILURE, SUCCESS};
	compare_pcr5(plain, 2, true, NULL);
	compare_pcr5(retry, 3, true, "ebs-retry");
	compare_pcr5(broken, 2, false, NULL);
}

TEST(pcr_yaml)
{
	static const char ok[] =
		"  sha1:\n    0 : 0x0000000000000000000000000000000000000000\n"
		"  sha256:\n"
		"    0 : 0x3D458CFE55CC03EA1F443F1562BEEC8DF51C75E14A9FCF9A7234A13F198E7969\n"
		"    23: 3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969\n";
	static const char *const bad[] = {
		"sha256:\n  24 : 0x3D458CFE55CC03EA1F443F1562BEEC8DF51C75E14A9FCF9A7234A13F198E7969\n",
		"sha256:\n  0 : 0x3D458CFE55CC03EA1F443F1562BEEC8DF51C75E14A9FCF9A7234A13F198E79\n",
		"md5:\n",
		"  0 : 0x00\n",
		"sha256:\n  0 : 0x3D458CFE55CC03EA1F443F1562BEEC8DF51C75E14A9FCF9A7234A13F198E7969\n"
		"  0 : 0x3D458CFE55CC03EA1F443F1562BEEC8DF51C75E14A9FCF9A7234A13F198E7969\n",
		"sha256:\n  01 : 0x3D458CFE55CC03EA1F443F1562BEEC8DF51C75E14A9FCF9A7234A13F198E7969\n",
		"sha256:\n",
		"sha256:\n  x\n",
	};
	struct pcr_values v;
	uint8_t sepd[32];
	char e[128];

	ASSERT_OK(pcr_yaml_parse((const uint8_t *)ok, strlen(ok), &v, e, sizeof(e)));
	ASSERT_EQ(v.mask[BANK_SHA256], (1u << 0) | (1u << 23));
	ASSERT_EQ(v.mask[BANK_SHA1], 1u);
	ASSERT_OK(hex_decode_exact("3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969",
				   32, false, sepd));
	ASSERT_MEMEQ(v.value[BANK_SHA256][23], sepd, 32);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int r = pcr_yaml_parse((const uint8_t *)bad[i], strlen(bad[i]), &v, e, sizeof(e));
		if (r != -EBADMSG)
			TEST_FAIL("bad[%zu] gave %d", i, r);
	}
	/* Truncations never crash and never give partial success silently. */
	for (size_t n = 0; n < strlen(ok); n++)
		(void)pcr_yaml_parse((const uint8_t *)ok, n, &v, e, sizeof(e));
}

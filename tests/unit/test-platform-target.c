/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The per-target PCR rules (platform/platform-target.c): platform_target_fill()'s table against
 * the one image/platform/README.md documents (from the clouds' own documentation and public
 * logs), the separator-only PCRs against the separator values computed with Python hashlib
 * (sha{1,256,384}(zero PCR || H(00000000))), and platform_rules_apply() on a predicted PCR 5:
 * status and source copied, the "ebs-retry" alternative built with the value hashlib gives for
 * separator, "... Returned with Failure", "... Invocation", "... Returned with Success". */
#include <string.h>

#include "hexstr.h"
#include "measure-eventlog.h"
#include "measure-golden.h"
#include "measure-platform.h"
#include "test.h"

#define SEP_SHA1 "b2a83b0ebf2f8374299a5b2bdfc31ea955ad7236"
#define SEP_SHA256 "3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969"
#define SEP_SHA384                                                                         \
	"518923b0f955d08da077c96aaba522b9decede61c599cea6c41889cfbea4ae4d50529d96fe4d1afdafb65e7f" \
	"95bf23c4"
/* sha256 PCR 5: separator, Invocation, Success; and with "Returned with Failure" before
 * Invocation (hashlib). */
#define PCR5_SHA256 "a5ceb755d043f32431d63e39f5161464620a3437280494b5850dc1b47cc074e0"
#define PCR5_RETRY_SHA256 "39f9b6d22c837f55e2ffa6fddd5f7d548a4fbd247ba4892f4371abdc6d7f2deb"

#define ALL_BANKS (BANK_MASK(BANK_SHA1) | BANK_MASK(BANK_SHA256) | BANK_MASK(BANK_SHA384))

static void expect_hex(const uint8_t *d, size_t n, const char *want)
{
	char got[2 * DIGEST_MAX + 1];
	hex_encode(d, n, got);
	if (strcmp(got, want) != 0)
		TEST_FAIL("value %s, expected %s", got, want);
}

/* README's table, one letter per PCR 0-7: x exact, c computed, o observed, v variable,
 * i per-instance. */
static void expect_statuses(enum platform_target t, const char *want, bool default_keys)
{
	struct golden_bank banks[_BANK_MAX] = {};
	struct platform_target_options o = {.default_keys = default_keys};
	static const char letter[_PCR_STATUS_MAX] = {
		[PCR_STATUS_EXACT] = 'x', [PCR_STATUS_COMPUTED] = 'c', [PCR_STATUS_OBSERVED] = 'o',
		[PCR_STATUS_VARIABLE] = 'v', [PCR_STATUS_PER_INSTANCE] = 'i',
	};
	char got[9] = "";

	ASSERT_OK(platform_target_fill(t, &o, ALL_BANKS, NULL, banks));
	FOREACH_BANK(b, ALL_BANKS) {
		for (unsigned pcr = 0; pcr < 8; pcr++) {
			const struct golden_pcr *p = &banks[b].pcrs[pcr];
			ASSERT_TRUE(p->present);
			ASSERT_TRUE(p->source && p->source[0]);
			got[pcr] = letter[p->status];
		}
		if (strcmp(got, want) != 0)
			TEST_FAIL("%s (bank %s): statuses %s, expected %s",
				  platform_target_to_string(t), bank_name(b), got, want);
		for (unsigned pcr = 8; pcr < TPM2_PCR_COUNT; pcr++)
			ASSERT_TRUE(!banks[b].pcrs[pcr].present);
	}
	golden_banks_clear(banks);
}

TEST(statuses_as_documented)
{
	/* image/platform/README.md "Target profiles" */
	expect_statuses(PLATFORM_TARGET_GCE, "cvxxccxc", false);
	expect_statuses(PLATFORM_TARGET_AZURE, "vxvxccic", false);
	expect_statuses(PLATFORM_TARGET_AWS, "ooxxccxc", false);
	/* --default-keys: PCR 7 measures the cloud's own (drifting) variables on gce and azure */
	expect_statuses(PLATFORM_TARGET_GCE, "cvxxccxv", true);
	expect_statuses(PLATFORM_TARGET_AZURE, "vxvxcciv", true);
	expect_statuses(PLATFORM_TARGET_AWS, "ooxxccxc", true);
}

TEST(separator_only_pcrs)
{
	static const struct {
		enum platform_target t;
		unsigned pcrs;
	} cases[] = {
		{PLATFORM_TARGET_GCE, (1u << 2) | (1u << 3) | (1u << 6)},
		{PLATFORM_TARGET_AZURE, (1u << 1) | (1u << 3)},
		{PLATFORM_TARGET_AWS, (1u << 2) | (1u << 3) | (1u << 6)},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct golden_bank banks[_BANK_MAX] = {};
		ASSERT_OK(platform_target_fill(cases[i].t, NULL, ALL_BANKS, NULL, banks));
		for (unsigned pcr = 0; pcr < 8; pcr++) {
			if (!(cases[i].pcrs & (1u << pcr)))
				continue;
			ASSERT_TRUE(!banks[BANK_SHA256].pcrs[pcr].no_value);
			ASSERT_EQ(banks[BANK_SHA256].pcrs[pcr].n_events, 1);
			expect_hex(banks[BANK_SHA1].pcrs[pcr].value, 20, SEP_SHA1);
			expect_hex(banks[BANK_SHA256].pcrs[pcr].value, 32, SEP_SHA256);
			expect_hex(banks[BANK_SHA384].pcrs[pcr].value, 48, SEP_SHA384);
		}
		/* what predict computes, or nobody can, has no value here */
		ASSERT_TRUE(banks[BANK_SHA256].pcrs[4].no_value);
		ASSERT_TRUE(banks[BANK_SHA256].pcrs[5].no_value);
		ASSERT_TRUE(banks[BANK_SHA256].pcrs[7].no_value);
		ASSERT_EQ(banks[BANK_SHA256].pcrs[5].n_alternatives, 1);
		ASSERT_STREQ(banks[BANK_SHA256].pcrs[5].alternatives[0].name, "ebs-retry");
		golden_banks_clear(banks);
	}
}

TEST(qemu_takes_the_log)
{
	struct golden_bank banks[_BANK_MAX] = {};
	/* qemu's PCR 0-3 and 6 come from a reference log the caller parsed first */
	ASSERT_ERR(platform_target_fill(PLATFORM_TARGET_QEMU, NULL, BANK_MASK(BANK_SHA256), NULL,
					banks),
		   -EINVAL);
	golden_banks_clear(banks);
	ASSERT_ERR(platform_target_fill(_PLATFORM_TARGET_INVALID, NULL, BANK_MASK(BANK_SHA256), NULL,
					banks),
		   -EINVAL);
	golden_banks_clear(banks);
}

TEST(target_names)
{
	static const char *const names[] = {"qemu", "gce", "azure", "aws"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		ASSERT_STREQ(platform_target_to_string(platform_target_from_string(names[i])), names[i]);
	ASSERT_EQ(platform_target_from_string("ec2"), _PLATFORM_TARGET_INVALID);
	ASSERT_EQ(platform_target_from_string(NULL), _PLATFORM_TARGET_INVALID);
}

static void add_action(struct golden_pcr *p, const void *d, size_t n, uint32_t type,
		       const char *name)
{
	uint8_t h[DIGEST_MAX];
	ASSERT_OK(digest_buffer(BANK_SHA256, d, n, h));
	ASSERT_OK(golden_pcr_add_event(p, GOLDEN_LOG_FIRMWARE, name, type, name, h, 32, NULL, d, n));
}

TEST(rules_apply_builds_ebs_retry)
{
	static const uint8_t sep[4];
	static const char inv[] = "Exit Boot Services Invocation";
	static const char ok[] = "Exit Boot Services Returned with Success";
	struct golden_bank golden[_BANK_MAX] = {}, profile[_BANK_MAX] = {};
	struct golden_pcr *p5 = &golden[BANK_SHA256].pcrs[5];

	/* PCR 5 as predict writes it for a disk without GPT event: separator, Invocation, Success */
	golden[BANK_SHA256].present = true;
	p5->present = true;
	add_action(p5, sep, 4, EV_SEPARATOR, "EV_SEPARATOR");
	add_action(p5, inv, strlen(inv), EV_EFI_ACTION, "EV_EFI_ACTION");
	add_action(p5, ok, strlen(ok), EV_EFI_ACTION, "EV_EFI_ACTION");
	ASSERT_OK(golden_pcr_recompute(p5, BANK_SHA256));
	expect_hex(p5->value, 32, PCR5_SHA256);

	ASSERT_OK(platform_target_fill(PLATFORM_TARGET_GCE, NULL, BANK_MASK(BANK_SHA256), NULL,
				       profile));
	ASSERT_OK(platform_rules_apply(golden, profile, BANK_MASK(BANK_SHA256)));
	ASSERT_EQ(p5->status, PCR_STATUS_COMPUTED);
	ASSERT_TRUE(!p5->no_value);
	expect_hex(p5->value, 32, PCR5_SHA256); /* predict's value stands */
	ASSERT_TRUE(p5->source && strstr(p5->source, "bootproof predict"));
	ASSERT_EQ(p5->n_alternatives, 1);
	ASSERT_STREQ(p5->alternatives[0].name, "ebs-retry");
	ASSERT_TRUE(!p5->alternatives[0].no_value);
	expect_hex(p5->alternatives[0].value, 32, PCR5_RETRY_SHA256);
	/* a bare status (variable PCR 1) is added; a separator rule for a PCR predict did not
	 * copy (PCR 2) is not */
	ASSERT_TRUE(golden[BANK_SHA256].pcrs[1].present);
	ASSERT_EQ(golden[BANK_SHA256].pcrs[1].status, PCR_STATUS_VARIABLE);
	ASSERT_TRUE(!golden[BANK_SHA256].pcrs[2].present);
	golden_banks_clear(golden);

	/* a computed placeholder on a PCR predict does not model is refused */
	memset(golden, 0, sizeof(golden));
	golden[BANK_SHA256].present = true;
	profile[BANK_SHA256].pcrs[3].status = PCR_STATUS_COMPUTED;
	profile[BANK_SHA256].pcrs[3].no_value = true;
	ASSERT_ERR(platform_rules_apply(golden, profile, BANK_MASK(BANK_SHA256)), -EBADMSG);
	golden_banks_clear(golden);
	golden_banks_clear(profile);
}

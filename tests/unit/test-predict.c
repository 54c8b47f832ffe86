/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* predict_run() on a synthetic stub-257 UKI: the known digests of pcr-spec.md §1.2 (computed there
 * with Python hashlib; the same values ship in systemd's src/pcrlock/pcrlock.d/ files) must
 * appear as the event digests, and PCR 7 with Secure Boot off must equal the value read from a
 * real OVMF 2022.11 + swtpm boot (pcr-spec.md §12 / image-feasibility REPORT.md: 65caf8dd…). */
#include <string.h>

#include "hexstr.h"
#include "json.h"
#include "measure-golden.h"
#include "measure-predict.h"
#include "test-pe-builder.h"
#include "test.h"

static void expect_hex(const uint8_t *d, size_t n, const char *hex)
{
	char got[2 * DIGEST_MAX + 1];
	hex_encode(d, n, got);
	if (strcmp(got, hex) != 0)
		TEST_FAIL("digest %s, expected %s", got, hex);
}

static uint8_t *make_uki(size_t *ret_len)
{
	static const char magic[] = "#### LoaderInfo: systemd-stub 257.13-1~deb13u1 ####";
	static uint8_t kernel[4096];
	size_t klen;
	const struct tpe_section ks[] = {{".text", 0x200, 0x200, 0, NULL, 0}};
	struct tpe_spec kspec = {true, 16, ks, 1, 0, 0};
	uint8_t *k = tpe_build(&kspec, &klen, NULL);
	ASSERT_TRUE(k && klen <= sizeof(kernel));
	memcpy(kernel, k, klen);
	free(k);
	{
		const struct tpe_section s[] = {
			{".sdmagic", sizeof(magic), 0x200, 0, (const uint8_t *)magic, sizeof(magic)},
			{".osrel", 5, 0x200, 0, (const uint8_t *)"ID=x\n", 5},
			{".cmdline", 12, 0x200, 0, (const uint8_t *)"console=ttyS0", 12},
			{".initrd", 6, 0x200, 0, (const uint8_t *)"INITRD", 6},
			{".linux", (uint32_t)klen, 0x400, 0, kernel, klen},
		};
		struct tpe_spec spec = {true, 16, s, ARRAY_SIZE(s), 0, 0};
		return tpe_build(&spec, ret_len, NULL);
	}
}

TEST(known_digests)
{
	static const uint8_t gpt_event[100] = {'E', 'F', 'I', ' ', 'P', 'A', 'R', 'T'};
	struct predict_input in = {.mask = BANK_MASK(BANK_SHA256) | BANK_MASK(BANK_SHA1),
				   .exit_boot_services = true};
	_cleanup_(golden_freep) struct golden *g = golden_new();
	size_t len;
	uint8_t *uki = make_uki(&len);
	char reason[256];
	const struct golden_pcr *p;

	ASSERT_TRUE(g && uki);
	ASSERT_OK(predict_parse_phases(&in, "enter-initrd:leave-initrd:sysinit:ready"));
	in.uki = (struct predict_blob){uki, len, "uki.efi"};
	in.gpt_event = (struct predict_blob){gpt_event, sizeof(gpt_event), "GPT"};
	if (predict_run(&in, g, reason, sizeof(reason)) < 0)
		TEST_FAIL("predict_run: %s", reason);

	/* PCR 4: action, separator (pcr-spec §1.2), UKI, kernel (direct boot, SB off). */
	p = &g->banks[BANK_SHA256].pcrs[4];
	ASSERT_EQ(p->n_events, 4);
	expect_hex(p->events[0].digest, 32,
		   "3d6772b4f84ed47595d72a2c4c5ffd15f5bb72c7507fe26f2aaee2c69d5633ba");
	expect_hex(p->events[1].digest, 32,
		   "df3f619804a92fdb4057192dc43dd748ea778adc52bc498ce80524c014b81119");
	/* PCR 5: separator, GPT, EBS x2; without loader.conf (no boot loader). */
	p = &g->banks[BANK_SHA256].pcrs[5];
	ASSERT_EQ(p->n_events, 4);
	expect_hex(p->events[2].digest, 32,
		   "d8043d6b7b85ad358eb3b6ae6a873ab7ef23a26352c5dc4faa5aeedacf5eb41b");
	expect_hex(p->events[3].digest, 32,
		   "b54f7542cbd872a81a9d9dea839b2b8d747c7ebd5ea6615c40f42f44a6dbeba0");
	/* PCR 7, Secure Boot off: the value of a real OVMF boot. */
	expect_hex(g->banks[BANK_SHA256].pcrs[7].value, 32,
		   "65caf8dd1e0ea7a6347b635d2b379c93b9a1351edc2afc3ecda700e534eb3068");
	ASSERT_EQ(g->banks[BANK_SHA256].pcrs[7].events[0].data_len, 16 + 8 + 8 + 20 + 1);
	/* PCR 11: section name digests and phase words (pcr-spec §1.2). */
	p = &g->banks[BANK_SHA256].pcrs[11];
	ASSERT_EQ(p->n_events, 4 * 2 + 4);
	expect_hex(p->events[0].digest, 32,
		   "0da293e37ad5511c59be47993769aacb91b243f7d010288e118dc90e95aaef5a");
	expect_hex(p->events[2].digest, 32,
		   "3fb9e4e3cc810d4326b5c13cef18aee1f9df8c5f4f7f5b96665724fa3b846e08");
	expect_hex(p->events[4].digest, 32,
		   "461203a89f23e36c3a4dc817f905b00484d2cf7e7d9376f13df91c41d84abe46");
	expect_hex(p->events[6].digest, 32,
		   "15ee37e75f1e8d42080e91fdbbd2560780918c81fe3687ae6d15c472bbdaac75");
	expect_hex(p->events[8].digest, 32,
		   "51e6b92f405d1f98d96e3de343d61d420ad6923b25de21d766f9298192f14fed");
	expect_hex(p->events[9].digest, 32,
		   "3be261aff7db92bf507eae947f4003ffa2bcad0bffe3524601d62d0bc8be7135");
	expect_hex(p->events[10].digest, 32,
		   "730bb5a583ba880c277e656d2dc8aba1a314a11b14d25b05153d2bab82567a48");
	expect_hex(p->events[11].digest, 32,
		   "b24d6d33736ecd5604a4b17bc9c6481039fac362bb7df044ef1c10a2bfd21db6");
	ASSERT_EQ(p->n_phases, 5);
	ASSERT_STREQ(p->phases[0].phase, "stub");
	/* PCR 12/13 stay zero and are listed. */
	ASSERT_TRUE(g->banks[BANK_SHA256].pcrs[12].present && g->banks[BANK_SHA256].pcrs[12].n_events == 0);
	ASSERT_TRUE(g->banks[BANK_SHA1].pcrs[13].present);
	/* PCR 9: cmdline = .cmdline up to its NUL, UTF-16 + NUL. */
	{
		uint8_t u16[2 * 13] = {0}, want[32];
		for (int i = 0; i < 12; i++)
			u16[2 * i] = (uint8_t)"console=ttyS0"[i];
		ASSERT_OK(digest_buffer(BANK_SHA256, u16, sizeof(u16), want));
		ASSERT_MEMEQ(g->banks[BANK_SHA256].pcrs[9].events[0].digest, want, 32);
	}
	/* The result is a valid golden manifest: it survives the strict loader. */
	{
		_cleanup_(json_decrefp) json_t *j = NULL;
		_cleanup_(freep) char *s = NULL;
		_cleanup_(golden_freep) struct golden *g2 = NULL;
		size_t n;
		char err[256];
		ASSERT_OK(golden_to_json(g, &j));
		ASSERT_OK(json_dump_canonical(j, &s, &n));
		if (golden_load(s, n, &g2, err, sizeof(err)) < 0)
			TEST_FAIL("golden_load: %s", err);
	}
	free(uki);
}

TEST(refusals)
{
	struct predict_input in = {.mask = BANK_MASK(BANK_SHA256)};
	_cleanup_(golden_freep) struct golden *g = golden_new();
	char reason[256];
	static const char magic[] = "#### LoaderInfo: systemd-stub 258.1 ####";
	const struct tpe_section s[] = {
		{".sdmagic", sizeof(magic), 0x200, 0, (const uint8_t *)magic, sizeof(magic)},
		{".linux", 0x10, 0x200, 0, NULL, 0},
	};
	struct tpe_spec spec = {true, 16, s, ARRAY_SIZE(s), 0, 0};
	size_t len;
	uint8_t *uki = tpe_build(&spec, &len, NULL);
	ASSERT_TRUE(g && uki);
	in.uki = (struct predict_blob){uki, len, "uki.efi"};
	ASSERT_ERR(predict_run(&in, g, reason, sizeof(reason)), -EOPNOTSUPP);
	ASSERT_TRUE(strstr(reason, "258.1"));
	free(uki);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* UKI parsing on synthetic images: stub version from .sdmagic, the section-matching rule per stub
 * version (<= 256: prefix match, last header wins; 257: exact, first wins — systemd
 * src/boot/efi/pe.c v252 and src/boot/pe.c v257), in-memory bytes with VirtualSize >
 * SizeOfRawData (zero fill, EDK2 PeCoffLoaderLoadImage), the command line as each stub version
 * reads it, the cpio and GPT builders, and truncation sweeps. Expected digests are one-shot
 * hashes of byte strings written out here. */
#include <string.h>

#include "measure-pe.h"
#include "measure-predict.h"
#include "test-pe-builder.h"
#include "test.h"

static uint8_t *make_uki(const char *version, size_t *ret_len)
{
	static char magic[128];
	static uint8_t kernel[4096];
	size_t klen;
	const struct tpe_section ks[] = {{".text", 0x200, 0x200, 0, NULL, 0}};
	struct tpe_spec kspec = {true, 16, ks, 1, 0, 0};
	uint8_t *k = tpe_build(&kspec, &klen, NULL);
	ASSERT_TRUE(k && klen <= sizeof(kernel));
	memcpy(kernel, k, klen);
	free(k);
	snprintf(magic, sizeof(magic), "#### LoaderInfo: systemd-stub %s ####", version);
	{
		const struct tpe_section s[] = {
			{".sdmagic", (uint32_t)strlen(magic) + 1, 0x200, 0, (const uint8_t *)magic,
			 strlen(magic) + 1},
			{".osrel", 5, 0x200, 0, (const uint8_t *)"ID=x\n", 5},
			{".cmdline", 9, 0x200, 0, (const uint8_t *)" a\tb  \n\0", 9},
			{".linux", (uint32_t)klen, 0x400, 0, kernel, klen},
			/* VirtualSize 0x300 > SizeOfRawData 0x200: 0x100 zero bytes in memory. */
			{".initrd", 0x300, 0x200, 0, (const uint8_t *)"INITRD", 6},
			/* Prefix of ".linux" for stubs <= 256, a different name for 257. */
			{".linuxXY", 4, 0x200, 0, (const uint8_t *)"evil", 4},
		};
		struct tpe_spec spec = {true, 16, s, ARRAY_SIZE(s), 0, 0};
		return tpe_build(&spec, ret_len, NULL);
	}
}

TEST(stub_version_and_matching)
{
	size_t len;
	struct uki u;
	uint8_t *b = make_uki("252.39-1~deb12u2", &len);
	ASSERT_OK(uki_parse(b, len, &u));
	ASSERT_EQ(u.stub.major, 252);
	ASSERT_STREQ(u.stub.version, "252.39-1~deb12u2");
	/* 252: the last header whose name starts with ".linux" wins. */
	ASSERT_STREQ(u.parts[UKI_LINUX].sect->name, ".linuxXY");
	ASSERT_TRUE(!uki_section_measured(252, UKI_UNAME) && !uki_section_measured(252, UKI_SBAT));
	ASSERT_TRUE(uki_section_measured(254, UKI_SBAT) && !uki_section_measured(257, UKI_PCRSIG));
	free(b);

	b = make_uki("257.13-1~deb13u1", &len);
	ASSERT_OK(uki_parse(b, len, &u));
	ASSERT_EQ(u.stub.major, 257);
	ASSERT_STREQ(u.parts[UKI_LINUX].sect->name, ".linux");
	ASSERT_EQ(u.n_unknown, 1); /* .linuxXY */
	free(b);
}

TEST(cmdline_per_version)
{
	size_t len;
	struct uki u;
	char *s;
	uint8_t *b = make_uki("252.1", &len);
	ASSERT_OK(uki_parse(b, len, &u));
	ASSERT_OK(uki_cmdline(&u, &s));
	ASSERT_STREQ(s, " a\tb  \n"); /* 252: up to the NUL, no mangling */
	free(s);
	free(b);
	b = make_uki("253.1", &len);
	ASSERT_OK(uki_parse(b, len, &u));
	ASSERT_OK(uki_cmdline(&u, &s));
	ASSERT_STREQ(s, "a b"); /* 253+: trimmed, inner control characters become spaces */
	free(s);
	free(b);
}

TEST(in_memory_bytes_and_digests)
{
	size_t len;
	struct uki u;
	struct uki_digests *d = malloc(sizeof(*d));
	uint8_t want[DIGEST_MAX], buf[0x300] = {0}, k[_BANK_MAX][DIGEST_MAX];
	uint8_t *b = make_uki("257.1", &len);
	static const uint8_t extra[8] = "EXTRA!!!";
	ASSERT_TRUE(d);
	ASSERT_OK(uki_parse(b, len, &u));
	ASSERT_OK(uki_digests_compute(&u, b, len, BANK_MASK_ALL, extra, sizeof(extra), true, 2, d));
	/* .initrd: "INITRD", zero-filled to SizeOfRawData in the file, then to VirtualSize. */
	memcpy(buf, "INITRD", 6);
	ASSERT_OK(digest_buffer(BANK_SHA256, buf, sizeof(buf), want));
	ASSERT_MEMEQ(d->section[4][BANK_SHA256], want, 32);
	/* Combined initrd: .initrd (0x300 bytes, already 4-aligned) + extra. */
	{
		uint8_t comb[0x300 + 8];
		memcpy(comb, buf, 0x300);
		memcpy(comb + 0x300, extra, 8);
		ASSERT_OK(digest_buffer(BANK_SHA384, comb, sizeof(comb), want));
		ASSERT_MEMEQ(d->initrd[BANK_SHA384], want, 48);
		ASSERT_EQ(d->initrd_size, 0x308);
	}
	/* The kernel's Authenticode = that of the embedded PE on its own. */
	ASSERT_OK(authenticode_digest(u.parts[UKI_LINUX].bytes, (size_t)u.parts[UKI_LINUX].n_bytes,
				      BANK_MASK_ALL, 1, k));
	ASSERT_MEMEQ(d->kernel_authenticode[BANK_SHA1], k[BANK_SHA1], 20);
	ASSERT_OK(digest_buffer(BANK_SHA256, b, len, want));
	ASSERT_MEMEQ(d->file_sha256, want, 32);
	free(d);
	free(b);
}

TEST(bad_sdmagic)
{
	size_t len;
	struct uki u;
	uint8_t *b = make_uki("x", &len); /* version must start with a digit */
	ASSERT_ERR(uki_parse(b, len, &u), -EBADMSG);
	free(b);
}

TEST(uki_truncation_sweep)
{
	size_t len;
	uint8_t *b = make_uki("257.1", &len);
	struct uki *u = malloc(sizeof(*u));
	ASSERT_TRUE(u);
	for (size_t n = 0; n < len; n++) {
		uint8_t *c = malloc(n ? n : 1);
		ASSERT_TRUE(c);
		memcpy(c, b, n);
		ASSERT_ERR(uki_parse(c, n, u), -EBADMSG);
		free(c);
	}
	free(u);
	free(b);
}

TEST(cpio_bytes)
{
	/* The newc records systemd-stub writes, spelled out: magic, then 13 hex fields. */
	static const char want[] =
		"070701" "00000001" "0000416d" "00000000" "00000000" "00000001" "00000000"
		"00000000" "00000000" "00000000" "00000000" "00000000" "00000007" "00000000"
		".extra\0" "\0\0\0"
		"070701" "00000002" "00008124" "00000000" "00000000" "00000001" "00000000"
		"00000003" "00000000" "00000000" "00000000" "00000000" "00000012" "00000000"
		".extra/os-release\0"
		"ID\n" "\0"
		"070701" "00000000" "00000000" "00000000" "00000000" "00000001" "00000000"
		"00000000" "00000000" "00000000" "00000000" "00000000" "0000000B" "00000000"
		"TRAILER!!!\0\0\0\0";
	uint8_t *c;
	size_t n;
	ASSERT_OK(cpio_literal(".extra", "os-release", 0555, 0444, (const uint8_t *)"ID\n", 3, &c, &n));
	ASSERT_EQ(n, sizeof(want) - 1);
	ASSERT_MEMEQ(c, want, n);
	ASSERT_EQ(n % 4, 0);
	free(c);
}

TEST(gpt)
{
	/* CRC-32 check value (ISO-HDLC): "123456789" -> 0xcbf43926. */
	ASSERT_EQ(gpt_crc32((const uint8_t *)"123456789", 9), 0xcbf43926u);
	size_t len = 64 * 512;
	uint8_t *d = calloc(1, len);
	struct gpt g;
	static const uint8_t esp[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
					0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b};
	ASSERT_TRUE(d);
	memcpy(d + 512, "EFI PART", 8);
	store_le32(d + 512 + 8, 0x10000);
	store_le32(d + 512 + 12, 92);
	store_le64(d + 512 + 24, 1);
	store_le64(d + 512 + 72, 2);
	store_le32(d + 512 + 80, 4);
	store_le32(d + 512 + 84, 128);
	/* entry 0 empty, entry 1 = ESP at LBA 40..47, entry 3 = something else */
	memcpy(d + 1024 + 128, esp, 16);
	store_le64(d + 1024 + 128 + 32, 40);
	store_le64(d + 1024 + 128 + 40, 47);
	memset(d + 1024 + 3 * 128, 0x77, 16);
	store_le32(d + 512 + 88, gpt_crc32(d + 1024, 4 * 128));
	store_le32(d + 512 + 16, gpt_crc32(d + 512, 92));
	ASSERT_OK(gpt_read(d, len, 0, &g));
	ASSERT_EQ(g.n_used, 2);
	ASSERT_EQ(g.event_len, 92 + 8 + 2 * 128);
	ASSERT_MEMEQ(g.event, d + 512, 92);
	ASSERT_EQ(load_le64(g.event + 92), 2);
	ASSERT_MEMEQ(g.event + 100, d + 1024 + 128, 128);
	ASSERT_MEMEQ(g.event + 228, d + 1024 + 384, 128);
	ASSERT_TRUE(g.have_esp);
	ASSERT_EQ(g.esp_offset, 40 * 512);
	ASSERT_EQ(g.esp_size, 8 * 512);
	gpt_done(&g);
	/* A flipped byte in an entry breaks the entry-array CRC. */
	d[1024 + 3 * 128 + 20] ^= 1;
	ASSERT_ERR(gpt_read(d, len, 0, &g), -EBADMSG);
	d[1024 + 3 * 128 + 20] ^= 1;
	for (size_t n = 0; n < 1024 + 4 * 128; n++)
		ASSERT_TRUE(gpt_read(d, n, 0, &g) < 0);
	free(d);
}

TEST(phases)
{
	struct predict_input in = {};
	ASSERT_OK(predict_parse_phases(&in, "enter-initrd:leave-initrd:sysinit:ready"));
	ASSERT_EQ(in.n_phases, 4);
	ASSERT_STREQ(in.phases[3], "ready");
	ASSERT_OK(predict_parse_phases(&in, ""));
	ASSERT_EQ(in.n_phases, 0);
	ASSERT_ERR(predict_parse_phases(&in, "enter-initrd:"), -EINVAL);
	ASSERT_ERR(predict_parse_phases(&in, "boot"), -EINVAL);
}

TEST(kernel_virtual_size_beyond_raw)
{
	/* ukify 257.0-257.2 set .linux VirtualSize = the kernel's SizeOfImage (systemd PR #34583):
	 * the stub LoadImage()s VirtualSize bytes, so the measured kernel digest covers trailing
	 * zeros. Expected: the Authenticode of the kernel bytes + zeros, built here by hand. */
	static const char magic[] = "#### LoaderInfo: systemd-stub 257.1 ####";
	const struct tpe_section ks[] = {{".text", 0x200, 0x200, 0, NULL, 0}};
	struct tpe_spec kspec = {true, 16, ks, 1, 0, 0};
	size_t klen, len;
	uint8_t *k = tpe_build(&kspec, &klen, NULL), *padded, *b;
	uint8_t want[_BANK_MAX][DIGEST_MAX];
	struct uki_digests *d = malloc(sizeof(*d));
	struct uki u;
	ASSERT_TRUE(k && d);
	padded = calloc(1, klen + 0x1000);
	ASSERT_TRUE(padded);
	memcpy(padded, k, klen);
	ASSERT_OK(authenticode_digest(padded, klen + 0x1000, BANK_MASK_ALL, 1, want));
	{
		const struct tpe_section s[] = {
			{".sdmagic", sizeof(magic), 0x200, 0, (const uint8_t *)magic, sizeof(magic)},
			{".linux", (uint32_t)klen + 0x1000, (uint32_t)klen, 0, k, klen},
		};
		struct tpe_spec spec = {true, 16, s, ARRAY_SIZE(s), 0, 0};
		b = tpe_build(&spec, &len, NULL);
	}
	ASSERT_TRUE(b);
	ASSERT_OK(uki_parse(b, len, &u));
	ASSERT_EQ(u.parts[UKI_LINUX].n_zero, 0x1000);
	ASSERT_OK(uki_digests_compute(&u, b, len, BANK_MASK_ALL, NULL, 0, true, 2, d));
	FOREACH_BANK(bank, BANK_MASK_ALL)
		ASSERT_MEMEQ(d->kernel_authenticode[bank], want[bank], bank_size(bank));
	/* ... which differs from the kernel file's own digest. */
	ASSERT_OK(authenticode_digest(k, klen, BANK_MASK_ALL, 1, want));
	ASSERT_TRUE(memcmp(d->kernel_authenticode[BANK_SHA256], want[BANK_SHA256], 32) != 0);
	free(padded);
	free(k);
	free(b);
	free(d);
}

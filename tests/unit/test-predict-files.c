/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* predict_files_run() (predict/predict-files.c) from files on disk, and the refusals of predict
 * that no other test reaches: a UKI section whose effect is not modelled, a boot loader that is
 * not systemd-boot, systemd-boot >= 255 without a loader.conf, a malformed platform profile.
 * The UKI's sha256 in the manifest is checked against `openssl dgst -sha256` of the same file. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hexstr.h"
#include "measure-golden.h"
#include "measure-predict.h"
#include "test-pe-builder.h"
#include "test.h"

#define STUB_257 "#### LoaderInfo: systemd-stub 257.13-1~deb13u1 ####"
#define BOOT_257 "#### LoaderInfo: systemd-boot 257.13-1~deb13u1 ####"

/* A UKI of stub `magic` with a kernel, and one more section `extra` (NULL: none). */
static uint8_t *make_uki(const char *magic, const char *extra, size_t *ret_len)
{
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
			{".sdmagic", (uint32_t)strlen(magic) + 1, 0x200, 0, (const uint8_t *)magic,
			 strlen(magic) + 1},
			{".osrel", 5, 0x200, 0, (const uint8_t *)"ID=x\n", 5},
			{".cmdline", 12, 0x200, 0, (const uint8_t *)"console=ttyS0", 12},
			{".initrd", 6, 0x200, 0, (const uint8_t *)"INITRD", 6},
			{".linux", (uint32_t)klen, 0x400, 0, kernel, klen},
			{extra ? extra : ".extra", 16, 0x200, 0, NULL, 0},
		};
		struct tpe_spec spec = {true, 16, s, ARRAY_SIZE(s) - (extra ? 0 : 1), 0, 0};
		return tpe_build(&spec, ret_len, NULL);
	}
}

/* An EFI application whose .sdmagic is `magic` (systemd-boot or not). */
static uint8_t *make_efi(const char *magic, size_t *ret_len)
{
	const struct tpe_section s[] = {
		{".text", 0x200, 0x200, 0, NULL, 0},
		{".sdmagic", (uint32_t)strlen(magic) + 1, 0x200, 0, (const uint8_t *)magic,
		 strlen(magic) + 1},
	};
	struct tpe_spec spec = {true, 16, s, ARRAY_SIZE(s), 0, 0};
	return tpe_build(&spec, ret_len, NULL);
}

/* Writes data into a new temporary file; returns its malloc'd path. */
static char *write_temp(const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *path = NULL;
	int fd;
	ASSERT_TRUE(asprintf(&path, "%s/test-predict-files.XXXXXX", dir) > 0);
	fd = mkstemp(path);
	ASSERT_TRUE(fd >= 0);
	ASSERT_TRUE(write(fd, data, len) == (ssize_t)len);
	close(fd);
	return path;
}

static char *write_uki(const char *magic, const char *extra)
{
	size_t len;
	uint8_t *b = make_uki(magic, extra, &len);
	char *path;
	ASSERT_TRUE(b);
	path = write_temp(b, len);
	free(b);
	return path;
}

static void files_init(struct predict_files *f, const char *uki)
{
	*f = (struct predict_files){
		.uki = uki,
		.no_loader_conf = true,
		.no_seal = true,
		.name = "test",
		.version = "1",
		.model = {.mask = BANK_MASK(BANK_SHA256), .n_threads = 1, .exit_boot_services = true},
	};
}

TEST(uki_sha256_is_the_files)
{
	_cleanup_(freep) char *uki = write_uki(STUB_257, NULL);
	_cleanup_(golden_freep) struct golden *g = NULL;
	struct predict_files f;
	char err[512], cmd[600], want[65] = "", got[65];
	FILE *p;

	files_init(&f, uki);
	ASSERT_OK(predict_files_run(&f, &g, err, sizeof(err)));
	ASSERT_TRUE(g->has_uki_sha256);
	ASSERT_STREQ(g->image_name, "test");
	ASSERT_STREQ(g->image_version, "1");
	ASSERT_TRUE(g->banks[BANK_SHA256].pcrs[11].present);
	/* The independent digest: openssl over the file predict read. */
	snprintf(cmd, sizeof(cmd), "openssl dgst -sha256 -r '%s'", uki);
	p = popen(cmd, "r");
	if (!p || !fgets(want, sizeof(want), p)) {
		if (p)
			pclose(p);
		unlink(uki);
		TEST_FAIL("openssl dgst failed");
	}
	pclose(p);
	hex_encode(g->uki_sha256, 32, got);
	unlink(uki);
	ASSERT_STREQ(got, want);
}

TEST(refused_section)
{
	_cleanup_(freep) char *uki = write_uki(STUB_257, ".pcrsig");
	_cleanup_(golden_freep) struct golden *g = NULL;
	struct predict_files f;
	char err[512] = "";
	int r;

	files_init(&f, uki);
	r = predict_files_run(&f, &g, err, sizeof(err));
	unlink(uki);
	ASSERT_ERR(r, -EOPNOTSUPP);
	ASSERT_TRUE(strstr(err, "has a .pcrsig section"));
	ASSERT_TRUE(strstr(err, "not modelled"));
	ASSERT_TRUE(!g);
}

TEST(bootloader_not_systemd_boot)
{
	_cleanup_(freep) char *uki = write_uki(STUB_257, NULL);
	_cleanup_(freep) char *boot = NULL;
	_cleanup_(golden_freep) struct golden *g = NULL;
	struct predict_files f;
	char err[512] = "";
	size_t len;
	uint8_t *b = make_efi(STUB_257, &len); /* a stub's magic: not a boot loader */
	int r;

	ASSERT_TRUE(b);
	boot = write_temp(b, len);
	free(b);
	files_init(&f, uki);
	f.bootloader = boot;
	r = predict_files_run(&f, &g, err, sizeof(err));
	unlink(uki);
	unlink(boot);
	ASSERT_ERR(r, -EOPNOTSUPP);
	ASSERT_TRUE(strstr(err, "is not systemd-boot"));
}

/* systemd-boot >= 255 measures loader.conf into PCR 5 (next to the GPT): predict_run() refuses
 * to guess when the caller said neither which file nor that there is none. */
TEST(missing_loader_conf)
{
	_cleanup_(golden_freep) struct golden *g = golden_new();
	struct predict_input in = {.mask = BANK_MASK(BANK_SHA256), .n_threads = 1};
	static const uint8_t gpt[] = "a GPT event's bytes";
	char reason[512] = "";
	size_t ulen, blen;
	uint8_t *uki = make_uki(STUB_257, NULL, &ulen), *boot = make_efi(BOOT_257, &blen);

	ASSERT_TRUE(g && uki && boot);
	in.uki = (struct predict_blob){uki, ulen, "uki.efi"};
	in.bootloader = (struct predict_blob){boot, blen, "BOOTX64.EFI"};
	in.gpt_event = (struct predict_blob){gpt, sizeof(gpt), "gpt"};
	ASSERT_ERR(predict_run(&in, g, reason, sizeof(reason)), -EOPNOTSUPP);
	ASSERT_TRUE(strstr(reason, "no loader.conf was given"));
	/* --no-loader-conf: the same chain is predicted */
	golden_free(g);
	g = golden_new();
	in.loader_conf_absent = true;
	ASSERT_OK(predict_run(&in, g, reason, sizeof(reason)));
	ASSERT_TRUE(g->banks[BANK_SHA256].pcrs[5].present);
	free(uki);
	free(boot);
}

/* The platform profile's refusals reach the caller with the file's name and the JSON path. */
TEST(platform_profile_refusals)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
		{"{\"format\": \"bootproof-platform/1\", \"name\": \"p\", \"banks\": {}, \"extra\": 1}",
		 "(top level): unknown key \"extra\""},
		{"{\"format\": \"bootproof-golden/1\", \"name\": \"p\", \"banks\": {}}",
		 "format: not \"bootproof-platform/1\" or \"/2\""},
		{"{\"format\": \"bootproof-platform/1\", \"name\": \"\", \"banks\": {}}",
		 "name: missing, empty or longer than 256 bytes"},
		{"{\"format\": \"bootproof-platform/1\", \"name\": \"p\"}",
		 "(top level): missing \"banks\""},
		{"[]", "(top level): not an object"},
	};
	_cleanup_(freep) char *uki = write_uki(STUB_257, NULL);

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_(golden_freep) struct golden *g = NULL;
		_cleanup_(freep) char *plat = write_temp(cases[i].json, strlen(cases[i].json));
		_cleanup_(freep) char *want = NULL;
		struct predict_files f;
		char err[512] = "";
		int r;

		files_init(&f, uki);
		f.platform = plat;
		r = predict_files_run(&f, &g, err, sizeof(err));
		unlink(plat);
		ASSERT_ERR(r, -EBADMSG);
		ASSERT_TRUE(asprintf(&want, "platform profile '%s': %s", plat, cases[i].want) > 0);
		ASSERT_STREQ(err, want);
	}
	unlink(uki);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* attest_verify_bundle() (attest/attest-verify.c) on a bundle made by a real TPM: tests/attest/
 * fixture/ (see its README: swtpm 0.7.1, `bootproof attest`, tpm2_checkquote accepts the quote;
 * golden.json from tpm2_pcrread). The genuine bundle verifies; each defect gets the reason
 * docs/attest.md's catalogue gives it: another nonce, another AK, a PCR value changed after the
 * quote, a golden value that differs, a truncated bundle, no AK trusted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "fileio.h"
#include "hexstr.h"
#include "json.h"
#include "measure-attest.h"
#include "measure-golden.h"
#include "test.h"

#define NONCE "00112233445566778899aabbccddeeff"

static char *fixture_path(const char *name)
{
	char *p = NULL;
	const char *src = getenv("BOOTPROOF_SOURCE_DIR");
	ASSERT_TRUE(src);
	ASSERT_TRUE(asprintf(&p, "%s/tests/attest/fixture/%s", src, name) > 0);
	return p;
}

static uint8_t *read_fixture(const char *name, size_t *ret_len)
{
	_cleanup_(freep) char *path = fixture_path(name);
	uint8_t *data = NULL;
	ASSERT_OK(read_file_capped(path, 1u << 20, &data, ret_len));
	return data;
}

static EVP_PKEY *read_key(const char *name)
{
	_cleanup_(freep) char *path = fixture_path(name);
	FILE *f = fopen(path, "re");
	EVP_PKEY *k;
	ASSERT_TRUE(f);
	k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	ASSERT_TRUE(k);
	return k;
}

struct fixture {
	uint8_t *bundle;
	size_t len;
	struct golden *golden;
	EVP_PKEY *ak;
	uint8_t nonce[16];
	struct verify_options o;
};

static void fixture_init(struct fixture *f)
{
	_cleanup_(freep) char *golden = fixture_path("golden.json");
	char err[512] = "";

	*f = (struct fixture){};
	f->bundle = read_fixture("bundle.json", &f->len);
	if (golden_load_file(golden, &f->golden, err, sizeof(err)) < 0)
		TEST_FAIL("golden.json: %s", err);
	f->ak = read_key("ak.pem");
	ASSERT_OK(hex_decode_exact(NONCE, sizeof(f->nonce), false, f->nonce));
	f->o = (struct verify_options){
		.golden = f->golden,
		.nonce = f->nonce,
		.nonce_size = sizeof(f->nonce),
		.ak = f->ak,
		.runtime_pcrs = (1u << 14) | (1u << 15),
	};
}

static void fixture_done(struct fixture *f)
{
	free(f->bundle);
	golden_free(f->golden);
	EVP_PKEY_free(f->ak);
}

/* Runs the verification; checks ok and the reason. */
static void expect(const struct fixture *f, const uint8_t *bundle, size_t len, bool want_ok,
		   const char *want_reason)
{
	_cleanup_(json_decrefp) json_t *v = NULL;
	const char *reason = NULL;
	bool ok = !want_ok;

	ASSERT_OK(attest_verify_bundle(bundle, len, "bundle.json", &f->o, &v, &ok));
	ASSERT_TRUE(v);
	ASSERT_OK(json_get_string(v, "reason", &reason));
	if (ok != want_ok || strcmp(reason, want_reason) != 0)
		TEST_FAIL("verdict ok=%d reason %s (%s), expected ok=%d reason %s", ok, reason,
			  json_string_value(json_object_get(v, "detail")), want_ok, want_reason);
}

TEST(genuine_bundle_verifies)
{
	struct fixture f;
	fixture_init(&f);
	expect(&f, f.bundle, f.len, true, "ok");
	fixture_done(&f);
}

TEST(other_nonce)
{
	struct fixture f;
	fixture_init(&f);
	f.nonce[15] ^= 1;
	expect(&f, f.bundle, f.len, false, "bundle-nonce-mismatch");
	fixture_done(&f);
}

TEST(other_ak)
{
	struct fixture f;
	fixture_init(&f);
	EVP_PKEY_free(f.ak);
	f.ak = read_key("other-ak.pem");
	f.o.ak = f.ak;
	expect(&f, f.bundle, f.len, false, "ak-untrusted");
	fixture_done(&f);
}

/* PCR 4's sha256 value in the bundle changed after the quote: the quote's pcrDigest no longer
 * covers the values the verifier is shown. */
TEST(tampered_pcr_value)
{
	struct fixture f;
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(freep) char *text = NULL;
	char hex[2 * 32 + 1];
	const char *v;
	size_t n;

	fixture_init(&f);
	ASSERT_OK(json_parse_capped(f.bundle, f.len, 1u << 20, 16, &j, NULL, 0));
	v = json_string_value(json_object_get(json_object_get(json_object_get(j, "pcrs"), "sha256"), "4"));
	ASSERT_TRUE(v && strlen(v) == 64);
	memcpy(hex, v, sizeof(hex));
	hex[0] = hex[0] == '0' ? '1' : '0';
	ASSERT_OK(json_object_set_new(json_object_get(json_object_get(j, "pcrs"), "sha256"), "4",
				      json_string(hex)));
	ASSERT_OK(json_dump_canonical(j, &text, &n));
	expect(&f, (const uint8_t *)text, n, false, "pcr-digest-mismatch");
	fixture_done(&f);
}

/* The quote holds, the value differs from the golden one. */
TEST(golden_value_differs)
{
	struct fixture f;
	fixture_init(&f);
	f.golden->banks[BANK_SHA256].pcrs[4].value[0] ^= 1;
	expect(&f, f.bundle, f.len, false, "golden-pcr-mismatch");
	fixture_done(&f);
}

TEST(truncated_bundle)
{
	struct fixture f;
	fixture_init(&f);
	expect(&f, f.bundle, 500, false, "bundle-malformed");
	fixture_done(&f);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ak-cert.h: the GCE instance extension decoder (go-tpm-tools' own test vector, real GCE
 * certificates, every truncation, malformed fields) and the chain check against the shipped
 * roots with real GCE AK certificates from google/go-tpm-tools internal/test/certificates
 * (tests/data/cloud-ak/README.md). Expected values: go-tpm-tools' test (TestGetInstanceInfoASN),
 * the certificates' own subjects, `openssl x509 -fingerprint -sha256` of the roots. */
#include <openssl/pem.h>

#include "measure-attest.h"
#include "test.h"

/* go-tpm-tools server/verify_test.go TestGetInstanceInfoASN: "extract from a real AK cert". */
static const uint8_t go_vector[] = {
	48,  95,  12,  10,  117, 115, 45,  119, 101, 115, 116, 49,  45,  98,  2,   6,   0,   144,
	117, 4,   229, 225, 12,  15,  106, 105, 97,  110, 107, 117, 110, 45,  118, 109, 45,  116,
	101, 115, 116, 2,   8,   49,  104, 224, 55,  188, 207, 185, 178, 12,  12,  106, 107, 108,
	116, 101, 115, 116, 52,  50,  49,  48,  50,  160, 32,  48,  30,  160, 3,   2,   1,   0,
	161, 3,   1,   1,   255, 162, 3,   1,   1,   0,   163, 3,   1,   1,   0,   164, 3,   1,
	1,   0,   165, 3,   1,   1,   0};

TEST(gce_instance_go_tpm_tools_vector)
{
	struct gce_instance_info g;
	char err[200];

	ASSERT_OK(gce_instance_info_parse(go_vector, sizeof(go_vector), &g, err, sizeof(err)));
	/* go-tpm-tools' expected GCEInstanceInfo for these bytes */
	ASSERT_STREQ(g.zone, "us-west1-b");
	ASSERT_STREQ(g.project_id, "jiankun-vm-test");
	ASSERT_TRUE(g.project_number == 620438545889ull);
	ASSERT_STREQ(g.instance_name, "jkltest42102");
	ASSERT_TRUE(g.instance_id == 3560342035431930290ull);
	ASSERT_TRUE(g.has_security_properties && g.is_production && g.security_version == 0);
}

TEST(gce_instance_every_truncation_and_trailing_byte)
{
	uint8_t buf[sizeof(go_vector) + 1];
	struct gce_instance_info g;
	char err[200];

	for (size_t n = 0; n < sizeof(go_vector); n++) {
		int r = gce_instance_info_parse(go_vector, n, &g, err, sizeof(err));
		if (r != -EBADMSG)
			TEST_FAIL("prefix of %zu bytes: %d", n, r);
	}
	memcpy(buf, go_vector, sizeof(go_vector));
	buf[sizeof(go_vector)] = 0;
	ASSERT_ERR(gce_instance_info_parse(buf, sizeof(buf), &g, err, sizeof(err)), -EBADMSG);
	ASSERT_TRUE(strstr(err, "after the SEQUENCE") != NULL);
}

/* One byte changed: the error names the field. */
static void expect_field(size_t off, uint8_t value, const char *field)
{
	uint8_t buf[sizeof(go_vector)];
	struct gce_instance_info g;
	char err[200] = "";

	memcpy(buf, go_vector, sizeof(buf));
	buf[off] = value;
	ASSERT_ERR(gce_instance_info_parse(buf, sizeof(buf), &g, err, sizeof(err)), -EBADMSG);
	if (!strstr(err, field))
		TEST_FAIL("offset %zu = 0x%02x: '%s' does not name %s", off, value, err, field);
}

TEST(gce_instance_malformed_fields_named)
{
	expect_field(4, 0x01, "zone");                   /* a control character */
	expect_field(14, 0x03, "projectNumber");         /* BIT STRING tag, not INTEGER */
	expect_field(16, 0x80, "projectNumber");         /* negative (leading 0x00 replaced) */
	expect_field(16 + 6, 0x0d, "projectId");         /* wrong tag */
	expect_field(41, 0xff, "instanceId");            /* 0x31.. -> 0xff..: negative */
	expect_field(76, 0x05, "isProduction");          /* BOOLEAN 0x05: not DER */
}

TEST(gce_instance_caps_and_integers)
{
	static const uint8_t nonminimal[] = {0x30, 0x0c, 0x0c, 0x01, 'z', 0x02, 0x02, 0x00, 0x01,
					     0x0c, 0x00, 0x02, 0x01, 0x00};
	static const uint8_t big[] = {0x30, 0x14, 0x0c, 0x00, 0x02, 0x09, 0x00, 0x80, 0, 0, 0, 0, 0,
				      0, 0, 0x0c, 0x00, 0x02, 0x01, 0x00, 0x0c, 0x00};
	uint8_t long_str[4 + 300 + 16] = {0x30, 0x82, 0x01, 0x30, 0x0c, 0x82, 0x01, 0x2c};
	struct gce_instance_info g;
	char err[200];

	ASSERT_ERR(gce_instance_info_parse(nonminimal, sizeof(nonminimal), &g, err, sizeof(err)),
		   -EBADMSG);
	ASSERT_TRUE(strstr(err, "minimally") != NULL);
	ASSERT_ERR(gce_instance_info_parse(big, sizeof(big), &g, err, sizeof(err)), -EBADMSG);
	ASSERT_TRUE(strstr(err, "63 bits") != NULL);
	memset(long_str + 8, 'a', 300);
	ASSERT_ERR(gce_instance_info_parse(long_str, 8 + 300, &g, err, sizeof(err)), -E2BIG);
	ASSERT_TRUE(strstr(err, "zone") != NULL);
}

/* ------------------------------------------------------------ real GCE certificates */

static X509 *load_cert(const char *name)
{
	char path[1024];
	const char *src = getenv("BOOTPROOF_SOURCE_DIR");
	FILE *f;
	X509 *x;

	snprintf(path, sizeof(path), "%s/tests/data/cloud-ak/gce/%s", src ? src : ".", name);
	f = fopen(path, "r");
	if (!f) {
		printf("SKIP: %s absent (tests/data/cloud-ak/README.md)\n", path);
		exit(77);
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ASSERT_TRUE(x != NULL);
	return x;
}

static void use_source_roots(struct ak_anchors *a, const char *which)
{
	char dir[1024], err[300];
	const char *src = getenv("BOOTPROOF_SOURCE_DIR");

	snprintf(dir, sizeof(dir), "%s/data/ak-roots", src ? src : ".");
	setenv("BOOTPROOF_AK_ROOTS", dir, 1);
	if (ak_anchors_add(a, which, err, sizeof(err)) < 0)
		TEST_FAIL("--ak-ca %s: %s", which, err);
}

/* Checks cert against the shipped roots with key as the bundle's AK; no intermediates in the
 * "bundle": the shipped known intermediates must complete the chain. */
static struct ak_cert_verdict check(X509 *cert, EVP_PKEY *key, const char *roots, time_t at)
{
	struct ak_anchors a = {};
	struct ak_cert_verdict v;
	unsigned char *der = NULL;
	int len = i2d_X509(cert, &der);

	ASSERT_TRUE(len > 0);
	use_source_roots(&a, roots);
	ASSERT_OK(ak_cert_verify(&(struct ak_cert_input){.cert = der, .cert_size = (size_t)len,
							  .ak = key, .anchors = &a, .at = at},
				 &v));
	OPENSSL_free(der);
	ak_anchors_done(&a);
	return v;
}

static const char *jstr(json_t *o, const char *path1, const char *path2)
{
	json_t *j = json_object_get(o, path1);
	return json_string_value(path2 ? json_object_get(j, path2) : j);
}

TEST(gce_real_certificates_chain_to_their_roots)
{
	/* pca: the "EK/AK CA Root" (via EK/AK CA Intermediate v3); uca: tpm_ek_root_1 (via
	 * intermediate 3). Fingerprints: openssl x509 -fingerprint -sha256 of go-tpm-tools'
	 * server/ca-certs files. */
	static const struct {
		const char *file, *root_sha256, *name;
		unsigned long long id;
	} cases[] = {
		{"pca_tpm_rsa_sign_cert.pem",
		 "594759594b9b61524f6c8ef668f7177f7b9066bc0674f2f49fe9e052be78beb2", "cs-debug-pca",
		 218557372616137117ull},
		{"pca_tpm_ecc_sign_cert.pem",
		 "594759594b9b61524f6c8ef668f7177f7b9066bc0674f2f49fe9e052be78beb2", "cs-debug-pca",
		 218557372616137117ull},
		{"uca_tpm_rsa_sign_cert.pem",
		 "9bd5285f8fb18502a7947e621ffd470266f49fcd3b73e19a190f690ad32a7caf", "cs-debug",
		 5780156274199835632ull},
		{"uca_tpm_ecc_sign_cert.pem",
		 "9bd5285f8fb18502a7947e621ffd470266f49fcd3b73e19a190f690ad32a7caf", "cs-debug",
		 5780156274199835632ull},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		X509 *x = load_cert(cases[i].file);
		struct ak_cert_verdict v = check(x, X509_get0_pubkey(x), "gce", 0);
		json_t *gce;

		if (v.why != AK_CERT_OK)
			TEST_FAIL("%s: %s: %s", cases[i].file, ak_cert_failure_to_string(v.why),
				  v.detail);
		ASSERT_STREQ(jstr(v.info, "anchor", "sha256"), cases[i].root_sha256);
		ASSERT_STREQ(jstr(v.info, "anchor", "source"), "gce");
		gce = json_object_get(v.info, "gce");
		ASSERT_STREQ(jstr(gce, "zone", NULL), "us-central1-a");
		ASSERT_STREQ(jstr(gce, "project_id", NULL), "google.com:wuale-gcp-testing");
		ASSERT_STREQ(jstr(gce, "instance_name", NULL), cases[i].name);
		ASSERT_TRUE((unsigned long long)json_integer_value(json_object_get(gce, "instance_id")) ==
			    cases[i].id);
		ASSERT_TRUE(json_integer_value(json_object_get(gce, "project_number")) == 117478743145);
		json_decref(v.info);
		X509_free(x);
	}
}

TEST(gce_real_certificates_refused)
{
	X509 *rsa = load_cert("pca_tpm_rsa_sign_cert.pem"), *ecc = load_cert("pca_tpm_ecc_sign_cert.pem");
	X509 *enc = load_cert("pca_tpm_rsa_enc_cert.pem"), *uca = load_cert("uca_tpm_rsa_sign_cert.pem");
	struct ak_cert_verdict v;

	/* the ECC AK's certificate presented for the RSA AK, and the other way round */
	v = check(ecc, X509_get0_pubkey(rsa), "gce", 0);
	ASSERT_EQ(v.why, AK_CERT_KEY_TYPE);
	v = check(rsa, X509_get0_pubkey(ecc), "gce", 0);
	ASSERT_EQ(v.why, AK_CERT_KEY_TYPE);
	/* the same instance's other RSA certificate (the old CA's) certifies another key */
	v = check(rsa, X509_get0_pubkey(uca), "gce", 0);
	ASSERT_EQ(v.why, AK_CERT_KEY_MISMATCH);
	/* an encryption key's certificate (keyEncipherment) is not an AK certificate */
	v = check(enc, X509_get0_pubkey(enc), "gce", 0);
	ASSERT_EQ(v.why, AK_CERT_EKU);
	/* Azure's root does not anchor Google's certificates */
	v = check(rsa, X509_get0_pubkey(rsa), "azure", 0);
	ASSERT_EQ(v.why, AK_CERT_INTERMEDIATE_MISSING);
	/* validity: notBefore 2022-11-23, notAfter 2052-11-15 */
	v = check(rsa, X509_get0_pubkey(rsa), "gce", 1600000000); /* 2020-09-13 */
	ASSERT_EQ(v.why, AK_CERT_NOT_YET_VALID);
	v = check(rsa, X509_get0_pubkey(rsa), "gce", 2700000000); /* 2055-07-23 */
	ASSERT_EQ(v.why, AK_CERT_EXPIRED);
	X509_free(rsa);
	X509_free(ecc);
	X509_free(enc);
	X509_free(uca);
}

TEST(parse_time)
{
	time_t t;

	ASSERT_OK(ak_cert_parse_time("@1600000000", &t));
	ASSERT_TRUE(t == 1600000000);
	ASSERT_OK(ak_cert_parse_time("2020-09-13T12:26:40Z", &t));
	ASSERT_TRUE(t == 1600000000);
	ASSERT_ERR(ak_cert_parse_time("2020-09-13", &t), -EINVAL);
	ASSERT_ERR(ak_cert_parse_time("@12x", &t), -EINVAL);
	ASSERT_ERR(ak_cert_parse_time("@", &t), -EINVAL);
}

TEST(azure_real_certificate_chains_to_the_azure_root)
{
	char path[1024];
	const char *src = getenv("BOOTPROOF_SOURCE_DIR");
	FILE *f;
	X509 *x;
	struct ak_cert_verdict v;

	snprintf(path, sizeof(path), "%s/tests/data/cloud-ak/azure/akcert_0x01C101D0.der",
		 src ? src : ".");
	f = fopen(path, "rb");
	if (!f) {
		printf("SKIP: %s absent (tests/data/cloud-ak/README.md)\n", path);
		exit(77);
	}
	x = d2i_X509_fp(f, NULL);
	fclose(f);
	ASSERT_TRUE(x != NULL);
	/* 2026-08-01: inside its validity (2026-07-27 .. 2027-04-21); CA - 03 from the shipped
	 * intermediates, the root pinned. With its own key as the AK: verified. */
	v = check(x, X509_get0_pubkey(x), "azure", 1785542400);
	if (v.why != AK_CERT_OK)
		TEST_FAIL("%s: %s", ak_cert_failure_to_string(v.why), v.detail);
	ASSERT_STREQ(jstr(v.info, "subject", NULL), "CN=f859864a6a31.TrustedVM.Azure.windows.net");
	ASSERT_STREQ(jstr(v.info, "anchor", "sha256"),
		     "e6c596b17f8ffefba5c300f714cfb1260c6028704ecf7becc4ab5018efb00e95");
	ASSERT_TRUE(json_object_get(v.info, "gce") == NULL);
	json_decref(v.info);
	v = check(x, X509_get0_pubkey(x), "azure", 1830000000); /* 2027-12-29 */
	ASSERT_EQ(v.why, AK_CERT_EXPIRED);
	v = check(x, X509_get0_pubkey(x), "gce", 1785542400);
	ASSERT_EQ(v.why, AK_CERT_INTERMEDIATE_MISSING);
	X509_free(x);
}

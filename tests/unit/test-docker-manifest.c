/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of docker-manifest.c: references, digests, manifest.json, OCI index/manifest,
 * configs. Expected normalisations follow distribution/reference's normalize.go
 * (ParseNormalizedNamed + FamiliarString) and what `docker images` prints, e.g. an image
 * tagged docker.io/library/busybox:1 lists as busybox:1. */
#include "docker-exports/docker-manifest.h"
#include "test.h"

static void norm_ok(const char *in, const char *want)
{
	char *out = NULL;
	int r = docker_reference_normalize(in, &out);
	if (r < 0)
		TEST_FAIL("normalize('%s') failed: %d", in, r);
	if (strcmp(out, want) != 0)
		TEST_FAIL("normalize('%s') = '%s', expected '%s'", in, out, want);
	free(out);
}

static void norm_err(const char *in, int err)
{
	char *out = NULL;
	int r = docker_reference_normalize(in, &out);
	if (r != err)
		TEST_FAIL("normalize('%s') = %d ('%s'), expected %d", in, r, out ? out : "", err);
}

TEST(reference_normalize)
{
	norm_ok("busybox", "busybox:latest");
	norm_ok("busybox:1.36", "busybox:1.36");
	norm_ok("docker.io/library/busybox:1", "busybox:1");
	norm_ok("index.docker.io/library/busybox:1", "busybox:1");
	norm_ok("library/busybox:1", "busybox:1");
	norm_ok("docker.io/feas/d26-import:1.0", "feas/d26-import:1.0");
	norm_ok("feas/d20-import:latest", "feas/d20-import:latest");
	norm_ok("localhost/feas/bah-top:1.0", "localhost/feas/bah-top:1.0");
	norm_ok("localhost:5000/a/b:c", "localhost:5000/a/b:c");
	norm_ok("registry.example.com/a__b/c-d.e:v1_2-3.x", "registry.example.com/a__b/c-d.e:v1_2-3.x");
	norm_ok("v1", "v1:latest"); /* umoci's bare ref.name, as docker's containerd store reads it */
	norm_ok("x:y@sha256:0000000000000000000000000000000000000000000000000000000000000000", "x:y");
	norm_err("x@sha256:0000000000000000000000000000000000000000000000000000000000000000", -ENOENT);
	norm_err("", -EBADMSG);
	norm_err("Busybox", -EBADMSG);
	norm_err("a//b", -EBADMSG);
	norm_err("a/b/", -EBADMSG);
	norm_err("a:", -EBADMSG);
	norm_err("a:-x", -EBADMSG);
	norm_err("a_-b", -EBADMSG);
	norm_err("-a", -EBADMSG);
	norm_err("a:b:c", -EBADMSG);
	norm_err("a@sha256:00", -EBADMSG);
	norm_err("<none>:<none>", -EBADMSG);
	norm_err("..", -EBADMSG);
}

TEST(digest_parse)
{
	uint8_t d[SHA256_LEN];
	char s[OCI_DIGEST_STRLEN];
	const char *good = "sha256:e5acc468c1c6aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

	ASSERT_OK(oci_digest_parse(good, d));
	oci_digest_format(d, s);
	ASSERT_STREQ(s, good);
	ASSERT_ERR(oci_digest_parse("sha512:abcd", d), -EOPNOTSUPP);
	ASSERT_ERR(oci_digest_parse("sha256:E5ACC468C1C6AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", d), -EBADMSG);
	ASSERT_ERR(oci_digest_parse("sha256:e5", d), -EBADMSG);
	ASSERT_ERR(oci_digest_parse("e5acc468", d), -EBADMSG);
	ASSERT_ERR(oci_digest_parse(":x", d), -EBADMSG);
	ASSERT_ERR(oci_digest_parse("SHA!:x", d), -EBADMSG);
}

#define D64 "e5acc468c1c6aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

TEST(manifest_json)
{
	const char *ok = "[{\"Config\":\"" D64 ".json\",\"RepoTags\":[\"a:1\",\"b\"],"
			 "\"Layers\":[\"x/layer.tar\",\"y/layer.tar\"]},"
			 "{\"Config\":\"c.json\",\"RepoTags\":null,\"Layers\":[]}]";
	struct docker_manifest *m = NULL;
	char err[256];

	ASSERT_OK(docker_manifest_parse(ok, strlen(ok), &m, err, sizeof(err)));
	ASSERT_EQ(m->n_items, 2);
	ASSERT_EQ(m->items[0].n_repo_tags, 2);
	ASSERT_STREQ(m->items[0].layers[1], "y/layer.tar");
	ASSERT_EQ(m->items[1].n_repo_tags, 0);
	docker_manifest_free(m);

	ASSERT_ERR(docker_manifest_parse("{}", 2, &m, err, sizeof(err)), -EBADMSG);
	ASSERT_ERR(docker_manifest_parse("[]", 2, &m, err, sizeof(err)), -EBADMSG);
	ASSERT_ERR(docker_manifest_parse("[{\"Config\":1,\"Layers\":[]}]", 26, &m, err, sizeof(err)),
		   -EBADMSG);
	ASSERT_ERR(docker_manifest_parse("[{\"Config\":\"a\",\"Layers\":[1]}]", 28, &m, err, sizeof(err)),
		   -EBADMSG);
	ASSERT_ERR(docker_manifest_parse("[{\"Config\":\"a\",\"Config\":\"b\",\"Layers\":[]}]", 41, &m,
					 err, sizeof(err)),
		   -EBADMSG); /* duplicate key */
	ASSERT_TRUE(strstr(err, "invalid JSON") != NULL);
	/* every truncation of a valid document fails cleanly */
	for (size_t n = 0; n < strlen(ok); n++)
		ASSERT_TRUE(docker_manifest_parse(ok, n, &m, err, sizeof(err)) < 0);
}

TEST(oci_index_and_manifest)
{
	const char *ix =
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
		"\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" D64 "\","
		"\"size\":717,\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\","
		"\"io.containerd.image.name\":\"docker.io/feas/x:1.0\"}},"
		"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" D64
		"\",\"size\":1,\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},"
		"\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"}}]}";
	const char *mf = "{\"schemaVersion\":2,\"config\":{\"mediaType\":"
			 "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" D64
			 "\",\"size\":3},\"layers\":[{\"mediaType\":"
			 "\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"sha256:" D64
			 "\",\"size\":5}]}";
	struct oci_index *x = NULL;
	struct oci_manifest *m = NULL;
	enum docker_compression c;
	char err[256];

	ASSERT_OK(oci_index_parse(ix, strlen(ix), &x, err, sizeof(err)));
	ASSERT_EQ(x->n_manifests, 2);
	ASSERT_STREQ(x->manifests[0].image_name, "docker.io/feas/x:1.0");
	ASSERT_STREQ(x->manifests[0].ref_name, "1.0");
	ASSERT_EQ(x->manifests[0].size, 717);
	ASSERT_TRUE(x->manifests[1].attestation);
	ASSERT_TRUE(x->manifests[1].platform_unknown);
	oci_index_free(x);
	ASSERT_EQ(oci_document_kind(ix, strlen(ix)), OCI_KIND_INDEX);

	ASSERT_OK(oci_manifest_parse(mf, strlen(mf), &m, err, sizeof(err)));
	ASSERT_EQ(m->n_layers, 1);
	ASSERT_OK(oci_layer_media_type_compression(m->layers[0].media_type, &c));
	ASSERT_EQ(c, DOCKER_COMPRESSION_ZSTD);
	ASSERT_TRUE(oci_config_media_type_ok(m->config.media_type));
	oci_manifest_free(m);
	ASSERT_EQ(oci_document_kind(mf, strlen(mf)), OCI_KIND_MANIFEST);

	ASSERT_ERR(oci_layer_media_type_compression("application/vnd.in-toto+json", &c), -EOPNOTSUPP);
	ASSERT_ERR(oci_index_parse("{\"schemaVersion\":1,\"manifests\":[]}", 34, &x, err, sizeof(err)),
		   -EBADMSG);
	{
		const char *neg = "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:" D64
				  "\",\"size\":-1}]}";
		const char *huge = "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:" D64
				   "\",\"size\":99999999999999999}]}";
		const char *alg = "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha512:ab\","
				  "\"size\":1}]}";
		ASSERT_ERR(oci_index_parse(neg, strlen(neg), &x, err, sizeof(err)), -EBADMSG);
		ASSERT_ERR(oci_index_parse(huge, strlen(huge), &x, err, sizeof(err)), -E2BIG);
		ASSERT_ERR(oci_index_parse(alg, strlen(alg), &x, err, sizeof(err)), -EOPNOTSUPP);
	}
	for (size_t n = 0; n < strlen(ix); n++)
		ASSERT_TRUE(oci_index_parse(ix, n, &x, err, sizeof(err)) < 0);
}

TEST(config)
{
	const char *ok = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
			 "\"diff_ids\":[\"sha256:" D64 "\"]}}";
	struct docker_config *c = NULL;
	char err[256];

	ASSERT_OK(docker_config_parse(ok, strlen(ok), &c, err, sizeof(err)));
	ASSERT_EQ(c->n_diff_ids, 1);
	ASSERT_STREQ(c->platform, "linux/amd64");
	docker_config_free(c);
	ASSERT_ERR(docker_config_parse("{\"rootfs\":{\"type\":\"x\",\"diff_ids\":[]}}", 37, &c, err,
				       sizeof(err)),
		   -EBADMSG);
	ASSERT_ERR(docker_config_parse("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:1\"]}}",
				       51, &c, err, sizeof(err)),
		   -EBADMSG);
}

TEST(paths)
{
	char *p = NULL;

	ASSERT_OK(docker_path_normalize("./blobs//sha256/./x", &p));
	ASSERT_STREQ(p, "blobs/sha256/x");
	free(p);
	ASSERT_OK(docker_path_normalize("dir/", &p));
	ASSERT_STREQ(p, "dir");
	free(p);
	ASSERT_ERR(docker_path_normalize("/etc/passwd", &p), -EBADMSG);
	ASSERT_ERR(docker_path_normalize("a/../b", &p), -EBADMSG);
	ASSERT_ERR(docker_path_normalize("..", &p), -EBADMSG);
	ASSERT_ERR(docker_path_normalize(".", &p), -EBADMSG);
	ASSERT_ERR(docker_path_normalize("", &p), -EBADMSG);

	ASSERT_OK(docker_link_resolve("abc/layer.tar", "../def/layer.tar", &p));
	ASSERT_STREQ(p, "def/layer.tar");
	free(p);
	ASSERT_OK(docker_link_resolve("top", "blobs/sha256/x", &p));
	ASSERT_STREQ(p, "blobs/sha256/x");
	free(p);
	ASSERT_ERR(docker_link_resolve("abc/layer.tar", "../../etc/passwd", &p), -EBADMSG);
	ASSERT_ERR(docker_link_resolve("abc/layer.tar", "/etc/passwd", &p), -EBADMSG);
	ASSERT_ERR(docker_link_resolve("x", "..", &p), -EBADMSG);

	ASSERT_TRUE(docker_path_escapes("../x"));
	ASSERT_TRUE(docker_path_escapes("a/../../x"));
	ASSERT_TRUE(docker_path_escapes("/x"));
	ASSERT_TRUE(docker_path_escapes(".."));
	ASSERT_TRUE(!docker_path_escapes("./a/..b/c.."));
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* container_measurements.json (docker-exports/measurements.c, docs/containers.md): the strict
 * reader and the canonical writer. The documents below were written by Python
 * (json.dumps(doc, indent=2, sort_keys=True) + "\n", the canonical form docs/containers.md
 * names) with IDs and digests from hashlib.sha256 of known strings: a document read and written
 * again must come back byte for byte (less what the reader does not keep); the AICert map is Python's too; defects are refused with
 * the key named. */
#include <errno.h>
#include <string.h>

#include "docker-exports/docker-archive.h"
#include "docker-exports/measurements.h"
#include "json.h"
#include "test.h"

/* id = sha256("config-a") / sha256("config-b"), diff_ids sha256("layer-N"), ... */
static const char doc[] =
	"{\n"
	"  \"format\": \"bootproof-container-measurements\",\n"
	"  \"images\": [\n"
	"    {\n"
	"      \"config_digest\": \"sha256:7412b0f22fb8f3e952e3cb17ee3dfd2e480c80f8622467ae605b5984ae6a9341\",\n"
	"      \"diff_ids\": [\n"
	"        \"sha256:922badbaf192e1a4a5af64df422de6d73e96e70d0ab52245bd3d692bcea9cfad\",\n"
	"        \"sha256:6bdb18f83935f1d97220ee8035e6ccd7e764c32102587be4488f940f943ebda6\"\n"
	"      ],\n"
	"      \"id\": \"sha256:7412b0f22fb8f3e952e3cb17ee3dfd2e480c80f8622467ae605b5984ae6a9341\",\n"
	"      \"index_digests\": [],\n"
	"      \"manifest_digests\": [\n"
	"        \"sha256:b6fd458a7205924b78c0b1bcc6730fc69ee72e093dd49f56e106479057f9441d\"\n"
	"      ],\n"
	"      \"platform\": \"linux/amd64\",\n"
	"      \"sources\": [\n"
	"        {\n"
	"          \"archive\": \"a.tar\",\n"
	"          \"sha256\": \"8f8cac92726d3995070e1b30735305e64cfa914631534d3f9c902efbc88252d7\"\n"
	"        }\n"
	"      ],\n"
	"      \"tags\": [\n"
	"        \"caddy:latest\",\n"
	"        \"localhost/app:1\"\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"config_digest\": \"sha256:652de45506943503f44fbea64dc4e811c62220493bd1c6a0e9d1d8bfd261a952\",\n"
	"      \"diff_ids\": [\n"
	"        \"sha256:da0002e0cd62c639edf0b88ba0216b00084f5abf275328f44d39784450a625f4\"\n"
	"      ],\n"
	"      \"id\": \"sha256:652de45506943503f44fbea64dc4e811c62220493bd1c6a0e9d1d8bfd261a952\",\n"
	"      \"index_digests\": [\n"
	"        \"sha256:921900bd3d9be61b88f5c38962d1e011e59a730c0cbf9dd910c4db3acda91a80\"\n"
	"      ],\n"
	"      \"manifest_digests\": [],\n"
	"      \"platform\": null,\n"
	"      \"sources\": [\n"
	"        {\n"
	"          \"archive\": \"b.tar\",\n"
	"          \"sha256\": \"d0cc99daa50e475e94d10d23669481467a40642292445ab51c94cfc920105f22\"\n"
	"        }\n"
	"      ],\n"
	"      \"tags\": []\n"
	"    }\n"
	"  ],\n"
	"  \"version\": 1\n"
	"}\n";

/* The same as `containers check` keeps it: the reader takes no platform and no sources (they
 * describe how the archive was read, not what the engine must hold), so both come back empty. */
static const char doc_kept[] =
	"{\n"
	"  \"format\": \"bootproof-container-measurements\",\n"
	"  \"images\": [\n"
	"    {\n"
	"      \"config_digest\": \"sha256:7412b0f22fb8f3e952e3cb17ee3dfd2e480c80f8622467ae605b5984ae6a9341\",\n"
	"      \"diff_ids\": [\n"
	"        \"sha256:922badbaf192e1a4a5af64df422de6d73e96e70d0ab52245bd3d692bcea9cfad\",\n"
	"        \"sha256:6bdb18f83935f1d97220ee8035e6ccd7e764c32102587be4488f940f943ebda6\"\n"
	"      ],\n"
	"      \"id\": \"sha256:7412b0f22fb8f3e952e3cb17ee3dfd2e480c80f8622467ae605b5984ae6a9341\",\n"
	"      \"index_digests\": [],\n"
	"      \"manifest_digests\": [\n"
	"        \"sha256:b6fd458a7205924b78c0b1bcc6730fc69ee72e093dd49f56e106479057f9441d\"\n"
	"      ],\n"
	"      \"platform\": null,\n"
	"      \"sources\": [],\n"
	"      \"tags\": [\n"
	"        \"caddy:latest\",\n"
	"        \"localhost/app:1\"\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"config_digest\": \"sha256:652de45506943503f44fbea64dc4e811c62220493bd1c6a0e9d1d8bfd261a952\",\n"
	"      \"diff_ids\": [\n"
	"        \"sha256:da0002e0cd62c639edf0b88ba0216b00084f5abf275328f44d39784450a625f4\"\n"
	"      ],\n"
	"      \"id\": \"sha256:652de45506943503f44fbea64dc4e811c62220493bd1c6a0e9d1d8bfd261a952\",\n"
	"      \"index_digests\": [\n"
	"        \"sha256:921900bd3d9be61b88f5c38962d1e011e59a730c0cbf9dd910c4db3acda91a80\"\n"
	"      ],\n"
	"      \"manifest_digests\": [],\n"
	"      \"platform\": null,\n"
	"      \"sources\": [],\n"
	"      \"tags\": []\n"
	"    }\n"
	"  ],\n"
	"  \"version\": 1\n"
	"}\n";

static const char aicert[] =
	"{\n"
	"  \"@local/caddy:latest\": \"sha256:7412b0f22fb8f3e952e3cb17ee3dfd2e480c80f8622467ae605b5984ae6a9341\",\n"
	"  \"@local/localhost/app:1\": \"sha256:7412b0f22fb8f3e952e3cb17ee3dfd2e480c80f8622467ae605b5984ae6a9341\"\n"
	"}\n";

static char *write_back(const struct docker_image_set *set)
{
	_cleanup_(json_decrefp) json_t *j = NULL;
	char *s = NULL;
	size_t n;
	ASSERT_OK(measurements_to_json(set, &j));
	ASSERT_OK(json_dump_canonical(j, &s, &n));
	ASSERT_EQ(n, strlen(s));
	return s;
}

TEST(read_and_write_back)
{
	_cleanup_(docker_image_set_freep) struct docker_image_set *set = NULL;
	_cleanup_(freep) char *again = NULL;
	char err[512] = "";

	ASSERT_OK(measurements_parse(doc, strlen(doc), &set, err, sizeof(err)));
	ASSERT_EQ(set->n_images, 2);
	ASSERT_EQ(set->images[0].n_tags, 2);
	ASSERT_EQ(set->images[0].n_diff_ids, 2);
	again = write_back(set);
	ASSERT_STREQ(again, doc_kept);
}

TEST(aicert_map)
{
	_cleanup_(docker_image_set_freep) struct docker_image_set *set = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(freep) char *s = NULL;
	char err[512] = "";
	size_t n;

	ASSERT_OK(measurements_parse(doc, strlen(doc), &set, err, sizeof(err)));
	ASSERT_OK(measurements_to_aicert(set, &j));
	ASSERT_OK(json_dump_canonical(j, &s, &n));
	ASSERT_STREQ(s, aicert); /* the untagged image has no key */
}

TEST(tags_name_one_image)
{
	_cleanup_(docker_image_set_freep) struct docker_image_set *set = NULL;
	_cleanup_(freep) char *two = strdup(doc);
	char *p;
	struct docker_diag diag = {};
	char err[512] = "";

	ASSERT_OK(measurements_parse(doc, strlen(doc), &set, err, sizeof(err)));
	ASSERT_OK(measurements_check_tags_unique(set, &diag));
	docker_image_set_free(set);
	set = NULL;
	/* the second image also claims caddy:latest */
	ASSERT_TRUE(two);
	p = strstr(two, "\"tags\": []");
	ASSERT_TRUE(p);
	{
		_cleanup_(freep) char *edited = NULL;
		*p = 0;
		ASSERT_TRUE(asprintf(&edited, "%s\"tags\": [\"caddy:latest\"]%s", two,
				     p + strlen("\"tags\": []")) > 0);
		ASSERT_OK(measurements_parse(edited, strlen(edited), &set, err, sizeof(err)));
	}
	ASSERT_ERR(measurements_check_tags_unique(set, &diag), -EBADMSG);
	ASSERT_TRUE(strstr(diag.msg, "tag 'caddy:latest' names two images"));
}

static void expect_refused(const char *from, const char *to, const char *want)
{
	_cleanup_(docker_image_set_freep) struct docker_image_set *set = NULL;
	_cleanup_(freep) char *edited = NULL;
	const char *at = strstr(doc, from);
	char err[512] = "";
	int r;

	ASSERT_TRUE(at);
	ASSERT_TRUE(asprintf(&edited, "%.*s%s%s", (int)(at - doc), doc, to, at + strlen(from)) > 0);
	r = measurements_parse(edited, strlen(edited), &set, err, sizeof(err));
	if (r >= 0)
		TEST_FAIL("'%s' -> '%s' accepted", from, to);
	if (!strstr(err, want))
		TEST_FAIL("'%s' -> '%s': message '%s' does not name '%s'", from, to, err, want);
}

TEST(defects_refused)
{
	expect_refused("\"version\": 1", "\"version\": 2",
		       "not a bootproof-container-measurements version 1");
	expect_refused("\"format\": \"bootproof-container-measurements\"",
		       "\"format\": \"other\"", "not a bootproof-container-measurements version 1");
	expect_refused("\"id\": \"sha256:7412", "\"id\": \"sha512:7412", "id");
	expect_refused("\"diff_ids\": [\n        \"sha256:922b", "\"diff_ids\": [\n        \"sha256:922B",
		       "diff_ids");
	expect_refused("\"tags\": []", "\"tags\": [1]", "tags");
	/* keys the writer does not write are refused, at the top and in an image */
	expect_refused("\"version\": 1", "\"version\": 1, \"signed\": true",
		       "(top level): unknown key \"signed\"");
	expect_refused("\"tags\": []", "\"tags\": [], \"labels\": {}",
		       "images[1]: unknown key \"labels\"");
}

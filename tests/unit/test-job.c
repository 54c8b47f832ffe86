/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Jobs: the strict spec reader (every refusal names its key; every truncation refused), the
 * record strings (round trip, strictness), the release's container list, the verifier's state
 * machine over a userspace log, and the path checks on a real file tree. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "job/job-paths.h"
#include "job/job-spec.h"
#include "json.h"
#include "measure-attest.h"
#include "measure-eventlog.h"
#include "test.h"

static const char good_spec[] =
	"{\"format\": \"bootproof-job/1\", \"container\": \"demo:1\",\n"
	" \"command\": [\"/bin/sh\", \"-c\", \"echo hi\"],\n"
	" \"inputs\": [{\"name\": \"data\", \"path\": \"/srv/in/data\"}],\n"
	" \"output\": \"/srv/out/o\",\n"
	" \"limits\": {\"memory_mb\": 512, \"cpus\": 2, \"pids\": 64, \"seconds\": 60}}";

TEST(spec_good)
{
	struct job_spec *s = NULL;
	char err[300];

	ASSERT_OK(job_spec_parse(good_spec, strlen(good_spec), &s, err, sizeof(err)));
	ASSERT_STREQ(s->container, "demo:1");
	ASSERT_EQ(s->n_command, 3);
	ASSERT_TRUE(s->command[3] == NULL);
	ASSERT_EQ(s->n_inputs, 1);
	ASSERT_STREQ(s->inputs[0].name, "data");
	ASSERT_STREQ(s->inputs[0].path, "/srv/in/data");
	ASSERT_STREQ(s->output, "/srv/out/o");
	ASSERT_EQ(s->memory_mb, 512);
	ASSERT_EQ(s->cpus, 2);
	ASSERT_EQ(s->pids, 64);
	ASSERT_EQ(s->seconds, 60);
	job_spec_free(s);
}

/* Replaces the first occurrence of from in good_spec by to; expects a refusal whose message
 * contains want and whose reason word is reason. */
static void expect_bad(const char *from, const char *to, const char *want, const char *reason)
{
	char doc[2048], err[300];
	const char *at = strstr(good_spec, from);
	struct job_spec *s = NULL;
	int r;

	ASSERT_TRUE(at);
	snprintf(doc, sizeof(doc), "%.*s%s%s", (int)(at - good_spec), good_spec, to,
		 at + strlen(from));
	r = job_spec_parse(doc, strlen(doc), &s, err, sizeof(err));
	if (r >= 0 || !strstr(err, want) || strcmp(job_spec_error_reason(r, err), reason) != 0)
		TEST_FAIL("'%s' -> '%s': r=%d err='%s' reason=%s", from, to, r, err,
			  job_spec_error_reason(r, err));
}

TEST(spec_refusals)
{
	expect_bad("\"format\"", "\"extra\": 1, \"format\"", "spec: unknown key \"extra\"",
		   "spec-unknown-key");
	expect_bad("\"seconds\": 60", "\"seconds\": 60, \"gpus\": 1", "limits: unknown key \"gpus\"",
		   "spec-unknown-key");
	expect_bad("\"path\": \"/srv/in/data\"", "\"path\": \"/srv/in/data\", \"mode\": \"rw\"",
		   "inputs[0]: unknown key \"mode\"", "spec-unknown-key");
	expect_bad("/srv/in/data", "/srv/in/../etc", "inputs[0].path: '/srv/in/../etc': a '..' "
		   "component", "path-dotdot");
	expect_bad("/srv/out/o", "/srv/out/./o", "output: '/srv/out/./o': a '.' component",
		   "path-invalid");
	expect_bad("/srv/out/o", "srv/out", "not an absolute path", "path-invalid");
	expect_bad("/srv/in/data", "/srv/in/a,b", "a character outside", "path-invalid");
	expect_bad("/srv/in/data", "/srv//in", "an empty component", "path-invalid");
	expect_bad("\"demo:1\"", "\"demo\"", "container: 'demo' is not NAME:TAG", "spec-invalid");
	expect_bad("bootproof-job/1", "bootproof-job/2", "format: not", "spec-invalid");
	expect_bad("\"memory_mb\": 512", "\"memory_mb\": 5", "limits.memory_mb: 5 is outside",
		   "spec-invalid");
	expect_bad("\"seconds\": 60", "\"seconds\": 0", "limits.seconds: 0 is outside",
		   "spec-invalid");
	expect_bad("\"cpus\": 2", "\"cpus\": 2.5", "limits.cpus: not an integer", "spec-invalid");
	expect_bad("\"name\": \"data\"", "\"name\": \"Data\"", "inputs[0].name: 'Data'",
		   "spec-invalid");
	expect_bad("[\"/bin/sh\", \"-c\", \"echo hi\"]", "[]", "command: not an array",
		   "spec-invalid");
	expect_bad("\"pids\": 64,", "", "limits: missing \"pids\"", "spec-invalid");
	expect_bad("{\"name\": \"data\", \"path\": \"/srv/in/data\"}",
		   "{\"name\": \"d\", \"path\": \"/a\"}, {\"name\": \"d\", \"path\": \"/b\"}",
		   "inputs[1].name: 'd' is also inputs[0].name", "spec-invalid");
	expect_bad("\"format\"", "\"format\": 1, \"format\"", "duplicate", "spec-invalid");
}

TEST(spec_truncations_and_caps)
{
	char err[300], *big;
	struct job_spec *s = NULL;

	for (size_t n = 0; n < strlen(good_spec); n++)
		ASSERT_TRUE(job_spec_parse(good_spec, n, &s, err, sizeof(err)) < 0);
	big = malloc(JOB_SPEC_MAX_SIZE + 2);
	ASSERT_TRUE(big);
	memset(big, ' ', JOB_SPEC_MAX_SIZE + 1);
	memcpy(big, good_spec, strlen(good_spec));
	ASSERT_ERR(job_spec_parse(big, JOB_SPEC_MAX_SIZE + 1, &s, err, sizeof(err)), -E2BIG);
	ASSERT_STREQ(job_spec_error_reason(-E2BIG, err), "spec-too-large");
	free(big);
}

TEST(records)
{
	static const char *const good[] = {
		"bootproof:v1:job-spec:" "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881:1",
		"bootproof:v1:job-container:sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881:registry.example:5000/x/demo:1.0",
		"bootproof:v1:job-container:none:demo:1",
		"bootproof:v1:job-start:3",
		"bootproof:v1:job-refused:container-id-mismatch",
		"bootproof:v1:job-exit:0",
		"bootproof:v1:job-exit:255",
		"bootproof:v1:job-exit:timeout",
		"bootproof:v1:job-end:0",
	};
	static const char *const bad[] = {
		"bootproof:v1:job-spec:2D711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881:1",
		"bootproof:v1:job-spec:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881:01",
		"bootproof:v1:job-spec:2d71:1",
		"bootproof:v1:job-container:sha256:2d71:demo:1",
		"bootproof:v1:job-container:none:demo",
		"bootproof:v1:job-container:none:",
		"bootproof:v1:job-start:",
		"bootproof:v1:job-start:-1",
		"bootproof:v1:job-start:1:2",
		"bootproof:v1:job-end:100001",
		"bootproof:v1:job-refused:Container",
		"bootproof:v1:job-refused:",
		"bootproof:v1:job-exit:256",
		"bootproof:v1:job-exit:007",
		"bootproof:v1:job-exit:crash",
		"bootproof:v1:job-run:1",
		"bootproof:v1:job-",
		"bootproof:v1:input:file:x",
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct job_record r;
		char *s = NULL;
		if (job_record_parse(good[i], &r) < 0)
			TEST_FAIL("refused: %s", good[i]);
		ASSERT_OK(job_record_format(&r, &s));
		ASSERT_STREQ(s, good[i]);
		free(s);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct job_record r;
		if (job_record_parse(bad[i], &r) != -EBADMSG)
			TEST_FAIL("accepted: %s", bad[i]);
	}
}

static const char *ID = "sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";
static const char *ID2 = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

TEST(release)
{
	struct job_release *r = NULL;
	char err[300], doc[1024];

	snprintf(doc, sizeof(doc), "{\"@local/demo:1\": \"%s\"}", ID);
	ASSERT_OK(job_release_parse(doc, strlen(doc), &r, err, sizeof(err)));
	ASSERT_TRUE(job_release_has(r, "demo:1", ID));
	ASSERT_TRUE(!job_release_has(r, "demo:1", ID2));
	ASSERT_TRUE(!job_release_has(r, "demo:2", ID));
	job_release_free(r);
	snprintf(doc, sizeof(doc), "{\"format\": \"bootproof-container-measurements\", \"version\": 1,"
		 " \"images\": [{\"id\": \"%s\", \"tags\": [\"demo:1\", \"demo:latest\"],"
		 " \"manifest_digests\": [\"%s\"], \"index_digests\": []}]}", ID, ID2);
	ASSERT_OK(job_release_parse(doc, strlen(doc), &r, err, sizeof(err)));
	ASSERT_TRUE(job_release_has(r, "demo:latest", ID));
	ASSERT_TRUE(job_release_has(r, "demo:1", ID2));
	job_release_free(r);
	snprintf(doc, sizeof(doc), "{\"demo:1\": \"%s\"}", ID);
	ASSERT_ERR(job_release_parse(doc, strlen(doc), &r, err, sizeof(err)), -EBADMSG);
	snprintf(doc, sizeof(doc), "{\"@local/demo:1\": \"sha256:XY\"}");
	ASSERT_ERR(job_release_parse(doc, strlen(doc), &r, err, sizeof(err)), -EBADMSG);
	ASSERT_TRUE(strstr(err, "demo:1"));
}

/* A userspace log of records (pcr, string), digests arbitrary: job_verify judges meaning only. */
static struct sdlog *mklog(const unsigned *pcrs, const char *const *strings, size_t n,
			   char **ret_text)
{
	size_t cap = 65536, len = 0;
	char *t = malloc(cap);
	struct sdlog *sd = NULL;
	struct record_error pe = {};

	ASSERT_TRUE(t);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len,
			"\x1e{\"pcr\":%u,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":\"%064x\"}],"
			"\"content_type\":\"systemd\",\"content\":{\"eventType\":\"bootproof-runtime\","
			"\"string\":\"%s\"}}\n", pcrs[i], 0, strings[i]);
	ASSERT_OK(sdlog_parse((const uint8_t *)t, len, &sd, &pe));
	*ret_text = t;
	return sd;
}

static const char *judge(const unsigned *pcrs, const char *const *s, size_t n, bool success,
			 json_t **ret_jobs)
{
	struct job_release *rel = NULL;
	char err[300], doc[256], *text = NULL;
	struct sdlog *sd = mklog(pcrs, s, n, &text);
	struct job_verdict v;
	json_t *jobs = NULL;

	snprintf(doc, sizeof(doc), "{\"@local/demo:1\": \"%s\"}", ID);
	ASSERT_OK(job_release_parse(doc, strlen(doc), &rel, err, sizeof(err)));
	struct job_verify_options o = {.runtime_pcrs = (1u << 14) | (1u << 15), .release = rel,
				       .require_success = success};
	ASSERT_OK(job_verify(sd, &o, &jobs, &v));
	if (ret_jobs)
		*ret_jobs = jobs;
	else
		json_decref(jobs);
	sdlog_free(sd);
	free(text);
	job_release_free(rel);
	return v.reason ? v.reason : "ok";
}

#define SPEC "bootproof:v1:job-spec:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881:9"
#define CONT "bootproof:v1:job-container:sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881:demo:1"
#define CONT2 "bootproof:v1:job-container:sha256:0000000000000000000000000000000000000000000000000000000000000001:demo:1"
#define IN "bootproof:v1:input:file:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881:1:data:/in/x"
#define OUT "bootproof:v1:output:file:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881:1:job-output:/out/x"
#define CASE(want, success, ...)                                                                   \
	do {                                                                                       \
		static const char *const s_[] = {__VA_ARGS__};                                     \
		unsigned p_[ARRAY_SIZE(s_)];                                                       \
		const char *got_;                                                                  \
		for (size_t i_ = 0; i_ < ARRAY_SIZE(s_); i_++)                                     \
			p_[i_] = strstr(s_[i_], "job-exit") || strstr(s_[i_], "job-end") ||        \
					 strstr(s_[i_], ":output:") ? 15 : 14;                     \
		got_ = judge(p_, s_, ARRAY_SIZE(s_), success, NULL);                               \
		if (strcmp(got_, want) != 0)                                                       \
			TEST_FAIL("line %d: %s, expected %s", __LINE__, got_, want);               \
	} while (0)

TEST(verify_state_machine)
{
	CASE("ok", true, IN, SPEC, CONT, IN, "bootproof:v1:job-start:1",
	     "bootproof:v1:job-exit:0", OUT, "bootproof:v1:job-end:1", OUT, IN);
	{
		json_t *jobs = NULL;
		ASSERT_STREQ(judge(NULL, NULL, 0, false, &jobs), "ok");
		ASSERT_EQ(json_array_size(jobs), 0);
		json_decref(jobs);
		ASSERT_STREQ(judge(NULL, NULL, 0, true, NULL), "job-missing");
	}
	CASE("job-container-not-in-release", false, SPEC, CONT2, "bootproof:v1:job-start:0",
	     "bootproof:v1:job-exit:0", "bootproof:v1:job-end:0");
	/* a refused job's container is reported, not judged: nothing ran */
	CASE("ok", false, SPEC, CONT2, "bootproof:v1:job-refused:container-id-mismatch");
	CASE("job-refused", true, SPEC, CONT2, "bootproof:v1:job-refused:container-id-mismatch");
	CASE("job-refused", true, SPEC, "bootproof:v1:job-refused:spec-invalid");
	CASE("job-record-order", false, SPEC, CONT, OUT);
	CASE("job-record-order", false, SPEC, IN);
	CASE("job-record-order", false, SPEC, CONT, "bootproof:v1:job-start:0", IN);
	CASE("job-record-order", false, SPEC, CONT, "bootproof:v1:job-start:0", OUT);
	CASE("job-record-order", false, SPEC, CONT, "bootproof:v1:job-start:1");
	CASE("job-record-order", false, SPEC, CONT, "bootproof:v1:job-start:0",
	     "bootproof:v1:job-exit:0", OUT, "bootproof:v1:job-end:2");
	CASE("job-record-order", false, CONT);
	CASE("job-record-order", false, SPEC, "bootproof:v1:job-start:0");
	CASE("job-record-order", false, SPEC, CONT, "bootproof:v1:job-start:0",
	     "bootproof:v1:job-refused:spec-invalid");
	CASE("job-refused-presented-as-run", false, SPEC, CONT,
	     "bootproof:v1:job-refused:container-id-mismatch", "bootproof:v1:job-start:0");
	CASE("job-refused-presented-as-run", false, SPEC, "bootproof:v1:job-refused:spec-invalid",
	     "bootproof:v1:job-exit:0");
	CASE("job-incomplete", false, SPEC);
	CASE("job-incomplete", false, SPEC, CONT, "bootproof:v1:job-start:0");
	CASE("job-incomplete", false, SPEC, CONT, "bootproof:v1:job-start:0",
	     "bootproof:v1:job-exit:0", OUT);
	/* an interrupted job followed by a complete one: listed incomplete, the last one counts */
	CASE("ok", true, SPEC, CONT, "bootproof:v1:job-start:0", SPEC, CONT,
	     "bootproof:v1:job-start:0", "bootproof:v1:job-exit:0", "bootproof:v1:job-end:0");
	CASE("job-exit-nonzero", true, SPEC, CONT, "bootproof:v1:job-start:0",
	     "bootproof:v1:job-exit:1", "bootproof:v1:job-end:0");
	CASE("job-exit-nonzero", true, SPEC, CONT, "bootproof:v1:job-start:0",
	     "bootproof:v1:job-exit:timeout", "bootproof:v1:job-end:0");
	CASE("ok", false, SPEC, CONT, "bootproof:v1:job-start:0",
	     "bootproof:v1:job-exit:timeout", "bootproof:v1:job-end:0");
	CASE("job-record-malformed", false, SPEC, "bootproof:v1:job-container:demo:1");
}

TEST(verify_json)
{
	static const char *const s[] = {SPEC, CONT, IN, "bootproof:v1:job-start:1",
					"bootproof:v1:job-exit:0", OUT, "bootproof:v1:job-end:1"};
	static const unsigned p[] = {14, 14, 14, 14, 15, 15, 15};
	json_t *jobs = NULL, *j;
	char *text = NULL;

	ASSERT_STREQ(judge(p, s, ARRAY_SIZE(s), true, &jobs), "ok");
	ASSERT_EQ(json_array_size(jobs), 1);
	ASSERT_OK(json_dump_canonical(json_array_get(jobs, 0), &text, &(size_t){0}));
	j = json_array_get(jobs, 0);
	ASSERT_STREQ(json_string_value(json_object_get(j, "status")), "complete");
	ASSERT_STREQ(json_string_value(json_object_get(j, "exit")), "0");
	ASSERT_TRUE(json_is_true(json_object_get(json_object_get(j, "container"), "in_release")));
	ASSERT_TRUE(strstr(text, "\"name\": \"data\""));
	ASSERT_TRUE(strstr(text, "\"path\": \"/out/x\""));
	free(text);
	json_decref(jobs);
}

/* Path checks on a real tree: roots, symlinks (inside a folder input and as the input), missing
 * inputs, a non-empty or absent output folder (created). */
TEST(paths)
{
	char root[] = "/tmp/bp-job-XXXXXX", in[100], out[100], p[400], q[300];
	char name[] = "x";
	struct job_input inputs[1] = {{.name = name, .path = p}};
	struct job_spec s = {.inputs = inputs, .n_inputs = 1, .output = q};
	struct job_refusal ref;
	char *rin, *rout;
	FILE *f;

	ASSERT_TRUE(mkdtemp(root));
	snprintf(in, sizeof(in), "%s/in", root);
	snprintf(out, sizeof(out), "%s/out", root);
	ASSERT_TRUE(mkdir(in, 0755) == 0 && mkdir(out, 0755) == 0);
	rin = realpath(in, NULL);
	rout = realpath(out, NULL);
	snprintf(p, sizeof(p), "%s/d", rin);
	ASSERT_TRUE(mkdir(p, 0755) == 0);
	snprintf(p, sizeof(p), "%s/d/f", rin);
	f = fopen(p, "w");
	ASSERT_TRUE(f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/d/ok", rin);
	ASSERT_TRUE(symlink("f", p) == 0);
	snprintf(p, sizeof(p), "%s/d", rin);
	snprintf(q, sizeof(q), "%s/new/o", rout);
	ASSERT_EQ(job_paths_check(&s, rin, rout, &ref), 0);
	ASSERT_TRUE(access(q, F_OK) == 0); /* created */
	ASSERT_EQ(job_paths_check(&s, rin, rout, &ref), 0); /* empty: fine */
	snprintf(p, sizeof(p), "%s/x", q);
	f = fopen(p, "w");
	ASSERT_TRUE(f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/d", rin);
	ASSERT_EQ(job_paths_check(&s, rin, rout, &ref), 1);
	ASSERT_STREQ(ref.reason, "output-not-empty");
	snprintf(q, sizeof(q), "%s/o2", rout);
	snprintf(p, sizeof(p), "%s/d/up", rin);
	ASSERT_TRUE(symlink("../../x", p) == 0);
	snprintf(p, sizeof(p), "%s/d", rin);
	ASSERT_EQ(job_paths_check(&s, rin, rout, &ref), 1);
	ASSERT_STREQ(ref.reason, "input-symlink-escapes");
	snprintf(p, sizeof(p), "%s/nothere", rin);
	ASSERT_EQ(job_paths_check(&s, rin, rout, &ref), 1);
	ASSERT_STREQ(ref.reason, "input-missing");
	snprintf(p, sizeof(p), "%s", rout);
	ASSERT_EQ(job_paths_check(&s, rin, rout, &ref), 1);
	ASSERT_STREQ(ref.reason, "input-outside-root");
	snprintf(p, sizeof(p), "%s/d/f", rin);
	snprintf(q, sizeof(q), "%s/o3", rin);
	ASSERT_EQ(job_paths_check(&s, rin, rout, &ref), 1);
	ASSERT_STREQ(ref.reason, "output-outside-root");
	free(rin);
	free(rout);
	snprintf(p, sizeof(p), "rm -rf '%s'", root);
	ASSERT_TRUE(system(p) == 0);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The verifier's view of jobs (docs/jobs.md): the job records of a replayed userspace log,
 * read in log order into one entry per job (spec, container, inputs, start, exit, outputs,
 * closing record), judged for order and completeness, and the container judged against the
 * release's container_measurements.json. The caller has already checked that every record on
 * a runtime PCR carries H_bank(its string) and that the log replays to the quote. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "macro.h"
#include "measure-eventlog.h"

#define JOB_RELEASE_MAX_SIZE (16u * 1024 * 1024)
#define JOB_RELEASE_MAX_ENTRIES 65536u
#define JOB_MAX_JOBS 4096u

/* The (tag, accepted image ID) pairs of a release's container_measurements.json: the image's
 * "id" and its manifest/index digests (what a containerd image store reports as IDs). */
struct job_release {
	size_t n;
	struct job_release_entry {
		char *tag;
		char *id; /* "sha256:<64 hex>" */
	} *entries;
};
struct job_release *job_release_free(struct job_release *r);
DEFINE_FREE_FUNC(struct job_release, job_release_free)

/* Reads container_measurements.json: bootproof's format (docs/containers.md: "format", "images"
 * [{"id", "tags", "manifest_digests", "index_digests", ...}]) or the AICert map
 * {"@local/NAME:TAG": "sha256:ID"}. Bounded: JOB_RELEASE_MAX_SIZE bytes, JOB_RELEASE_MAX_ENTRIES
 * pairs. -EBADMSG / -E2BIG with err naming the entry. */
int job_release_parse(const void *data, size_t len, struct job_release **ret, char *err,
		      size_t err_size);

/* Is (tag, id) a pair of the release? */
bool job_release_has(const struct job_release *r, const char *tag, const char *id);

struct job_verify_options {
	uint32_t runtime_pcrs;              /* the records considered: those on these PCRs */
	const struct job_release *release;  /* NULL: containers reported, not judged */
	bool require_success;               /* the last job must have run and exited 0 */
};

/* The outcome: reason NULL = nothing wrong; else a stable code and a sentence. */
struct job_verdict {
	const char *reason;
	char detail[400];
};

/* Reads the jobs of sd (may be NULL) into *ret_jobs (a JSON array, one object per job, log
 * order). Returns < 0 only on -ENOMEM; the verdict in *ret. Reasons: job-record-malformed,
 * job-record-order, job-refused-presented-as-run, job-container-not-in-release,
 * job-incomplete, and with require_success job-missing, job-refused, job-exit-nonzero. */
int job_verify(const struct sdlog *sd, const struct job_verify_options *o, json_t **ret_jobs,
	       struct job_verdict *ret);

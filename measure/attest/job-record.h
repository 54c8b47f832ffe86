/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The runtime records of a job (`bootproof job run`, docs/jobs.md, strings in docs/attest.md).
 * Each is a systemd userspace-log record of eventType "bootproof-runtime" whose digests are
 * H_bank(string), like the input/output records of runtime-measure.h; the job's inputs and
 * outputs ARE such input/output records. In log order:
 *
 *   bootproof:v1:job-spec:<sha256 hex of the spec's bytes>:<size>         input PCR (14)
 *   bootproof:v1:job-container:<sha256:<64 hex> | none>:<NAME:TAG>         input PCR
 *   bootproof:v1:input:...  one per input (runtime-measure.h, label = the input's name)
 *   bootproof:v1:job-start:<number of inputs>                              input PCR
 *   bootproof:v1:job-exit:<0..255 | timeout | killed>                      output PCR (15 or 8)
 *   bootproof:v1:output:... one per entry of the output folder (label "job-output")
 *   bootproof:v1:job-end:<number of outputs>                               output PCR
 *
 * or, when the runner refuses the job after its spec was measured:
 *   bootproof:v1:job-refused:<reason>                                      input PCR
 * The tag is last, so it may contain ':'. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define JOB_RECORD_PREFIX "bootproof:v1:job-"
#define JOB_MAX_TAG 255u
#define JOB_MAX_WORD 63u
#define JOB_MAX_COUNT 100000u

enum job_record_type {
	JOB_RECORD_SPEC,
	JOB_RECORD_CONTAINER,
	JOB_RECORD_START,
	JOB_RECORD_REFUSED,
	JOB_RECORD_EXIT,
	JOB_RECORD_END,
	_JOB_RECORD_MAX,
};

struct job_record {
	enum job_record_type type;
	char sha256_hex[65];             /* SPEC */
	uint64_t size;                   /* SPEC: bytes of the spec */
	char image_id[72];               /* CONTAINER: "sha256:<64 hex>" or "none" */
	char tag[JOB_MAX_TAG + 1];       /* CONTAINER */
	uint64_t count;                  /* START: inputs, END: outputs */
	char word[JOB_MAX_WORD + 1];     /* REFUSED: reason; EXIT: status */
};

const char *job_record_type_to_string(enum job_record_type t);

/* True if s starts with JOB_RECORD_PREFIX (it claims to be a job record). */
bool job_record_is(const char *s);

/* The record's string (malloc'd). -EINVAL if a field is not in its allowed form. */
int job_record_format(const struct job_record *r, char **ret);

/* Strict parse of a record string; -EBADMSG names nothing (the caller knows the record). */
int job_record_parse(const char *s, struct job_record *ret);

/* A container reference as the runner accepts it: 1..JOB_MAX_TAG bytes of [A-Za-z0-9._/:@-],
 * with a ':' tag part after the last '/'. */
bool job_tag_valid(const char *tag);
/* A refusal reason / exit word: 1..JOB_MAX_WORD bytes of [a-z0-9-]. */
bool job_word_valid(const char *w);

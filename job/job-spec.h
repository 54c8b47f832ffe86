/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The job specification `bootproof job run` reads (docs/jobs.md): strict JSON, every key known
 * and required, every value within its cap:
 *
 *   {"format": "bootproof-job/1",
 *    "container": "NAME:TAG",                      a measured container of the image
 *    "command": ["/bin/sh", "-c", "..."],          argv run in it (entrypoint = argv[0])
 *    "inputs": [{"name": "data", "path": "/..."}], files or folders, mounted read-only
 *    "output": "/...",                             the only writable folder
 *    "limits": {"memory_mb": 512, "cpus": 1, "pids": 256, "seconds": 3600}}
 *
 * Paths are absolute, in [A-Za-z0-9._+@/-], without empty, "." or ".." components; the spec
 * parser checks their form only (job-paths.h checks them on the machine). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "macro.h"

#define JOB_SPEC_FORMAT "bootproof-job/1"
#define JOB_SPEC_MAX_SIZE (64u * 1024)
#define JOB_SPEC_MAX_ARGS 256u
#define JOB_SPEC_MAX_ARG 4096u
#define JOB_SPEC_MAX_INPUTS 64u
#define JOB_SPEC_MAX_NAME 64u
#define JOB_SPEC_MAX_PATH 1024u
#define JOB_SPEC_MAX_MEMORY_MB (1024u * 1024)  /* 1 TiB */
#define JOB_SPEC_MIN_MEMORY_MB 6u              /* docker's minimum */
#define JOB_SPEC_MAX_CPUS 1024u
#define JOB_SPEC_MAX_PIDS 65536u
#define JOB_SPEC_MAX_SECONDS (7u * 24 * 3600)

struct job_input {
	char *name;
	char *path;
};

struct job_spec {
	char *container;
	char **command;          /* n_command strings, then NULL */
	size_t n_command;
	struct job_input *inputs;
	size_t n_inputs;
	char *output;
	uint32_t memory_mb, cpus, pids, seconds;
};

struct job_spec *job_spec_free(struct job_spec *s);
DEFINE_FREE_FUNC(struct job_spec, job_spec_free)

/* Parses the spec's bytes. -EBADMSG / -E2BIG with err naming the key and the defect
 * ("inputs[1].path: '..' component"). */
int job_spec_parse(const void *data, size_t len, struct job_spec **ret, char *err,
		   size_t err_size);

/* The form checks, shared with job-paths.c: an absolute path as above. NULL if valid, else
 * what is wrong. */
const char *job_path_defect(const char *p);

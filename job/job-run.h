/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `bootproof job run`: one job, measured (docs/jobs.md). Under an exclusive lock: the spec's
 * bytes are measured, the spec and its paths checked, the engine's image ID for the spec's
 * NAME:TAG compared with the image's own container_measurements.json, every input measured,
 * the container run by that ID (docker CLI: no network, read-only root and inputs, the output
 * folder the only writable mount, no capabilities, the spec's limits), then its exit status,
 * every output and a closing record measured. A refusal after the spec was measured is
 * measured too (job-refused:<reason>); nothing runs then. Records: job-record.h. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "job-paths.h"

#define JOB_LOCK_DEFAULT "/run/bootproof/job.lock"
#define JOB_INPUT_ROOT_DEFAULT "/var/lib/bootproof/jobs/input"
#define JOB_OUTPUT_ROOT_DEFAULT "/var/lib/bootproof/jobs/output"
#define JOB_MEASUREMENTS_DEFAULT "/usr/share/bootproof/container_measurements.json"
#define JOB_DOCKER_CLI_DEFAULT "/usr/bin/docker"
#define JOB_INPUT_PCR 14u
#define JOB_TMPFS_SIZE "64m"

struct job_run_options {
	const char *spec_path;
	const char *measurements_path; /* the image's container_measurements.json */
	const char *docker_socket;     /* the engine's unix socket path */
	const char *docker_cli;        /* the docker client binary */
	const char *input_root;        /* canonical (realpath) */
	const char *output_root;       /* canonical (realpath) */
	const char *lock_path;
	const char *tcti;              /* tpm_tcti_choose() result, may be NULL */
	const char *log_path;          /* systemd's userspace measurement log */
	unsigned output_pcr;           /* 15 (default) or 8 */
};

struct job_result {
	bool refused;                  /* nothing ran; refusal says why */
	bool refusal_measured;         /* the job-refused record is in the log */
	struct job_refusal refusal;
	char spec_sha256[65];
	char image_id[72];             /* the engine's, as measured and run */
	char tag[256];
	char exit_word[16];            /* 0..255, timeout */
	size_t n_inputs, n_outputs;
};

/* Runs one job. 0 with *ret (ran or refused); < 0 if it could not: the lock is held by another
 * job (-EBUSY), the TPM, the log, the engine or the measurements file failed, or the runner
 * was stopped by a signal (-EINTR: the container is killed, the job left incomplete); err
 * says what. */
int job_run(const struct job_run_options *o, struct job_result *ret, char *err,
	    size_t err_size);

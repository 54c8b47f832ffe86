/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One function run on a second thread while the caller does other work, then joined: how a short
 * verb uses the second core for an independent input (verify parses golden.json while it loads
 * the AK key), and the one way the digest helpers start their threads (predict's parallel digest
 * jobs, measure/pe/predict-hash.c; the containers' update worker, hash-worker.c). If no thread
 * can be started, background_start() runs the function itself, so the result is the same either
 * way; only the wall time differs. */
#pragma once

#include <pthread.h>
#include <stdbool.h>

struct background_job {
	int (*run)(void *userdata); /* returns 0 or -errno */
	void *userdata;
	int result;
	bool threaded;
	pthread_t thread;
};

/* Starts job->run(job->userdata). Always pair with background_join(). */
void background_start(struct background_job *job);
/* Starts the job on a thread, or not at all: returns false (job->threaded false, nothing run) if
 * no thread can be started. For a job that cannot run in the caller (a worker that waits for
 * work the caller has yet to submit): its owner decides what to do instead. */
bool background_try_start(struct background_job *job);
/* Waits for the job; returns its result. A zero-initialised job that was never started: 0 at
 * once, so clean-up code can join whether or not it started. */
int background_join(struct background_job *job);

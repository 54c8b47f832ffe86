/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A function on a second thread, joined later; see background.h. */
#include "background.h"

static void *background_main(void *p)
{
	struct background_job *job = p;
	job->result = job->run(job->userdata);
	return NULL;
}

bool background_try_start(struct background_job *job)
{
	job->threaded = pthread_create(&job->thread, NULL, background_main, job) == 0;
	return job->threaded;
}

void background_start(struct background_job *job)
{
	if (!background_try_start(job))
		job->result = job->run(job->userdata);
}

int background_join(struct background_job *job)
{
	if (job->threaded) {
		pthread_join(job->thread, NULL);
		job->threaded = false;
	}
	return job->result;
}

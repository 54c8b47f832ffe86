/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A digest-update worker thread with a FIFO job ring and staging slots; see hash-worker.h.
 * Tickets are 1-based submission counters; "done" counts completed jobs, so waiting for a
 * ticket means waiting until done >= ticket (jobs complete in order).
 * Jobs run one at a time, in submission order (a context's updates must not be reordered or run
 * concurrently), normally on the worker. A caller that would otherwise block (waiting for a
 * ticket, for room in the ring or for a staging slot) runs the next job itself when no job is
 * running: on a machine whose second core is busy with something else, the pipeline then keeps
 * moving at the speed of whatever CPU time the process gets, instead of the caller sleeping
 * until the descheduled worker comes back. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "background.h"
#include "hash-worker.h"

struct job {
	EVP_MD_CTX *ctx;
	const uint8_t *data;
	size_t len;
	int slot; /* staging slot to release when done, or -1 */
};

struct hash_worker {
	bool threaded;
	struct background_job thread; /* worker_main, started by background_try_start() */
	pthread_mutex_t lock;
	pthread_cond_t cond_work; /* worker waits for jobs */
	pthread_cond_t cond_done; /* caller waits for completions */
	struct job jobs[HASH_WORKER_JOBS];
	uint64_t submitted, taken, done; /* done <= taken <= submitted; taken - done <= 1 */
	bool stop;
	int error;

	uint8_t *slots[HASH_WORKER_SLOTS];
	bool slot_busy[HASH_WORKER_SLOTS];
	unsigned fill_slot;      /* slot being filled by submit_copy */
	size_t fill_len;         /* bytes in it */
	EVP_MD_CTX *fill_ctx;    /* its context */
};

/* Lock held, a job waiting and none running: runs the next job with the lock dropped. */
static void run_next_locked(struct hash_worker *w)
{
	struct job j = w->jobs[w->taken % HASH_WORKER_JOBS];
	int ok;

	w->taken++;
	pthread_mutex_unlock(&w->lock);
	ok = EVP_DigestUpdate(j.ctx, j.data, j.len);
	pthread_mutex_lock(&w->lock);
	if (ok != 1 && w->error == 0)
		w->error = -EIO;
	if (j.slot >= 0)
		w->slot_busy[j.slot] = false;
	w->done++;
	pthread_cond_broadcast(&w->cond_done);
	pthread_cond_signal(&w->cond_work); /* the worker may have found the queue busy */
}

static bool can_run_locked(const struct hash_worker *w)
{
	return w->taken < w->submitted && w->taken == w->done;
}

/* Lock held: the caller would block; helps with the queue if it can, else sleeps once. */
static void help_or_wait_locked(struct hash_worker *w)
{
	if (can_run_locked(w))
		run_next_locked(w);
	else
		pthread_cond_wait(&w->cond_done, &w->lock);
}

static int worker_main(void *userdata)
{
	struct hash_worker *w = userdata;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!can_run_locked(w) && !(w->stop && w->done == w->submitted))
			pthread_cond_wait(&w->cond_work, &w->lock);
		if (!can_run_locked(w))
			break; /* stop requested and queue drained */
		run_next_locked(w);
	}
	pthread_mutex_unlock(&w->lock);
	return 0;
}

int hash_worker_new(bool threaded, struct hash_worker **ret)
{
	struct hash_worker *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->threaded = threaded;
	if (threaded) {
		for (unsigned i = 0; i < HASH_WORKER_SLOTS; i++) {
			w->slots[i] = malloc(HASH_WORKER_SLOT_SIZE);
			if (!w->slots[i]) {
				for (unsigned k = 0; k < i; k++)
					free(w->slots[k]);
				free(w);
				return -ENOMEM;
			}
		}
		pthread_mutex_init(&w->lock, NULL);
		pthread_cond_init(&w->cond_work, NULL);
		pthread_cond_init(&w->cond_done, NULL);
		w->thread = (struct background_job){ .run = worker_main, .userdata = w };
		if (!background_try_start(&w->thread)) {
			for (unsigned i = 0; i < HASH_WORKER_SLOTS; i++)
				free(w->slots[i]);
			pthread_mutex_destroy(&w->lock);
			pthread_cond_destroy(&w->cond_work);
			pthread_cond_destroy(&w->cond_done);
			free(w);
			return -EAGAIN;
		}
	}
	*ret = w;
	return 0;
}

/* Called with the lock held: waits for room in the job ring, then appends. */
static uint64_t push_locked(struct hash_worker *w, EVP_MD_CTX *ctx, const uint8_t *data, size_t len,
			    int slot)
{
	while (w->submitted - w->done >= HASH_WORKER_JOBS)
		help_or_wait_locked(w);
	w->jobs[w->submitted % HASH_WORKER_JOBS] =
		(struct job){.ctx = ctx, .data = data, .len = len, .slot = slot};
	w->submitted++;
	pthread_cond_signal(&w->cond_work);
	return w->submitted;
}

int hash_worker_submit(struct hash_worker *w, EVP_MD_CTX *ctx, const void *data, size_t len,
		       uint64_t *ret_ticket)
{
	uint64_t t;

	if (!w->threaded) {
		if (len > 0 && EVP_DigestUpdate(ctx, data, len) != 1)
			return -EIO;
		*ret_ticket = 0;
		return 0;
	}
	pthread_mutex_lock(&w->lock);
	t = push_locked(w, ctx, data, len, -1);
	pthread_mutex_unlock(&w->lock);
	*ret_ticket = t;
	return 0;
}

/* Lock held: queue the slot being filled, if any. */
static void flush_fill_locked(struct hash_worker *w)
{
	if (w->fill_len == 0)
		return;
	w->slot_busy[w->fill_slot] = true;
	push_locked(w, w->fill_ctx, w->slots[w->fill_slot], w->fill_len, (int)w->fill_slot);
	w->fill_slot = (w->fill_slot + 1) % HASH_WORKER_SLOTS;
	w->fill_len = 0;
	w->fill_ctx = NULL;
}

int hash_worker_submit_copy(struct hash_worker *w, EVP_MD_CTX *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (!w->threaded) {
		if (len > 0 && EVP_DigestUpdate(ctx, data, len) != 1)
			return -EIO;
		return 0;
	}
	pthread_mutex_lock(&w->lock);
	if (w->fill_len > 0 && w->fill_ctx != ctx)
		flush_fill_locked(w);
	while (len > 0) {
		size_t n;

		if (w->fill_len == 0) {
			/* The slot may still be queued from the previous lap round the ring. */
			while (w->slot_busy[w->fill_slot])
				help_or_wait_locked(w);
			w->fill_ctx = ctx;
		}
		n = MIN(len, HASH_WORKER_SLOT_SIZE - w->fill_len);
		/* Copying under the lock is fine: only this thread touches the fill slot. */
		memcpy(w->slots[w->fill_slot] + w->fill_len, p, n);
		w->fill_len += n;
		p += n;
		len -= n;
		if (w->fill_len == HASH_WORKER_SLOT_SIZE)
			flush_fill_locked(w);
	}
	pthread_mutex_unlock(&w->lock);
	return 0;
}

int hash_worker_wait(struct hash_worker *w, uint64_t ticket)
{
	int r;

	if (!w->threaded)
		return 0;
	pthread_mutex_lock(&w->lock);
	while (w->done < ticket)
		help_or_wait_locked(w);
	r = w->error;
	pthread_mutex_unlock(&w->lock);
	return r;
}

int hash_worker_sync(struct hash_worker *w)
{
	int r;

	if (!w->threaded)
		return 0;
	pthread_mutex_lock(&w->lock);
	flush_fill_locked(w);
	while (w->done < w->submitted)
		help_or_wait_locked(w);
	r = w->error;
	pthread_mutex_unlock(&w->lock);
	return r;
}

struct hash_worker *hash_worker_free(struct hash_worker *w)
{
	if (!w)
		return NULL;
	if (w->threaded) {
		pthread_mutex_lock(&w->lock);
		w->stop = true;
		pthread_cond_signal(&w->cond_work);
		pthread_mutex_unlock(&w->lock);
		(void)background_join(&w->thread);
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->cond_work);
		pthread_cond_destroy(&w->cond_done);
		for (unsigned i = 0; i < HASH_WORKER_SLOTS; i++)
			free(w->slots[i]);
	}
	free(w);
	return NULL;
}

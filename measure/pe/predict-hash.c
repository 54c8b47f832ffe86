/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parallel multi-bank digest jobs, see predict-hash.h. OpenSSL EVP; EVP_MD_CTX_copy_ex for forks
 * (design.md "Performance notes": one pass over the bytes, shared prefixes, both cores). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "background.h"
#include "macro.h"
#include "predict-hash.h"

static const uint8_t zeros[65536];

uint64_t hash_segs_bytes(const struct hash_seg *segs, size_t n)
{
	uint64_t t = 0;
	for (size_t i = 0; i < n; i++)
		t = t + segs[i].len < t ? UINT64_MAX : t + segs[i].len;
	return t;
}

static int update(EVP_MD_CTX *ctx, const struct hash_seg *s)
{
	if (s->data) {
		/* EVP_DigestUpdate takes size_t; feed in 1 GiB steps to stay portable. */
		const uint8_t *p = s->data;
		uint64_t left = s->len;
		while (left > 0) {
			size_t n = left > (1u << 30) ? (1u << 30) : (size_t)left;
			if (EVP_DigestUpdate(ctx, p, n) != 1)
				return -EIO;
			p += n;
			left -= n;
		}
		return 0;
	}
	for (uint64_t left = s->len; left > 0;) {
		size_t n = left > sizeof(zeros) ? sizeof(zeros) : (size_t)left;
		if (EVP_DigestUpdate(ctx, zeros, n) != 1)
			return -EIO;
		left -= n;
	}
	return 0;
}

static int run_job(struct hash_job *j)
{
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *ctx = EVP_MD_CTX_new(), *fork = NULL;
	const EVP_MD *md = bank_md(j->bank);
	unsigned n = 0;
	int r;

	if (!md)
		return -EOPNOTSUPP;
	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1)
		return -EIO;
	for (size_t i = 0; i < j->n_segs; i++) {
		r = update(ctx, &j->segs[i]);
		if (r < 0)
			return r;
		if (j->fork_after == i + 1) {
			fork = EVP_MD_CTX_new();
			if (!fork)
				return -ENOMEM;
			if (EVP_MD_CTX_copy_ex(fork, ctx) != 1 ||
			    EVP_DigestFinal_ex(fork, j->fork_digest, &n) != 1 ||
			    n != bank_size(j->bank))
				return -EIO;
		}
	}
	if (EVP_DigestFinal_ex(ctx, j->digest, &n) != 1 || n != bank_size(j->bank))
		return -EIO;
	return 0;
}

/* Relative cost per byte, from `openssl speed -evp` on the project's machines (SHA extensions:
 * SHA-1 1.9 GB/s, SHA-256 1.8 GB/s in hardware; SHA-384/512 0.86 GB/s in software). Only the
 * assignment of jobs to threads depends on it. */
static uint64_t job_cost(const struct hash_job *j)
{
	static const unsigned weight[_BANK_MAX] = {
		[BANK_SHA1] = 10, [BANK_SHA256] = 11, [BANK_SHA384] = 22, [BANK_SHA512] = 22};
	uint64_t b = hash_segs_bytes(j->segs, j->n_segs);
	return b / 16 * weight[j->bank] + 1;
}

struct worker {
	struct background_job thread;
	struct hash_job **jobs;
	size_t n_jobs;
	uint64_t load;
};

/* One worker's share, in order; stops at the first error. */
static int worker_run(void *arg)
{
	struct worker *w = arg;
	int r = 0;

	for (size_t i = 0; i < w->n_jobs && r >= 0; i++)
		r = run_job(w->jobs[i]);
	return r;
}

static int cmp_cost_desc(const void *a, const void *b)
{
	uint64_t ca = job_cost(*(struct hash_job *const *)a);
	uint64_t cb = job_cost(*(struct hash_job *const *)b);
	return ca < cb ? 1 : ca > cb ? -1 : 0;
}

int hash_jobs_run(struct hash_job *jobs, size_t n_jobs, unsigned n_threads)
{
	_cleanup_(freep) struct hash_job **order = NULL, **slots = NULL;
	struct worker w[8] = {};
	int r = 0;

	if (n_jobs == 0)
		return 0;
	if (n_threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		n_threads = n > 0 ? (unsigned)n : 1;
	}
	n_threads = MIN(n_threads, (unsigned)ARRAY_SIZE(w));
	n_threads = (unsigned)MIN((size_t)n_threads, n_jobs);
	if (n_threads <= 1) {
		for (size_t i = 0; i < n_jobs; i++) {
			r = run_job(&jobs[i]);
			if (r < 0)
				return r;
		}
		return 0;
	}
	order = calloc(n_jobs, sizeof(*order));
	slots = calloc(n_jobs * n_threads, sizeof(*slots));
	if (!order || !slots)
		return -ENOMEM;
	for (size_t i = 0; i < n_jobs; i++)
		order[i] = &jobs[i];
	/* Longest processing time first onto the least loaded worker. */
	qsort(order, n_jobs, sizeof(*order), cmp_cost_desc);
	for (unsigned t = 0; t < n_threads; t++)
		w[t].jobs = slots + (size_t)t * n_jobs;
	for (size_t i = 0; i < n_jobs; i++) {
		unsigned best = 0;
		for (unsigned t = 1; t < n_threads; t++)
			if (w[t].load < w[best].load)
				best = t;
		w[best].jobs[w[best].n_jobs++] = order[i];
		w[best].load += job_cost(order[i]);
	}
	/* Workers 1.. on threads (a worker whose thread cannot start runs here, background.h),
	 * worker 0 on this one. */
	for (unsigned t = 1; t < n_threads; t++) {
		w[t].thread = (struct background_job){ .run = worker_run, .userdata = &w[t] };
		background_start(&w[t].thread);
	}
	r = worker_run(&w[0]);
	for (unsigned t = 1; t < n_threads; t++) {
		int k = background_join(&w[t].thread);
		if (k < 0 && r == 0)
			r = k;
	}
	return r;
}

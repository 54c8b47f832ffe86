/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parallel digest jobs over shared read-only buffers. A job is one bank's digest over a list of
 * segments (byte ranges of a buffer, or runs of zero bytes); a job may "fork": the context is
 * copied after a given segment and finalised as a second digest (shared-prefix digests, e.g. the
 * .initrd section for PCR 11 and the combined initrd for PCR 9). Jobs are spread over threads by
 * estimated cost (longest first). The buffers are only read, so many jobs share one mapping. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "digest.h"

struct hash_seg {
	const uint8_t *data; /* NULL: len zero bytes */
	uint64_t len;
};

struct hash_job {
	enum bank bank;
	const struct hash_seg *segs;
	size_t n_segs;
	size_t fork_after;   /* 0: no fork; k: fork_digest = digest of segs[0..k) */
	uint8_t digest[DIGEST_MAX];
	uint8_t fork_digest[DIGEST_MAX];
};

/* Runs all jobs on up to n_threads threads (0: number of online CPUs, capped at 8).
 * Returns the first job error (-EIO, -ENOMEM, -EOPNOTSUPP). */
int hash_jobs_run(struct hash_job *jobs, size_t n_jobs, unsigned n_threads);

/* Total bytes of a segment list (saturating). */
uint64_t hash_segs_bytes(const struct hash_seg *segs, size_t n);

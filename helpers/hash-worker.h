/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A second thread for digest updates (design.md "spread independent contexts over both cores").
 * The caller queues EVP_DigestUpdate() jobs; the worker runs them in submission order. Two ways
 * to hand over bytes:
 *   - borrowed: the caller keeps the buffer valid and unchanged until hash_worker_wait() on the
 *     ticket returns (zero copy, for buffers the caller owns, e.g. a ring of read buffers);
 *   - copied: the bytes go into a small ring of worker-owned staging slots (for buffers that die
 *     at the caller's next library call, e.g. a decompressor's output).
 * A context must not be updated by the caller while the worker may still hold jobs for it:
 * hash_worker_sync() (or wait on its last ticket) before finalising or updating it directly.
 * Memory: HASH_WORKER_SLOTS * HASH_WORKER_SLOT_SIZE bytes of staging, allocated once.
 * A worker created with threaded=false runs every update synchronously in the caller (for
 * fuzzing and for single-core machines); the API is the same. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "macro.h"

#define HASH_WORKER_JOBS 64u
#define HASH_WORKER_SLOTS 8u
#define HASH_WORKER_SLOT_SIZE (256u * 1024)

struct hash_worker;

int hash_worker_new(bool threaded, struct hash_worker **ret);
/* Stops and joins the thread; pending jobs are completed first. NULL-safe; returns NULL. */
struct hash_worker *hash_worker_free(struct hash_worker *w);
DEFINE_FREE_FUNC(struct hash_worker, hash_worker_free)

/* Queues EVP_DigestUpdate(ctx, data, len) on a borrowed buffer; *ret_ticket identifies the job. */
int hash_worker_submit(struct hash_worker *w, EVP_MD_CTX *ctx, const void *data, size_t len,
		       uint64_t *ret_ticket);
/* Queues the update on a copy of the bytes; data may be reused as soon as this returns. Bytes
 * for the same ctx are batched into whole slots. */
int hash_worker_submit_copy(struct hash_worker *w, EVP_MD_CTX *ctx, const void *data, size_t len);
/* Waits until the job with this ticket (and every earlier one) has run. */
int hash_worker_wait(struct hash_worker *w, uint64_t ticket);
/* Queues any partly filled staging slot and waits for every job. -EIO if any update failed. */
int hash_worker_sync(struct hash_worker *w);

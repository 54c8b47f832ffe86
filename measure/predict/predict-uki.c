/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One-pass digests of a UKI for PCR 4, 9 and 11, see predict-uki.h. In-memory section bytes
 * follow EDK2's PE loader (PeCoffLoaderLoadImage: copy min(VirtualSize, SizeOfRawData), zero-fill
 * to VirtualSize); the combined initrd follows systemd src/boot/stub.c (v257
 * generate_embedded_initrds + combine_initrds: every part padded to 4 bytes). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "measure-pe.h"
#include "predict-uki.h"

static const uint8_t pad_zeros[4];

/* The .linux section as a PE image of its own, for the kernel's Authenticode digest (PCR 4). A
 * section shorter in the file than in memory is copied and zero-filled (*ret_copy, capped), so
 * the segments point into bytes that exist; they stay valid while *ret_pe and *ret_copy live. */
static int kernel_segments(const struct uki_part *lin, struct pe_image **ret_pe,
			   uint8_t **ret_copy, struct hash_seg *segs, size_t *ret_n)
{
	const uint8_t *kbuf = lin->bytes;
	uint64_t klen = lin->n_bytes + lin->n_zero;
	int r;

	*ret_pe = malloc(sizeof(**ret_pe));
	if (!*ret_pe)
		return -ENOMEM;
	if (lin->n_zero > 0) {
		if (klen > UKI_KERNEL_MAX_COPY)
			return -E2BIG;
		*ret_copy = calloc(1, (size_t)klen);
		if (!*ret_copy)
			return -ENOMEM;
		memcpy(*ret_copy, lin->bytes, (size_t)lin->n_bytes);
		kbuf = *ret_copy;
	}
	r = pe_parse(kbuf, (size_t)klen, *ret_pe);
	if (r >= 0)
		r = authenticode_segments(*ret_pe, kbuf, (size_t)klen, segs, ret_n);
	if (r < 0) {
		log_debug("uki: the .linux section is not a valid PE image");
		return r == -EOPNOTSUPP ? -EBADMSG : r;
	}
	return 0;
}

/* The digests, in the order uki_digests_compute() made the jobs. */
static void collect_digests(const struct uki *u, unsigned mask, const struct hash_job *jobs,
			    int initrd_sect, size_t n_initrd, size_t initrd_fork,
			    struct uki_digests *ret)
{
	size_t n_jobs = 0;

	FOREACH_BANK(b, mask) {
		memcpy(ret->authenticode[b], jobs[n_jobs++].digest, DIGEST_MAX);
		if (ret->have_kernel)
			memcpy(ret->kernel_authenticode[b], jobs[n_jobs++].digest, DIGEST_MAX);
		for (unsigned i = 0; i < u->pe.n_sections; i++)
			if ((int)i != initrd_sect || n_initrd == 0)
				memcpy(ret->section[i][b], jobs[n_jobs++].digest, DIGEST_MAX);
		if (n_initrd > 0) {
			const struct hash_job *j = &jobs[n_jobs++];
			memcpy(ret->initrd[b], j->digest, DIGEST_MAX);
			if (initrd_sect >= 0)
				memcpy(ret->section[initrd_sect][b],
				       initrd_fork == n_initrd ? j->digest : j->fork_digest,
				       DIGEST_MAX);
		}
	}
}

int uki_digests_compute(const struct uki *u, const uint8_t *data, size_t len, unsigned mask,
			const uint8_t *extra, size_t extra_len, bool kernel_pe,
			unsigned n_threads, struct uki_digests *ret)
{
	struct hash_seg uki_segs[AUTHENTICODE_MAX_SEGS], kern_segs[AUTHENTICODE_MAX_SEGS];
	struct hash_seg sect_segs[PE_MAX_SECTIONS][2], initrd_segs[4], file_seg = {data, len};
	_cleanup_(freep) struct hash_job *jobs = NULL;
	_cleanup_(freep) uint8_t *kcopy = NULL;
	_cleanup_(freep) struct pe_image *kpe = NULL;
	const struct uki_part *ini = &u->parts[UKI_INITRD];
	size_t n_uki, n_kern = 0, n_jobs = 0, n_initrd = 0, initrd_fork = 0;
	int initrd_sect = -1;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = authenticode_segments(&u->pe, data, len, uki_segs, &n_uki);
	if (r < 0)
		return r;

	if (kernel_pe) {
		r = kernel_segments(&u->parts[UKI_LINUX], &kpe, &kcopy, kern_segs, &n_kern);
		if (r < 0)
			return r;
		ret->have_kernel = true;
	}

	for (unsigned i = 0; i < u->pe.n_sections; i++) {
		const struct pe_section *s = &u->pe.sections[i];
		uint64_t fb = pe_section_file_bytes(s);
		sect_segs[i][0] = (struct hash_seg){data + s->pointer_to_raw_data, fb};
		sect_segs[i][1] = (struct hash_seg){NULL, s->virtual_size - fb};
		if (ini->sect == s)
			initrd_sect = (int)i;
	}
	/* Combined initrd: .initrd in memory, then (only if something follows) padding to 4 and
	 * the extra parts. */
	if (ini->sect) {
		initrd_segs[n_initrd++] = sect_segs[initrd_sect][0];
		initrd_segs[n_initrd++] = sect_segs[initrd_sect][1];
		initrd_fork = 2;
		ret->initrd_size = ini->sect->virtual_size;
		if (extra_len > 0) {
			unsigned pad = (4 - ini->sect->virtual_size % 4) % 4;
			initrd_segs[n_initrd++] = (struct hash_seg){pad_zeros, pad};
			ret->initrd_size += pad;
		}
	}
	if (extra_len > 0) {
		initrd_segs[n_initrd++] = (struct hash_seg){extra, extra_len};
		ret->initrd_size += extra_len;
	}
	ret->have_initrd = ret->initrd_size > 0;

	jobs = calloc((size_t)_BANK_MAX * (3 + u->pe.n_sections) + 1, sizeof(*jobs));
	if (!jobs)
		return -ENOMEM;
	FOREACH_BANK(b, mask) {
		jobs[n_jobs++] = (struct hash_job){.bank = b, .segs = uki_segs, .n_segs = n_uki};
		if (ret->have_kernel)
			jobs[n_jobs++] =
				(struct hash_job){.bank = b, .segs = kern_segs, .n_segs = n_kern};
		for (unsigned i = 0; i < u->pe.n_sections; i++)
			if ((int)i != initrd_sect || n_initrd == 0)
				jobs[n_jobs++] = (struct hash_job){.bank = b, .segs = sect_segs[i],
								   .n_segs = 2};
		if (n_initrd > 0)
			jobs[n_jobs++] = (struct hash_job){.bank = b, .segs = initrd_segs,
							   .n_segs = n_initrd,
							   .fork_after = initrd_fork};
	}
	/* The file's own sha256 (golden.json image identity), in the same parallel pass. */
	jobs[n_jobs++] = (struct hash_job){.bank = BANK_SHA256, .segs = &file_seg, .n_segs = 1};
	r = hash_jobs_run(jobs, n_jobs, n_threads);
	if (r < 0)
		return r;
	memcpy(ret->file_sha256, jobs[n_jobs - 1].digest, 32);

	collect_digests(u, mask, jobs, initrd_sect, n_initrd, initrd_fork, ret);
	return 0;
}

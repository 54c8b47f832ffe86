/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Authenticode PE image hash as EDK2 measures it: SecurityPkg/Tcg/Tcg2Dxe/MeasureBootPeCoff.c
 * MeasurePeImageAndExtend (and DxeImageVerificationLib HashPeImage), following "Windows
 * Authenticode Portable Executable Signature Format" §"Calculating the PE Image Hash". The tail
 * rule is EDK2's: bytes after SUM(SizeOfHeaders, SizeOfRawData...) up to FileSize - CertSize are
 * hashed, wherever the certificate table sits (pcr-spec.md §2.3). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticode.h"
#include "log.h"
#include "size.h"

int authenticode_segments(const struct pe_image *pe, const uint8_t *data, size_t len,
			  struct hash_seg *segs, size_t *ret_n)
{
	const struct pe_section *sorted[PE_MAX_SECTIONS];
	uint64_t sum, cert_size = 0;
	size_t n = 0, k = 0;
	uint64_t o = pe->optional_offset;

	if (pe->file_size != len)
		return -EINVAL;
	/* [0, CheckSum) */
	segs[n++] = (struct hash_seg){data, pe->checksum_offset};
	if (pe->n_rva_and_sizes <= PE_DIR_SECURITY)
		segs[n++] = (struct hash_seg){data + o + 68, pe->size_of_headers - (o + 68)};
	else {
		uint64_t dd = pe->data_dir_offset + 8ull * PE_DIR_SECURITY;
		segs[n++] = (struct hash_seg){data + o + 68, dd - (o + 68)};
		segs[n++] = (struct hash_seg){data + dd + 8, pe->size_of_headers - (dd + 8)};
		cert_size = pe->cert_size;
	}
	sum = pe->size_of_headers;

	/* Insertion sort by PointerToRawData: stable, as EDK2's. */
	for (unsigned i = 0; i < pe->n_sections; i++) {
		const struct pe_section *s = &pe->sections[i];
		size_t j = k++;
		while (j > 0 && sorted[j - 1]->pointer_to_raw_data > s->pointer_to_raw_data) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = s;
	}
	for (size_t i = 0; i < k; i++) {
		const struct pe_section *s = sorted[i];
		if (s->size_of_raw_data == 0)
			continue;
		/* pe_parse checked the range. */
		segs[n++] = (struct hash_seg){data + s->pointer_to_raw_data, s->size_of_raw_data};
		sum += s->size_of_raw_data;
	}
	if (len > sum) {
		if (len > cert_size + sum)
			segs[n++] = (struct hash_seg){data + sum, len - (cert_size + sum)};
		else if (len < cert_size + sum) {
			log_debug("authenticode: file of %zu bytes is shorter than headers + sections "
				  "(%llu) + certificate table (%llu)", len, (unsigned long long)sum,
				  (unsigned long long)cert_size);
			return -EBADMSG;
		}
	}
	*ret_n = n;
	return 0;
}

int authenticode_digest(const uint8_t *data, size_t len, unsigned mask, unsigned n_threads,
			uint8_t out[_BANK_MAX][DIGEST_MAX])
{
	return authenticode_digest_msg(data, len, mask, n_threads, out, NULL, 0);
}

int authenticode_digest_msg(const uint8_t *data, size_t len, unsigned mask, unsigned n_threads,
			    uint8_t out[_BANK_MAX][DIGEST_MAX], char *errbuf, size_t errbuf_size)
{
	struct hash_seg segs[AUTHENTICODE_MAX_SEGS];
	struct hash_job jobs[_BANK_MAX] = {};
	struct pe_image *pe;
	size_t n_segs, n_jobs = 0;
	int r;

	pe = malloc(sizeof(*pe));
	if (!pe)
		return -ENOMEM;
	r = pe_parse_msg(data, len, pe, errbuf, errbuf_size);
	if (r >= 0) {
		r = authenticode_segments(pe, data, len, segs, &n_segs);
		if (r == -EBADMSG && errbuf_size > 0)
			snprintf(errbuf, errbuf_size, "the file (%zu bytes) is shorter than its headers, "
				 "sections and certificate table (%u bytes) together", len, pe->cert_size);
	}
	free(pe);
	if (r < 0)
		return r;
	FOREACH_BANK(b, mask)
		jobs[n_jobs++] = (struct hash_job){.bank = b, .segs = segs, .n_segs = n_segs};
	r = hash_jobs_run(jobs, n_jobs, n_threads);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n_jobs; i++)
		memcpy(out[jobs[i].bank], jobs[i].digest, DIGEST_MAX);
	return 0;
}

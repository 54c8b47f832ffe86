/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PE/COFF Authenticode image digest exactly as EDK2 computes it for TPM measurements
 * (SecurityPkg/Tcg/Tcg2Dxe/MeasureBootPeCoff.c MeasurePeImageAndExtend; pcr-spec.md §2.3). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "pe.h"
#include "predict-hash.h"

/* Segments: header pieces (skipping CheckSum and the certificate directory entry), sections with
 * SizeOfRawData != 0 sorted stably by PointerToRawData, then the tail up to len - CertSize. */
#define AUTHENTICODE_MAX_SEGS (PE_MAX_SECTIONS + 4)

/* Fills segs (AUTHENTICODE_MAX_SEGS entries) with the byte ranges of data[0..len) that the
 * digest covers, in order. pe must come from pe_parse(data, len). -EBADMSG when the file is
 * shorter than the sections plus the certificate table (EDK2: EFI_UNSUPPORTED). */
int authenticode_segments(const struct pe_image *pe, const uint8_t *data, size_t len,
			  struct hash_seg *segs, size_t *ret_n);

/* Parses data[0..len) and computes the Authenticode digest for each bank in mask into
 * out[bank], using up to n_threads threads (0: all CPUs). */
int authenticode_digest(const uint8_t *data, size_t len, unsigned mask, unsigned n_threads,
			uint8_t out[_BANK_MAX][DIGEST_MAX]);
/* The same, with the defect of a malformed image described in errbuf. */
int authenticode_digest_msg(const uint8_t *data, size_t len, unsigned mask, unsigned n_threads,
			    uint8_t out[_BANK_MAX][DIGEST_MAX], char *errbuf, size_t errbuf_size);

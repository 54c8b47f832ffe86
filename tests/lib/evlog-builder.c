/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Synthetic TCG PC Client PFP 1.05r23 event logs and systemd JSON-SEQ logs; see
 * evlog-builder.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "evlog-builder.h"
#include "hexstr.h"

void evb_init(struct evlog_builder *b)
{
	memset(b, 0, sizeof(*b));
}

void evb_done(struct evlog_builder *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

void evb_bytes(struct evlog_builder *b, const void *p, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->alloc) {
		size_t a = b->alloc ? b->alloc : 4096;
		uint8_t *q;
		while (a < b->len + n)
			a *= 2;
		q = realloc(b->buf, a);
		if (!q) {
			b->oom = true;
			return;
		}
		b->buf = q;
		b->alloc = a;
	}
	if (n)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
}

void evb_u8(struct evlog_builder *b, uint8_t v)
{
	evb_bytes(b, &v, 1);
}

void evb_u16(struct evlog_builder *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	evb_bytes(b, x, 2);
}

void evb_u32(struct evlog_builder *b, uint32_t v)
{
	uint8_t x[4];
	for (int i = 0; i < 4; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	evb_bytes(b, x, 4);
}

void evb_u64(struct evlog_builder *b, uint64_t v)
{
	evb_u32(b, (uint32_t)v);
	evb_u32(b, (uint32_t)(v >> 32));
}

void evb_spec_id(struct evlog_builder *b, size_t n, const uint16_t *alg, const uint16_t *size)
{
	static const uint8_t zero[20];
	uint32_t data_size = (uint32_t)(16 + 4 + 4 + 4 + 4 * n + 1);

	b->n_algs = n < 8 ? n : 8;
	for (size_t i = 0; i < b->n_algs; i++) {
		b->alg[i] = alg[i];
		b->size[i] = size[i];
	}
	evb_u32(b, 0);
	evb_u32(b, 3); /* EV_NO_ACTION */
	evb_bytes(b, zero, 20);
	evb_u32(b, data_size);
	evb_bytes(b, "Spec ID Event03", 16);
	evb_u32(b, 0);  /* platformClass */
	evb_u8(b, 0);   /* specVersionMinor */
	evb_u8(b, 2);   /* specVersionMajor */
	evb_u8(b, 0);   /* specErrata */
	evb_u8(b, 2);   /* uintnSize */
	evb_u32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		evb_u16(b, alg[i]);
		evb_u16(b, size[i]);
	}
	evb_u8(b, 0); /* vendorInfoSize */
}

void evb_spec_id_banks(struct evlog_builder *b, unsigned bank_mask)
{
	uint16_t alg[_BANK_MAX], size[_BANK_MAX];
	size_t n = 0;
	FOREACH_BANK(k, bank_mask) {
		alg[n] = bank_info(k)->tpm_alg;
		size[n] = (uint16_t)bank_size(k);
		n++;
	}
	evb_spec_id(b, n, alg, size);
}

void evb_event_digests(struct evlog_builder *b, uint32_t pcr, uint32_t type, uint32_t count,
		       const uint8_t *const *d, const void *data, size_t n)
{
	evb_u32(b, pcr);
	evb_u32(b, type);
	evb_u32(b, count);
	for (uint32_t i = 0; i < count && i < b->n_algs; i++) {
		evb_u16(b, b->alg[i]);
		evb_bytes(b, d[i], b->size[i]);
	}
	evb_u32(b, (uint32_t)n);
	evb_bytes(b, data, n);
}

void evb_event(struct evlog_builder *b, uint32_t pcr, uint32_t type, const void *data, size_t n)
{
	uint8_t dig[8][DIGEST_MAX] = {};
	const uint8_t *d[8];
	for (size_t i = 0; i < b->n_algs; i++) {
		enum bank k = bank_from_tpm_alg(b->alg[i]);
		if (type != 3 && k >= 0 && digest_buffer(k, data, n, dig[i]) < 0)
			b->oom = true;
		d[i] = dig[i];
	}
	evb_event_digests(b, pcr, type, (uint32_t)b->n_algs, d, data, n);
}

void evb_legacy(struct evlog_builder *b, uint32_t pcr, uint32_t type, const void *data, size_t n)
{
	uint8_t d[20] = {};
	if (type != 3 && digest_buffer(BANK_SHA1, data, n, d) < 0)
		b->oom = true;
	evb_u32(b, pcr);
	evb_u32(b, type);
	evb_bytes(b, d, 20);
	evb_u32(b, (uint32_t)n);
	evb_bytes(b, data, n);
}

void evb_startup_locality(struct evlog_builder *b, uint8_t locality)
{
	uint8_t data[17];
	memcpy(data, "StartupLocality", 16);
	data[16] = locality;
	evb_event(b, 0, 3, data, sizeof(data));
}

void evb_sd_record(struct evlog_builder *b, unsigned pcr, unsigned bank_mask, const char *word,
		   const char *type)
{
	char line[1024];
	int off = snprintf(line, sizeof(line), "\x1e{\"pcr\":%u,\"digests\":[", pcr);
	bool first = true;
	FOREACH_BANK(k, bank_mask) {
		uint8_t d[DIGEST_MAX];
		char hex[2 * DIGEST_MAX + 1];
		if (digest_buffer(k, word, strlen(word), d) < 0)
			b->oom = true;
		hex_encode(d, bank_size(k), hex);
		off += snprintf(line + off, sizeof(line) - (size_t)off,
				"%s{\"hashAlg\":\"%s\",\"digest\":\"%s\"}", first ? "" : ",",
				bank_name(k), hex);
		first = false;
	}
	off += snprintf(line + off, sizeof(line) - (size_t)off,
			"],\"content_type\":\"systemd\",\"content\":{\"string\":\"%s\","
			"\"eventType\":\"%s\",\"bootId\":\"0123\",\"timestamp\":1}}\n",
			word, type);
	evb_bytes(b, line, (size_t)off);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* systemd userspace TPM measurement log: RFC 7464 "JavaScript Object Notation (JSON) Text
 * Sequences", record fields as written by systemd v255+ src/shared/tpm2-util.c
 * tpm2_userspace_log() (pcr, digests[{hashAlg, digest}], content_type, content). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hexstr.h"
#include "json.h"
#include "log.h"
#include "size.h"
#include "systemd-log.h"
#include "vec.h"

/* The defect of record index at offset, into e; see record-error.h. */
#define sd_fail(e, ...) record_error_set((e), "sdlog", __VA_ARGS__)

struct sdlog *sdlog_free(struct sdlog *log)
{
	if (!log)
		return NULL;
	for (size_t i = 0; i < log->n_records; i++)
		json_decref(log->records[i].json);
	free(log->records);
	free(log->events);
	free(log);
	return NULL;
}

static bool is_blank(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return false;
	return true;
}

static int parse_record(struct sdlog_record *rec, const uint8_t *text, size_t len,
			struct record_error *e)
{
	size_t index = rec->event.index, off = rec->event.offset;
	char err[160];
	json_t *j, *v, *digests, *content;
	json_int_t pcr;
	size_t i;
	int r;

	r = json_parse_capped(text, len, SDLOG_MAX_RECORD_SIZE, SDLOG_MAX_DEPTH, &rec->json, err,
			      sizeof(err));
	if (r < 0)
		return sd_fail(e, index, off, r, "invalid JSON: %s", err);
	j = rec->json;
	if (!json_is_object(j))
		return sd_fail(e, index, off, -EBADMSG, "record is not a JSON object");
	v = json_object_get(j, "pcr");
	if (!json_is_integer(v))
		return sd_fail(e, index, off, -EBADMSG, "\"pcr\" missing or not an integer");
	pcr = json_integer_value(v);
	if (pcr < 0 || pcr >= (json_int_t)TPM2_PCR_COUNT)
		return sd_fail(e, index, off, -EBADMSG, "\"pcr\" %lld out of range",
			       (long long)pcr);
	rec->event.pcr = (uint32_t)pcr;

	digests = json_object_get(j, "digests");
	if (!json_is_array(digests) || json_array_size(digests) == 0)
		return sd_fail(e, index, off, -EBADMSG, "\"digests\" missing, empty or not an array");
	if (json_array_size(digests) > SDLOG_MAX_DIGESTS)
		return sd_fail(e, index, off, -E2BIG, "%zu digests exceed the cap %u",
			       json_array_size(digests), SDLOG_MAX_DIGESTS);
	json_array_foreach(digests, i, v) {
		const char *alg, *hex;
		enum bank b;

		if (!json_is_object(v) || json_get_string(v, "hashAlg", &alg) < 0 ||
		    json_get_string(v, "digest", &hex) < 0)
			return sd_fail(e, index, off, -EBADMSG,
				       "digests[%zu] lacks string \"hashAlg\"/\"digest\"", i);
		b = bank_from_name(alg);
		if (b < 0)
			return sd_fail(e, index, off, -EOPNOTSUPP,
				       "digests[%zu]: unknown hashAlg \"%.32s\"", i, alg);
		if (rec->event.banks & BANK_MASK(b))
			return sd_fail(e, index, off, -EBADMSG, "digests[%zu]: %s given twice", i,
				       alg);
		if (strlen(hex) != 2 * bank_size(b) ||
		    hex_decode_exact(hex, bank_size(b), false, rec->digest_buf[b]) < 0)
			return sd_fail(e, index, off, -EBADMSG,
				       "digests[%zu]: %s digest is not %zu lowercase hex digits", i,
				       alg, 2 * bank_size(b));
		rec->event.banks |= BANK_MASK(b);
	}

	v = json_object_get(j, "content_type");
	if (v) {
		if (!json_is_string(v))
			return sd_fail(e, index, off, -EBADMSG, "\"content_type\" is not a string");
		rec->content_type = json_string_value(v);
	}
	content = json_object_get(j, "content");
	if (content) {
		if (!json_is_object(content))
			return sd_fail(e, index, off, -EBADMSG, "\"content\" is not an object");
		v = json_object_get(content, "string");
		if (json_is_string(v))
			rec->string = json_string_value(v);
		v = json_object_get(content, "eventType");
		if (json_is_string(v))
			rec->event_type = json_string_value(v);
	}
	rec->event.data = text;
	rec->event.data_size = len;
	return 0;
}

int sdlog_parse(const uint8_t *data, size_t size, struct sdlog **ret,
		struct record_error *ret_error)
{
	_cleanup_(sdlog_freep) struct sdlog *log = NULL;
	size_t pos = 0, alloc = 0;

	if (size > SDLOG_MAX_LOG_SIZE)
		return sd_fail(ret_error, 0, 0, -E2BIG, "log of %zu bytes exceeds the cap %zu", size,
			       SDLOG_MAX_LOG_SIZE);
	log = calloc(1, sizeof(*log));
	if (!log)
		return -ENOMEM;

	while (pos < size) {
		size_t start, end, index = log->n_records;
		const uint8_t *next;
		struct sdlog_record *rec;
		int r;

		if (data[pos] != SDLOG_RS) {
			if (is_blank(data + pos, size - pos))
				break;
			return sd_fail(ret_error, index, pos, -EBADMSG,
				       "expected a record separator (0x1E), found 0x%02x", data[pos]);
		}
		start = pos + 1;
		next = memchr(data + start, SDLOG_RS, size - start);
		end = next ? (size_t)(next - data) : size;
		pos = end;
		if (is_blank(data + start, end - start))
			continue; /* RFC 7464 §2.1: empty texts are skipped */
		if (data[end - 1] != '\n')
			return sd_fail(ret_error, index, start - 1, -EBADMSG,
				       "record not terminated by a line feed (truncated write)");
		if (end - start > SDLOG_MAX_RECORD_SIZE)
			return sd_fail(ret_error, index, start - 1, -E2BIG,
				       "record of %zu bytes exceeds the cap %zu", end - start,
				       SDLOG_MAX_RECORD_SIZE);
		if (log->n_records >= SDLOG_MAX_RECORDS)
			return sd_fail(ret_error, index, start - 1, -E2BIG,
				       "more than %zu records", SDLOG_MAX_RECORDS);
		rec = vec_grow(log->records, log->n_records, &alloc, sizeof(*rec), 16,
			       SDLOG_MAX_RECORDS);
		if (!rec)
			return -ENOMEM;
		log->records = rec;
		rec = &log->records[log->n_records++];
		memset(rec, 0, sizeof(*rec));
		rec->event.source = EVLOG_SOURCE_SYSTEMD;
		rec->event.index = index;
		rec->event.offset = start - 1;
		r = parse_record(rec, data + start, end - start, ret_error);
		if (r < 0)
			return r;
	}

	/* The records no longer move: point the digest views at them and flatten. */
	if (log->n_records > 0) {
		log->events = calloc(log->n_records, sizeof(*log->events));
		if (!log->events)
			return -ENOMEM;
	}
	for (size_t i = 0; i < log->n_records; i++) {
		struct sdlog_record *rec = &log->records[i];
		FOREACH_BANK(b, rec->event.banks)
			rec->event.digest[b] = rec->digest_buf[b];
		rec->event.sd_string = rec->string;
		rec->event.sd_event_type = rec->event_type;
		log->events[i] = rec->event;
	}
	*ret = TAKE_PTR(log);
	return 0;
}

int evlog_merge(const struct evlog *fw, const struct sdlog *sd, struct evlog_event **ret,
		size_t *ret_n)
{
	size_t n_fw = fw ? fw->n_events : 0, n_sd = sd ? sd->n_records : 0, n;
	struct evlog_event *v;

	if (!size_add(n_fw, n_sd, &n))
		return -E2BIG;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (n_fw)
		memcpy(v, fw->events, n_fw * sizeof(*v));
	if (n_sd)
		memcpy(v + n_fw, sd->events, n_sd * sizeof(*v));
	*ret = v;
	*ret_n = n;
	return 0;
}

int sdlog_format_record(unsigned pcr, unsigned banks, const uint8_t digest[_BANK_MAX][DIGEST_MAX],
			const char *content_type, const json_t *content, char **ret,
			size_t *ret_len)
{
	_cleanup_(json_decrefp) json_t *j = NULL, *arr = NULL;
	_cleanup_(freep) char *s = NULL;
	char *out;
	size_t n;

	if (pcr >= TPM2_PCR_COUNT || (banks & BANK_MASK_ALL) == 0)
		return -EINVAL;
	arr = json_array();
	j = json_object();
	if (!arr || !j)
		return -ENOMEM;
	FOREACH_BANK(b, banks) {
		char hex[2 * DIGEST_MAX + 1];
		hex_encode(digest[b], bank_size(b), hex);
		if (json_array_append_new(arr, json_pack("{s:s,s:s}", "hashAlg", bank_name(b),
							 "digest", hex)) < 0)
			return -ENOMEM;
	}
	if (json_object_set_new(j, "pcr", json_integer(pcr)) < 0 ||
	    json_object_set(j, "digests", arr) < 0)
		return -ENOMEM;
	if (content_type && json_object_set_new(j, "content_type", json_string(content_type)) < 0)
		return -ENOMEM;
	/* json_deep_copy: content is borrowed and const. */
	if (content && json_object_set_new(j, "content", json_deep_copy(content)) < 0)
		return -ENOMEM;
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (!s)
		return -ENOMEM;
	n = strlen(s);
	out = malloc(n + 3);
	if (!out)
		return -ENOMEM;
	out[0] = SDLOG_RS;
	memcpy(out + 1, s, n);
	out[n + 1] = '\n';
	out[n + 2] = '\0';
	*ret = out;
	*ret_len = n + 2;
	return 0;
}

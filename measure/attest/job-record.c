/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Job record strings: formatting and the strict parser (job-record.h, docs/attest.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hexstr.h"
#include "job-record.h"
#include "parse.h"

static const char *const type_names[_JOB_RECORD_MAX] = {
	[JOB_RECORD_SPEC] = "spec",	  [JOB_RECORD_CONTAINER] = "container",
	[JOB_RECORD_START] = "start",	  [JOB_RECORD_REFUSED] = "refused",
	[JOB_RECORD_EXIT] = "exit",	  [JOB_RECORD_END] = "end",
};

const char *job_record_type_to_string(enum job_record_type t)
{
	return (unsigned)t < _JOB_RECORD_MAX ? type_names[t] : NULL;
}

bool job_record_is(const char *s)
{
	return s && strncmp(s, JOB_RECORD_PREFIX, strlen(JOB_RECORD_PREFIX)) == 0;
}

bool job_tag_valid(const char *tag)
{
	size_t n = strlen(tag);
	const char *slash = strrchr(tag, '/');

	if (n == 0 || n > JOB_MAX_TAG)
		return false;
	for (const char *p = tag; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/:@-", *p))
			return false;
	/* NAME:TAG: a tag part after the last path component's ':' (not a registry port) */
	return strchr(slash ? slash : tag, ':') != NULL && tag[n - 1] != ':' && tag[0] != ':';
}

bool job_word_valid(const char *w)
{
	size_t n = strlen(w);

	if (n == 0 || n > JOB_MAX_WORD)
		return false;
	for (; *w; w++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789-", *w))
			return false;
	return true;
}

static bool sha256_hex_valid(const char *h)
{
	uint8_t d[32];
	return strlen(h) == 64 && hex_decode_exact(h, 32, false, d) == 0;
}

static bool image_id_valid(const char *id)
{
	return strcmp(id, "none") == 0 ||
	       (strncmp(id, "sha256:", 7) == 0 && sha256_hex_valid(id + 7));
}

/* An exit word: a decimal 0..255 in canonical form, or timeout / killed. */
static bool exit_word_valid(const char *w)
{
	uint32_t v;
	char canon[8];

	if (strcmp(w, "timeout") == 0 || strcmp(w, "killed") == 0)
		return true;
	if (safe_atou32(w, &v) < 0 || v > 255)
		return false;
	snprintf(canon, sizeof(canon), "%u", v);
	return strcmp(canon, w) == 0;
}

static bool record_valid(const struct job_record *r)
{
	switch (r->type) {
	case JOB_RECORD_SPEC:
		return sha256_hex_valid(r->sha256_hex);
	case JOB_RECORD_CONTAINER:
		return image_id_valid(r->image_id) && job_tag_valid(r->tag);
	case JOB_RECORD_START:
	case JOB_RECORD_END:
		return r->count <= JOB_MAX_COUNT;
	case JOB_RECORD_REFUSED:
		return job_word_valid(r->word);
	case JOB_RECORD_EXIT:
		return exit_word_valid(r->word);
	default:
		return false;
	}
}

int job_record_format(const struct job_record *r, char **ret)
{
	const char *t = job_record_type_to_string(r->type);
	int n;

	if (!t || !record_valid(r))
		return -EINVAL;
	switch (r->type) {
	case JOB_RECORD_SPEC:
		n = asprintf(ret, JOB_RECORD_PREFIX "%s:%s:%llu", t, r->sha256_hex,
			     (unsigned long long)r->size);
		break;
	case JOB_RECORD_CONTAINER:
		n = asprintf(ret, JOB_RECORD_PREFIX "%s:%s:%s", t, r->image_id, r->tag);
		break;
	case JOB_RECORD_START:
	case JOB_RECORD_END:
		n = asprintf(ret, JOB_RECORD_PREFIX "%s:%llu", t, (unsigned long long)r->count);
		break;
	default:
		n = asprintf(ret, JOB_RECORD_PREFIX "%s:%s", t, r->word);
		break;
	}
	return n < 0 ? -ENOMEM : 0;
}

/* Copies the field up to the next ':' (or the end if last) into buf; advances *s. */
static int take_field(const char **s, bool last, char *buf, size_t size)
{
	const char *end = last ? *s + strlen(*s) : strchr(*s, ':');
	size_t n;

	if (!end)
		return -EBADMSG;
	n = (size_t)(end - *s);
	if (n == 0 || n >= size)
		return -EBADMSG;
	memcpy(buf, *s, n);
	buf[n] = 0;
	*s = *end ? end + 1 : end;
	return 0;
}

static int take_u64(const char **s, bool last, uint64_t *ret)
{
	char buf[24], canon[24];
	int r = take_field(s, last, buf, sizeof(buf));

	if (r < 0 || safe_atou64(buf, ret) < 0)
		return -EBADMSG;
	snprintf(canon, sizeof(canon), "%llu", (unsigned long long)*ret);
	return strcmp(canon, buf) == 0 ? 0 : -EBADMSG; /* one spelling per value */
}

int job_record_parse(const char *s, struct job_record *ret)
{
	struct job_record r = {};
	char type[16];
	int k = -EBADMSG;

	if (!job_record_is(s))
		return -EBADMSG;
	s += strlen(JOB_RECORD_PREFIX);
	if (take_field(&s, false, type, sizeof(type)) < 0)
		return -EBADMSG;
	for (unsigned i = 0; i < _JOB_RECORD_MAX; i++)
		if (strcmp(type, type_names[i]) == 0)
			r.type = (enum job_record_type)(k = (int)i);
	if (k < 0)
		return -EBADMSG;
	switch (r.type) {
	case JOB_RECORD_SPEC:
		k = take_field(&s, false, r.sha256_hex, sizeof(r.sha256_hex));
		if (k >= 0)
			k = take_u64(&s, true, &r.size);
		break;
	case JOB_RECORD_CONTAINER:
		k = take_field(&s, false, r.image_id, sizeof(r.image_id));
		/* "sha256:<hex>" holds a ':' itself */
		if (k >= 0 && strcmp(r.image_id, "sha256") == 0) {
			char hex[65];
			k = take_field(&s, false, hex, sizeof(hex));
			if (k >= 0)
				snprintf(r.image_id, sizeof(r.image_id), "sha256:%s", hex);
		}
		if (k >= 0)
			k = take_field(&s, true, r.tag, sizeof(r.tag));
		break;
	case JOB_RECORD_START:
	case JOB_RECORD_END:
		k = take_u64(&s, true, &r.count);
		break;
	default:
		k = take_field(&s, true, r.word, sizeof(r.word));
		break;
	}
	if (k < 0 || *s || !record_valid(&r))
		return -EBADMSG;
	*ret = r;
	return 0;
}

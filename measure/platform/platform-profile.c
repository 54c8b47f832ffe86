/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Platform profiles (platform-profile.h): PCR 0-3/6/7 events of a reference TCG PC Client PFP
 * 1.05r23 event log, in golden.json's per-bank shape (docs/golden-format.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fileio.h"
#include "hexstr.h"
#include "json.h"
#include "measure-eventlog.h"
#include "platform-profile.h"

struct platform_profile *platform_profile_free(struct platform_profile *p)
{
	if (!p)
		return NULL;
	golden_banks_clear(p->bank);
	free(p->name);
	free(p->source);
	free(p);
	return NULL;
}

int platform_profile_from_log(const struct evlog *log, const uint8_t *log_data, size_t log_size,
			      const char *name, unsigned pcr_mask, unsigned bank_mask,
			      struct platform_profile **ret, char *errbuf, size_t errbuf_size)
{
	_cleanup_(platform_profile_freep) struct platform_profile *p = NULL;
	struct replay_pcrs *rp = NULL;
	int r, locality;

	if (pcr_mask == 0)
		pcr_mask = PLATFORM_PROFILE_DEFAULT_PCRS;
	if (bank_mask == 0)
		bank_mask = log->banks;
	if (bank_mask & ~log->banks)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "the log has no %s bank",
			       bank_name((enum bank)__builtin_ctz(bank_mask & ~log->banks)));
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->name = strdup(name ? name : "platform");
	if (!p->name)
		return -ENOMEM;
	r = digest_buffer(BANK_SHA256, log_data, log_size, p->log_sha256);
	if (r < 0)
		return r;
	{
		char hex[65];
		hex_encode(p->log_sha256, 32, hex);
		if (asprintf(&p->source, "event log sha256:%s, %s, %zu records", hex,
			     log->format == EVLOG_FORMAT_CRYPTO_AGILE ? "crypto-agile" : "legacy-sha1",
			     log->n_events) < 0) {
			p->source = NULL;
			return -ENOMEM;
		}
	}
	p->banks = bank_mask;
	p->pcrs = pcr_mask;

	/* The replay gives the start locality (StartupLocality or H-CRTM) and checks its place. */
	rp = malloc(sizeof(*rp));
	if (!rp)
		return -ENOMEM;
	r = replay_log(log, NULL, bank_mask, rp);
	locality = rp->hcrtm ? 4 : rp->startup_locality;
	free(rp);
	if (r < 0)
		return errbuf_set(errbuf, errbuf_size, r, "the log does not replay (StartupLocality)");

	FOREACH_BANK(b, bank_mask) {
		p->bank[b].present = true;
		for (unsigned pcr = 0; pcr < GOLDEN_PCR_MAX; pcr++) {
			struct golden_pcr *gp = &p->bank[b].pcrs[pcr];
			if (!(pcr_mask & (1u << pcr)))
				continue;
			if (pcr == 0 && locality > 0) {
				gp->has_startup_locality = true;
				gp->startup_locality = (uint8_t)locality;
			}
			for (size_t i = 0; i < log->n_events; i++) {
				const struct evlog_event *ev = &log->events[i];
				_cleanup_(freep) char *desc = NULL;
				char kind[64];
				const char *k;
				bool with_data;

				if (ev->pcr != pcr || ev->type == EV_NO_ACTION)
					continue;
				if (!ev->digest[b])
					return errbuf_set(errbuf, errbuf_size, -EBADMSG,
						       "event %zu (PCR %u) has no %s digest", ev->index,
						       pcr, bank_name(b));
				r = evlog_event_describe(ev, &desc);
				if (r < 0)
					return r;
				with_data = ev->data_size > 0 &&
					    ev->data_size <= GOLDEN_MAX_EVENT_DATA;
				k = evlog_event_kind(ev, kind);
				r = golden_pcr_add_event(gp, GOLDEN_LOG_FIRMWARE, k, ev->type,
							 desc[0] ? desc : k, ev->digest[b],
							 bank_size(b), NULL,
							 with_data ? ev->data : NULL,
							 with_data ? ev->data_size : 0);
				if (r < 0)
					return errbuf_set(errbuf, errbuf_size, r,
						       "event %zu: cannot add it (%s)", ev->index,
						       strerror(-r));
			}
			r = golden_pcr_recompute(gp, b);
			if (r < 0)
				return r;
		}
	}
	*ret = TAKE_PTR(p);
	return 0;
}

int platform_profile_to_json(const struct platform_profile *p, json_t **ret)
{
	_cleanup_(json_decrefp) json_t *j = NULL, *banks = NULL;
	int r;

	r = golden_banks_to_json(p->bank, &banks);
	if (r < 0)
		return r;
	j = json_pack("{s:s,s:s,s:O}", "format",
		      golden_banks_need_v2(p->bank) ? PLATFORM_PROFILE_FORMAT_V2
						    : PLATFORM_PROFILE_FORMAT,
		      "name", p->name, "banks", banks);
	if (!j)
		return -ENOMEM;
	if (p->source && json_object_set_new(j, "source", json_string(p->source)) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(j);
	return 0;
}

static bool only_keys(json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		bool ok = false;
		for (size_t i = 0; keys[i]; i++)
			if (strcmp(k, keys[i]) == 0)
				ok = true;
		if (!ok)
			return false;
	}
	return true;
}

int platform_profile_load(const void *data, size_t len, struct platform_profile **ret,
			  char *errbuf, size_t errbuf_size)
{
	static const char *const top_keys[] = {"format", "name", "source", "banks", NULL};
	_cleanup_(platform_profile_freep) struct platform_profile *p = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	json_t *src, *banks;
	const char *s;
	char err[200];
	unsigned version = 1;
	int r;

	r = json_parse_capped(data, len, PLATFORM_PROFILE_MAX_SIZE, JSON_MAX_DEPTH_DEFAULT, &j, err,
			      sizeof(err));
	if (r < 0)
		return errbuf_set(errbuf, errbuf_size, r, "%s", err);
	if (!json_is_object(j))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "not a JSON object");
	if (!only_keys(j, top_keys))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "unknown top-level key");
	if (json_get_string(j, "format", &s) < 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "format: missing");
	if (strcmp(s, PLATFORM_PROFILE_FORMAT_V2) == 0)
		version = 2;
	else if (strcmp(s, PLATFORM_PROFILE_FORMAT) != 0)
		return errbuf_set(errbuf, errbuf_size, -EOPNOTSUPP, "format: \"%.40s\" is not %s", s,
			       PLATFORM_PROFILE_FORMAT);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (json_get_string(j, "name", &s) < 0 || !*s || strlen(s) > GOLDEN_MAX_STRING)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "name: missing or empty");
	p->name = strdup(s);
	if (!p->name)
		return -ENOMEM;
	src = json_object_get(j, "source");
	if (src) {
		if (!json_is_string(src) || strlen(json_string_value(src)) > GOLDEN_MAX_STRING)
			return errbuf_set(errbuf, errbuf_size, -EBADMSG, "source: not a string");
		p->source = strdup(json_string_value(src));
		if (!p->source)
			return -ENOMEM;
	}
	if (json_get_object(j, "banks", &banks) < 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "banks: missing");
	r = golden_banks_load_format(banks, "banks", p->bank, version, true, errbuf, errbuf_size);
	if (r < 0)
		return r;
	for (enum bank b = 0; b < _BANK_MAX; b++) {
		unsigned pcrs = 0;
		if (!p->bank[b].present)
			continue;
		for (unsigned pcr = 0; pcr < GOLDEN_PCR_MAX; pcr++)
			if (p->bank[b].pcrs[pcr].present)
				pcrs |= 1u << pcr;
		if (p->banks && pcrs != p->pcrs)
			return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				       "banks.%s: lists other PCRs than the other banks", bank_name(b));
		p->banks |= BANK_MASK(b);
		p->pcrs = pcrs;
	}
	if (!p->banks)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "banks: empty");
	r = digest_buffer(BANK_SHA256, data, len, p->file_sha256);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(p);
	return 0;
}

int platform_profile_load_file(const char *path, struct platform_profile **ret, char *errbuf,
			       size_t errbuf_size)
{
	_cleanup_(freep) uint8_t *data = NULL;
	size_t len;
	int r = read_file_capped(path, PLATFORM_PROFILE_MAX_SIZE, &data, &len);
	if (r < 0)
		return errbuf_set(errbuf, errbuf_size, r, "cannot read %s: %s", path, strerror(-r));
	return platform_profile_load(data, len, ret, errbuf, errbuf_size);
}

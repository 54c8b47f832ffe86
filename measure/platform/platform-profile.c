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
#include "json-fields.h"
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

/* The log's events of one PCR (EV_NO_ACTION left out) in bank b, appended to gp in log order,
 * each with its description, kind and (within GOLDEN_MAX_EVENT_DATA) its data. */
static int pcr_events_from_log(const struct evlog *log, unsigned pcr, enum bank b,
			       struct golden_pcr *gp, char *errbuf, size_t errbuf_size)
{
	for (size_t i = 0; i < log->n_events; i++) {
		const struct evlog_event *ev = &log->events[i];
		_cleanup_(freep) char *desc = NULL;
		char kind[64];
		const char *k;
		bool with_data;
		int r;

		if (ev->pcr != pcr || ev->type == EV_NO_ACTION)
			continue;
		if (!ev->digest[b])
			return errbuf_set(errbuf, errbuf_size, -EBADMSG,
					  "event %zu (PCR %u) has no %s digest", ev->index, pcr,
					  bank_name(b));
		r = evlog_event_describe(ev, &desc);
		if (r < 0)
			return r;
		with_data = ev->data_size > 0 && ev->data_size <= GOLDEN_MAX_EVENT_DATA;
		k = evlog_event_kind(ev, kind);
		r = golden_pcr_add_event(gp, GOLDEN_LOG_FIRMWARE, k, ev->type, desc[0] ? desc : k,
					 ev->digest[b], bank_size(b), NULL,
					 with_data ? ev->data : NULL, with_data ? ev->data_size : 0);
		if (r < 0)
			return errbuf_set(errbuf, errbuf_size, r, "event %zu: cannot add it (%s)",
					  ev->index, strerror(-r));
	}
	return 0;
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
		for (unsigned pcr = 0; pcr < TPM2_PCR_COUNT; pcr++) {
			struct golden_pcr *gp = &p->bank[b].pcrs[pcr];
			if (!(pcr_mask & (1u << pcr)))
				continue;
			if (pcr == 0 && locality > 0) {
				gp->has_startup_locality = true;
				gp->startup_locality = (uint8_t)locality;
			}
			r = pcr_events_from_log(log, pcr, b, gp, errbuf, errbuf_size);
			if (r < 0)
				return r;
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

/* The one reader of platform.json, for predict (and the tests): the rules and messages are the
 * ones predict has always applied, so golden.json and predict's refusals stay as they were. */
int platform_profile_load(const void *data, size_t len, struct platform_profile **ret,
			  char *errbuf, size_t errbuf_size)
{
	static const char *const keys[] = {"format", "name", "banks", "source", NULL};
	_cleanup_(platform_profile_freep) struct platform_profile *p = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	const char *format = NULL, *name = NULL;
	json_t *v;
	int r;

	r = json_parse_capped(data, len, PLATFORM_PROFILE_MAX_SIZE, PLATFORM_PROFILE_MAX_DEPTH, &j,
			      errbuf, errbuf_size);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "(top level): not an object");
	r = json_check_keys(j, "(top level)", keys, errbuf, errbuf_size);
	if (r < 0)
		return r;
	if (json_get_string(j, "format", &format) < 0 ||
	    (strcmp(format, PLATFORM_PROFILE_FORMAT) != 0 &&
	     strcmp(format, PLATFORM_PROFILE_FORMAT_V2) != 0))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "format: not \"bootproof-platform/1\" or \"/2\"");
	if (json_get_string(j, "name", &name) < 0 || !name[0] ||
	    strlen(name) > PLATFORM_PROFILE_MAX_NAME)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "name: missing, empty or longer than 256 bytes");
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->name = strdup(name);
	if (!p->name)
		return -ENOMEM;
	/* A string (what `eventlog profile` writes); an object is accepted and not kept, as
	 * predict always did. */
	v = json_object_get(j, "source");
	if (v && !json_is_string(v) && !json_is_object(v))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "source: not a string or an object");
	if (json_is_string(v)) {
		p->source = strdup(json_string_value(v));
		if (!p->source)
			return -ENOMEM;
	}
	v = json_object_get(j, "banks");
	if (!v)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "(top level): missing \"banks\"");
	/* Format 2 profiles carry PCR status rules and placeholders (platform-target.h). */
	r = golden_banks_load_format(v, "banks", p->bank,
				     strcmp(format, PLATFORM_PROFILE_FORMAT_V2) == 0 ? 2 : 1, true,
				     errbuf, errbuf_size);
	if (r < 0)
		return r;
	for (enum bank b = 0; b < _BANK_MAX; b++) {
		if (!p->bank[b].present)
			continue;
		p->banks |= BANK_MASK(b);
		for (unsigned pcr = 0; pcr < TPM2_PCR_COUNT; pcr++)
			if (p->bank[b].pcrs[pcr].present)
				p->pcrs |= 1u << pcr;
	}
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

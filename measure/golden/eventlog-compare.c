/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Event log vs golden manifest (docs/golden-format.md "bootproof-golden/1"), event by event;
 * replay per TCG PC Client PFP 1.05r23 §10.4.5.3 (PCR 0 start locality) and TPM 2.0 Library
 * Part 1 §17 (extend). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog-compare.h"
#include "hexstr.h"
#include "measure-eventlog.h"
#include "pcr-judge.h"

struct compare_result *compare_result_free(struct compare_result *r)
{
	if (!r)
		return NULL;
	free(r->pcrs);
	free(r);
	return NULL;
}

const char *compare_diff_to_string(enum compare_diff d)
{
	static const char *const names[_COMPARE_DIFF_MAX] = {
		[COMPARE_DIFF_NONE] = "match",
		[COMPARE_DIFF_DIGEST] = "digest",
		[COMPARE_DIFF_TYPE] = "type",
		[COMPARE_DIFF_MISSING] = "missing",
		[COMPARE_DIFF_UNEXPECTED] = "unexpected",
		[COMPARE_DIFF_VALUE] = "value",
		[COMPARE_DIFF_NO_BANK] = "no-bank",
	};
	if ((unsigned)d >= _COMPARE_DIFF_MAX)
		return "?";
	return names[d];
}

static bool event_is_extended(const struct evlog_event *ev)
{
	return !(ev->source == EVLOG_SOURCE_FIRMWARE && ev->type == EV_NO_ACTION);
}

/* Does the log event stand where the golden one expects it (same log, same firmware type)? */
static bool same_kind(const struct golden_event *ge, const struct evlog_event *ev)
{
	if ((ge->log == GOLDEN_LOG_FIRMWARE) != (ev->source == EVLOG_SOURCE_FIRMWARE))
		return false;
	if (ge->log == GOLDEN_LOG_FIRMWARE && ge->has_type_id && ge->type_id != ev->type)
		return false;
	return true;
}

/* Position just after the events that produce phase k's value. */
static size_t phase_boundary(const struct golden_pcr *gp, size_t k)
{
	const char *ph = gp->phases[k].phase;
	if (strcmp(ph, "stub") == 0) {
		for (size_t i = 0; i < gp->n_events; i++)
			if (gp->events[i].log == GOLDEN_LOG_SYSTEMD)
				return i;
		return gp->n_events;
	}
	for (size_t i = 0; i < gp->n_events; i++)
		if (gp->events[i].phase && strcmp(gp->events[i].phase, ph) == 0)
			return i + 1;
	return SIZE_MAX;
}

/* The log's events for this PCR that were extended, in order (*ret: n_found + 1 entries). */
static int log_events_of_pcr(const struct evlog_event *events, size_t n, unsigned pcr,
			     const struct evlog_event ***ret, size_t *ret_n)
{
	const struct evlog_event **found;
	size_t n_found = 0;

	for (size_t i = 0; i < n; i++)
		if (events[i].pcr == pcr && event_is_extended(&events[i]))
			n_found++;
	found = calloc(n_found + 1, sizeof(*found));
	if (!found)
		return -ENOMEM;
	n_found = 0;
	for (size_t i = 0; i < n; i++)
		if (events[i].pcr == pcr && event_is_extended(&events[i]))
			found[n_found++] = &events[i];
	*ret = found;
	*ret_n = n_found;
	return 0;
}

/* After the walk: k events matched (out->diff says why it stopped early, if it did), v is the
 * replay of all n_found. Names the first differing event, an extra or a missing one, or accepts
 * a log that stops exactly at a phase boundary with that phase's value. */
static void judge_outcome(const struct golden_pcr *gp, const struct evlog_event **found,
			  size_t n_found, size_t k, const uint8_t *v, size_t sz,
			  struct compare_pcr *out)
{
	if (out->diff != COMPARE_DIFF_NONE) {
		out->expected = &gp->events[k];
		out->found = found[k];
		return;
	}
	if (n_found > gp->n_events) {
		out->diff = COMPARE_DIFF_UNEXPECTED;
		out->found = found[k];
		return;
	}
	if (n_found < gp->n_events) {
		/* Short: fine only if it stops exactly at a phase boundary. */
		for (size_t p = 0; p < gp->n_phases; p++)
			if (phase_boundary(gp, p) == n_found) {
				out->phase_at = gp->phases[p].phase;
				memcpy(out->expected_value, gp->phases[p].value, sz);
				if (memcmp(v, gp->phases[p].value, sz) != 0)
					out->diff = COMPARE_DIFF_VALUE;
				return;
			}
		out->diff = COMPARE_DIFF_MISSING;
		out->expected = &gp->events[k];
		return;
	}
	if (memcmp(v, gp->value, sz) != 0)
		out->diff = COMPARE_DIFF_VALUE;
}

static int compare_one(const struct golden_pcr *gp, enum bank b, unsigned pcr,
		       const struct evlog_event *events, size_t n, int locality,
		       struct compare_pcr *out)
{
	_cleanup_(freep) const struct evlog_event **found = NULL;
	size_t n_found = 0, k, common;
	uint8_t v[DIGEST_MAX] = {};
	size_t sz = bank_size(b);
	int r;

	memset(out, 0, sizeof(*out));
	out->golden = gp;
	out->bank = b;
	out->pcr = pcr;
	out->n_expected = gp->n_events;
	memcpy(out->expected_value, gp->value, sz);

	r = log_events_of_pcr(events, n, pcr, &found, &n_found);
	if (r < 0)
		return r;
	out->n_found = n_found;

	if (pcr == 0 && locality > 0)
		v[sz - 1] = (uint8_t)locality;
	common = MIN(n_found, gp->n_events);
	for (k = 0; k < common; k++) {
		const struct golden_event *ge = &gp->events[k];
		const struct evlog_event *ev = found[k];
		if (!ev->digest[b]) {
			out->diff = COMPARE_DIFF_NO_BANK;
			break;
		}
		if (memcmp(ge->digest, ev->digest[b], sz) != 0) {
			out->diff = COMPARE_DIFF_DIGEST;
			break;
		}
		if (!same_kind(ge, ev)) {
			out->diff = COMPARE_DIFF_TYPE;
			break;
		}
		r = pcr_extend(b, v, ev->digest[b]);
		if (r < 0)
			return r;
	}
	out->position = k;
	/* found_value is what the TPM holds: the replay of all the log's events for the PCR. */
	for (size_t i = k; i < n_found; i++)
		if (found[i]->digest[b]) {
			r = pcr_extend(b, v, found[i]->digest[b]);
			if (r < 0)
				return r;
		}
	memcpy(out->found_value, v, sz);
	/* Phases whose events all matched. */
	for (size_t p = 0; p < gp->n_phases; p++) {
		size_t at = phase_boundary(gp, p);
		if (at != SIZE_MAX && at <= k)
			out->n_phases_reached = p + 1;
	}
	judge_outcome(gp, found, n_found, k, v, sz, out);
	return 0;
}

/* compare_one() under the PCR's rule (pcr-judge.h): variable and per-instance PCRs are
 * only listed, observed ones warn, any listed alternative may match. */
static int compare_ruled(const struct golden_pcr *gp, enum bank b, unsigned pcr,
			 const struct evlog_event *events, size_t n, int locality,
			 struct compare_pcr *out)
{
	static const struct golden_pcr nothing = {.present = true};
	struct pcr_judgement jd;
	int r;

	if (gp->no_value || gp->values_only) {
		/* No events to compare: replay the log's events, judge the value. */
		r = compare_one(&nothing, b, pcr, events, n, locality, out);
		if (r < 0)
			return r;
		out->golden = gp;
		out->diff = COMPARE_DIFF_NONE;
		out->expected = NULL;
		out->found = NULL;
		memcpy(out->expected_value, gp->value, bank_size(b));
		pcr_judge_value(gp, b, out->found_value, &jd);
		out->rule = jd.rule;
		out->outcome = jd.outcome;
		if (jd.outcome != PCR_OUTCOME_PASS && jd.outcome != PCR_OUTCOME_NOT_JUDGED)
			out->diff = COMPARE_DIFF_VALUE;
		if (jd.matched && gp->n_alternatives > 0 && strcmp(jd.matched, "value") != 0)
			out->alternative = jd.matched;
		out->ruled = true;
		return 0;
	}
	r = compare_one(gp, b, pcr, events, n, locality, out);
	if (r < 0)
		return r;
	for (size_t i = 0; out->diff != COMPARE_DIFF_NONE && i < gp->n_alternatives; i++) {
		struct compare_pcr alt;
		if (gp->alternatives[i].no_value)
			continue;
		r = compare_one(&gp->alternatives[i], b, pcr, events, n, locality, &alt);
		if (r < 0)
			return r;
		if (alt.diff == COMPARE_DIFF_NONE) {
			*out = alt;
			out->golden = gp;
			out->alternative = gp->alternatives[i].name;
		}
	}
	out->rule = gp->status == PCR_STATUS_UNSET ? PCR_STATUS_EXACT : gp->status;
	out->outcome = out->diff == COMPARE_DIFF_NONE	  ? PCR_OUTCOME_PASS
		       : out->rule == PCR_STATUS_OBSERVED ? PCR_OUTCOME_WARN
							  : PCR_OUTCOME_FAIL;
	out->ruled = gp->status != PCR_STATUS_UNSET || gp->n_alternatives > 0;
	return 0;
}

int eventlog_compare(const struct golden *g, const struct evlog_event *events, size_t n,
		     unsigned banks, struct compare_result **ret)
{
	_cleanup_(compare_result_freep) struct compare_result *res = NULL;
	int locality = 0;
	size_t count = 0;
	int r;

	res = calloc(1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int l = evlog_startup_locality(&events[i]);
		if (l >= 0)
			locality = l;
		else if (events[i].source == EVLOG_SOURCE_FIRMWARE &&
			 events[i].type == EV_EFI_HCRTM_EVENT && events[i].pcr == 0)
			locality = 4; /* H-CRTM: PCR 0 starts at 00..04 */
	}
	res->startup_locality_log = (unsigned)locality;
	if (banks == 0)
		banks = BANK_MASK_ALL;
	FOREACH_BANK(b, banks)
		if (g->banks[b].present)
			for (unsigned p = 0; p < TPM2_PCR_COUNT; p++)
				if (g->banks[b].pcrs[p].present)
					count++;
	res->pcrs = calloc(count ? count : 1, sizeof(*res->pcrs));
	if (!res->pcrs)
		return -ENOMEM;
	res->ok = true;
	FOREACH_BANK(b, banks) {
		if (!g->banks[b].present)
			continue;
		for (unsigned p = 0; p < TPM2_PCR_COUNT; p++) {
			struct compare_pcr *cp;
			if (!g->banks[b].pcrs[p].present)
				continue;
			cp = &res->pcrs[res->n_pcrs++];
			r = compare_ruled(&g->banks[b].pcrs[p], b, p, events, n, locality, cp);
			if (r < 0)
				return r;
			if (cp->outcome == PCR_OUTCOME_FAIL)
				res->ok = false;
			else if (cp->outcome == PCR_OUTCOME_WARN)
				res->n_warnings++;
		}
	}
	*ret = TAKE_PTR(res);
	return 0;
}

static json_t *golden_event_json(const struct golden_event *ge, enum bank b)
{
	char hex[2 * DIGEST_MAX + 1];
	hex_encode(ge->digest, bank_size(b), hex);
	return json_pack("{s:s,s:s,s:s,s:s}", "log", golden_log_to_string(ge->log), "type",
			 ge->type, "description", ge->description ? ge->description : "", "digest",
			 hex);
}

static json_t *log_event_json(const struct evlog_event *ev, enum bank b)
{
	_cleanup_(freep) char *desc = NULL;
	char kind[64], hex[2 * DIGEST_MAX + 1] = "";
	json_t *j;

	if (evlog_event_describe(ev, &desc) < 0)
		return NULL;
	if (ev->digest[b])
		hex_encode(ev->digest[b], bank_size(b), hex);
	j = json_pack("{s:s,s:s,s:s,s:I,s:I,s:s*}", "log",
		      ev->source == EVLOG_SOURCE_FIRMWARE ? "firmware" : "systemd", "type",
		      evlog_event_kind(ev, kind), "description", desc, "index", (json_int_t)ev->index,
		      "offset", (json_int_t)ev->offset, "digest", ev->digest[b] ? hex : NULL);
	if (j && ev->source == EVLOG_SOURCE_FIRMWARE)
		json_object_set_new(j, "type_id", json_integer(ev->type));
	return j;
}

/* "match" (passed with matching events), "differs" (the first difference lies before the
 * phase's boundary), "not reached" (the log stops earlier). */
static const char *phase_status(const struct compare_pcr *c, size_t p)
{
	if (p < c->n_phases_reached)
		return "match";
	if (p == c->n_phases_reached && c->diff != COMPARE_DIFF_NONE &&
	    c->diff != COMPARE_DIFF_MISSING)
		return "differs";
	return "not reached";
}

json_t *compare_result_to_json(const struct compare_result *r)
{
	_cleanup_(json_decrefp) json_t *j = json_object(), *arr = json_array();

	if (!j || !arr)
		return NULL;
	for (size_t i = 0; i < r->n_pcrs; i++) {
		const struct compare_pcr *c = &r->pcrs[i];
		char ev[2 * DIGEST_MAX + 1], fv[2 * DIGEST_MAX + 1];
		json_t *o;

		hex_encode(c->expected_value, bank_size(c->bank), ev);
		hex_encode(c->found_value, bank_size(c->bank), fv);
		o = json_pack("{s:s,s:i,s:s,s:I,s:I,s:s,s:s,s:I}", "bank", bank_name(c->bank), "pcr",
			      (int)c->pcr, "status",
			      c->outcome == PCR_OUTCOME_NOT_JUDGED ? "not judged"
			      : c->diff == COMPARE_DIFF_NONE	   ? "match"
								   : "mismatch",
			      "events_expected",
			      (json_int_t)c->n_expected, "events_found", (json_int_t)c->n_found,
			      "expected_value", ev, "found_value", fv, "phases_reached",
			      (json_int_t)c->n_phases_reached);
		if (!o || json_array_append_new(arr, o) < 0)
			return NULL;
		if (c->phase_at)
			json_object_set_new(o, "at_phase", json_string(c->phase_at));
		/* Format 2 only, so format 1 reports keep their bytes. */
		if (c->ruled &&
		    (json_object_set_new(o, "rule", json_string(pcr_status_to_string(c->rule))) < 0 ||
		     json_object_set_new(o, "outcome",
					 json_string(pcr_outcome_to_string(c->outcome))) < 0 ||
		     (c->alternative &&
		      json_object_set_new(o, "alternative", json_string(c->alternative)) < 0)))
			return NULL;
		if (c->ruled && (c->golden->no_value || c->golden->values_only))
			json_object_del(o, "events_expected");
		if (c->ruled && c->golden->no_value)
			json_object_del(o, "expected_value");
		if (c->golden && c->golden->n_phases > 0) {
			json_t *ph = json_array();
			if (!ph || json_object_set_new(o, "phases", ph) < 0)
				return NULL;
			for (size_t p = 0; p < c->golden->n_phases; p++)
				json_array_append_new(ph, json_pack("{s:s,s:s}", "phase",
					c->golden->phases[p].phase, "status", phase_status(c, p)));
		}
		if (c->diff != COMPARE_DIFF_NONE) {
			json_t *d = json_pack("{s:s,s:I}", "kind", compare_diff_to_string(c->diff),
					      "position", (json_int_t)c->position);
			if (!d || json_object_set_new(o, "difference", d) < 0)
				return NULL;
			if (c->expected)
				json_object_set_new(d, "expected",
						    golden_event_json(c->expected, c->bank));
			if (c->found)
				json_object_set_new(d, "found", log_event_json(c->found, c->bank));
		}
	}
	if (r->n_warnings > 0 &&
	    json_object_set_new(j, "warnings", json_integer((json_int_t)r->n_warnings)) < 0)
		return NULL;
	if (json_object_set_new(j, "result", json_string(r->ok ? "match" : "mismatch")) < 0 ||
	    json_object_set(j, "pcrs", arr) < 0 ||
	    json_object_set_new(j, "startup_locality", json_integer(r->startup_locality_log)) < 0)
		return NULL;
	return TAKE_PTR(j);
}

static void print_found(FILE *f, const struct evlog_event *ev, enum bank b)
{
	_cleanup_(freep) char *desc = NULL;
	char kind[64], hex[2 * DIGEST_MAX + 1] = "(none)";
	if (ev->digest[b])
		hex_encode(ev->digest[b], bank_size(b), hex);
	fprintf(f, "    found:    %s %s (%s log record #%zu, offset 0x%zx)\n", evlog_event_kind(ev, kind),
		hex, ev->source == EVLOG_SOURCE_FIRMWARE ? "firmware" : "systemd", ev->index,
		ev->offset);
	if (evlog_event_describe(ev, &desc) >= 0)
		fprintf(f, "    which is: %s\n", desc);
}

static void print_expected(FILE *f, const struct golden_event *ge, enum bank b)
{
	char hex[2 * DIGEST_MAX + 1];
	hex_encode(ge->digest, bank_size(b), hex);
	fprintf(f, "    expected: %s %s (%s log) \"%s\"\n", ge->type, hex,
		golden_log_to_string(ge->log), ge->description ? ge->description : "");
}

void compare_result_print(const struct compare_result *r, FILE *f)
{
	for (size_t i = 0; i < r->n_pcrs; i++) {
		const struct compare_pcr *c = &r->pcrs[i];
		char ev[2 * DIGEST_MAX + 1], fv[2 * DIGEST_MAX + 1];

		hex_encode(c->expected_value, bank_size(c->bank), ev);
		hex_encode(c->found_value, bank_size(c->bank), fv);
		fprintf(f, "PCR %2u %-6s ", c->pcr, bank_name(c->bank));
		if (c->ruled) {
			fprintf(f, "[%s: %s%s%s] ", pcr_status_to_string(c->rule),
				pcr_outcome_to_string(c->outcome),
				c->alternative ? ", alternative " : "",
				c->alternative ? c->alternative : "");
			if (c->outcome == PCR_OUTCOME_NOT_JUDGED) {
				fprintf(f, "listed, not judged: %s\n", fv);
				continue;
			}
			if (c->golden->no_value || c->golden->values_only) {
				fprintf(f, "%s %s (expected %s)\n",
					c->outcome == PCR_OUTCOME_PASS ? "match" : "differs", fv,
					c->golden->no_value ? "no value yet" : ev);
				continue;
			}
		}
		switch (c->diff) {
		case COMPARE_DIFF_NONE:
			fprintf(f, "match (%zu events%s%s) %s\n", c->n_found,
				c->phase_at ? ", at phase " : "", c->phase_at ? c->phase_at : "", fv);
			break;
		case COMPARE_DIFF_DIGEST:
		case COMPARE_DIFF_TYPE:
			fprintf(f, "MISMATCH: event %zu of the PCR has another %s\n", c->position + 1,
				c->diff == COMPARE_DIFF_DIGEST ? "digest" : "type");
			print_expected(f, c->expected, c->bank);
			print_found(f, c->found, c->bank);
			break;
		case COMPARE_DIFF_MISSING:
			fprintf(f, "MISMATCH: the log ends after %zu of %zu expected events\n",
				c->n_found, c->n_expected);
			print_expected(f, c->expected, c->bank);
			break;
		case COMPARE_DIFF_UNEXPECTED:
			fprintf(f, "MISMATCH: unexpected event %zu (%s)\n", c->position + 1,
				c->n_expected == 0 ? "no event may extend this PCR: tampering"
						   : "more events than expected");
			print_found(f, c->found, c->bank);
			break;
		case COMPARE_DIFF_VALUE:
			fprintf(f, "MISMATCH: same events, another value (start locality %u)\n",
				r->startup_locality_log);
			fprintf(f, "    expected value: %s\n    found value:    %s\n", ev, fv);
			break;
		case COMPARE_DIFF_NO_BANK:
			fprintf(f, "MISMATCH: event %zu of the PCR has no %s digest in the log\n",
				c->position + 1, bank_name(c->bank));
			print_found(f, c->found, c->bank);
			break;
		default:
			break;
		}
		if (c->golden)
			for (size_t p = 0; p < c->golden->n_phases; p++)
				fprintf(f, "    phase %-13s %s\n", c->golden->phases[p].phase,
					phase_status(c, p));
	}
	if (r->n_warnings > 0)
		fprintf(f, "warnings: %zu observed PCR(s) differ\n", r->n_warnings);
	fprintf(f, "%s\n", r->ok ? "result: match" : "result: MISMATCH");
}

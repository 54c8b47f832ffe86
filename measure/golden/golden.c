/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* golden.json load (strict) and store (canonical), see golden.h and docs/golden-format.md.
 * PCR replay rule: TCG PC Client PFP 1.05 §3.3.4.2 / §10.4.5.3 (StartupLocality sets the initial
 * PCR 0 value to 00..00||locality); extend = H(old || digest). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fileio.h"
#include "golden-seal.h"
#include "golden.h"
#include "hexstr.h"
#include "json-fields.h"
#include "json.h"
#include "measure-seal.h"

static const char *const log_names[_GOLDEN_LOG_MAX] = {
	[GOLDEN_LOG_FIRMWARE] = "firmware",
	[GOLDEN_LOG_SYSTEMD] = "systemd",
};

const char *golden_log_to_string(enum golden_log l)
{
	if ((unsigned)l >= _GOLDEN_LOG_MAX)
		return NULL;
	return log_names[l];
}

enum golden_log golden_log_from_string(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(log_names); i++)
		if (s && strcmp(s, log_names[i]) == 0)
			return (enum golden_log)i;
	return _GOLDEN_LOG_INVALID;
}

void golden_pcr_key(unsigned pcr, char buf[4])
{
	snprintf(buf, 4, "%u", pcr % 100u);
}

static void golden_event_clear(struct golden_event *e)
{
	free(e->type);
	free(e->description);
	free(e->phase);
	free(e->data);
	memset(e, 0, sizeof(*e));
}

void golden_pcr_clear(struct golden_pcr *p)
{
	for (size_t i = 0; i < p->n_events; i++)
		golden_event_clear(&p->events[i]);
	free(p->events);
	for (size_t i = 0; i < p->n_phases; i++)
		free(p->phases[i].phase);
	free(p->phases);
	for (size_t i = 0; i < p->n_alternatives; i++)
		golden_pcr_clear(&p->alternatives[i]);
	free(p->alternatives);
	free(p->source);
	free(p->name);
	memset(p, 0, sizeof(*p));
}

void golden_banks_clear(struct golden_bank banks[_BANK_MAX])
{
	for (size_t b = 0; b < _BANK_MAX; b++) {
		for (size_t i = 0; i < TPM2_PCR_COUNT; i++)
			golden_pcr_clear(&banks[b].pcrs[i]);
		banks[b].present = false;
	}
}

struct golden *golden_new(void)
{
	return calloc(1, sizeof(struct golden));
}

struct golden *golden_free(struct golden *g)
{
	if (!g)
		return NULL;
	free(g->image_name);
	free(g->image_version);
	free(g->image_uname);
	free(g->systemd_stub);
	free(g->systemd_boot);
	free(g->platform_name);
	golden_banks_clear(g->banks);
	free(g->seal);
	free(g);
	return NULL;
}

/* ---- builder ---- */

static char *strdup_or_null(const char *s, bool *oom)
{
	char *d;
	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

int golden_pcr_add_event(struct golden_pcr *p, enum golden_log log, const char *type,
			 int64_t type_id, const char *description, const uint8_t *digest,
			 size_t digest_len, const char *phase, const void *data, size_t data_len)
{
	struct golden_event e = {}, *n;
	bool oom = false;

	if ((unsigned)log >= _GOLDEN_LOG_MAX || !type || !digest || digest_len > DIGEST_MAX ||
	    type_id > (int64_t)UINT32_MAX || data_len > GOLDEN_MAX_EVENT_DATA ||
	    (data_len > 0 && !data))
		return -EINVAL;
	if (p->n_events >= GOLDEN_MAX_EVENTS)
		return -E2BIG;
	e.log = log;
	e.has_type_id = type_id >= 0;
	e.type_id = type_id >= 0 ? (uint32_t)type_id : 0;
	memcpy(e.digest, digest, digest_len);
	e.type = strdup_or_null(type, &oom);
	e.description = strdup_or_null(description ? description : "", &oom);
	e.phase = strdup_or_null(phase, &oom);
	if (data && data_len > 0) {
		e.data = malloc(data_len);
		if (e.data) {
			memcpy(e.data, data, data_len);
			e.data_len = data_len;
		} else
			oom = true;
	}
	n = oom ? NULL : realloc(p->events, (p->n_events + 1) * sizeof(*p->events));
	if (!n) {
		golden_event_clear(&e);
		return -ENOMEM;
	}
	p->events = n;
	p->events[p->n_events++] = e;
	p->present = true;
	return 0;
}

int golden_pcr_add_phase(struct golden_pcr *p, const char *phase, const uint8_t *value,
			 size_t value_len)
{
	struct golden_phase *n;
	char *s;

	if (!phase || !value || value_len > DIGEST_MAX)
		return -EINVAL;
	if (p->n_phases >= GOLDEN_MAX_PHASES)
		return -E2BIG;
	s = strdup(phase);
	if (!s)
		return -ENOMEM;
	n = realloc(p->phases, (p->n_phases + 1) * sizeof(*p->phases));
	if (!n) {
		free(s);
		return -ENOMEM;
	}
	p->phases = n;
	memset(&p->phases[p->n_phases], 0, sizeof(*p->phases));
	p->phases[p->n_phases].phase = s;
	memcpy(p->phases[p->n_phases].value, value, value_len);
	p->n_phases++;
	return 0;
}

static void pcr_initial(const struct golden_pcr *p, enum bank b, uint8_t v[DIGEST_MAX])
{
	memset(v, 0, DIGEST_MAX);
	if (p->has_startup_locality)
		v[bank_size(b) - 1] = p->startup_locality;
}

int golden_pcr_replay(const struct golden_pcr *p, enum bank b, uint8_t ret_value[DIGEST_MAX])
{
	uint8_t v[DIGEST_MAX];
	int r;

	pcr_initial(p, b, v);
	for (size_t i = 0; i < p->n_events; i++) {
		r = pcr_extend(b, v, p->events[i].digest);
		if (r < 0)
			return r;
	}
	memcpy(ret_value, v, DIGEST_MAX);
	return 0;
}

int golden_pcr_recompute(struct golden_pcr *p, enum bank b)
{
	int r = golden_pcr_replay(p, b, p->value);
	if (r < 0)
		return r;
	p->present = true;
	return 0;
}

/* ---- strict loader ---- */

struct ctx {
	char *errbuf;
	size_t errbuf_size;
	unsigned version;   /* golden format 1 or 2 */
	bool profile;       /* a platform profile: placeholders allowed (golden_banks_load_format) */
};

#define PATH_MAX_LEN 160

/* The golden format's field readers: json-fields.h, with the format's string cap. */
static int check_keys(struct ctx *c, json_t *obj, const char *path,
		      const char *const *allowed)
{
	return json_check_keys(obj, path, allowed, c->errbuf, c->errbuf_size);
}

static int get_string(struct ctx *c, const json_t *obj, const char *path, const char *key,
		      bool required, bool allow_empty, char **ret)
{
	unsigned flags =
	    (required ? JSON_FIELD_REQUIRED : 0) | (allow_empty ? JSON_FIELD_EMPTY_OK : 0);
	return json_field_string(obj, path, key, flags, GOLDEN_MAX_STRING, ret, c->errbuf,
				 c->errbuf_size);
}

static int get_hex(struct ctx *c, const json_t *obj, const char *path, const char *key,
		   size_t n, uint8_t *out)
{
	return json_field_hex(obj, path, key, n, out, c->errbuf, c->errbuf_size);
}

static int get_uint(struct ctx *c, const json_t *obj, const char *path, const char *key,
		    uint64_t max, bool *ret_has, uint64_t *ret)
{
	struct json_field_uint u = {};
	int r = json_field_uint(obj, path, key, max, &u, c->errbuf, c->errbuf_size);
	*ret_has = u.present;
	if (u.present)
		*ret = u.value;
	return r;
}

static int parse_pcr_index(const char *key, unsigned *ret)
{
	unsigned v = 0;
	size_t n = strlen(key);

	/* Decimal, no sign, no leading zero (one canonical spelling per PCR). */
	if (n == 0 || n > 2 || (n == 2 && key[0] == '0'))
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		if (key[i] < '0' || key[i] > '9')
			return -EBADMSG;
		v = v * 10 + (unsigned)(key[i] - '0');
	}
	if (v >= TPM2_PCR_COUNT)
		return -EBADMSG;
	*ret = v;
	return 0;
}

static int load_event(struct ctx *c, json_t *j, const char *path, enum bank b,
		      struct golden_event *e)
{
	static const char *const keys[] = {"log", "type", "type_id", "description", "digest",
					   "phase", "data", NULL};
	_cleanup_(freep) char *log = NULL;
	uint64_t u;
	bool has;
	json_t *d;
	int r;

	if (!json_is_object(j))
		return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG, "%s: not an object", path);
	r = check_keys(c, j, path, keys);
	if (r < 0)
		return r;
	r = get_string(c, j, path, "log", true, false, &log);
	if (r < 0)
		return r;
	e->log = golden_log_from_string(log);
	if ((int)e->log < 0)
		return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
				  "%s.log: \"%.32s\" is neither \"firmware\" nor \"systemd\"", path,
				  log);
	r = get_string(c, j, path, "type", true, false, &e->type);
	if (r < 0)
		return r;
	r = get_uint(c, j, path, "type_id", UINT32_MAX, &has, &u);
	if (r < 0)
		return r;
	e->has_type_id = has;
	e->type_id = has ? (uint32_t)u : 0;
	if (e->log == GOLDEN_LOG_FIRMWARE && !has)
		return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
				  "%s: firmware event without \"type_id\"", path);
	r = get_string(c, j, path, "description", true, true, &e->description);
	if (r < 0)
		return r;
	r = get_hex(c, j, path, "digest", bank_size(b), e->digest);
	if (r < 0)
		return r;
	r = get_string(c, j, path, "phase", false, false, &e->phase);
	if (r < 0)
		return r;
	d = json_object_get(j, "data");
	if (d) {
		if (!json_is_string(d))
			return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
					  "%s.data: not a string", path);
		r = hex_decode_alloc(json_string_value(d), GOLDEN_MAX_EVENT_DATA, &e->data,
				     &e->data_len);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return errbuf_set(c->errbuf, c->errbuf_size,
					  r == -E2BIG ? -E2BIG : -EBADMSG,
					  "%s.data: not lowercase hex of at most %u bytes", path,
					  GOLDEN_MAX_EVENT_DATA);
		/* hex_decode_alloc accepts uppercase? Canonical files are lowercase only. */
		for (const char *s = json_string_value(d); *s; s++)
			if (*s >= 'A' && *s <= 'F')
				return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
						  "%s.data: uppercase hex", path);
	}
	return 0;
}

static int load_events(struct ctx *c, json_t *j, const char *path, enum bank b,
		       struct golden_pcr *p);
static int load_phases(struct ctx *c, json_t *j, const char *path, enum bank b,
		       struct golden_pcr *p);
static int load_value(struct ctx *c, json_t *j, const char *path, enum bank b, unsigned idx,
		      struct golden_pcr *p);

/* Format 2: "status" and "source"; decides whether value and events must be there. */
static int load_status(struct ctx *c, json_t *j, const char *path, struct golden_pcr *p)
{
	bool has_value = json_object_get(j, "value"), has_events = json_object_get(j, "events");
	const char *name;
	json_t *v;
	int r;

	v = json_object_get(j, "status");
	if (v) {
		if (!json_is_string(v))
			return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
					  "%s.status: not a string", path);
		name = json_string_value(v);
		p->status = pcr_status_from_string(name);
		if ((int)p->status < 0)
			return errbuf_set(
			    c->errbuf, c->errbuf_size, -EBADMSG,
			    "%s.status: \"%.32s\" is not exact, computed, observed, variable "
			    "or per-instance",
			    path, name);
	}
	r = get_string(c, j, path, "source", false, false, &p->source);
	if (r < 0)
		return r;
	switch (p->status) {
	case PCR_STATUS_VARIABLE:
	case PCR_STATUS_PER_INSTANCE:
		if (has_value || has_events || json_object_get(j, "alternatives"))
			return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
					  "%s: a %s PCR has no golden value", path,
					  pcr_status_to_string(p->status));
		p->no_value = true;
		break;
	case PCR_STATUS_OBSERVED:
		if (has_events && !has_value)
			return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
					  "%s: events without \"value\"", path);
		p->no_value = !has_value;
		p->values_only = has_value && !has_events;
		break;
	case PCR_STATUS_COMPUTED:
		/* A profile's placeholder: predict computes the value. */
		p->no_value = c->profile && !has_value && !has_events;
		break;
	default:
		break;
	}
	if (p->no_value && (json_object_get(j, "phases") || json_object_get(j, "startup_locality")))
		return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
				  "%s: phases or startup_locality without a value", path);
	return 0;
}

/* Format 2 "alternatives": [{"name", "value", "events"[, "startup_locality"]}] — other event
 * lists that are accepted as well (PCR 5's ExitBootServices retry). */
static int load_alternatives(struct ctx *c, json_t *j, const char *path, enum bank b,
			     unsigned idx, struct golden_pcr *p)
{
	static const char *const keys[] = {"name", "value", "events", "startup_locality", NULL};
	char sub[PATH_MAX_LEN];
	json_t *alts = json_object_get(j, "alternatives");
	size_t n;
	int r;

	if (!alts)
		return 0;
	if (!json_is_array(alts))
		return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
				  "%s.alternatives: not an array", path);
	n = json_array_size(alts);
	if (n == 0 || n > GOLDEN_MAX_ALTERNATIVES)
		return errbuf_set(c->errbuf, c->errbuf_size, n ? -E2BIG : -EBADMSG,
				  "%s.alternatives: %zu entries (1-%u allowed)", path, n,
				  GOLDEN_MAX_ALTERNATIVES);
	p->alternatives = calloc(n, sizeof(*p->alternatives));
	if (!p->alternatives)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *a = json_array_get(alts, i);
		struct golden_pcr *alt = &p->alternatives[i];

		snprintf(sub, sizeof(sub), "%.100s.alternatives[%zu]", path, i);
		p->n_alternatives = i + 1;
		if (!json_is_object(a))
			return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG, "%s: not an object",
					  sub);
		r = check_keys(c, a, sub, keys);
		if (r < 0)
			return r;
		r = get_string(c, a, sub, "name", true, false, &alt->name);
		if (r < 0)
			return r;
		for (size_t k = 0; k < i; k++)
			if (strcmp(p->alternatives[k].name, alt->name) == 0)
				return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
						  "%s.name: \"%.32s\" twice", sub, alt->name);
		alt->present = true;
		if (c->profile && !json_object_get(a, "value") && !json_object_get(a, "events")) {
			alt->no_value = true; /* predict builds it */
			continue;
		}
		r = load_value(c, a, sub, b, idx, alt);
		if (r < 0)
			return r;
		r = load_events(c, a, sub, b, alt);
		if (r < 0)
			return r;
	}
	return 0;
}

static int load_pcr(struct ctx *c, json_t *j, const char *path, enum bank b, unsigned idx,
		    struct golden_pcr *p)
{
	static const char *const keys[] = {"value", "events", "phases", "startup_locality", NULL};
	static const char *const keys2[] = {"value", "events", "phases", "startup_locality",
					    "status", "source", "alternatives", NULL};
	int r;

	if (!json_is_object(j))
		return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG, "%s: not an object", path);
	r = check_keys(c, j, path, c->version >= 2 ? keys2 : keys);
	if (r < 0)
		return r;
	p->present = true;
	if (c->version >= 2) {
		r = load_status(c, j, path, p);
		if (r < 0)
			return r;
		r = load_alternatives(c, j, path, b, idx, p);
		if (r < 0)
			return r;
	}
	if (p->no_value)
		return 0;
	r = load_value(c, j, path, b, idx, p);
	if (r < 0)
		return r;
	if (p->values_only) {
		if (json_object_get(j, "phases"))
			return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
					  "%s: phases need events", path);
		return 0;
	}
	r = load_events(c, j, path, b, p);
	if (r < 0)
		return r;
	return load_phases(c, j, path, b, p);
}

/* "value" and PCR 0's "startup_locality". */
static int load_value(struct ctx *c, json_t *j, const char *path, enum bank b, unsigned idx,
		      struct golden_pcr *p)
{
	uint64_t u;
	bool has;
	int r;

	r = get_hex(c, j, path, "value", bank_size(b), p->value);
	if (r < 0)
		return r;
	r = get_uint(c, j, path, "startup_locality", 0xff, &has, &u);
	if (r < 0)
		return r;
	if (has && idx != 0)
		return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
				  "%s.startup_locality: only PCR 0 has a startup locality", path);
	p->has_startup_locality = has;
	p->startup_locality = has ? (uint8_t)u : 0;
	return 0;
}

/* "events" of a PCR or an alternative, and the check that "value" is their replay. */
static int load_events(struct ctx *c, json_t *j, const char *path, enum bank b,
		       struct golden_pcr *p)
{
	char sub[PATH_MAX_LEN];
	uint8_t v[DIGEST_MAX];
	json_t *events;
	size_t n;
	int r;

	events = json_object_get(j, "events");
	if (!events)
		return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG, "%s: missing \"events\"",
				  path);
	if (!json_is_array(events))
		return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG, "%s.events: not an array",
				  path);
	n = json_array_size(events);
	if (n > GOLDEN_MAX_EVENTS)
		return errbuf_set(c->errbuf, c->errbuf_size, -E2BIG,
				  "%s.events: %zu events exceed the cap of %u", path, n,
				  GOLDEN_MAX_EVENTS);
	if (n > 0) {
		p->events = calloc(n, sizeof(*p->events));
		if (!p->events)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%.100s.events[%zu]", path, i);
		p->n_events = i + 1; /* so that a partial event is freed too */
		r = load_event(c, json_array_get(events, i), sub, b, &p->events[i]);
		if (r < 0)
			return r;
	}

	r = golden_pcr_replay(p, b, v);
	if (r < 0)
		return r;
	if (memcmp(v, p->value, bank_size(b)) != 0)
		return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
				  "%s.value: does not equal the replay of its %zu events", path, n);
	return 0;
}

static int load_phases(struct ctx *c, json_t *j, const char *path, enum bank b,
		       struct golden_pcr *p)
{
	char sub[PATH_MAX_LEN];
	json_t *phases;
	size_t n;
	int r;

	phases = json_object_get(j, "phases");
	if (!phases)
		return 0;
	if (!json_is_array(phases))
		return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG, "%s.phases: not an array",
				  path);
	n = json_array_size(phases);
	if (n > GOLDEN_MAX_PHASES)
		return errbuf_set(c->errbuf, c->errbuf_size, -E2BIG,
				  "%s.phases: %zu phases exceed the cap of %u", path, n,
				  GOLDEN_MAX_PHASES);
	if (n > 0) {
		p->phases = calloc(n, sizeof(*p->phases));
		if (!p->phases)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		static const char *const pkeys[] = {"phase", "value", NULL};
		json_t *ph = json_array_get(phases, i);
		struct golden_phase *gp = &p->phases[i];
		size_t stop = SIZE_MAX;
		uint8_t w[DIGEST_MAX];

		snprintf(sub, sizeof(sub), "%.100s.phases[%zu]", path, i);
		p->n_phases = i + 1;
		if (!json_is_object(ph))
			return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG, "%s: not an object",
					  sub);
		r = check_keys(c, ph, sub, pkeys);
		if (r < 0)
			return r;
		r = get_string(c, ph, sub, "phase", true, false, &gp->phase);
		if (r < 0)
			return r;
		r = get_hex(c, ph, sub, "value", bank_size(b), gp->value);
		if (r < 0)
			return r;
		/* Consistency: "stub" is the state before the first systemd-log event; any other
		 * phase is the state right after the event carrying that phase word. */
		if (strcmp(gp->phase, "stub") == 0) {
			stop = 0;
			while (stop < p->n_events && p->events[stop].log != GOLDEN_LOG_SYSTEMD)
				stop++;
		} else
			for (size_t k = 0; k < p->n_events; k++)
				if (p->events[k].phase && strcmp(p->events[k].phase, gp->phase) == 0) {
					stop = k + 1;
					break;
				}
		if (stop == SIZE_MAX)
			return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
					  "%s: no event carries phase \"%.32s\"", sub, gp->phase);
		pcr_initial(p, b, w);
		for (size_t k = 0; k < stop; k++) {
			r = pcr_extend(b, w, p->events[k].digest);
			if (r < 0)
				return r;
		}
		if (memcmp(w, gp->value, bank_size(b)) != 0)
			return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
					  "%s.value: does not equal the replay up to phase %s", sub,
					  gp->phase);
	}
	return 0;
}

int golden_banks_load(json_t *j, const char *path, struct golden_bank banks[_BANK_MAX],
		      char *errbuf, size_t errbuf_size)
{
	return golden_banks_load_format(j, path, banks, 1, false, errbuf, errbuf_size);
}

int golden_banks_load_format(json_t *j, const char *path, struct golden_bank banks[_BANK_MAX],
			     unsigned version, bool profile, char *errbuf, size_t errbuf_size)
{
	struct ctx c = {errbuf, errbuf_size, version, profile};
	char sub[PATH_MAX_LEN];
	const char *bkey, *pkey;
	json_t *bv, *pv;
	int r;

	if (!json_is_object(j))
		return errbuf_set(c.errbuf, c.errbuf_size, -EBADMSG, "%s: not an object", path);
	json_object_foreach(j, bkey, bv) {
		enum bank b = bank_from_name(bkey);
		if ((int)b < 0)
			return errbuf_set(c.errbuf, c.errbuf_size, -EBADMSG,
					  "%s: unknown bank \"%.32s\"", path, bkey);
		if (!json_is_object(bv))
			return errbuf_set(c.errbuf, c.errbuf_size, -EBADMSG, "%s.%s: not an object",
					  path, bkey);
		banks[b].present = true;
		json_object_foreach(bv, pkey, pv) {
			unsigned idx;
			if (parse_pcr_index(pkey, &idx) < 0)
				return errbuf_set(c.errbuf, c.errbuf_size, -EBADMSG,
						  "%s.%s: \"%.32s\" is not a PCR index 0-%u", path,
						  bkey, pkey, TPM2_PCR_COUNT - 1);
			snprintf(sub, sizeof(sub), "%.40s.%.40s.%.40s", path, bkey, pkey);
			r = load_pcr(&c, pv, sub, b, idx, &banks[b].pcrs[idx]);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int load_image(struct ctx *c, json_t *j, struct golden *g)
{
	static const char *const keys[] = {"name", "version", "uname", "disk_sha256", "uki_sha256",
					   "source_date_epoch", NULL};
	int r;

	if (!json_is_object(j))
		return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG, "image: not an object");
	r = check_keys(c, j, "image", keys);
	if (r < 0)
		return r;
	r = get_string(c, j, "image", "name", false, false, &g->image_name);
	if (r < 0)
		return r;
	r = get_string(c, j, "image", "version", false, false, &g->image_version);
	if (r < 0)
		return r;
	r = get_string(c, j, "image", "uname", false, false, &g->image_uname);
	if (r < 0)
		return r;
	if (json_object_get(j, "disk_sha256")) {
		r = get_hex(c, j, "image", "disk_sha256", 32, g->disk_sha256);
		if (r < 0)
			return r;
		g->has_disk_sha256 = true;
	}
	if (json_object_get(j, "uki_sha256")) {
		r = get_hex(c, j, "image", "uki_sha256", 32, g->uki_sha256);
		if (r < 0)
			return r;
		g->has_uki_sha256 = true;
	}
	return get_uint(c, j, "image", "source_date_epoch", INT64_MAX, &g->has_source_date_epoch,
			&g->source_date_epoch);
}

/* "stub" (the systemd-stub and systemd-boot versions) and "platform" (the profile the values
 * were predicted for): each an object or null. */
static int load_stub_and_platform(struct ctx *c, json_t *j, struct golden *g)
{
	static const struct json_field stub_fields[] = {
	    {"systemd_stub", JSON_FIELD_STRING, 0, GOLDEN_MAX_STRING,
	     offsetof(struct golden, systemd_stub)},
	    {"systemd_boot", JSON_FIELD_STRING, 0, GOLDEN_MAX_STRING,
	     offsetof(struct golden, systemd_boot)},
	};
	static const struct json_field platform_fields[] = {
	    {"name", JSON_FIELD_STRING, JSON_FIELD_REQUIRED, GOLDEN_MAX_STRING,
	     offsetof(struct golden, platform_name)},
	    {"profile_sha256", JSON_FIELD_HEX, JSON_FIELD_REQUIRED, 32,
	     offsetof(struct golden, platform_profile_sha256)},
	};
	json_t *v = json_object_get(j, "stub");
	int r;

	if (v && !json_is_null(v)) {
		r = json_fields_read(v, "stub", stub_fields, ARRAY_SIZE(stub_fields), g, c->errbuf,
				     c->errbuf_size);
		if (r < 0)
			return r;
	}
	v = json_object_get(j, "platform");
	if (v && !json_is_null(v)) {
		if (!json_is_object(v))
			return errbuf_set(c->errbuf, c->errbuf_size, -EBADMSG,
					  "platform: not an object or null");
		r = json_fields_read(v, "platform", platform_fields, ARRAY_SIZE(platform_fields), g,
				     c->errbuf, c->errbuf_size);
		if (r < 0)
			return r;
		g->has_platform = true;
	}
	return 0;
}

int golden_load(const void *data, size_t len, struct golden **ret, char *errbuf,
		size_t errbuf_size)
{
	static const char *const keys[] = {"format", "image", "stub", "platform", "secure_boot",
					   "banks", "seal", NULL};
	_cleanup_(golden_freep) struct golden *g = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(freep) char *format = NULL;
	struct ctx c = {errbuf, errbuf_size, 1, false};
	json_t *v;
	int r;

	if (errbuf_size > 0)
		errbuf[0] = '\0';
	r = json_parse_capped(data, len, GOLDEN_MAX_SIZE, 16, &j, errbuf, errbuf_size);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return errbuf_set(c.errbuf, c.errbuf_size, -EBADMSG, "(top level): not an object");
	g = golden_new();
	if (!g)
		return -ENOMEM;
	r = get_string(&c, j, "(top level)", "format", true, false, &format);
	if (r < 0)
		return r;
	if (strcmp(format, GOLDEN_FORMAT_V2) == 0)
		c.version = 2;
	else if (strcmp(format, GOLDEN_FORMAT) != 0)
		return errbuf_set(c.errbuf, c.errbuf_size, -EOPNOTSUPP,
				  "format: \"%.64s\" is neither \"%s\" nor \"%s\"", format,
				  GOLDEN_FORMAT, GOLDEN_FORMAT_V2);
	r = check_keys(&c, j, "(top level)", keys);
	if (r < 0)
		return r;

	v = json_object_get(j, "image");
	if (v && !json_is_null(v)) {
		r = load_image(&c, v, g);
		if (r < 0)
			return r;
	}
	r = load_stub_and_platform(&c, j, g);
	if (r < 0)
		return r;
	v = json_object_get(j, "secure_boot");
	if (!v || !json_is_boolean(v))
		return errbuf_set(c.errbuf, c.errbuf_size, -EBADMSG,
				  "secure_boot: missing or not a boolean");
	g->secure_boot = json_is_true(v);

	v = json_object_get(j, "banks");
	if (!v)
		return errbuf_set(c.errbuf, c.errbuf_size, -EBADMSG,
				  "(top level): missing \"banks\"");
	r = golden_banks_load_format(v, "banks", g->banks, c.version, false, errbuf, errbuf_size);
	if (r < 0)
		return r;
	v = json_object_get(j, "seal");
	if (v) {
		g->seal = calloc(1, sizeof(*g->seal));
		if (!g->seal)
			return -ENOMEM;
		r = seal_policy_load(v, g->seal, errbuf, errbuf_size);
		if (r < 0)
			return r;
		r = seal_policy_check_banks(g->seal, g->banks, errbuf, errbuf_size);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(g);
	return 0;
}

int golden_load_file(const char *path, struct golden **ret, char *errbuf, size_t errbuf_size)
{
	_cleanup_(freep) uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	r = read_file_capped(path, GOLDEN_MAX_SIZE, &buf, &len);
	if (r < 0) {
		if (errbuf_size > 0)
			snprintf(errbuf, errbuf_size, "cannot read: %s", strerror(-r));
		return r;
	}
	return golden_load(buf, len, ret, errbuf, errbuf_size);
}

/* ---- canonical writer ---- */


static int pcr_to_json(const struct golden_pcr *p, enum bank b, json_t **ret);

/* Format 2 keys of a PCR object (or "name" of an alternative); nothing for a format 1 PCR. */
static int status_to_json(const struct golden_pcr *p, enum bank b, json_t *o)
{
	_cleanup_(json_decrefp) json_t *alts = NULL;
	int r;

	if (p->status != PCR_STATUS_UNSET &&
	    (r = json_set_new(o, "status", json_string(pcr_status_to_string(p->status)))) < 0)
		return r;
	if (p->source && (r = json_set_new(o, "source", json_string(p->source))) < 0)
		return r;
	if (p->name && (r = json_set_new(o, "name", json_string(p->name))) < 0)
		return r;
	if (p->n_alternatives == 0)
		return 0;
	alts = json_array();
	if (!alts)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_alternatives; i++) {
		json_t *a = NULL;
		r = pcr_to_json(&p->alternatives[i], b, &a);
		if (r < 0)
			return r;
		if (json_array_append_new(alts, a) < 0)
			return -ENOMEM;
	}
	return json_set_new(o, "alternatives", TAKE_PTR(alts));
}

static int pcr_to_json(const struct golden_pcr *p, enum bank b, json_t **ret)
{
	_cleanup_(json_decrefp) json_t *o = json_object(), *ev = json_array();
	size_t sz = bank_size(b);
	int r;

	if (!o || !ev)
		return -ENOMEM;
	r = status_to_json(p, b, o);
	if (r < 0)
		return r;
	if (p->no_value) {
		*ret = TAKE_PTR(o);
		return 0;
	}
	r = json_set_new(o, "value", json_hex_string(p->value, sz));
	if (r < 0)
		return r;
	if (p->has_startup_locality) {
		r = json_set_new(o, "startup_locality", json_integer(p->startup_locality));
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < p->n_events; i++) {
		const struct golden_event *e = &p->events[i];
		_cleanup_(json_decrefp) json_t *eo = json_object();
		if (!eo)
			return -ENOMEM;
		if ((r = json_set_new(eo, "log", json_string(golden_log_to_string(e->log)))) < 0 ||
		    (r = json_set_new(eo, "type", json_string(e->type))) < 0 ||
		    (r = json_set_new(eo, "description", json_string(e->description ? e->description
										: ""))) < 0 ||
		    (r = json_set_new(eo, "digest", json_hex_string(e->digest, sz))) < 0)
			return r;
		if (e->has_type_id && (r = json_set_new(eo, "type_id", json_integer(e->type_id))) < 0)
			return r;
		if (e->phase && (r = json_set_new(eo, "phase", json_string(e->phase))) < 0)
			return r;
		if (e->data && (r = json_set_new(eo, "data", json_hex_string(e->data, e->data_len))) < 0)
			return r;
		if (json_array_append_new(ev, TAKE_PTR(eo)) < 0)
			return -ENOMEM;
	}
	if (!p->values_only) {
		r = json_set_new(o, "events", TAKE_PTR(ev));
		if (r < 0)
			return r;
	}
	if (p->n_phases > 0) {
		_cleanup_(json_decrefp) json_t *ph = json_array();
		if (!ph)
			return -ENOMEM;
		for (size_t i = 0; i < p->n_phases; i++) {
			_cleanup_(json_decrefp) json_t *po = json_object();
			if (!po)
				return -ENOMEM;
			if ((r = json_set_new(po, "phase", json_string(p->phases[i].phase))) < 0 ||
			    (r = json_set_new(po, "value", json_hex_string(p->phases[i].value, sz))) < 0)
				return r;
			if (json_array_append_new(ph, TAKE_PTR(po)) < 0)
				return -ENOMEM;
		}
		r = json_set_new(o, "phases", TAKE_PTR(ph));
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(o);
	return 0;
}

int golden_banks_to_json(const struct golden_bank banks[_BANK_MAX], json_t **ret)
{
	_cleanup_(json_decrefp) json_t *o = json_object();
	int r;

	if (!o)
		return -ENOMEM;
	for (enum bank b = 0; b < _BANK_MAX; b++) {
		_cleanup_(json_decrefp) json_t *bo = NULL;
		if (!banks[b].present)
			continue;
		bo = json_object();
		if (!bo)
			return -ENOMEM;
		for (unsigned i = 0; i < TPM2_PCR_COUNT; i++) {
			json_t *pj = NULL;
			char key[4];
			if (!banks[b].pcrs[i].present)
				continue;
			r = pcr_to_json(&banks[b].pcrs[i], b, &pj);
			if (r < 0)
				return r;
			golden_pcr_key(i, key);
			r = json_set_new(bo, key, pj);
			if (r < 0)
				return r;
		}
		r = json_set_new(o, bank_name(b), TAKE_PTR(bo));
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(o);
	return 0;
}

int golden_to_json(const struct golden *g, json_t **ret)
{
	_cleanup_(json_decrefp) json_t *o = json_object(), *img = json_object(), *stub = NULL;
	json_t *banks = NULL;
	int r;

	if (!o || !img)
		return -ENOMEM;
	/* Format 1 bytes stay as they were unless a PCR carries a status (docs/golden-format.md). */
	if ((r = json_set_new(o, "format", json_string(golden_banks_need_v2(g->banks) ? GOLDEN_FORMAT_V2
										    : GOLDEN_FORMAT))) < 0)
		return r;
	if (g->image_name && (r = json_set_new(img, "name", json_string(g->image_name))) < 0)
		return r;
	if (g->image_version && (r = json_set_new(img, "version", json_string(g->image_version))) < 0)
		return r;
	if (g->image_uname && (r = json_set_new(img, "uname", json_string(g->image_uname))) < 0)
		return r;
	if (g->has_disk_sha256 && (r = json_set_new(img, "disk_sha256", json_hex_string(g->disk_sha256, 32))) < 0)
		return r;
	if (g->has_uki_sha256 && (r = json_set_new(img, "uki_sha256", json_hex_string(g->uki_sha256, 32))) < 0)
		return r;
	if (g->has_source_date_epoch &&
	    (r = json_set_new(img, "source_date_epoch",
			 json_integer((json_int_t)g->source_date_epoch))) < 0)
		return r;
	if ((r = json_set_new(o, "image", TAKE_PTR(img))) < 0)
		return r;
	if (g->systemd_stub || g->systemd_boot) {
		stub = json_object();
		if (!stub)
			return -ENOMEM;
		if (g->systemd_stub &&
		    (r = json_set_new(stub, "systemd_stub", json_string(g->systemd_stub))) < 0)
			return r;
		if (g->systemd_boot &&
		    (r = json_set_new(stub, "systemd_boot", json_string(g->systemd_boot))) < 0)
			return r;
		if ((r = json_set_new(o, "stub", TAKE_PTR(stub))) < 0)
			return r;
	}
	if (g->has_platform) {
		_cleanup_(json_decrefp) json_t *pl = json_object();
		if (!pl)
			return -ENOMEM;
		if ((r = json_set_new(pl, "name", json_string(g->platform_name ? g->platform_name : ""))) <
			    0 ||
		    (r = json_set_new(pl, "profile_sha256", json_hex_string(g->platform_profile_sha256, 32))) < 0)
			return r;
		if ((r = json_set_new(o, "platform", TAKE_PTR(pl))) < 0)
			return r;
	} else if ((r = json_set_new(o, "platform", json_null())) < 0)
		return r;
	if ((r = json_set_new(o, "secure_boot", json_boolean(g->secure_boot))) < 0)
		return r;
	r = golden_banks_to_json(g->banks, &banks);
	if (r < 0)
		return r;
	if ((r = json_set_new(o, "banks", banks)) < 0)
		return r;
	if (g->seal) {
		json_t *seal = NULL;
		if ((r = seal_policy_to_json(g->seal, &seal)) < 0 || (r = json_set_new(o, "seal", seal)) < 0)
			return r;
	}
	*ret = TAKE_PTR(o);
	return 0;
}

int golden_store(const char *path, const struct golden *g)
{
	_cleanup_(json_decrefp) json_t *j = NULL;
	int r = golden_to_json(g, &j);
	if (r < 0)
		return r;
	return json_write_canonical(path, j);
}

static bool pcr_needs_v2(const struct golden_pcr *p)
{
	return p->status != PCR_STATUS_UNSET || p->source || p->no_value || p->values_only ||
	       p->n_alternatives > 0;
}

bool golden_banks_need_v2(const struct golden_bank banks[_BANK_MAX])
{
	for (size_t b = 0; b < _BANK_MAX; b++)
		for (size_t i = 0; banks[b].present && i < TPM2_PCR_COUNT; i++)
			if (banks[b].pcrs[i].present && pcr_needs_v2(&banks[b].pcrs[i]))
				return true;
	return false;
}

static int pcr_copy_events(struct golden_pcr *dst, const struct golden_pcr *src, enum bank b)
{
	for (size_t k = 0; k < src->n_events; k++) {
		const struct golden_event *e = &src->events[k];
		int r = golden_pcr_add_event(dst, e->log, e->type,
					     e->has_type_id ? (int64_t)e->type_id : -1,
					     e->description, e->digest, bank_size(b), e->phase,
					     e->data, e->data_len);
		if (r < 0)
			return r;
	}
	return 0;
}

int golden_pcr_copy_status(struct golden_pcr *dst, const struct golden_pcr *src, enum bank b)
{
	bool oom = false;

	dst->status = src->status;
	free(dst->source);
	dst->source = strdup_or_null(src->source, &oom);
	if (oom)
		return -ENOMEM;
	dst->no_value = src->no_value;
	dst->values_only = src->values_only;
	if (src->values_only)
		memcpy(dst->value, src->value, DIGEST_MAX);
	for (size_t i = 0; i < src->n_alternatives; i++) {
		const struct golden_pcr *a = &src->alternatives[i];
		struct golden_pcr *n;
		int r;

		if (dst->n_alternatives >= GOLDEN_MAX_ALTERNATIVES)
			return -E2BIG;
		n = realloc(dst->alternatives, (dst->n_alternatives + 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		dst->alternatives = n;
		n = &n[dst->n_alternatives++];
		memset(n, 0, sizeof(*n));
		n->present = true;
		n->name = strdup_or_null(a->name, &oom);
		if (oom)
			return -ENOMEM;
		n->no_value = a->no_value;
		n->has_startup_locality = a->has_startup_locality;
		n->startup_locality = a->startup_locality;
		r = pcr_copy_events(n, a, b);
		if (r < 0)
			return r;
		memcpy(n->value, a->value, DIGEST_MAX);
	}
	return 0;
}

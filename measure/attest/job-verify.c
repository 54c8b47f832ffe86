/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Jobs in a userspace measurement log (job-verify.h, docs/jobs.md): a state machine over the
 * runtime records in log order, then the judgement of the containers and of the last job. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "hexstr.h"
#include "job-record.h"
#include "job-verify.h"
#include "json.h"
#include "runtime-measure.h"

struct job_release *job_release_free(struct job_release *r)
{
	if (!r)
		return NULL;
	for (size_t i = 0; i < r->n; i++) {
		free(r->entries[i].tag);
		free(r->entries[i].id);
	}
	free(r->entries);
	free(r);
	return NULL;
}

static bool id_valid(const char *id)
{
	uint8_t d[32];
	return strncmp(id, "sha256:", 7) == 0 && strlen(id) == 71 &&
	       hex_decode_exact(id + 7, 32, false, d) == 0;
}

static int release_add(struct job_release *r, const char *tag, const char *id, char *err,
		       size_t err_size)
{
	struct job_release_entry *e;

	if (!id_valid(id))
		return errbuf_set(err, err_size, -EBADMSG, "tag '%.200s': '%.80s' is not sha256:<64 "
				  "lowercase hex>", tag, id);
	if (!job_tag_valid(tag))
		return errbuf_set(err, err_size, -EBADMSG, "'%.200s' is not a NAME:TAG reference",
				  tag);
	if (r->n >= JOB_RELEASE_MAX_ENTRIES)
		return errbuf_set(err, err_size, -E2BIG, "more than %u tag/ID pairs",
				  JOB_RELEASE_MAX_ENTRIES);
	e = reallocarray(r->entries, r->n + 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	r->entries = e;
	e[r->n] = (struct job_release_entry){.tag = strdup(tag), .id = strdup(id)};
	if (!e[r->n].tag || !e[r->n].id) {
		free(e[r->n].tag);
		free(e[r->n].id);
		return -ENOMEM;
	}
	r->n++;
	return 0;
}

/* One image of bootproof's format: every tag paired with every accepted ID. */
static int release_add_image(struct job_release *r, size_t i, json_t *img, char *err,
			     size_t err_size)
{
	json_t *tags = json_object_get(img, "tags"), *id = json_object_get(img, "id"), *t;
	const char *lists[] = {"manifest_digests", "index_digests"};
	size_t k, m;
	int rr;

	if (!json_is_object(img) || !json_is_array(tags) || !json_is_string(id))
		return errbuf_set(err, err_size, -EBADMSG, "images[%zu]: no \"id\" string and "
				  "\"tags\" array", i);
	json_array_foreach(tags, k, t) {
		if (!json_is_string(t))
			return errbuf_set(err, err_size, -EBADMSG, "images[%zu].tags[%zu]: not a "
					  "string", i, k);
		rr = release_add(r, json_string_value(t), json_string_value(id), err, err_size);
		if (rr < 0)
			return rr;
		for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
			json_t *a = json_object_get(img, lists[l]), *d;
			if (a && !json_is_array(a))
				return errbuf_set(err, err_size, -EBADMSG, "images[%zu].%s: not an "
						  "array", i, lists[l]);
			json_array_foreach(a, m, d) {
				if (!json_is_string(d))
					return errbuf_set(err, err_size, -EBADMSG, "images[%zu].%s[%zu]: "
							  "not a string", i, lists[l], m);
				rr = release_add(r, json_string_value(t), json_string_value(d), err,
						 err_size);
				if (rr < 0)
					return rr;
			}
		}
	}
	return 0;
}

int job_release_parse(const void *data, size_t len, struct job_release **ret, char *err,
		      size_t err_size)
{
	_cleanup_(job_release_freep) struct job_release *r = calloc(1, sizeof(*r));
	_cleanup_(json_decrefp) json_t *j = NULL;
	const char *key;
	json_t *v, *images;
	size_t i;
	int rr;

	if (!r)
		return -ENOMEM;
	rr = json_parse_capped(data, len, JOB_RELEASE_MAX_SIZE, 16, &j, err, err_size);
	if (rr < 0)
		return rr;
	if (!json_is_object(j))
		return errbuf_set(err, err_size, -EBADMSG, "not a JSON object");
	images = json_object_get(j, "images");
	if (json_is_string(json_object_get(j, "format"))) {
		if (strcmp(json_string_value(json_object_get(j, "format")),
			   "bootproof-container-measurements") != 0 || !json_is_array(images))
			return errbuf_set(err, err_size, -EBADMSG, "\"format\" is not "
					  "bootproof-container-measurements with an \"images\" array");
		json_array_foreach(images, i, v) {
			rr = release_add_image(r, i, v, err, err_size);
			if (rr < 0)
				return rr;
		}
	} else {
		/* AICert's map: "@local/" + the reference -> the image ID */
		json_object_foreach(j, key, v) {
			if (strncmp(key, "@local/", 7) != 0 || !json_is_string(v))
				return errbuf_set(err, err_size, -EBADMSG, "key '%.200s': not "
						  "\"@local/NAME:TAG\": \"sha256:ID\"", key);
			rr = release_add(r, key + 7, json_string_value(v), err, err_size);
			if (rr < 0)
				return rr;
		}
	}
	*ret = TAKE_PTR(r);
	return 0;
}

bool job_release_has(const struct job_release *r, const char *tag, const char *id)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (strcmp(r->entries[i].tag, tag) == 0 && strcmp(r->entries[i].id, id) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------- the log */

enum job_phase {
	PHASE_NONE,      /* no job open */
	PHASE_SPEC,      /* spec measured */
	PHASE_CONTAINER, /* container measured: inputs follow */
	PHASE_STARTED,   /* the container runs */
	PHASE_EXITED,    /* exit status measured: outputs follow */
};

struct scan {
	const struct job_verify_options *o;
	json_t *jobs;
	json_t *job;        /* the open job (borrowed from jobs), or the last closed one */
	enum job_phase phase;
	bool last_refused;  /* the last job closed was refused */
	uint64_t n_inputs, n_outputs;
	struct job_verdict *v;
};

static int vset(struct job_verdict *v, const char *reason, const char *fmt, ...) _printf_(3, 4);
static int vset(struct job_verdict *v, const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
	v->reason = reason;
	return 0;
}

static int set_str(json_t *o, const char *key, const char *s)
{
	return json_set_new(o, key, json_string(s));
}

static int job_open(struct scan *s, const struct job_record *r)
{
	json_t *j = json_pack("{s:{s:s,s:I},s:n,s:[],s:[],s:n,s:s,s:b}", "spec", "sha256",
			      r->sha256_hex, "size", (json_int_t)r->size, "container", "inputs",
			      "outputs", "exit", "status", "incomplete", "started", 0);

	if (!j || json_array_append_new(s->jobs, j) < 0)
		return -ENOMEM;
	s->job = j;
	s->phase = PHASE_SPEC;
	s->n_inputs = s->n_outputs = 0;
	return 0;
}

static json_t *io_entry(const struct runtime_event *e, unsigned pcr)
{
	return json_pack("{s:s,s:s,s:s,s:I,s:s,s:I}", "name", e->label, "path", e->path, "sha256",
			 e->sha256_hex, "size", (json_int_t)e->size, "type",
			 e->is_dir ? "dir" : "file", "pcr", (json_int_t)pcr);
}

/* An input/output record: part of the open job, out of its order, or a plain extend. */
static int on_runtime_event(struct scan *s, const struct sdlog_record *rec,
			    const struct runtime_event *e)
{
	bool input = e->kind == RUNTIME_INPUT;
	json_t *a;

	if (s->phase == PHASE_NONE)
		return 0;
	if (input && s->phase == PHASE_CONTAINER) {
		s->n_inputs++;
		a = json_object_get(s->job, "inputs");
		return json_array_append_new(a, io_entry(e, rec->event.pcr)) < 0 ? -ENOMEM : 0;
	}
	if (!input && s->phase == PHASE_EXITED) {
		s->n_outputs++;
		a = json_object_get(s->job, "outputs");
		return json_array_append_new(a, io_entry(e, rec->event.pcr)) < 0 ? -ENOMEM : 0;
	}
	return vset(s->v, "job-record-order",
		    "userspace log record %zu: %s '%s' %s", rec->event.index,
		    input ? "input" : "output", e->path,
		    input ? (s->phase == PHASE_SPEC ? "before the job's container record"
						    : "after the job started")
			  : (s->phase == PHASE_STARTED ? "before the job's exit record"
						       : "before the job started"));
}

static int order_error(struct scan *s, const struct sdlog_record *rec,
		       const struct job_record *r)
{
	static const char *const phase_names[] = {"no job open", "after the spec",
						  "after the container", "after the start",
						  "after the exit status"};
	if (s->phase == PHASE_NONE && s->last_refused &&
	    (r->type == JOB_RECORD_START || r->type == JOB_RECORD_EXIT ||
	     r->type == JOB_RECORD_END))
		return vset(s->v, "job-refused-presented-as-run",
			    "userspace log record %zu: a job-%s record follows a refused job: the "
			    "runner refused it, nothing ran", rec->event.index,
			    job_record_type_to_string(r->type));
	return vset(s->v, "job-record-order", "userspace log record %zu: job-%s record %s",
		    rec->event.index, job_record_type_to_string(r->type), phase_names[s->phase]);
}

static int on_job_record(struct scan *s, const struct sdlog_record *rec,
			 const struct job_record *r)
{
	json_t *c;

	switch (r->type) {
	case JOB_RECORD_SPEC:
		/* An open job that never closed was interrupted (crash, kill, power): it stays
		 * "incomplete" in the list. */
		if (json_array_size(s->jobs) >= JOB_MAX_JOBS)
			return vset(s->v, "job-record-malformed", "more than %u jobs in the log",
				    JOB_MAX_JOBS);
		s->last_refused = false;
		return job_open(s, r);
	case JOB_RECORD_CONTAINER:
		if (s->phase != PHASE_SPEC)
			return order_error(s, rec, r);
		c = json_pack("{s:s,s:s,s:n}", "tag", r->tag, "id", r->image_id, "in_release");
		if (!c || json_object_set_new(s->job, "container", c) < 0)
			return -ENOMEM;
		s->phase = PHASE_CONTAINER;
		return 0;
	case JOB_RECORD_START:
		if (s->phase != PHASE_CONTAINER)
			return order_error(s, rec, r);
		if (r->count != s->n_inputs)
			return vset(s->v, "job-record-order", "userspace log record %zu: the job "
				    "started with %llu inputs, %llu input records precede it",
				    rec->event.index, (unsigned long long)r->count,
				    (unsigned long long)s->n_inputs);
		s->phase = PHASE_STARTED;
		return json_set_new(s->job, "started", json_true());
	case JOB_RECORD_REFUSED:
		if (s->phase != PHASE_SPEC && s->phase != PHASE_CONTAINER)
			return order_error(s, rec, r);
		s->phase = PHASE_NONE;
		s->last_refused = true;
		if (set_str(s->job, "status", "refused") < 0 || set_str(s->job, "refused", r->word) < 0)
			return -ENOMEM;
		return 0;
	case JOB_RECORD_EXIT:
		if (s->phase != PHASE_STARTED)
			return order_error(s, rec, r);
		s->phase = PHASE_EXITED;
		return set_str(s->job, "exit", r->word);
	case JOB_RECORD_END:
		if (s->phase != PHASE_EXITED)
			return order_error(s, rec, r);
		if (r->count != s->n_outputs)
			return vset(s->v, "job-record-order", "userspace log record %zu: the job "
				    "closed with %llu outputs, %llu output records precede it",
				    rec->event.index, (unsigned long long)r->count,
				    (unsigned long long)s->n_outputs);
		s->phase = PHASE_NONE;
		return set_str(s->job, "status", "complete");
	default:
		return -EINVAL;
	}
}

static int scan_log(struct scan *s, const struct sdlog *sd)
{
	for (size_t i = 0; sd && i < sd->n_records && !s->v->reason; i++) {
		const struct sdlog_record *rec = &sd->records[i];
		struct runtime_event ev;
		struct job_record jr;
		int r;

		if (!(s->o->runtime_pcrs & (1u << rec->event.pcr)) || !rec->string ||
		    !rec->event_type || strcmp(rec->event_type, RUNTIME_EVENT_TYPE) != 0)
			continue;
		if (job_record_is(rec->string)) {
			if (job_record_parse(rec->string, &jr) < 0)
				return vset(s->v, "job-record-malformed", "userspace log record %zu "
					    "(offset %zu): not a valid job record",
					    rec->event.index, rec->event.offset);
			r = on_job_record(s, rec, &jr);
		} else if (runtime_event_parse(rec->string, &ev) == 0)
			r = on_runtime_event(s, rec, &ev);
		else
			continue; /* judged by the caller */
		if (r < 0)
			return r;
	}
	return 0;
}

/* Containers of jobs that started must be the release's; then the last job. */
static int judge(struct scan *s)
{
	size_t i, n = json_array_size(s->jobs);
	json_t *j, *last = n ? json_array_get(s->jobs, n - 1) : NULL;
	const char *status, *exit;

	json_array_foreach(s->jobs, i, j) {
		json_t *c = json_object_get(j, "container");
		const char *tag = json_string_value(json_object_get(c, "tag"));
		const char *id = json_string_value(json_object_get(c, "id"));
		bool in;

		if (!c || !json_is_object(c) || !s->o->release)
			continue;
		in = job_release_has(s->o->release, tag, id);
		if (json_set_new(c, "in_release", json_boolean(in)) < 0)
			return -ENOMEM;
		if (!in && json_is_true(json_object_get(j, "started")) && !s->v->reason)
			vset(s->v, "job-container-not-in-release", "job %zu ran %s as %s, which is "
			     "not in the release's container measurements", i + 1, id, tag);
	}
	if (s->v->reason)
		return 0;
	status = last ? json_string_value(json_object_get(last, "status")) : NULL;
	exit = last ? json_string_value(json_object_get(last, "exit")) : NULL;
	if (status && strcmp(status, "incomplete") == 0)
		return vset(s->v, "job-incomplete", "job %zu has no closing record: it was "
			    "interrupted or is still running; its result is not proven", n);
	if (!s->o->require_success)
		return 0;
	if (!last)
		return vset(s->v, "job-missing", "no job in the log, and a successful one is required");
	if (strcmp(status, "refused") == 0)
		return vset(s->v, "job-refused", "job %zu was refused by the runner (%s): nothing "
			    "ran", n, json_string_value(json_object_get(last, "refused")));
	if (!exit || strcmp(exit, "0") != 0)
		return vset(s->v, "job-exit-nonzero", "job %zu ended with exit status %s", n,
			    exit ? exit : "(none)");
	return 0;
}

int job_verify(const struct sdlog *sd, const struct job_verify_options *o, json_t **ret_jobs,
	       struct job_verdict *ret)
{
	_cleanup_(json_decrefp) json_t *jobs = json_array();
	struct job_verdict v = {};
	struct scan s = {.o = o, .jobs = jobs, .v = &v};
	int r;

	if (!jobs)
		return -ENOMEM;
	r = scan_log(&s, sd);
	if (r < 0)
		return r;
	if (!v.reason) {
		r = judge(&s);
		if (r < 0)
			return r;
	}
	*ret_jobs = TAKE_PTR(jobs);
	*ret = v;
	return 0;
}

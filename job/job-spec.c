/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The strict job-spec reader (job-spec.h): jansson with caps and duplicate keys refused, then
 * every object's keys checked against the schema by helpers/json-fields (unknown keys refused by
 * name, missing ones named), then each value read and checked against its range. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "job-record.h"
#include "job-spec.h"
#include "json-fields.h"
#include "json.h"

struct job_spec *job_spec_free(struct job_spec *s)
{
	if (!s)
		return NULL;
	free(s->container);
	for (size_t i = 0; i < s->n_command; i++)
		free(s->command[i]);
	free(s->command);
	for (size_t i = 0; i < s->n_inputs; i++) {
		free(s->inputs[i].name);
		free(s->inputs[i].path);
	}
	free(s->inputs);
	free(s->output);
	free(s);
	return NULL;
}

const char *job_path_defect(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || p[0] != '/')
		return "not an absolute path";
	if (n > JOB_SPEC_MAX_PATH)
		return "longer than 1024 bytes";
	if (strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+@/-") != n)
		return "a character outside [A-Za-z0-9._+@/-]";
	if (n == 1)
		return "the root folder";
	for (const char *c = p; *c; ) {
		const char *e;
		size_t k;

		c++; /* past '/' */
		e = strchr(c, '/');
		k = e ? (size_t)(e - c) : strlen(c);
		if (k == 0)
			return "an empty component ('//' or a trailing '/')";
		if (k == 2 && memcmp(c, "..", 2) == 0)
			return "a '..' component";
		if (k == 1 && c[0] == '.')
			return "a '.' component";
		c += k;
	}
	return NULL;
}

/* Presence only: every key of the schema required, any other refused, with json-fields' messages
 * ("limits: unknown key \"gpus\"", "limits: missing \"pids\""); the typed reads below check
 * each value against its own range (job limits have a lower bound as well as a cap). */
#define REQUIRED_KEY(k) { .key = (k), .type = JSON_FIELD_ANY, .flags = JSON_FIELD_REQUIRED }

static const struct json_field spec_keys[] = {
	REQUIRED_KEY("format"), REQUIRED_KEY("container"), REQUIRED_KEY("command"),
	REQUIRED_KEY("inputs"), REQUIRED_KEY("output"),	   REQUIRED_KEY("limits"),
};
static const struct json_field input_keys[] = { REQUIRED_KEY("name"), REQUIRED_KEY("path") };
static const struct json_field limit_keys[] = {
	REQUIRED_KEY("memory_mb"),
	REQUIRED_KEY("cpus"),
	REQUIRED_KEY("pids"),
	REQUIRED_KEY("seconds"),
};

static int only_keys(json_t *o, const char *where, const struct json_field *keys, size_t n,
		     char *err, size_t err_size)
{
	uint8_t none; /* JSON_FIELD_ANY rows store nothing */

	return json_fields_read(o, where, keys, n, &none, err, err_size);
}

static int take_string(const json_t *v, const char *where, size_t max, char **ret, char *err,
		       size_t err_size)
{
	size_t n;

	if (!json_is_string(v))
		return errbuf_set(err, err_size, -EBADMSG, "%s: not a string", where);
	n = json_string_length(v);
	if (n == 0 || n > max)
		return errbuf_set(err, err_size, -EBADMSG, "%s: empty or longer than %zu bytes",
				  where, max);
	if (strlen(json_string_value(v)) != n)
		return errbuf_set(err, err_size, -EBADMSG, "%s: contains a NUL byte", where);
	*ret = strdup(json_string_value(v));
	return *ret ? 0 : -ENOMEM;
}

static int take_path(const json_t *v, const char *where, char **ret, char *err, size_t err_size)
{
	const char *d;
	int r = take_string(v, where, JOB_SPEC_MAX_PATH, ret, err, err_size);

	if (r < 0)
		return r;
	d = job_path_defect(*ret);
	if (d)
		return errbuf_set(err, err_size, -EBADMSG, "%s: '%s': %s", where, *ret, d);
	return 0;
}

static int take_uint(const json_t *v, const char *where, uint32_t min, uint32_t max,
		     uint32_t *ret, char *err, size_t err_size)
{
	json_int_t i;

	if (!json_is_integer(v))
		return errbuf_set(err, err_size, -EBADMSG, "%s: not an integer", where);
	i = json_integer_value(v);
	if (i < (json_int_t)min || i > (json_int_t)max)
		return errbuf_set(err, err_size, -EBADMSG, "%s: %lld is outside %u..%u", where,
				  (long long)i, min, max);
	*ret = (uint32_t)i;
	return 0;
}

static bool name_valid(const char *n)
{
	size_t len = strlen(n);
	return len >= 1 && len <= JOB_SPEC_MAX_NAME &&
	       strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789._-") == len && n[0] != '.' &&
	       n[0] != '-';
}

static int parse_command(struct job_spec *s, const json_t *a, char *err, size_t err_size)
{
	char where[48];
	size_t i;
	json_t *v;

	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    json_array_size(a) > JOB_SPEC_MAX_ARGS)
		return errbuf_set(err, err_size, -EBADMSG, "command: not an array of 1..%u strings",
				  JOB_SPEC_MAX_ARGS);
	s->command = calloc(json_array_size(a) + 1, sizeof(char *));
	if (!s->command)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		int r;
		snprintf(where, sizeof(where), "command[%zu]", i);
		r = take_string(v, where, JOB_SPEC_MAX_ARG, &s->command[i], err, err_size);
		if (r < 0)
			return r;
		s->n_command++;
	}
	return 0;
}

static int parse_inputs(struct job_spec *s, const json_t *a, char *err, size_t err_size)
{
	char where[48];
	size_t i;
	json_t *v;

	if (!json_is_array(a) || json_array_size(a) > JOB_SPEC_MAX_INPUTS)
		return errbuf_set(err, err_size, -EBADMSG, "inputs: not an array of at most %u "
				  "inputs", JOB_SPEC_MAX_INPUTS);
	s->inputs = calloc(json_array_size(a) + 1, sizeof(*s->inputs));
	if (!s->inputs)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		struct job_input *in = &s->inputs[i];
		int r;

		snprintf(where, sizeof(where), "inputs[%zu]", i);
		r = only_keys(v, where, input_keys, ARRAY_SIZE(input_keys), err, err_size);
		if (r < 0)
			return r;
		s->n_inputs++;
		snprintf(where, sizeof(where), "inputs[%zu].name", i);
		r = take_string(json_object_get(v, "name"), where, JOB_SPEC_MAX_NAME, &in->name, err,
				err_size);
		if (r < 0)
			return r;
		if (!name_valid(in->name))
			return errbuf_set(err, err_size, -EBADMSG, "%s: '%s' is not 1..64 of "
					  "[a-z0-9._-], not starting with '.' or '-'", where,
					  in->name);
		for (size_t k = 0; k < i; k++)
			if (strcmp(s->inputs[k].name, in->name) == 0)
				return errbuf_set(err, err_size, -EBADMSG, "%s: '%s' is also "
						  "inputs[%zu].name", where, in->name, k);
		snprintf(where, sizeof(where), "inputs[%zu].path", i);
		r = take_path(json_object_get(v, "path"), where, &in->path, err, err_size);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_limits(struct job_spec *s, json_t *o, char *err, size_t err_size)
{
	int r = only_keys(o, "limits", limit_keys, ARRAY_SIZE(limit_keys), err, err_size);

	if (r >= 0)
		r = take_uint(json_object_get(o, "memory_mb"), "limits.memory_mb",
			      JOB_SPEC_MIN_MEMORY_MB, JOB_SPEC_MAX_MEMORY_MB, &s->memory_mb, err,
			      err_size);
	if (r >= 0)
		r = take_uint(json_object_get(o, "cpus"), "limits.cpus", 1, JOB_SPEC_MAX_CPUS,
			      &s->cpus, err, err_size);
	if (r >= 0)
		r = take_uint(json_object_get(o, "pids"), "limits.pids", 1, JOB_SPEC_MAX_PIDS,
			      &s->pids, err, err_size);
	if (r >= 0)
		r = take_uint(json_object_get(o, "seconds"), "limits.seconds", 1,
			      JOB_SPEC_MAX_SECONDS, &s->seconds, err, err_size);
	return r;
}

int job_spec_parse(const void *data, size_t len, struct job_spec **ret, char *err,
		   size_t err_size)
{
	_cleanup_(job_spec_freep) struct job_spec *s = calloc(1, sizeof(*s));
	_cleanup_(json_decrefp) json_t *j = NULL;
	const json_t *f;
	int r;

	if (!s)
		return -ENOMEM;
	r = json_parse_capped(data, len, JOB_SPEC_MAX_SIZE, 8, &j, err, err_size);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return errbuf_set(err, err_size, -EBADMSG, "not a JSON object");
	r = only_keys(j, "spec", spec_keys, ARRAY_SIZE(spec_keys), err, err_size);
	if (r < 0)
		return r;
	f = json_object_get(j, "format");
	if (!json_is_string(f) || strcmp(json_string_value(f), JOB_SPEC_FORMAT) != 0)
		return errbuf_set(err, err_size, -EBADMSG, "format: not \"%s\"", JOB_SPEC_FORMAT);
	r = take_string(json_object_get(j, "container"), "container", JOB_MAX_TAG, &s->container,
			err, err_size);
	if (r < 0)
		return r;
	if (!job_tag_valid(s->container))
		return errbuf_set(err, err_size, -EBADMSG, "container: '%s' is not NAME:TAG",
				  s->container);
	r = parse_command(s, json_object_get(j, "command"), err, err_size);
	if (r >= 0)
		r = parse_inputs(s, json_object_get(j, "inputs"), err, err_size);
	if (r >= 0)
		r = take_path(json_object_get(j, "output"), "output", &s->output, err, err_size);
	if (r >= 0)
		r = parse_limits(s, json_object_get(j, "limits"), err, err_size);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(s);
	return 0;
}

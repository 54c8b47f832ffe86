/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* verify's job part: see verify-jobs.h. */
#include <errno.h>
#include <string.h>

#include "fileio.h"
#include "hexstr.h"
#include "log.h"
#include "measure-golden.h"
#include "verify-jobs.h"

int verify_load_release(const char *path, struct job_release **ret)
{
	_cleanup_(freep) uint8_t *data = NULL;
	char err[512];
	size_t len;
	int r;

	r = read_file_capped(path, JOB_RELEASE_MAX_SIZE, &data, &len);
	if (r < 0)
		return log_error_errno(r, "verify: cannot read --containers '%s'", path);
	r = job_release_parse(data, len, ret, err, sizeof(err));
	if (r < 0) {
		log_error("verify: --containers '%s': %s", path, err);
		return r;
	}
	return 0;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "-";
}

static void print_io(const char *what, const json_t *list, FILE *f)
{
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e)
		fprintf(f, "    %s %s (%s) sha256:%s %lld bytes\n", what, str(e, "path"),
			str(e, "name"), str(e, "sha256"),
			json_integer_value(json_object_get(e, "size")));
}

void verify_print_jobs(const json_t *v, const struct golden *golden,
		       const char *containers_path, FILE *f)
{
	const json_t *jobs = json_object_get(v, "jobs"), *j;
	size_t i;

	if (json_array_size(jobs) == 0)
		return;
	if (json_is_true(json_object_get(v, "ok")) && golden) {
		char disk[65] = "";
		if (golden->has_disk_sha256)
			hex_encode(golden->disk_sha256, 32, disk);
		fprintf(f, "  provenance: a machine that booted release %s%s%s%s%s; containers judged "
			"against %s\n", golden->image_name ? golden->image_name : "(unnamed)",
			golden->image_version ? " " : "",
			golden->image_version ? golden->image_version : "",
			disk[0] ? ", disk sha256:" : "", disk,
			containers_path ? containers_path : "nothing (no --containers)");
	}
	else
		fprintf(f, "  jobs in the log (NOT proven: the bundle did not verify):\n");

	json_array_foreach(jobs, i, j) {
		const json_t *c = json_object_get(j, "container");
		const json_t *in = json_object_get(c, "in_release");
		const char *status = str(j, "status");

		fprintf(f, "  job %zu: spec sha256:%s, %s", i + 1,
			str(json_object_get(j, "spec"), "sha256"), status);
		if (strcmp(status, "refused") == 0)
			fprintf(f, " (%s): nothing ran\n", str(j, "refused"));
		else
			fprintf(f, ", exit status %s\n", str(j, "exit"));
		if (json_is_object(c))
			fprintf(f, "    container %s %s: %s\n", str(c, "tag"), str(c, "id"),
				json_is_true(in)    ? "in the release's container measurements"
				: json_is_false(in) ? "NOT in the release's container measurements"
						    : "not checked (no --containers)");
		print_io("input ", json_object_get(j, "inputs"), f);
		print_io("output", json_object_get(j, "outputs"), f);
	}
}

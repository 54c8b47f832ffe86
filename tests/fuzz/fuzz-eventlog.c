/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the TCG event-log parser (TCG PC Client PFP 1.05r23 §10.2) and everything that walks a
 * parsed log: replay, the human decoder (EFI variables, device paths, GPT, tags, ...), the
 * platform profile and its JSON, and a round trip of that JSON through the strict loader. */
#include <stdint.h>
#include <stdlib.h>

#include "json.h"
#include "measure-eventlog.h"
#include "measure-platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evlog *log = NULL;
	struct record_error e;
	struct replay_pcrs *r;
	struct platform_profile *p = NULL, *q = NULL;
	char err[256];

	if (size > (1u << 20) || evlog_parse(data, size, &log, &e) < 0)
		return 0;
	r = malloc(sizeof(*r));
	if (!r)
		abort();
	if (replay_log(log, NULL, 0, r) == 0) {
		json_t *j = replay_to_json(r, true);
		if (!j)
			abort();
		json_decref(j);
	}
	free(r);
	for (size_t i = 0; i < log->n_events && i < 4096; i++) {
		char *s = NULL;
		if (evlog_event_describe(&log->events[i], &s) < 0)
			abort();
		free(s);
	}
	if (platform_profile_from_log(log, data, size, "fuzz", 0, 0, &p, err, sizeof(err)) == 0) {
		json_t *j = NULL;
		char *text = NULL;
		size_t n;
		if (platform_profile_to_json(p, &j) < 0 || json_dump_canonical(j, &text, &n) < 0)
			abort();
		/* What the profile writer emits, the strict loader must take back. */
		if (platform_profile_load(text, n, &q, err, sizeof(err)) < 0)
			abort();
		platform_profile_free(q);
		free(text);
		json_decref(j);
		platform_profile_free(p);
	}
	evlog_free(log);
	return 0;
}

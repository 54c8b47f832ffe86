/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the RFC 7464 JSON-SEQ parser of systemd's userspace measurement log, replay over it, the
 * decoder, and a format/parse round trip of every record. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure-eventlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdlog *l = NULL;
	struct replay_pcrs *r;

	if (sdlog_parse(data, size, &l, NULL) < 0)
		return 0;
	r = malloc(sizeof(*r));
	if (!r)
		abort();
	if (replay_log(NULL, l, 0, r) < 0)
		abort();
	free(r);
	for (size_t i = 0; i < l->n_records; i++) {
		const struct evlog_event *ev = &l->events[i];
		uint8_t d[_BANK_MAX][DIGEST_MAX] = {};
		struct sdlog *back = NULL;
		char *s = NULL;
		size_t n;

		if (evlog_event_describe(ev, &s) < 0)
			abort();
		free(s);
		FOREACH_BANK(b, ev->banks)
			memcpy(d[b], ev->digest[b], bank_size(b));
		if (sdlog_format_record(ev->pcr, ev->banks, d, l->records[i].content_type,
					json_object_get(l->records[i].json, "content"), &s, &n) < 0)
			abort();
		/* ENSURE_ASCII escaping can grow a record past the cap: only check what fits. */
		if (n <= SDLOG_MAX_RECORD_SIZE &&
		    (sdlog_parse((const uint8_t *)s, n, &back, NULL) < 0 || back->n_records != 1 ||
		     back->events[0].pcr != ev->pcr || back->events[0].banks != ev->banks))
			abort();
		sdlog_free(back);
		free(s);
	}
	sdlog_free(l);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parse error of the event-log parsers; see record-error.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "record-error.h"

int record_error_set(struct record_error *e, const char *source, size_t index, size_t offset,
		     int r, const char *fmt, ...)
{
	char what[sizeof(e->what)];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_debug("%s: record %zu at offset 0x%zx: %s", source, index, offset, what);
	if (e) {
		e->index = index;
		e->offset = offset;
		memcpy(e->what, what, sizeof(what));
	}
	return r;
}

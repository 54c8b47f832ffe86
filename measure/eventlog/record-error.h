/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where and why a log parser stopped: the record, its byte offset, the defect. One structure for
 * the TCG log and the systemd log, so a caller reports either the same way. */
#pragma once

#include <stddef.h>

#include "macro.h"

struct record_error {
	size_t index;   /* record number */
	size_t offset;  /* byte offset of the record (of its RS in a JSON-SEQ log) */
	char what[200]; /* the defect, e.g. "DigestCount 3 differs from the header's 2" */
};

/* Formats the defect into e (if non-NULL), logs "<source>: record N at offset 0x..: <defect>" at
 * debug level, and returns r, so a parser can `return record_error_set(e, "evlog", i, off,
 * -EBADMSG, "...", ...);`. */
int record_error_set(struct record_error *e, const char *source, size_t index, size_t offset,
		     int r, const char *fmt, ...) _printf_(6, 7);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Error text for callers: library functions that reject input write what was wrong into a
 * caller-provided buffer (the verb prints it once) and return the error code. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "macro.h"

/* Formats into buf (if buf and size are non-zero) and returns r, so a parser can
 * `return errbuf_set(err, err_size, -EBADMSG, "entry %zu: ...", i);`. */
int errbuf_set(char *buf, size_t size, int r, const char *fmt, ...) _printf_(4, 5);
/* The same with a va_list, for a helper that adds its own step (a verdict's "refused" flag). */
int errbuf_setv(char *buf, size_t size, int r, const char *fmt, va_list ap) _printf_(4, 0);

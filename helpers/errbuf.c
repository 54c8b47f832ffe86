/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Caller-provided error text; see errbuf.h. */
#include <stdarg.h>
#include <stdio.h>

#include "errbuf.h"

int errbuf_setv(char *buf, size_t size, int r, const char *fmt, va_list ap)
{
	if (buf && size)
		vsnprintf(buf, size, fmt, ap);
	return r;
}

int errbuf_set(char *buf, size_t size, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_setv(buf, size, r, fmt, ap);
	va_end(ap);
	return r;
}

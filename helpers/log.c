/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stderr logging; see log.h. */
#include <stdarg.h>
#include <string.h>

#include "log.h"

static enum log_level max_level = LOG_LEVEL_INFO;
static const char *program = "bootproof";

void log_set_level(enum log_level level)
{
	max_level = level;
}

enum log_level log_get_level(void)
{
	return max_level;
}

void log_set_program(const char *name)
{
	program = name;
}

_printf_(4, 0) static void vlog(enum log_level level, int err, const char *reason, const char *fmt,
				va_list ap)
{
	static const char *const prefix[] = {
		[LOG_LEVEL_ERROR] = "error: ",
		[LOG_LEVEL_WARNING] = "warning: ",
		[LOG_LEVEL_INFO] = "",
		[LOG_LEVEL_DEBUG] = "debug: ",
	};
	int saved = errno;

	if (level > max_level)
		return;
	fprintf(stderr, "%s: %s", program, prefix[level]);
	vfprintf(stderr, fmt, ap);
	if (reason && reason[0])
		fprintf(stderr, ": %s", reason);
	else if (err != 0)
		fprintf(stderr, ": %s", strerror(err < 0 ? -err : err));
	fputc('\n', stderr);
	errno = saved;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(level, 0, NULL, fmt, ap);
	va_end(ap);
}

int log_msg_errno(enum log_level level, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(level, err, NULL, fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}

int log_msg_reason(enum log_level level, int err, const char *reason, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(level, err, reason, fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}

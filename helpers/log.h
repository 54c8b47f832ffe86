/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Logging to stderr with a program-name prefix. Libraries log only at debug (style.md 7);
 * verbs log an error once and return. */
#pragma once

#include "macro.h"

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_set_program(const char *name);

void log_msg(enum log_level level, const char *fmt, ...) _printf_(2, 3);
/* Logs "<message>: <strerror(-err)>" and returns err (negative), so verbs can
 * `return log_error_errno(r, "Failed to read '%s'", path);`. */
int log_msg_errno(enum log_level level, int err, const char *fmt, ...) _printf_(3, 4);

/* Logs "<message>: <reason>" where a library wrote a reason (an errbuf, a record error), else
 * "<message>: <strerror(-err)>", and returns err: the reason already says what is wrong, and
 * strerror after it would only repeat it ("...: Bad message"). */
int log_msg_reason(enum log_level level, int err, const char *reason, const char *fmt, ...)
    _printf_(4, 5);

#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_debug_errno(e, ...) log_msg_errno(LOG_LEVEL_DEBUG, e, __VA_ARGS__)
#define log_warning_errno(e, ...) log_msg_errno(LOG_LEVEL_WARNING, e, __VA_ARGS__)
#define log_error_errno(e, ...) log_msg_errno(LOG_LEVEL_ERROR, e, __VA_ARGS__)
#define log_error_reason(e, reason, ...) log_msg_reason(LOG_LEVEL_ERROR, e, reason, __VA_ARGS__)

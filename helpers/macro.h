/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Cleanup and ownership macros (systemd's _cleanup_/TAKE_PTR pattern, style.md 9.4). */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))
#define _warn_unused_result_ __attribute__((warn_unused_result))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Move ownership out of a _cleanup_ variable. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		typeof(p) _take_ptr_tmp = (p);                                                     \
		(p) = NULL;                                                                        \
		_take_ptr_tmp;                                                                     \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _take_fd_tmp = (fd);                                                           \
		(fd) = -1;                                                                         \
		_take_fd_tmp;                                                                      \
	})

/* DEFINE_FREE_FUNC(type, func) defines func##p(type **) for _cleanup_(). */
#define DEFINE_FREE_FUNC(type, func)                                                               \
	static inline void func##p(type **p)                                                       \
	{                                                                                          \
		if (*p)                                                                            \
			func(*p);                                                                  \
	}

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

/* Map errno that an I/O call left behind to a negative errno, never 0. */
static inline int negative_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

/* Normalise the value libc functions return (-1 + errno) into -errno. */
#define RET_NERRNO(expr)                                                                           \
	({                                                                                         \
		long _r = (long)(expr);                                                            \
		_r < 0 ? negative_errno() : (int)_r;                                               \
	})

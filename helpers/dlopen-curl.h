/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libcurl, loaded on first use (dlopen-lib.h): only `containers check` talks to a docker engine.
 * Includes <curl/curl.h> itself, then redirects the names below to the resolved pointers. */
#pragma once

#include <curl/curl.h>

#include "dlopen-lib.h"

#define LIBCURL_SONAME "libcurl.so.4"

#define LIBCURL_SYMBOLS(X)                                                                         \
	X(curl_easy_cleanup)                                                                       \
	X(curl_easy_getinfo)                                                                       \
	X(curl_easy_init)                                                                          \
	X(curl_easy_perform)                                                                       \
	X(curl_easy_setopt)                                                                        \
	X(curl_easy_strerror)                                                                      \
	X(curl_global_init)

LIBCURL_SYMBOLS(DLSYM_DECLARE)

/* 0, or -ELIBACC after logging which library is missing. */
int dlopen_libcurl(void);

#ifndef DLOPEN_NO_REDIRECT
/* curl.h's type-checking wrappers are function-like macros: replace them. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_easy_cleanup sym_curl_easy_cleanup
#define curl_easy_getinfo sym_curl_easy_getinfo
#define curl_easy_init sym_curl_easy_init
#define curl_easy_perform sym_curl_easy_perform
#define curl_easy_setopt sym_curl_easy_setopt
#define curl_easy_strerror sym_curl_easy_strerror
#define curl_global_init sym_curl_global_init
#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libcurl's function table; see dlopen-curl.h. */
#define DLOPEN_NO_REDIRECT
#include "dlopen-curl.h"

/* curl.h may wrap these two in type-checking macros; the pointers take the functions' names. */
#undef curl_easy_setopt
#undef curl_easy_getinfo

LIBCURL_SYMBOLS(DLSYM_DEFINE)

int dlopen_libcurl(void)
{
	static struct dlopen_lib lib = {.soname = LIBCURL_SONAME, .purpose = "talking to a docker engine"};
	static const struct dlsym_entry syms[] = {LIBCURL_SYMBOLS(DLSYM_ENTRY)};

	return dlopen_lib(&lib, syms, ARRAY_SIZE(syms));
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libarchive's function table; see dlopen-archive.h. */
#define DLOPEN_NO_REDIRECT
#include "dlopen-archive.h"

LIBARCHIVE_SYMBOLS(DLSYM_DEFINE)

int dlopen_libarchive(void)
{
	static struct dlopen_lib lib = {.soname = LIBARCHIVE_SONAME, .purpose = "reading container archives"};
	static const struct dlsym_entry syms[] = {LIBARCHIVE_SYMBOLS(DLSYM_ENTRY)};

	return dlopen_lib(&lib, syms, ARRAY_SIZE(syms));
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Optional heavy libraries (libarchive, libcurl, tpm2-tss) are loaded with dlopen() by the verbs
 * that need them, systemd-style (src/shared/dlfcn-util.h), so that `bootproof --version` or
 * `bootproof verify` do not pay for mapping, relocating and initialising ~45 shared objects
 * (libcurl alone pulls gnutls, krb5, ldap, ...; libarchive pulls libxml2 and ICU's data).
 * Each library has a dlopen-<lib>.h: it declares one pointer per function used (sym_<name>, with
 * the header's own prototype), a dlopen_<lib>() that resolves them all, and macros that redirect
 * the library's names to the pointers, so call sites read like the library's documentation.
 * The binary does not link these libraries at all: a call site that forgets to include its
 * dlopen-<lib>.h fails to link (undefined reference) rather than silently loading the library.
 * The SONAME (libcurl.so.4), not the development symlink (libcurl.so), is opened: only the runtime
 * package is installed in the image. */
#pragma once

#include <stddef.h>

#include "macro.h"

/* typeof(f) *sym_f: the pointer has exactly the library header's prototype. */
#define DLSYM_PROTOTYPE(f) typeof(f) *sym_##f
#define DLSYM_ARG(f) {(void **)&sym_##f, #f}
/* For X-macro lists of a library's symbols: declare, define, table entry. */
#define DLSYM_DECLARE(f) extern DLSYM_PROTOTYPE(f);
#define DLSYM_DEFINE(f) DLSYM_PROTOTYPE(f) = NULL;
#define DLSYM_ENTRY(f) DLSYM_ARG(f),

struct dlsym_entry {
	void **fn;
	const char *name;
};

struct dlopen_lib {
	const char *soname;   /* what dlopen() is given, e.g. "libcurl.so.4" */
	const char *purpose;  /* for the error message: "container archives" */
	void *handle;         /* NULL until loaded */
	int error;            /* the first failure, remembered: reported once */
};

/* Loads lib->soname (once per process; later calls return the first result) and resolves every
 * symbol of syms. A missing library or symbol is an installation problem, not something the verb
 * can explain better: it is logged here, once, as an error naming the library and what needs it,
 * and -ELIBACC is returned. Not thread-safe: call from the main thread before starting workers. */
int dlopen_lib(struct dlopen_lib *lib, const struct dlsym_entry *syms, size_t n_syms);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dlopen() + dlsym() of a library's function table; see dlopen-lib.h. */
#include <dlfcn.h>
#include <errno.h>

#include "dlopen-lib.h"
#include "log.h"

int dlopen_lib(struct dlopen_lib *lib, const struct dlsym_entry *syms, size_t n_syms)
{
	void *h;

	if (lib->handle)
		return 0;
	if (lib->error < 0)
		return lib->error;
	/* RTLD_NOW: a missing symbol fails here, not at the first call in the middle of a verb. */
	h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		/* dlerror() names the library: "libcurl.so.4: cannot open shared object file: ..." */
		log_error("%s (needed for %s)", dlerror(), lib->purpose);
		return lib->error = -ELIBACC;
	}
	for (size_t i = 0; i < n_syms; i++) {
		void *p;

		(void)dlerror();
		p = dlsym(h, syms[i].name);
		if (!p) {
			log_error("%s (needed for %s) lacks %s: %s", lib->soname, lib->purpose,
				  syms[i].name, dlerror());
			for (size_t k = 0; k < i; k++)
				*syms[k].fn = NULL;
			dlclose(h);
			return lib->error = -ELIBACC;
		}
		*syms[i].fn = p;
	}
	lib->handle = h;
	return 0;
}

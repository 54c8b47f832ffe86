/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tpm2-tss function tables; see dlopen-tss2.h. */
#define DLOPEN_NO_REDIRECT
#include "dlopen-tss2.h"

TSS2_ESYS_SYMBOLS(DLSYM_DEFINE)
TSS2_MU_SYMBOLS(DLSYM_DEFINE)
TSS2_RC_SYMBOLS(DLSYM_DEFINE)
TSS2_TCTILDR_SYMBOLS(DLSYM_DEFINE)

int dlopen_tss2(void)
{
	static const char purpose[] = "talking to a TPM";
	static struct dlopen_lib esys = {.soname = "libtss2-esys.so.0", .purpose = purpose};
	static struct dlopen_lib tctildr = {.soname = "libtss2-tctildr.so.0", .purpose = purpose};
	static struct dlopen_lib mu = {.soname = "libtss2-mu.so.0", .purpose = purpose};
	static struct dlopen_lib rc = {.soname = "libtss2-rc.so.0", .purpose = purpose};
	static const struct dlsym_entry esys_syms[] = {TSS2_ESYS_SYMBOLS(DLSYM_ENTRY)};
	static const struct dlsym_entry tctildr_syms[] = {TSS2_TCTILDR_SYMBOLS(DLSYM_ENTRY)};
	static const struct dlsym_entry mu_syms[] = {TSS2_MU_SYMBOLS(DLSYM_ENTRY)};
	static const struct dlsym_entry rc_syms[] = {TSS2_RC_SYMBOLS(DLSYM_ENTRY)};
	int r;

	r = dlopen_lib(&esys, esys_syms, ARRAY_SIZE(esys_syms));
	if (r < 0)
		return r;
	r = dlopen_lib(&tctildr, tctildr_syms, ARRAY_SIZE(tctildr_syms));
	if (r < 0)
		return r;
	r = dlopen_lib(&mu, mu_syms, ARRAY_SIZE(mu_syms));
	if (r < 0)
		return r;
	return dlopen_lib(&rc, rc_syms, ARRAY_SIZE(rc_syms));
}

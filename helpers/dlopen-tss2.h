/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tpm2-tss (ESYS, the TCTI loader, marshalling, return-code decoding), loaded on first use
 * (dlopen-lib.h): only the verbs that talk to a TPM (extend, attest) need it; `verify` checks
 * quotes with OpenSSL alone. Includes the tss2 headers itself, then redirects the names below to
 * the resolved pointers. */
#pragma once

#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "dlopen-lib.h"

#define TSS2_ESYS_SYMBOLS(X)                                                                       \
	X(Esys_ActivateCredential)                                                                 \
	X(Esys_CreatePrimary)                                                                      \
	X(Esys_Finalize)                                                                           \
	X(Esys_FlushContext)                                                                       \
	X(Esys_Free)                                                                               \
	X(Esys_GetCapability)                                                                      \
	X(Esys_Initialize)                                                                         \
	X(Esys_NV_Read)                                                                            \
	X(Esys_NV_ReadPublic)                                                                      \
	X(Esys_PCR_Extend)                                                                         \
	X(Esys_PCR_Read)                                                                           \
	X(Esys_PolicySecret)                                                                       \
	X(Esys_Quote)                                                                              \
	X(Esys_ReadPublic)                                                                         \
	X(Esys_StartAuthSession)                                                                   \
	X(Esys_TR_Close)                                                                           \
	X(Esys_TR_FromTPMPublic)
#define TSS2_MU_SYMBOLS(X)                                                                         \
	X(Tss2_MU_TPM2B_ENCRYPTED_SECRET_Unmarshal)                                                \
	X(Tss2_MU_TPM2B_ID_OBJECT_Unmarshal)                                                       \
	X(Tss2_MU_TPM2B_PUBLIC_Marshal)                                                            \
	X(Tss2_MU_TPMT_PUBLIC_Unmarshal)                                                           \
	X(Tss2_MU_TPMT_SIGNATURE_Marshal)
#define TSS2_RC_SYMBOLS(X) X(Tss2_RC_Decode)
#define TSS2_TCTILDR_SYMBOLS(X)                                                                    \
	X(Tss2_TctiLdr_Finalize)                                                                   \
	X(Tss2_TctiLdr_Initialize)

TSS2_ESYS_SYMBOLS(DLSYM_DECLARE)
TSS2_MU_SYMBOLS(DLSYM_DECLARE)
TSS2_RC_SYMBOLS(DLSYM_DECLARE)
TSS2_TCTILDR_SYMBOLS(DLSYM_DECLARE)

/* Loads libtss2-esys, -tctildr, -mu and -rc. 0, or -ELIBACC after logging which is missing. */
int dlopen_tss2(void);

#ifndef DLOPEN_NO_REDIRECT
#define Esys_ActivateCredential sym_Esys_ActivateCredential
#define Esys_CreatePrimary sym_Esys_CreatePrimary
#define Esys_Finalize sym_Esys_Finalize
#define Esys_FlushContext sym_Esys_FlushContext
#define Esys_Free sym_Esys_Free
#define Esys_GetCapability sym_Esys_GetCapability
#define Esys_Initialize sym_Esys_Initialize
#define Esys_NV_Read sym_Esys_NV_Read
#define Esys_NV_ReadPublic sym_Esys_NV_ReadPublic
#define Esys_PCR_Extend sym_Esys_PCR_Extend
#define Esys_PCR_Read sym_Esys_PCR_Read
#define Esys_PolicySecret sym_Esys_PolicySecret
#define Esys_Quote sym_Esys_Quote
#define Esys_ReadPublic sym_Esys_ReadPublic
#define Esys_StartAuthSession sym_Esys_StartAuthSession
#define Esys_TR_Close sym_Esys_TR_Close
#define Esys_TR_FromTPMPublic sym_Esys_TR_FromTPMPublic
#define Tss2_MU_TPM2B_ENCRYPTED_SECRET_Unmarshal sym_Tss2_MU_TPM2B_ENCRYPTED_SECRET_Unmarshal
#define Tss2_MU_TPM2B_ID_OBJECT_Unmarshal sym_Tss2_MU_TPM2B_ID_OBJECT_Unmarshal
#define Tss2_MU_TPM2B_PUBLIC_Marshal sym_Tss2_MU_TPM2B_PUBLIC_Marshal
#define Tss2_MU_TPMT_PUBLIC_Unmarshal sym_Tss2_MU_TPMT_PUBLIC_Unmarshal
#define Tss2_MU_TPMT_SIGNATURE_Marshal sym_Tss2_MU_TPMT_SIGNATURE_Marshal
#define Tss2_RC_Decode sym_Tss2_RC_Decode
#define Tss2_TctiLdr_Finalize sym_Tss2_TctiLdr_Finalize
#define Tss2_TctiLdr_Initialize sym_Tss2_TctiLdr_Initialize
#endif

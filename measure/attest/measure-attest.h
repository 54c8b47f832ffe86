/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure/attest: the interface of the attestation layer. TPM 2.0 structures and the ESAPI
 * calls (quote, PCR read, extend, credentials), quote and bundle verification, runtime
 * measurement into PCR 14/15, release-file signatures. Depends on golden/ and eventlog/. */
#pragma once

#include "ak-cert.h"
#include "attest-quote.h"
#include "attest-verify.h"
#include "bundle.h"
#include "credential.h"
#include "ek-pub.h"
#include "gotpm-import.h"
#include "job-record.h"
#include "job-verify.h"
#include "manifest-sign.h"
#include "quote-verify.h"
#include "runtime-measure.h"
#include "tpm2-attest.h"
#include "tpm2-esys.h"

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure/attest: the interface of the attestation layer. TPM 2.0 structures and the ESAPI
 * calls (quote, PCR read, extend, credentials), quote and bundle verification, runtime
 * measurement into PCR 14/15, release-file signatures; bare PCR values (tpm2_pcrread YAML) and
 * the platform profiles built from them or from a cloud target. Depends on eventlog/ only. */
#pragma once

#include "attest-quote.h"
#include "attest-verify.h"
#include "bundle.h"
#include "credential.h"
#include "job-record.h"
#include "job-verify.h"
#include "manifest-sign.h"
#include "pcr-yaml.h"
#include "platform-target.h"
#include "quote-verify.h"
#include "runtime-measure.h"
#include "tpm2-attest.h"
#include "tpm2-esys.h"

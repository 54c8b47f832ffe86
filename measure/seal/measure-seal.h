/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure/seal: the interface of the sealing layer. The TPM2 PolicyPCR digest a release's data is
 * sealed to and golden.json's "seal" object (seal-policy.h), and the LUKS2 token check: is a
 * volume openable only by that policy (luks-token.h; docs/sealing.md). Depends on helpers/ only;
 * golden/golden-seal.h builds the policy from golden values. */
#pragma once

#include "luks-token.h"
#include "seal-policy.h"
#include "tpm2-blob.h"

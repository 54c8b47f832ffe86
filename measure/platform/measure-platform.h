/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure/platform: the interface of the platform layer. Platform profiles (PCR 0-3, 6, 7 of a
 * target platform: from a reference event log, read and written as bootproof-platform/1 or /2),
 * the per-target PCR rules (qemu, gce, azure, aws) and how predict applies them, profiles built
 * from a cloud target or bare PCR values, and tpm2_pcrread YAML. Depends on golden/ and
 * eventlog/. */
#pragma once

#include "pcr-yaml.h"
#include "platform-build.h"
#include "platform-profile.h"
#include "platform-target.h"

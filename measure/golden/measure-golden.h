/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure/golden: the interface of the golden-manifest layer. golden.json (the expected values
 * and event lists every upper layer reads or writes: load, write, replay of a golden PCR), the
 * PCR status rules of golden format 2 and how a value is judged by them, the event-by-event
 * comparison of a log with the golden manifest, the sealing policy over golden values, and the
 * PCR value type shared by attest/ and platform/. Depends on eventlog/ and seal/. */
#pragma once

#include "eventlog-compare.h"
#include "golden-seal.h"
#include "golden.h"
#include "pcr-judge.h"
#include "pcr-status.h"
#include "pcr-values.h"

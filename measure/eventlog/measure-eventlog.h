/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure/eventlog: the interface of the event-log layer. The firmware's TCG log and systemd's
 * JSON-SEQ log (parse, decode, replay), golden.json (the expected values and event lists every
 * upper layer reads or writes), the event-by-event comparison, platform profiles and the PCR
 * status rules of golden format 2 (per-target tables, how a value is judged), the sealing policy
 * over golden values and the LUKS2 token check (sealed data, docs/sealing.md). Depends on
 * helpers/ only. */
#pragma once

#include "eventlog-compare.h"
#include "evlog-decode.h"
#include "golden.h"
#include "luks-token.h"
#include "pcr-status.h"
#include "platform-profile.h"
#include "platform-status.h"
#include "record-error.h"
#include "replay.h"
#include "seal-policy.h"
#include "systemd-log.h"
#include "tcg-eventlog.h"

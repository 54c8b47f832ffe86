/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure/eventlog: the interface of the event-log layer. The firmware's TCG log and systemd's
 * JSON-SEQ log (parse, decode, replay), golden.json (the expected values and event lists every
 * upper layer reads or writes), the event-by-event comparison and platform profiles. Depends on
 * helpers/ only. */
#pragma once

#include "eventlog-compare.h"
#include "evlog-decode.h"
#include "golden.h"
#include "platform-profile.h"
#include "record-error.h"
#include "replay.h"
#include "systemd-log.h"
#include "tcg-eventlog.h"

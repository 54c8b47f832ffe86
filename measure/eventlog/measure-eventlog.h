/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure/eventlog: the interface of the event-log layer. The firmware's TCG log and systemd's
 * JSON-SEQ log (parse, decode, replay) and the parsers' record errors. Depends on helpers/
 * only. */
#pragma once

#include "evlog-decode.h"
#include "record-error.h"
#include "replay.h"
#include "systemd-log.h"
#include "tcg-eventlog.h"
#include "tcg-types.h"

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCR replay of event logs (pcr-spec.md §1.1, §8.2): PCR_new = H(PCR_old || digest) per bank.
 * PCRs start at zero (17-22, the DRTM PCRs, at all ones as after TPM2_Startup: TCG PC Client
 * Platform TPM Profile); a StartupLocality EV_NO_ACTION event makes PCR 0 start at 00..00||locality
 * and an EV_EFI_HCRTM_EVENT at 00..00||04 (TPM 2.0 Library Part 1 §34.3, as tpm2_eventlog and
 * go-attestation do); EV_NO_ACTION events are never extended. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "systemd-log.h"
#include "tcg-eventlog.h"

struct replay_pcrs {
	unsigned banks;                      /* banks replayed */
	uint32_t extended[_BANK_MAX];        /* bit p: PCR p was extended (or locality-initialised) */
	uint32_t incomplete[_BANK_MAX];      /* bit p: an event on PCR p lacked this bank's digest,
					      * so value[b][p] is not what the TPM holds */
	int startup_locality;                /* -1: the log has no StartupLocality event */
	bool hcrtm;                          /* an EV_EFI_HCRTM_EVENT initialised PCR 0 */
	size_t n_events[TPM2_PCR_COUNT];    /* events extended into each PCR */
	uint8_t value[_BANK_MAX][TPM2_PCR_COUNT][DIGEST_MAX];
};

/* All PCRs of the banks in mask to zero. */
void replay_init(struct replay_pcrs *r, unsigned banks);
/* The value PCR pcr starts at in bank b given the log's locality events: zero, all ones for
 * 17-22, or for PCR 0 00..00||locality (StartupLocality) or 00..00||04 (H-CRTM). */
void replay_initial_value(const struct replay_pcrs *r, enum bank b, unsigned pcr, uint8_t *ret);
/* Extends events[0..n) in order into r. Returns 0, -EBADMSG for a StartupLocality event after
 * PCR 0 was extended or a locality other than 0, 3 or 4, -EIO on a crypto failure. */
int replay_events(struct replay_pcrs *r, const struct evlog_event *events, size_t n);
/* replay_init(banks) then the firmware log (may be NULL) then the systemd log (may be NULL).
 * banks = 0 means the banks of the firmware log (sha1..sha512 of the systemd log without one). */
int replay_log(const struct evlog *fw, const struct sdlog *sd, unsigned banks,
	       struct replay_pcrs *ret);

/* Canonical JSON of a replay: {"banks":{"sha256":{"0":"<hex>",...}},"startup_locality":N|null,
 * "hcrtm":bool, "incomplete":{"sha1":[9]}}; only extended PCRs unless all_pcrs; incomplete ones
 * are listed under "incomplete" only, never with a value. New reference. */
json_t *replay_to_json(const struct replay_pcrs *r, bool all_pcrs);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Event-by-event comparison of a replayed event log with a golden manifest (golden.h,
 * docs/golden-format.md). For every bank and PCR that golden.json lists: either the log's
 * events for that PCR (firmware events, then systemd userspace records) are exactly the expected
 * ones and replay to the expected value, or the result names the first event that differs
 * (position in the PCR's list, the log record, expected vs found digest and type). A PCR listed
 * with no events must have none in the log: any event there is tampering.
 * PCRs with phases (PCR 11): a log that stops exactly at a phase boundary (the quote was taken
 * before the later phases ran) matches "at" that phase; the result says which phases were
 * reached. A verdict is data: eventlog_compare() returns < 0 only when it could not evaluate. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "golden.h"
#include "measure-eventlog.h"

enum compare_diff {
	COMPARE_DIFF_NONE,        /* match */
	COMPARE_DIFF_DIGEST,      /* same position, another digest */
	COMPARE_DIFF_TYPE,        /* same digest, another event type or log */
	COMPARE_DIFF_MISSING,     /* the log ends before this expected event */
	COMPARE_DIFF_UNEXPECTED,  /* the log has an event the manifest does not expect */
	COMPARE_DIFF_VALUE,       /* same events, another final value (PCR 0 start locality) */
	COMPARE_DIFF_NO_BANK,     /* the log carries no digest of this bank for the PCR */
	_COMPARE_DIFF_MAX,
};

struct compare_pcr {
	const struct golden_pcr *golden; /* borrowed */
	enum bank bank;
	unsigned pcr;
	enum compare_diff diff;
	size_t n_expected, n_found;      /* events in golden.json / in the log for this PCR */
	size_t position;                 /* first differing position in the PCR's list */
	const struct golden_event *expected; /* at position; NULL if none (unexpected extra) */
	const struct evlog_event *found;     /* at position; NULL if none (missing) */
	uint8_t expected_value[DIGEST_MAX];  /* golden value (or the reached phase's value) */
	uint8_t found_value[DIGEST_MAX];     /* replay of the log's events for this PCR */
	/* Phases (golden phases[]): how many the log passed with matching events, and the
	 * phase the comparison ended at (NULL: the log covers all expected events). */
	size_t n_phases_reached;
	const char *phase_at;
	/* Format 2 rules (pcr-status.h): which rule judged the PCR and what came out; the
	 * alternative whose events matched (NULL: the main list). Format 1: exact, pass/fail. */
	enum pcr_status rule;
	enum pcr_outcome outcome;
	const char *alternative;
	bool ruled;              /* the golden PCR carries a status: reports name the rule */
};

struct compare_result {
	bool ok;                 /* no PCR failed (observed mismatches only warn) */
	size_t n_warnings;       /* observed PCRs that did not match */
	size_t n_pcrs;
	struct compare_pcr *pcrs; /* by bank, then PCR index */
	unsigned startup_locality_log; /* the log's StartupLocality (0 if none) */
};

struct compare_result *compare_result_free(struct compare_result *r);
DEFINE_FREE_FUNC(struct compare_result, compare_result_free)

/* Compares events[0..n) (evlog_merge() order: firmware, then systemd) with g, for the banks in
 * banks (0: every bank golden.json has). The result borrows from g and events: valid while they
 * live. Returns 0 (see ->ok), -ENOMEM, -EIO. */
int eventlog_compare(const struct golden *g, const struct evlog_event *events, size_t n,
		     unsigned banks, struct compare_result **ret);

const char *compare_diff_to_string(enum compare_diff d);

/* Canonical JSON of a result (for `eventlog compare --json`). New reference or NULL. */
json_t *compare_result_to_json(const struct compare_result *r);
/* Human text, one block per PCR and bank. */
void compare_result_print(const struct compare_result *r, FILE *f);

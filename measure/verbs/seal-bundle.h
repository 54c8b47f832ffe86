/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `bootproof seal check --bundle`: an attestation bundle's luks2_metadata is reported by the
 * machine, so it is judged only after the whole bundle verifies as `bootproof verify` would
 * (quote signature by the enrolled AK, the nonce, golden PCRs, logs, and the binding of every
 * field into the quote, docs/attest.md). */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct seal_bundle_inputs {
	const char *bundle;  /* bundle.json */
	const char *golden;  /* golden.json (--golden) */
	const char *nonce;   /* --nonce HEX: the challenge the bundle answers */
	const char *ak_pub;  /* --ak-pub PEM: the enrolled AK */
};

/* --bundle needs --golden, --nonce and --ak-pub (a bundle's metadata is only what the machine
 * says unless its quote is checked); --nonce and --ak-pub need --bundle. Returns VERB_PROCEED or
 * EXIT_USAGE (logged). */
int seal_bundle_check_usage(const struct seal_bundle_inputs *in);

/* Verifies the bundle, then hands out its luks2_metadata (malloc'ed). Returns VERB_PROCEED, or
 * the exit code to end with after logging why: EXIT_MISMATCH when the bundle does not verify or
 * carries no metadata, EXIT_ERROR when a check could not run, EXIT_USAGE for a bad --nonce. */
int seal_bundle_metadata(const struct seal_bundle_inputs *in, uint8_t **ret, size_t *ret_len);

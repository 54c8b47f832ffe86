/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The quotes of a bundle with one quote per bank ("quotes", bundle.h, docs/attest.md): each quote
 * must select PCRs of exactly one bank, no bank may be quoted twice, and every bank with values
 * in "pcrs" must be quoted; then each quote is verified (quote-verify.h) against that bank's
 * values only, with the same AK and the same expected extraData. */
#pragma once

#include <stddef.h>

#include "bundle.h"
#include "quote-verify.h"

struct per_bank_verdict {
	bool ok;
	const char *reason;  /* on failure: a quote-verify.h reason or one of the bundle-* below */
	char detail[480];
	struct quote_verdict first; /* the first quote's verdict (its clock, signer), when ok */
};

/* in: the quote input a one-quote bundle would get (ak, nonce, every bank's values and required
 * PCRs); attest/signature/pcrs/required are replaced per quote. A verdict is data: returns 0
 * with *ret filled whether or not the quotes hold, < 0 when it could not evaluate. Reasons:
 *   bundle-quote-spans-banks   a quote's selection names two or more banks (or none)
 *   bundle-bank-quoted-twice   two quotes select the same bank
 *   bundle-bank-not-quoted     "pcrs" has values of a bank no quote selects
 *   golden-pcr-not-quoted      a bank the golden values require has no quote
 *   any quote_failure_to_string() reason, of the first quote that fails. */
int quotes_per_bank_verify(const struct quote_input *in, const struct bundle *b,
			   struct per_bank_verdict *ret);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-bank quotes (quote-per-bank.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quote-per-bank.h"
#include "tpm2-attest.h"

static int fail(struct per_bank_verdict *v, const char *reason, const char *fmt, ...)
	_printf_(3, 4);
static int fail(struct per_bank_verdict *v, const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
	v->ok = false;
	v->reason = reason;
	return 0;
}

/* The one bank quote i selects, or a failure. A quote that does not decode is left to
 * quote_verify (*ret_bank = -1), which names the defect. */
static int quote_bank(const struct bundle_quote *q, size_t i, unsigned seen, int *ret_bank,
		      struct per_bank_verdict *v)
{
	struct tpm2_attest att;
	int bank = -1;

	*ret_bank = -1;
	if (tpm2_attest_parse(q->attest.data, q->attest.size, &att, NULL) < 0)
		return 0;
	for (size_t s = 0; s < att.pcr_select.n; s++) {
		enum bank k = bank_from_tpm_alg(att.pcr_select.sel[s].hash);

		if (att.pcr_select.sel[s].mask == 0)
			continue; /* a bank named with no PCR selects nothing */
		if ((int)k < 0)
			return 0; /* quote_verify: bank-unknown */
		if (bank >= 0 && bank != (int)k)
			return fail(v, "bundle-quote-spans-banks",
				    "quotes[%zu]: the quote selects PCRs of %s and of %s; in a bundle "
				    "with one quote per bank each quote covers one bank",
				    i, bank_name((enum bank)bank), bank_name(k));
		bank = (int)k;
	}
	if (bank < 0)
		return fail(v, "bundle-quote-spans-banks", "quotes[%zu]: the quote selects no PCR", i);
	if (seen & BANK_MASK(bank))
		return fail(v, "bundle-bank-quoted-twice",
			    "quotes[%zu]: bank %s is quoted by an earlier quote as well", i,
			    bank_name((enum bank)bank));
	*ret_bank = bank;
	return 0;
}

/* Verifies quote i against bank's values (all banks' values when the bank is unknown: then the
 * quote fails to decode, and quote_verify says why). */
static int verify_one(const struct quote_input *in, const struct bundle *b, size_t i, int bank,
		      struct pcr_values *only, struct per_bank_verdict *v)
{
	struct quote_input qi = *in;
	struct quote_verdict qv;
	int r;

	qi.attest = b->quotes[i].attest.data;
	qi.attest_size = b->quotes[i].attest.size;
	qi.signature = b->quotes[i].signature.data;
	qi.signature_size = b->quotes[i].signature.size;
	if (bank >= 0) {
		memset(only->mask, 0, sizeof(only->mask));
		only->mask[bank] = in->pcrs->mask[bank];
		memcpy(only->value[bank], in->pcrs->value[bank], sizeof(only->value[bank]));
		qi.pcrs = only;
		memset(qi.required, 0, sizeof(qi.required));
		qi.required[bank] = in->required[bank];
	}
	r = quote_verify(&qi, &qv);
	if (r < 0)
		return r;
	if (i == 0)
		v->first = qv;
	if (!qv.ok)
		return fail(v, quote_failure_to_string(qv.why), "quotes[%zu]: %s", i, qv.detail);
	if (bank < 0) /* cannot hold: a quote that decodes names a known bank */
		return fail(v, "bundle-quote-spans-banks", "quotes[%zu]: no known bank", i);
	return 0;
}

int quotes_per_bank_verify(const struct quote_input *in, const struct bundle *b,
			   struct per_bank_verdict *ret)
{
	_cleanup_(freep) struct pcr_values *only = calloc(1, sizeof(*only));
	unsigned seen = 0;
	int r;

	if (!only)
		return -ENOMEM;
	*ret = (struct per_bank_verdict){.ok = true};
	for (size_t i = 0; i < b->n_quotes; i++) {
		int bank;

		r = quote_bank(&b->quotes[i], i, seen, &bank, ret);
		if (r < 0 || !ret->ok)
			return r;
		r = verify_one(in, b, i, bank, only, ret);
		if (r < 0 || !ret->ok)
			return r;
		seen |= BANK_MASK(bank);
	}
	for (enum bank k = 0; k < _BANK_MAX; k++) {
		if (in->pcrs->mask[k] && !(seen & BANK_MASK(k)))
			return fail(ret, "bundle-bank-not-quoted",
				    "pcrs.%s: the bundle has %s values but no quote of bank %s",
				    bank_name(k), bank_name(k), bank_name(k));
		if (in->required[k] && !(seen & BANK_MASK(k)))
			return fail(ret, quote_failure_to_string(QUOTE_GOLDEN_PCR_NOT_QUOTED),
				    "the golden values require %s PCRs, but no quote is of bank %s",
				    bank_name(k), bank_name(k));
	}
	return 0;
}

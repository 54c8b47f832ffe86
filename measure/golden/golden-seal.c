/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The golden manifest's sealing policy: seal/'s PolicyPCR digest (seal-policy.h) taken over the
 * golden values of one bank, PCR 11 at a predicted phase, and the check that golden.json's
 * "seal" object matches the PCR values of the same document. See golden-seal.h and
 * docs/sealing.md §1.5, §6.2. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "golden-seal.h"
#include "golden.h"
#include "pcr-status.h"

/* PCR 11's value at phase path `phase`: the golden phases are "stub", then one entry per
 * phase word in boot order; the path must name the first k words exactly. */
static int phase_value(const struct golden_pcr *p, const char *phase, const uint8_t **ret,
		       char *errbuf, size_t errbuf_size)
{
	size_t k = 0;
	const char *w = phase;

	if (p->n_phases == 0 || strcmp(p->phases[0].phase, "stub") != 0)
		return errbuf_set(errbuf, errbuf_size, -ENOENT,
				  "PCR %u has no predicted phases", SEAL_PHASE_PCR);
	while (*w) {
		size_t n = strcspn(w, ":");
		k++;
		if (k >= p->n_phases || strlen(p->phases[k].phase) != n ||
		    strncmp(p->phases[k].phase, w, n) != 0)
			return errbuf_set(errbuf, errbuf_size, -ENOENT,
					  "phase path '%s' is not a prefix of the predicted phases "
					  "of PCR %u", phase, SEAL_PHASE_PCR);
		w += n;
		if (*w == ':') {
			w++;
			if (!*w)
				return errbuf_set(errbuf, errbuf_size, -ENOENT,
						  "phase path '%s' ends with ':'", phase);
		}
	}
	*ret = p->phases[k].value;
	return 0;
}

int seal_policy_from_banks(const struct golden_bank *banks, enum bank bank, uint32_t mask,
			   const char *phase, struct seal_policy *ret, char *errbuf,
			   size_t errbuf_size)
{
	struct seal_policy p = {.bank = bank, .pcr_mask = mask};
	int r;

	if (bank < 0 || bank >= _BANK_MAX || !banks[bank].present)
		return errbuf_set(errbuf, errbuf_size, -ENOENT, "bank %s was not predicted",
				  bank >= 0 && bank < _BANK_MAX ? bank_name(bank) : "?");
	if (mask == 0 || mask >= (1u << SEAL_PCR_MAX))
		return errbuf_set(errbuf, errbuf_size, -EINVAL, "no PCRs to seal to");
	if (!phase)
		phase = "";
	if (strlen(phase) >= sizeof(p.phase))
		return errbuf_set(errbuf, errbuf_size, -E2BIG, "phase path too long");
	for (unsigned i = 0; i < SEAL_PCR_MAX; i++) {
		const struct golden_pcr *gp = &banks[bank].pcrs[i];
		const uint8_t *v = gp->value;
		if (!(mask & (1u << i)))
			continue;
		if (!gp->present)
			return errbuf_set(errbuf, errbuf_size, -ENOENT,
					  "PCR %u (bank %s) has no golden value", i, bank_name(bank));
		/* Golden format 2: a PolicyPCR binds one value, so a PCR without one (variable,
		 * per-instance) or with accepted alternatives cannot be sealed to. */
		if (gp->no_value || gp->status == PCR_STATUS_VARIABLE ||
		    gp->status == PCR_STATUS_PER_INSTANCE)
			return errbuf_set(errbuf, errbuf_size, -ENOENT,
					  "PCR %u (bank %s) has status %s: no single value to seal to",
					  i, bank_name(bank), pcr_status_to_string(gp->status));
		if (gp->n_alternatives > 0)
			return errbuf_set(errbuf, errbuf_size, -ENOENT,
					  "PCR %u (bank %s) has %zu accepted alternative(s): a sealed "
					  "volume would not open on them (leave it out of --seal-pcrs)",
					  i, bank_name(bank), gp->n_alternatives);
		if (i == SEAL_PHASE_PCR) {
			r = phase_value(gp, phase, &v, errbuf, errbuf_size);
			if (r < 0)
				return r;
		}
		memcpy(p.values[i], v, bank_size(bank));
	}
	if (mask & (1u << SEAL_PHASE_PCR))
		memcpy(p.phase, phase, strlen(phase) + 1);
	r = seal_policy_compute(&p);
	if (r < 0)
		return r;
	*ret = p;
	return 0;
}

int seal_policy_check_banks(const struct seal_policy *p, const struct golden_bank *banks,
			    char *errbuf, size_t errbuf_size)
{
	struct seal_policy want;
	char why[256];
	int r = seal_policy_from_banks(banks, p->bank, p->pcr_mask, p->phase, &want, why,
				       sizeof(why));
	if (r < 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "seal: %s", why);
	for (unsigned i = 0; i < SEAL_PCR_MAX; i++)
		if ((p->pcr_mask & (1u << i)) &&
		    memcmp(want.values[i], p->values[i], bank_size(p->bank)) != 0)
			return errbuf_set(errbuf, errbuf_size, -EBADMSG,
					  "seal.pcr_values.%u: differs from the golden value of PCR "
					  "%u%s%s", i, i, i == SEAL_PHASE_PCR ? " at phase " : "",
					  i == SEAL_PHASE_PCR ? p->phase : "");
	return 0;
}

int seal_policy_attach(struct golden *g, enum bank bank, uint32_t mask, const char *phase,
		       bool required, char *errbuf, size_t errbuf_size)
{
	_cleanup_(freep) struct seal_policy *p = calloc(1, sizeof(*p));
	int r;

	if (!p)
		return -ENOMEM;
	r = seal_policy_from_banks(g->banks, bank, mask, phase, p, errbuf, errbuf_size);
	if (r == -ENOENT && !required)
		return 0;
	if (r < 0)
		return r;
	free(g->seal);
	g->seal = TAKE_PTR(p);
	return 0;
}

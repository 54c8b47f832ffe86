/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCR replay: TCG PC Client PFP 1.05r23 §10.4.5.3 (StartupLocality), TPM 2.0 Library Part 1
 * §34.3 (H-CRTM sets PCR 0 to 00..04 before its extend), PFP §10.4.1 (EV_NO_ACTION is not
 * extended). One reusable EVP context per bank: a replay does no allocation per event. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hexstr.h"
#include "replay.h"

void replay_init(struct replay_pcrs *r, unsigned banks)
{
	memset(r, 0, sizeof(*r));
	r->banks = banks & BANK_MASK_ALL;
	r->startup_locality = -1;
	FOREACH_BANK(b, r->banks)
		for (unsigned p = 17; p <= 22; p++)
			replay_initial_value(r, b, p, r->value[b][p]);
}

void replay_initial_value(const struct replay_pcrs *r, enum bank b, unsigned pcr, uint8_t *ret)
{
	size_t n = bank_size(b);
	/* PC Client PTP: the DRTM PCRs 17-22 are all ones after TPM2_Startup (a DRTM launch
	 * resets them to zero, which an SRTM log does not record). */
	memset(ret, pcr >= 17 && pcr <= 22 ? 0xff : 0, n);
	if (pcr != 0)
		return;
	if (r->hcrtm)
		ret[n - 1] = 0x04;
	else if (r->startup_locality > 0)
		ret[n - 1] = (uint8_t)r->startup_locality;
}

static void set_pcr0_init(struct replay_pcrs *r)
{
	FOREACH_BANK(b, r->banks)
		replay_initial_value(r, b, 0, r->value[b][0]);
}

int replay_events(struct replay_pcrs *r, const struct evlog_event *events, size_t n)
{
	EVP_MD_CTX *ctx[_BANK_MAX] = {};
	int ret = 0;

	FOREACH_BANK(b, r->banks) {
		ctx[b] = EVP_MD_CTX_new();
		if (!ctx[b] || !bank_md(b)) {
			ret = ctx[b] ? -EOPNOTSUPP : -ENOMEM;
			goto done;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct evlog_event *ev = &events[i];
		unsigned p = ev->pcr;

		if (p >= TPM2_PCR_COUNT) {
			ret = -EBADMSG;
			goto done;
		}
		if (ev->source == EVLOG_SOURCE_FIRMWARE && ev->type == EV_NO_ACTION) {
			int loc = evlog_startup_locality(ev);
			if (loc < 0)
				continue;
			/* Only 0, 3 and 4 are defined (PFP §10.4.5.3); it must precede PCR 0's
			 * first extension, or the TPM could not have started there. */
			if ((loc != 0 && loc != 3 && loc != 4) || r->n_events[0] > 0 || r->hcrtm) {
				ret = -EBADMSG;
				goto done;
			}
			r->startup_locality = loc;
			set_pcr0_init(r);
			FOREACH_BANK(b, r->banks)
				r->extended[b] |= 1u;
			continue;
		}
		if (ev->source == EVLOG_SOURCE_FIRMWARE && ev->type == EV_EFI_HCRTM_EVENT && p == 0 &&
		    r->n_events[0] == 0 && !r->hcrtm) {
			r->hcrtm = true;
			set_pcr0_init(r);
		}
		FOREACH_BANK(b, r->banks) {
			uint8_t *pcr = r->value[b][p];
			size_t size = bank_size(b);
			unsigned len = 0;

			if (!ev->digest[b]) {
				r->incomplete[b] |= 1u << p;
				continue;
			}
			if (EVP_DigestInit_ex(ctx[b], bank_md(b), NULL) != 1 ||
			    EVP_DigestUpdate(ctx[b], pcr, size) != 1 ||
			    EVP_DigestUpdate(ctx[b], ev->digest[b], size) != 1 ||
			    EVP_DigestFinal_ex(ctx[b], pcr, &len) != 1 || len != size) {
				ret = -EIO;
				goto done;
			}
			r->extended[b] |= 1u << p;
		}
		r->n_events[p]++;
	}
done:
	for (size_t b = 0; b < _BANK_MAX; b++)
		EVP_MD_CTX_free(ctx[b]);
	return ret;
}

int replay_log(const struct evlog *fw, const struct sdlog *sd, unsigned banks,
	       struct replay_pcrs *ret)
{
	int r;

	if (banks == 0)
		banks = fw ? fw->banks : BANK_MASK_ALL;
	replay_init(ret, banks);
	if (fw) {
		r = replay_events(ret, fw->events, fw->n_events);
		if (r < 0)
			return r;
	}
	if (sd) {
		r = replay_events(ret, sd->events, sd->n_records);
		if (r < 0)
			return r;
	}
	return 0;
}

json_t *replay_to_json(const struct replay_pcrs *r, bool all_pcrs)
{
	_cleanup_(json_decrefp) json_t *j = json_object(), *banks = json_object(),
					*incomplete = json_object();

	if (!j || !banks || !incomplete)
		return NULL;
	FOREACH_BANK(b, r->banks) {
		json_t *pcrs = json_object();
		if (!pcrs || json_object_set_new(banks, bank_name(b), pcrs) < 0)
			return NULL;
		for (unsigned p = 0; p < TPM2_PCR_COUNT; p++) {
			char key[8], hex[2 * DIGEST_MAX + 1];
			if (r->incomplete[b] & (1u << p))
				continue; /* never print a value the TPM does not hold */
			if (!all_pcrs && !(r->extended[b] & (1u << p)))
				continue;
			(void)snprintf(key, sizeof(key), "%u", p);
			hex_encode(r->value[b][p], bank_size(b), hex);
			if (json_object_set_new(pcrs, key, json_string(hex)) < 0)
				return NULL;
		}
		if (r->incomplete[b]) {
			json_t *a = json_array();
			if (!a || json_object_set_new(incomplete, bank_name(b), a) < 0)
				return NULL;
			for (unsigned p = 0; p < TPM2_PCR_COUNT; p++)
				if (r->incomplete[b] & (1u << p))
					if (json_array_append_new(a, json_integer(p)) < 0)
						return NULL;
		}
	}
	if (json_object_set(j, "banks", banks) < 0 ||
	    json_object_set_new(j, "startup_locality",
				r->startup_locality >= 0 ? json_integer(r->startup_locality)
							 : json_null()) < 0 ||
	    json_object_set_new(j, "hcrtm", json_boolean(r->hcrtm)) < 0 ||
	    json_object_set(j, "incomplete", incomplete) < 0)
		return NULL;
	return TAKE_PTR(j);
}

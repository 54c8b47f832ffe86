/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Profiles from a target's rules and/or bare PCR values (platform-target.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fileio.h"
#include "hexstr.h"
#include "pcr-yaml.h"
#include "platform-build.h"

/* PCR pcr of bank b becomes an observed value from the YAML file. */
static int set_observed(struct golden_pcr *p, enum bank b, const uint8_t *value,
			const char *values_source, bool keep_source)
{
	if (p->n_events > 0)
		return -EINVAL;
	p->present = true;
	p->status = PCR_STATUS_OBSERVED;
	p->no_value = false;
	p->values_only = true;
	memcpy(p->value, value, bank_size(b));
	if (!keep_source || !p->source) {
		free(p->source);
		p->source = strdup(values_source);
		if (!p->source)
			return -ENOMEM;
	} else {
		char *s;
		if (asprintf(&s, "%s; value: %s", p->source, values_source) < 0)
			return -ENOMEM;
		free(p->source);
		p->source = s;
	}
	return 0;
}

/* A profile with no reference log: named, its banks, and where its values come from. */
static int profile_without_log(const struct platform_build *in, unsigned banks,
			       const char *values_source, struct platform_profile **ret)
{
	_cleanup_(platform_profile_freep) struct platform_profile *p = calloc(1, sizeof(*p));
	int r;

	if (!p)
		return -ENOMEM;
	p->name = strdup(in->name ? in->name : "platform");
	if (!p->name)
		return -ENOMEM;
	p->banks = banks ? banks : BANK_MASK_DEFAULT;
	if (in->target >= 0) {
		const struct platform_target_options *o = &in->target_options;
		if (in->target == PLATFORM_TARGET_GCE)
			r = asprintf(&p->source, "bootproof target gce: GCE Virtual Firmware "
				     "v%u, confidential VM %s", o->gce_firmware ? o->gce_firmware : 2,
				     gce_cvm_to_string(o->gce_cvm));
		else
			r = asprintf(&p->source, "bootproof target %s",
				     platform_target_to_string(in->target));
	} else
		r = asprintf(&p->source, "%s", values_source);
	if (r < 0) {
		p->source = NULL;
		return -ENOMEM;
	}
	*ret = TAKE_PTR(p);
	return 0;
}

/* The observed values (tpm2_pcrread) into p: without a target, every listed PCR (within pcrs)
 * of the first bank, all banks alike; with one, the PCRs its rules mark observed. */
static int take_observed_values(const struct platform_build *in, struct platform_profile *p,
				unsigned pcrs, const char *values_source, char *errbuf,
				size_t errbuf_size)
{
	unsigned want = 0;
	int r;

	if (in->target < 0) {
		/* Every listed PCR (within --pcr) of the first bank; all banks alike. */
		FOREACH_BANK(b, p->banks) {
			unsigned m = in->values->mask[b] & (pcrs ? pcrs : 0xffffffu);
			if (!want)
				want = m;
			if (m != want || !m)
				return errbuf_set(errbuf, errbuf_size, -EBADMSG,
					     "the values list other PCRs in %s than in the "
					     "other banks (or none)", bank_name(b));
		}
		p->pcrs = want;
	}
	FOREACH_BANK(b, p->banks) {
		for (unsigned pcr = 0; pcr < TPM2_PCR_COUNT; pcr++) {
			struct golden_pcr *gp = &p->bank[b].pcrs[pcr];
			bool take = in->target < 0 ? (want & (1u << pcr)) != 0
						   : gp->status == PCR_STATUS_OBSERVED;
			if (!take || !(in->values->mask[b] & (1u << pcr)))
				continue;
			r = set_observed(gp, b, in->values->value[b][pcr], values_source,
					 in->target >= 0);
			if (r < 0)
				return errbuf_set(errbuf, errbuf_size, r,
					     "%s PCR %u: cannot take the observed value",
					     bank_name(b), pcr);
		}
		p->bank[b].present = true;
	}
	return 0;
}

int platform_profile_build(const struct platform_build *in, struct platform_profile **ret,
			   char *errbuf, size_t errbuf_size)
{
	_cleanup_(platform_profile_freep) struct platform_profile *p = NULL;
	char values_source[160] = "";
	unsigned banks = in->bank_mask, pcrs = in->pcr_mask;
	int r;

	if (in->target == PLATFORM_TARGET_QEMU && !in->log)
		return errbuf_set(errbuf, errbuf_size, -EINVAL,
			     "--target qemu takes PCR 0-3 and 6 from a reference LOG");
	if (in->target >= 0 && in->target != PLATFORM_TARGET_QEMU && in->log)
		return errbuf_set(errbuf, errbuf_size, -EINVAL,
			     "--target %s computes its firmware PCRs; give --pcrs for observed "
			     "values, not a LOG", platform_target_to_string(in->target));
	if (!in->log && !in->values && in->target < 0)
		return errbuf_set(errbuf, errbuf_size, -EINVAL, "nothing to build a profile from");
	if (in->target >= 0)
		pcrs = 0xffu; /* PCR 0-7: every rule */
	if (in->values) {
		char hex[65];
		hex_encode(in->values_sha256, 32, hex);
		snprintf(values_source, sizeof(values_source),
			 "observed: tpm2_pcrread values sha256:%s", hex);
		if (!banks) {
			FOREACH_BANK(b, BANK_MASK_ALL)
				if (in->values->mask[b])
					banks |= BANK_MASK(b);
		}
	}

	if (in->log) {
		r = platform_profile_from_log(in->log, in->log_data, in->log_size, in->name,
					      in->target >= 0 ? PLATFORM_PROFILE_DEFAULT_PCRS : pcrs,
					      banks, &p, errbuf, errbuf_size);
		if (r < 0)
			return r;
	} else {
		r = profile_without_log(in, banks, values_source, &p);
		if (r < 0)
			return r;
	}

	if (in->target >= 0) {
		_cleanup_(freep) char *log_source = NULL;
		if (in->log && asprintf(&log_source, "reference event log (%s)", p->source) < 0)
			return -ENOMEM;
		r = platform_target_fill(in->target, &in->target_options, p->banks, log_source,
					 p->bank);
		if (r < 0)
			return errbuf_set(errbuf, errbuf_size, r, "cannot fill the %s rules: %s",
				     platform_target_to_string(in->target), strerror(-r));
		p->pcrs = 0xffu;
	}

	if (in->values) {
		r = take_observed_values(in, p, pcrs, values_source, errbuf, errbuf_size);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(p);
	return 0;
}

int platform_profile_build_files(const struct platform_build *in, const char *yaml_path,
				 struct platform_profile **ret, char *errbuf, size_t errbuf_size)
{
	_cleanup_(freep) uint8_t *data = NULL;
	_cleanup_(freep) struct pcr_values *values = NULL;
	struct platform_build b = *in;
	char err[256];
	size_t len = 0;
	int r;

	b.values = NULL;
	if (yaml_path) {
		r = read_file_capped(yaml_path, PCR_YAML_MAX_SIZE, &data, &len);
		if (r < 0)
			return errbuf_set(errbuf, errbuf_size, r, "%s: cannot read it", yaml_path);
		values = calloc(1, sizeof(*values));
		if (!values)
			return -ENOMEM;
		r = pcr_yaml_parse(data, len, values, err, sizeof(err));
		if (r < 0)
			return errbuf_set(errbuf, errbuf_size, r, "%s: %s", yaml_path, err);
		r = digest_buffer(BANK_SHA256, data, len, b.values_sha256);
		if (r < 0)
			return errbuf_set(errbuf, errbuf_size, r, "%s: cannot hash it", yaml_path);
		b.values = values;
	}
	if (!b.name)
		b.name = b.target >= 0 ? platform_target_to_string((enum platform_target)b.target)
				       : "platform";
	return platform_profile_build(&b, ret, errbuf, errbuf_size);
}

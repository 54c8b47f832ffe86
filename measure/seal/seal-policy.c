/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sealing policy: TPM2_PolicyPCR digest over golden PCR values (TPM 2.0 Part 3 §23.7;
 * TPML_PCR_SELECTION per Part 2 §10.9.7, sizeofSelect 3 as systemd and tpm2-tools send it),
 * and golden.json's "seal" object. See seal-policy.h and sealing.md §1.5, §6.2. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "hexstr.h"
#include "json-fields.h"
#include "json.h"
#include "parse.h"
#include "seal-policy.h"
#include "size.h"

int seal_pcr_mask_parse(const char *list, uint32_t *ret_mask)
{
	uint32_t mask = 0;
	const char *p = list;

	if (!list || !*list)
		return -EINVAL;
	while (*p) {
		char word[8];
		size_t n = strcspn(p, ",+");
		uint32_t idx;
		if (n == 0 || n >= sizeof(word))
			return -EINVAL;
		memcpy(word, p, n);
		word[n] = '\0';
		if (safe_atou32(word, &idx) < 0 || idx >= SEAL_PCR_MAX || (mask & (1u << idx)))
			return -EINVAL;
		mask |= 1u << idx;
		p += n;
		if (*p) {
			p++;
			if (!*p)
				return -EINVAL; /* trailing separator */
		}
	}
	*ret_mask = mask;
	return 0;
}

void seal_pcr_mask_format(uint32_t mask, char sep, char *buf, size_t size)
{
	size_t off = 0;
	if (size == 0)
		return;
	buf[0] = '\0';
	for (unsigned i = 0; i < SEAL_PCR_MAX; i++) {
		if (!(mask & (1u << i)))
			continue;
		int n = off ? snprintf(buf + off, size - off, "%c%u", sep, i)
			    : snprintf(buf + off, size - off, "%u", i);
		if (n < 0 || (size_t)n >= size - off)
			return;
		off += (size_t)n;
	}
}

int seal_policy_pcr_step(enum bank bank, uint32_t mask, const uint8_t values[][DIGEST_MAX],
			 const uint8_t *prev, uint8_t out[SEAL_DIGEST_SIZE])
{
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *vctx = NULL, *pctx = NULL;
	const EVP_MD *sha256 = bank_md(BANK_SHA256);
	uint8_t zero[SEAL_DIGEST_SIZE] = {}, pcr_digest[SEAL_DIGEST_SIZE], head[4 + 4 + 2 + 1 + 3];
	unsigned int n;

	if (mask == 0 || mask >= (1u << SEAL_PCR_MAX) || bank < 0 || bank >= _BANK_MAX)
		return -EINVAL;
	if (!sha256)
		return -EIO;
	/* digestTPM: the session's hash over the selected PCR values, ascending index. */
	vctx = EVP_MD_CTX_new();
	if (!vctx || EVP_DigestInit_ex(vctx, sha256, NULL) != 1)
		return -EIO;
	for (unsigned i = 0; i < SEAL_PCR_MAX; i++)
		if ((mask & (1u << i)) && EVP_DigestUpdate(vctx, values[i], bank_size(bank)) != 1)
			return -EIO;
	if (EVP_DigestFinal_ex(vctx, pcr_digest, &n) != 1 || n != SEAL_DIGEST_SIZE)
		return -EIO;

	/* TPM_CC_PolicyPCR || TPML_PCR_SELECTION{count 1, {hash, sizeofSelect 3, bitmap}} */
	store_be32(head, TPM_CC_POLICY_PCR);
	store_be32(head + 4, 1);
	store_be16(head + 8, bank_info(bank)->tpm_alg);
	head[10] = 3;
	store_le16(head + 11, (uint16_t)mask); /* pcrSelect: PCR i is bit i%8 of byte i/8 */
	head[13] = (uint8_t)(mask >> 16);

	pctx = EVP_MD_CTX_new();
	if (!pctx || EVP_DigestInit_ex(pctx, sha256, NULL) != 1 ||
	    EVP_DigestUpdate(pctx, prev ? prev : zero, SEAL_DIGEST_SIZE) != 1 ||
	    EVP_DigestUpdate(pctx, head, sizeof(head)) != 1 ||
	    EVP_DigestUpdate(pctx, pcr_digest, sizeof(pcr_digest)) != 1 ||
	    EVP_DigestFinal_ex(pctx, out, &n) != 1 || n != SEAL_DIGEST_SIZE)
		return -EIO;
	return 0;
}

int seal_policy_compute(struct seal_policy *p)
{
	return seal_policy_pcr_step(p->bank, p->pcr_mask, (const uint8_t(*)[DIGEST_MAX])p->values,
				    NULL, p->digest);
}

int seal_policy_to_json(const struct seal_policy *p, json_t **ret)
{
	_cleanup_(json_decrefp) json_t *o = json_object(), *pcrs = json_array(),
				       *vals = json_object();
	int r;

	if (!o || !pcrs || !vals)
		return -ENOMEM;
	for (unsigned i = 0; i < SEAL_PCR_MAX; i++) {
		char key[4];
		if (!(p->pcr_mask & (1u << i)))
			continue;
		if (json_array_append_new(pcrs, json_integer(i)) < 0)
			return -ENOMEM;
		snprintf(key, sizeof(key), "%u", i);
		if ((r = json_set_new(vals, key, json_hex_string(p->values[i], bank_size(p->bank)))) < 0)
			return r;
	}
	if ((r = json_set_new(o, "profile", json_string(SEAL_PROFILE))) < 0 ||
	    (r = json_set_new(o, "policy", json_string("PolicyPCR"))) < 0 ||
	    (r = json_set_new(o, "bank", json_string(bank_name(p->bank)))) < 0 ||
	    (r = json_set_new(o, "pcrs", TAKE_PTR(pcrs))) < 0 ||
	    (r = json_set_new(o, "pcr_values", TAKE_PTR(vals))) < 0 ||
	    (r = json_set_new(o, "policy_digest", json_hex_string(p->digest, SEAL_DIGEST_SIZE))) < 0)
		return r;
	if ((p->pcr_mask & (1u << SEAL_PHASE_PCR)) &&
	    (r = json_set_new(o, "phase", json_string(p->phase))) < 0)
		return r;
	*ret = TAKE_PTR(o);
	return 0;
}

static int get_str(const json_t *o, const char *key, const char **ret, char *errbuf,
		   size_t errbuf_size)
{
	const json_t *v = json_object_get(o, key);
	if (!v || !json_is_string(v))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "seal.%s: missing or not a string",
				  key);
	*ret = json_string_value(v);
	return 0;
}

/* pcrs (ascending PCR indexes) into p->pcr_mask, and pcr_values (one per listed PCR, p->bank's
 * digest size) into p->values. */
static int read_pcrs(json_t *j, struct seal_policy *p, char *errbuf, size_t errbuf_size)
{
	json_t *pcrs, *vals, *v;
	size_t idx;
	int last = -1;

	pcrs = json_object_get(j, "pcrs");
	if (!pcrs || !json_is_array(pcrs) || json_array_size(pcrs) == 0 ||
	    json_array_size(pcrs) > SEAL_PCR_MAX)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "seal.pcrs: not an array of 1..%u PCR indexes", SEAL_PCR_MAX);
	json_array_foreach(pcrs, idx, v) {
		json_int_t i = json_is_integer(v) ? json_integer_value(v) : -1;
		if (i < 0 || i >= (json_int_t)SEAL_PCR_MAX || i <= last)
			return errbuf_set(errbuf, errbuf_size, -EBADMSG,
					  "seal.pcrs[%zu]: not a PCR index 0..23 above the previous "
					  "one", idx);
		last = (int)i;
		p->pcr_mask |= 1u << i;
	}

	vals = json_object_get(j, "pcr_values");
	if (!vals || !json_is_object(vals) || json_object_size(vals) != json_array_size(pcrs))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "seal.pcr_values: not an object with one value per listed PCR");
	for (unsigned i = 0; i < SEAL_PCR_MAX; i++) {
		char k[4];
		if (!(p->pcr_mask & (1u << i)))
			continue;
		snprintf(k, sizeof(k), "%u", i);
		v = json_object_get(vals, k);
		if (!v || !json_is_string(v) ||
		    hex_decode_exact(json_string_value(v), bank_size(p->bank), false, p->values[i]) < 0)
			return errbuf_set(errbuf, errbuf_size, -EBADMSG,
					  "seal.pcr_values.%s: missing or not %zu bytes of lowercase "
					  "hex", k, bank_size(p->bank));
	}
	return 0;
}

int seal_policy_load(json_t *j, struct seal_policy *ret, char *errbuf, size_t errbuf_size)
{
	static const char *const keys[] = {"profile", "policy", "bank", "pcrs", "pcr_values",
					   "policy_digest", "phase", NULL};
	struct seal_policy p = {};
	const char *s = NULL;
	json_t *v;
	uint8_t want[SEAL_DIGEST_SIZE];
	int r;

	if (!json_is_object(j))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "seal: not an object");
	r = json_check_keys(j, "seal", keys, errbuf, errbuf_size);
	if (r < 0)
		return r;
	if ((r = get_str(j, "profile", &s, errbuf, errbuf_size)) < 0)
		return r;
	if (strcmp(s, SEAL_PROFILE) != 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "seal.profile: \"%.64s\" is not \"%s\"",
				  s, SEAL_PROFILE);
	if ((r = get_str(j, "policy", &s, errbuf, errbuf_size)) < 0)
		return r;
	if (strcmp(s, "PolicyPCR") != 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "seal.policy: \"%.64s\" is not \"PolicyPCR\"", s);
	if ((r = get_str(j, "bank", &s, errbuf, errbuf_size)) < 0)
		return r;
	p.bank = bank_from_name(s);
	if (p.bank < 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "seal.bank: unknown bank \"%.64s\"", s);

	r = read_pcrs(j, &p, errbuf, errbuf_size);
	if (r < 0)
		return r;

	v = json_object_get(j, "phase");
	if (p.pcr_mask & (1u << SEAL_PHASE_PCR)) {
		if (!v || !json_is_string(v) || strlen(json_string_value(v)) >= sizeof(p.phase))
			return errbuf_set(errbuf, errbuf_size, -EBADMSG,
					  "seal.phase: missing, not a string or too long (PCR %u "
					  "is sealed)", SEAL_PHASE_PCR);
		memcpy(p.phase, json_string_value(v), strlen(json_string_value(v)) + 1);
	} else if (v)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "seal.phase: present but PCR %u is not sealed", SEAL_PHASE_PCR);

	if ((r = get_str(j, "policy_digest", &s, errbuf, errbuf_size)) < 0)
		return r;
	if (hex_decode_exact(s, SEAL_DIGEST_SIZE, false, want) < 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "seal.policy_digest: not 32 bytes of lowercase hex");
	r = seal_policy_compute(&p);
	if (r < 0)
		return r;
	if (memcmp(want, p.digest, SEAL_DIGEST_SIZE) != 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
				  "seal.policy_digest: does not equal the PolicyPCR digest of the "
				  "listed values");
	*ret = p;
	return 0;
}

int seal_policy_cryptenroll_pcrs(const struct seal_policy *p, char **ret)
{
	size_t hexlen = 2 * bank_size(p->bank);
	size_t cap = SEAL_PCR_MAX * (3 + 1 + 7 + 1 + hexlen + 1) + 1, off = 0;
	_cleanup_(freep) char *s = malloc(cap);

	if (!s)
		return -ENOMEM;
	s[0] = '\0';
	for (unsigned i = 0; i < SEAL_PCR_MAX; i++) {
		char hex[2 * DIGEST_MAX + 1];
		int n;
		if (!(p->pcr_mask & (1u << i)))
			continue;
		hex_encode(p->values[i], bank_size(p->bank), hex);
		n = snprintf(s + off, cap - off, "%s%u:%s=%s", off ? "+" : "", i,
			     bank_name(p->bank), hex);
		if (n < 0 || (size_t)n >= cap - off)
			return -E2BIG;
		off += (size_t)n;
	}
	*ret = TAKE_PTR(s);
	return 0;
}

int seal_policy_parse_literal(const char *s, struct seal_policy *ret)
{
	struct seal_policy p = {.bank = _BANK_INVALID};
	const char *w = s;
	int r;

	if (!s || !*s)
		return -EINVAL;
	while (*w) {
		char item[16 + 2 * DIGEST_MAX], *colon, *eq;
		size_t n = strcspn(w, "+");
		uint32_t idx;
		enum bank b;
		if (n == 0 || n >= sizeof(item))
			return -EINVAL;
		memcpy(item, w, n);
		item[n] = '\0';
		colon = strchr(item, ':');
		eq = colon ? strchr(colon, '=') : NULL;
		if (!colon || !eq)
			return -EINVAL;
		*colon = *eq = '\0';
		b = bank_from_name(colon + 1);
		if (safe_atou32(item, &idx) < 0 || idx >= SEAL_PCR_MAX || (p.pcr_mask & (1u << idx)) ||
		    b < 0 || (p.bank >= 0 && b != p.bank) ||
		    hex_decode_exact(eq + 1, bank_size(b), true, p.values[idx]) < 0)
			return -EINVAL;
		p.bank = b;
		p.pcr_mask |= 1u << idx;
		w += n;
		if (*w == '+' && !*++w)
			return -EINVAL;
	}
	r = seal_policy_compute(&p);
	if (r < 0)
		return r;
	*ret = p;
	return 0;
}

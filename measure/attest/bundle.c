/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bundle.json strict loader and canonical writer (schema in bundle.h and docs/attest.md).
 * JSON text per RFC 8259 through helpers/json.h (caps on size and depth, duplicate keys rejected). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "bundle.h"
#include "hexstr.h"
#include "json-fields.h"
#include "json.h"
#include "parse.h"

struct bundle *bundle_new(void)
{
	return calloc(1, sizeof(struct bundle));
}

static void blob_clear(struct blob *bl)
{
	free(bl->data);
	*bl = (struct blob){};
}

struct bundle *bundle_free(struct bundle *b)
{
	if (!b)
		return NULL;
	blob_clear(&b->attest);
	blob_clear(&b->signature);
	for (size_t i = 0; i < b->n_quotes; i++) {
		blob_clear(&b->quotes[i].attest);
		blob_clear(&b->quotes[i].signature);
	}
	blob_clear(&b->ak_public);
	blob_clear(&b->ek_certificate);
	blob_clear(&b->firmware_log);
	blob_clear(&b->userspace_log);
	blob_clear(&b->container_measurements);
	blob_clear(&b->credential);
	blob_clear(&b->luks2_metadata);
	blob_clear(&b->ak_certificate);
	for (size_t i = 0; i < b->n_ak_intermediates; i++)
		blob_clear(&b->ak_intermediates[i]);
	free(b);
	return NULL;
}

int blob_set(struct blob *bl, const void *data, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	if (!p)
		return -ENOMEM;
	if (len)
		memcpy(p, data, len);
	free(bl->data);
	*bl = (struct blob){.data = p, .size = len, .present = true};
	return 0;
}

/* A required hex string (or null when nullable) into a blob, at most max decoded bytes. */
static int get_hex(const json_t *obj, const char *key, const char *path, size_t max, bool nullable,
		   struct blob *ret, char *err, size_t errsz)
{
	json_t *v = json_object_get(obj, key);
	size_t slen;
	int r;

	if (!v)
		return errbuf_set(err, errsz, -EBADMSG, "%s.%s: missing", path, key);
	if (json_is_null(v) && nullable) {
		*ret = (struct blob){};
		return 0;
	}
	if (!json_is_string(v))
		return errbuf_set(err, errsz, -EBADMSG, "%s.%s: not a hex string", path, key);
	slen = json_string_length(v);
	if (slen / 2 > max)
		return errbuf_set(err, errsz, -E2BIG, "%s.%s: %zu bytes exceed the cap of %zu", path, key,
			    slen / 2, max);
	r = hex_decode_alloc(json_string_value(v), max, &ret->data, &ret->size);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return errbuf_set(err, errsz, -EBADMSG, "%s.%s: not lowercase hex of even length", path,
			    key);
	ret->present = true;
	return 0;
}

static int parse_pcrs(json_t *pcrs, struct pcr_values *ret, char *err, size_t errsz)
{
	const char *bname, *idx;
	json_t *bank, *val;

	if (!json_is_object(pcrs))
		return errbuf_set(err, errsz, -EBADMSG, "pcrs: not an object");
	if (json_object_size(pcrs) == 0)
		return errbuf_set(err, errsz, -EBADMSG, "pcrs: no bank");
	json_object_foreach(pcrs, bname, bank) {
		enum bank b = bank_from_name(bname);
		if (b < 0)
			return errbuf_set(err, errsz, -EBADMSG, "pcrs.%s: unknown bank", bname);
		if (!json_is_object(bank) || json_object_size(bank) == 0)
			return errbuf_set(err, errsz, -EBADMSG, "pcrs.%s: not a non-empty object", bname);
		json_object_foreach(bank, idx, val) {
			uint32_t pcr;
			char canon[4];

			if (safe_atou32(idx, &pcr) < 0 || pcr >= TPM2_PCR_COUNT)
				return errbuf_set(err, errsz, -EBADMSG, "pcrs.%s.%s: not a PCR index 0-23",
					    bname, idx);
			snprintf(canon, sizeof(canon), "%u", pcr);
			if (strcmp(canon, idx) != 0)
				return errbuf_set(err, errsz, -EBADMSG,
					    "pcrs.%s.%s: PCR index not in canonical form", bname, idx);
			if (!json_is_string(val) ||
			    hex_decode_exact(json_string_value(val), bank_size(b), false,
					     ret->value[b][pcr]) < 0)
				return errbuf_set(err, errsz, -EBADMSG,
					    "pcrs.%s.%s: not %zu bytes of lowercase hex", bname, idx,
					    bank_size(b));
			ret->mask[b] |= 1u << pcr;
		}
	}
	return 0;
}

/* "binding.quotes": in a per-bank bundle only (bundle-binding.h). */
static int parse_binding_quotes(json_t *obj, bool per_bank, struct bundle_binding *ret, char *err,
				size_t errsz)
{
	json_t *v = json_object_get(obj, BUNDLE_BINDING_QUOTES);

	if (!per_bank && v)
		return errbuf_set(err, errsz, -EBADMSG, "binding.%s: present in a bundle with one "
				  "quote over every bank", BUNDLE_BINDING_QUOTES);
	if (!per_bank)
		return 0;
	if (!v)
		return errbuf_set(err, errsz, -EBADMSG, "binding.%s: missing", BUNDLE_BINDING_QUOTES);
	if (!json_is_string(v) || hex_decode_exact(json_string_value(v), BUNDLE_BINDING_DIGEST, false,
						   ret->quotes) < 0)
		return errbuf_set(err, errsz, -EBADMSG, "binding.%s: not %u bytes of lowercase hex",
				  BUNDLE_BINDING_QUOTES, BUNDLE_BINDING_DIGEST);
	ret->per_bank = true;
	return 0;
}

/* "binding": exactly one key per bound field, each a SHA-256 in hex or null (absent field),
 * and "quotes" exactly when the bundle quotes each bank on its own. */
static int parse_binding(json_t *obj, bool per_bank, struct bundle_binding *ret, char *err,
			 size_t errsz)
{
	if (!json_is_object(obj))
		return errbuf_set(err, errsz, -EBADMSG, "binding: missing or not an object");
	if (json_object_size(obj) != _BOUND_FIELD_MAX + (size_t)per_bank) {
		/* Names the first unknown or missing key. */
		const char *key;
		json_t *v;
		json_object_foreach(obj, key, v) {
			enum bound_field f = 0;
			while (f < _BOUND_FIELD_MAX && strcmp(bound_field_name(f), key) != 0)
				f++;
			if (f == _BOUND_FIELD_MAX && strcmp(key, BUNDLE_BINDING_QUOTES) != 0)
				return errbuf_set(err, errsz, -EBADMSG, "binding: unknown key '%s'", key);
		}
	}
	for (enum bound_field f = 0; f < _BOUND_FIELD_MAX; f++) {
		const char *name = bound_field_name(f);
		json_t *v = json_object_get(obj, name);

		if (!v)
			return errbuf_set(err, errsz, -EBADMSG, "binding.%s: missing", name);
		if (json_is_null(v))
			continue;
		if (!json_is_string(v) || hex_decode_exact(json_string_value(v), BUNDLE_BINDING_DIGEST,
							   false, ret->digest[f]) < 0)
			return errbuf_set(err, errsz, -EBADMSG,
					  "binding.%s: not null or %u bytes of lowercase hex", name,
					  BUNDLE_BINDING_DIGEST);
		ret->present[f] = true;
	}
	return parse_binding_quotes(obj, per_bank, ret, err, errsz);
}

/* ak.certificate and ak.intermediates (optional, added for cloud AK certificates): hex DER
 * each, capped; the certificates themselves are decoded by the verifier (ak-cert.h). */
static int parse_ak_certificates(json_t *ak, struct bundle *b, char *err, size_t errsz)
{
	json_t *list = json_object_get(ak, "intermediates"), *v;
	size_t i;
	int r;

	if (json_object_get(ak, "certificate")) {
		r = get_hex(ak, "certificate", "ak", BUNDLE_MAX_CERT, false, &b->ak_certificate, err,
			    errsz);
		if (r < 0)
			return r;
	}
	if (!list)
		return 0;
	if (!b->ak_certificate.present) /* a chain of nothing: unbound, unused */
		return errbuf_set(err, errsz, -EBADMSG, "ak.intermediates: present without "
				  "ak.certificate");
	if (!json_is_array(list))
		return errbuf_set(err, errsz, -EBADMSG, "ak.intermediates: not an array");
	if (json_array_size(list) > BUNDLE_MAX_AK_INTERMEDIATES)
		return errbuf_set(err, errsz, -E2BIG, "ak.intermediates: %zu certificates exceed the "
				  "cap of %u", json_array_size(list), BUNDLE_MAX_AK_INTERMEDIATES);
	json_array_foreach(list, i, v) {
		struct blob *bl = &b->ak_intermediates[i];
		if (!json_is_string(v))
			return errbuf_set(err, errsz, -EBADMSG, "ak.intermediates[%zu]: not a hex "
					  "string", i);
		if (json_string_length(v) / 2 > BUNDLE_MAX_CERT)
			return errbuf_set(err, errsz, -E2BIG, "ak.intermediates[%zu]: %zu bytes "
					  "exceed the cap of %u", i, json_string_length(v) / 2,
					  BUNDLE_MAX_CERT);
		r = hex_decode_alloc(json_string_value(v), BUNDLE_MAX_CERT, &bl->data, &bl->size);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return errbuf_set(err, errsz, -EBADMSG, "ak.intermediates[%zu]: not lowercase "
					  "hex of even length", i);
		bl->present = true;
		b->n_ak_intermediates = i + 1;
	}
	return 0;
}

/* One {"attest": hex, "signature": hex} object at path ("quote", "quotes[1]"). */
static int parse_quote_object(json_t *q, const char *path, struct blob *attest,
			      struct blob *signature, char *err, size_t errsz)
{
	static const char *const quote_keys[] = {"attest", "signature", NULL};
	int r;

	if (!json_is_object(q))
		return errbuf_set(err, errsz, -EBADMSG, "%s: not an object", path);
	r = json_check_keys(q, path, quote_keys, err, errsz);
	if (r < 0)
		return r;
	r = get_hex(q, "attest", path, TPM2_ATTEST_MAX_SIZE, false, attest, err, errsz);
	if (r < 0)
		return r;
	return get_hex(q, "signature", path, TPM2_SIGNATURE_MAX_SIZE, false, signature, err, errsz);
}

/* Exactly one of "quote" (one quote over every bank) and "quotes" (one per bank, 1..4). Which
 * bank each of "quotes" covers is decided by the verifier from the signed selection. */
static int parse_quotes(json_t *j, struct bundle *b, char *err, size_t errsz)
{
	json_t *one = json_object_get(j, "quote"), *list = json_object_get(j, "quotes"), *q;
	size_t i;
	int r;

	if (one && list)
		return errbuf_set(err, errsz, -EBADMSG, "quotes: present beside quote (a bundle has "
				  "one quote over every bank or one quote per bank, not both)");
	if (!list && !json_is_object(one))
		return errbuf_set(err, errsz, -EBADMSG, "quote: missing or not an object");
	if (one)
		return parse_quote_object(one, "quote", &b->attest, &b->signature, err, errsz);
	if (!json_is_array(list) || json_array_size(list) == 0)
		return errbuf_set(err, errsz, -EBADMSG, "quotes: not a non-empty array");
	if (json_array_size(list) > BUNDLE_MAX_QUOTES)
		return errbuf_set(err, errsz, -E2BIG, "quotes: %zu quotes exceed the cap of %u (one "
				  "per bank)", json_array_size(list), BUNDLE_MAX_QUOTES);
	json_array_foreach(list, i, q) {
		char path[32];

		snprintf(path, sizeof(path), "quotes[%zu]", i);
		b->n_quotes = i + 1; /* so bundle_free frees what this one allocates */
		r = parse_quote_object(q, path, &b->quotes[i].attest, &b->quotes[i].signature, err,
				       errsz);
		if (r < 0)
			return r;
	}
	return 0;
}

/* "format": /2 or imported-1 (into b->scheme); /1 is refused with -EPROTONOSUPPORT. */
static int parse_format(json_t *j, struct bundle *b, char *err, size_t errsz)
{
	json_t *v = json_object_get(j, "format");

	if (json_is_string(v) && strcmp(json_string_value(v), BUNDLE_FORMAT_UNBOUND) == 0)
		return errbuf_set(err, errsz, -EPROTONOSUPPORT,
				  "format: \"%s\" is a bundle from before the quote bound its fields "
				  "(its qualifying data is the bare nonce): its AK public area, EK "
				  "certificate, logs, container_measurements, credential and "
				  "luks2_metadata could have been changed after the quote; make a new "
				  "bundle with this version's bootproof attest", BUNDLE_FORMAT_UNBOUND);
	if (!json_is_string(v) || (strcmp(json_string_value(v), BUNDLE_FORMAT) != 0 &&
				   strcmp(json_string_value(v), BUNDLE_FORMAT_IMPORTED) != 0))
		return errbuf_set(err, errsz, -EBADMSG, "format: not \"%s\" or \"%s\"", BUNDLE_FORMAT,
				  BUNDLE_FORMAT_IMPORTED);
	b->scheme = strcmp(json_string_value(v), BUNDLE_FORMAT_IMPORTED) == 0 ? BUNDLE_NONCE_ONLY
									      : BUNDLE_BOUND;
	return 0;
}

static int parse_nonce(json_t *j, struct bundle *b, char *err, size_t errsz)
{
	struct blob nonce = {};
	int r = get_hex(j, "nonce", "top level", BUNDLE_MAX_NONCE, false, &nonce, err, errsz);

	if (r < 0)
		return r;
	memcpy(b->nonce, nonce.data, nonce.size);
	b->nonce_size = nonce.size;
	blob_clear(&nonce);
	if (b->nonce_size == 0)
		return errbuf_set(err, errsz, -EBADMSG, "nonce: empty");
	return 0;
}

static int parse_ak(json_t *j, struct bundle *b, char *err, size_t errsz)
{
	static const char *const ak_keys[] = {"public", "certificate", "intermediates", NULL};
	json_t *ak = json_object_get(j, "ak");
	int r;

	if (!json_is_object(ak))
		return errbuf_set(err, errsz, -EBADMSG, "ak: missing or not an object");
	r = json_check_keys(ak, "ak", ak_keys, err, errsz);
	if (r < 0)
		return r;
	r = get_hex(ak, "public", "ak", TPM2_PUBLIC_MAX_SIZE + 2, false, &b->ak_public, err, errsz);
	if (r < 0)
		return r;
	r = parse_ak_certificates(ak, b, err, errsz);
	if (r < 0)
		return r;
	return get_hex(j, "ek_certificate", "top level", BUNDLE_MAX_CERT, true, &b->ek_certificate,
		       err, errsz);
}

static int parse_logs(json_t *j, struct bundle *b, char *err, size_t errsz)
{
	static const char *const log_keys[] = {"firmware", "userspace", NULL};
	json_t *logs = json_object_get(j, "eventlog");
	int r;

	if (!json_is_object(logs))
		return errbuf_set(err, errsz, -EBADMSG, "eventlog: missing or not an object");
	r = json_check_keys(logs, "eventlog", log_keys, err, errsz);
	if (r < 0)
		return r;
	r = get_hex(logs, "firmware", "eventlog", BUNDLE_MAX_EVENTLOG, true, &b->firmware_log, err,
		    errsz);
	if (r < 0)
		return r;
	return get_hex(logs, "userspace", "eventlog", BUNDLE_MAX_EVENTLOG, true, &b->userspace_log,
		       err, errsz);
}

/* container_measurements, and the optional credential and luks2_metadata. */
static int parse_machine_fields(json_t *j, struct bundle *b, char *err, size_t errsz)
{
	int r = get_hex(j, "container_measurements", "top level", BUNDLE_MAX_CONTAINERS, true,
		    &b->container_measurements, err, errsz);
	if (r < 0)
		return r;
	if (json_object_get(j, "credential")) {
		r = get_hex(j, "credential", "top level", BUNDLE_MAX_CREDENTIAL, true,
			    &b->credential, err, errsz);
		if (r < 0)
			return r;
	}
	if (json_object_get(j, "luks2_metadata"))
		return get_hex(j, "luks2_metadata", "top level", BUNDLE_MAX_LUKS2_METADATA, false,
			       &b->luks2_metadata, err, errsz);
	return 0;
}

int bundle_parse(const uint8_t *data, size_t len, struct bundle **ret, char *err, size_t errsz)
{
	static const char *const top_keys[] = {"format", "nonce", "quote", "quotes", "pcrs", "ak",
					       "ek_certificate", "eventlog",
					       "container_measurements", "credential",
					       "luks2_metadata", "binding", NULL};
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(bundle_freep) struct bundle *b = NULL;
	json_t *pcrs;
	int r;

	r = json_parse_capped(data, len, BUNDLE_MAX_FILE_SIZE, BUNDLE_MAX_DEPTH, &j, err, errsz);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return errbuf_set(err, errsz, -EBADMSG, "top level: not an object");
	r = json_check_keys(j, "top level", top_keys, err, errsz);
	if (r < 0)
		return r;
	b = bundle_new();
	if (!b)
		return -ENOMEM;
	if ((r = parse_format(j, b, err, errsz)) < 0 || (r = parse_nonce(j, b, err, errsz)) < 0 ||
	    (r = parse_quotes(j, b, err, errsz)) < 0)
		return r;
	pcrs = json_object_get(j, "pcrs");
	if (!pcrs)
		return errbuf_set(err, errsz, -EBADMSG, "pcrs: missing");
	if ((r = parse_pcrs(pcrs, &b->pcrs, err, errsz)) < 0 || (r = parse_ak(j, b, err, errsz)) < 0 ||
	    (r = parse_logs(j, b, err, errsz)) < 0 || (r = parse_machine_fields(j, b, err, errsz)) < 0)
		return r;
	if (b->scheme == BUNDLE_NONCE_ONLY && json_object_get(j, "binding"))
		return errbuf_set(err, errsz, -EBADMSG,
				  "binding: present in an imported bundle (\"%s\"), whose quote binds "
				  "the bare nonce and nothing else", BUNDLE_FORMAT_IMPORTED);
	if (b->scheme == BUNDLE_BOUND) {
		r = parse_binding(json_object_get(j, "binding"), b->n_quotes > 0, &b->binding, err,
				  errsz);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(b);
	return 0;
}

static json_t *hex_or_null(const struct blob *bl)
{
	char *s;
	json_t *j;

	if (!bl->present)
		return json_null();
	s = hex_encode_alloc(bl->data, bl->size);
	if (!s)
		return NULL;
	j = json_string(s);
	free(s);
	return j;
}

static json_t *binding_to_json(const struct bundle_binding *bb)
{
	_cleanup_(json_decrefp) json_t *o = json_object();
	struct blob q = {.data = (uint8_t *)(uintptr_t)bb->quotes, .size = BUNDLE_BINDING_DIGEST,
			 .present = true};

	if (!o)
		return NULL;
	if (bb->per_bank && json_object_set_new(o, BUNDLE_BINDING_QUOTES, hex_or_null(&q)) < 0)
		return NULL;
	for (enum bound_field f = 0; f < _BOUND_FIELD_MAX; f++) {
		struct blob d = {.data = (uint8_t *)(uintptr_t)bb->digest[f],
				 .size = BUNDLE_BINDING_DIGEST, .present = bb->present[f]};
		if (json_object_set_new(o, bound_field_name(f), hex_or_null(&d)) < 0)
			return NULL;
	}
	return TAKE_PTR(o);
}

/* "ak": the public area, and the certificate and its chain when the bundle has them. */
static json_t *ak_to_json(const struct bundle *b)
{
	json_t *ak = json_pack("{s:o}", "public", hex_or_null(&b->ak_public)), *list;

	if (!ak || !b->ak_certificate.present)
		return ak;
	list = json_array();
	if (!list || json_object_set_new(ak, "certificate", hex_or_null(&b->ak_certificate)) < 0 ||
	    json_object_set_new(ak, "intermediates", list) < 0) {
		json_decref(ak);
		return NULL;
	}
	for (size_t i = 0; i < b->n_ak_intermediates; i++)
		if (json_array_append_new(list, hex_or_null(&b->ak_intermediates[i])) < 0) {
			json_decref(ak);
			return NULL;
		}
	return ak;
}

/* "quote" for the one-quote form, or "quotes" for the per-bank form. */
static int quotes_to_json(const struct bundle *b, json_t *j)
{
	json_t *list;

	if (b->n_quotes == 0)
		return json_object_set_new(j, "quote",
					   json_pack("{s:o,s:o}", "attest", hex_or_null(&b->attest),
						     "signature", hex_or_null(&b->signature)));
	list = json_array();
	if (!list || json_object_set_new(j, "quotes", list) < 0)
		return -1;
	for (size_t i = 0; i < b->n_quotes; i++)
		if (json_array_append_new(list, json_pack("{s:o,s:o}", "attest",
							  hex_or_null(&b->quotes[i].attest),
							  "signature",
							  hex_or_null(&b->quotes[i].signature))) < 0)
			return -1;
	return 0;
}

int bundle_to_json(const struct bundle *b, json_t **ret)
{
	_cleanup_(json_decrefp) json_t *j = json_object(), *pcrs = json_object();
	char hex[2 * DIGEST_MAX + 1], idx[4];
	struct blob nonce = {.data = (uint8_t *)(uintptr_t)b->nonce, .size = b->nonce_size,
			     .present = true};

	if (!j || !pcrs)
		return -ENOMEM;
	for (enum bank k = 0; k < _BANK_MAX; k++) {
		json_t *bank;
		if (!b->pcrs.mask[k])
			continue;
		bank = json_object();
		if (!bank || json_object_set_new(pcrs, bank_name(k), bank) < 0)
			return -ENOMEM;
		for (unsigned i = 0; i < TPM2_PCR_COUNT; i++) {
			if (!(b->pcrs.mask[k] & (1u << i)))
				continue;
			hex_encode(b->pcrs.value[k][i], bank_size(k), hex);
			snprintf(idx, sizeof(idx), "%u", i);
			if (json_object_set_new(bank, idx, json_string(hex)) < 0)
				return -ENOMEM;
		}
	}
	if (json_object_set_new(j, "format", json_string(b->scheme == BUNDLE_NONCE_ONLY
							  ? BUNDLE_FORMAT_IMPORTED
							  : BUNDLE_FORMAT)) < 0 ||
	    json_object_set_new(j, "nonce", hex_or_null(&nonce)) < 0 ||
	    quotes_to_json(b, j) < 0 ||
	    json_object_set(j, "pcrs", pcrs) < 0 ||
	    json_object_set_new(j, "ak", ak_to_json(b)) < 0 ||
	    json_object_set_new(j, "ek_certificate", hex_or_null(&b->ek_certificate)) < 0 ||
	    json_object_set_new(j, "eventlog",
				json_pack("{s:o,s:o}", "firmware", hex_or_null(&b->firmware_log),
					  "userspace", hex_or_null(&b->userspace_log))) < 0 ||
	    json_object_set_new(j, "container_measurements",
				hex_or_null(&b->container_measurements)) < 0 ||
	    (b->credential.present &&
	     json_object_set_new(j, "credential", hex_or_null(&b->credential)) < 0) ||
	    (b->luks2_metadata.present &&
	     json_object_set_new(j, "luks2_metadata", hex_or_null(&b->luks2_metadata)) < 0) ||
	    (b->scheme == BUNDLE_BOUND &&
	     json_object_set_new(j, "binding", binding_to_json(&b->binding)) < 0))
		return -ENOMEM;
	*ret = TAKE_PTR(j);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* go-tpm-tools `Attestation` protobuf -> bundle (gotpm-import.h). Protocol Buffers encoding
 * (protobuf.dev "Encoding": varints of at most 10 bytes, tags = field << 3 | wire type,
 * length-delimited fields), every length checked against what is left. */
#include <errno.h>
#include <string.h>

#include "cursor.h"
#include "errbuf.h"
#include "gotpm-import.h"
#include "quote-verify.h"
#include "tpm2-attest.h"

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

static bool pb_varint(struct cursor *c, uint64_t *ret)
{
	uint64_t x = 0;
	uint8_t b;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (!cursor_get_u8(c, &b))
			return false;
		if (shift == 63 && b > 1)
			return false; /* over 64 bits */
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*ret = x;
			return true;
		}
	}
	return false;
}

/* One field: its number, wire type and, for WT_LEN, the bytes; others are skipped. */
struct pb_field {
	uint64_t number;
	unsigned wire;
	uint64_t value;     /* WT_VARINT */
	struct cursor bytes; /* WT_LEN */
	size_t offset;
};

static int pb_next(struct cursor *c, const char *path, struct pb_field *f, char *err, size_t errsz)
{
	uint64_t key, len;

	f->offset = cursor_offset(c);
	if (!pb_varint(c, &key) || key >> 3 == 0 || key >> 3 > 536870911u)
		return errbuf_set(err, errsz, -EBADMSG, "%s at offset %zu: malformed field key", path,
				  f->offset);
	f->number = key >> 3;
	f->wire = (unsigned)(key & 7);
	switch (f->wire) {
	case WT_VARINT:
		if (!pb_varint(c, &f->value))
			break;
		return 0;
	case WT_I64:
		if (!cursor_skip(c, 8))
			break;
		return 0;
	case WT_I32:
		if (!cursor_skip(c, 4))
			break;
		return 0;
	case WT_LEN:
		if (!pb_varint(c, &len) || len > c->len || !cursor_get_bytes(c, (size_t)len, &f->bytes))
			break;
		return 0;
	default: /* groups (3, 4) and reserved types */
		return errbuf_set(err, errsz, -EBADMSG, "%s field %llu at offset %zu: wire type %u "
				  "not supported", path, (unsigned long long)f->number, f->offset,
				  f->wire);
	}
	return errbuf_set(err, errsz, -EBADMSG, "%s field %llu at offset %zu: truncated", path,
			  (unsigned long long)f->number, f->offset);
}

static int want_len(const struct pb_field *f, const char *path, struct gotpm_view *ret, char *err,
		    size_t errsz)
{
	if (f->wire != WT_LEN)
		return errbuf_set(err, errsz, -EBADMSG, "%s at offset %zu: not length-delimited",
				  path, f->offset);
	*ret = (struct gotpm_view){.data = f->bytes.p, .size = f->bytes.len, .present = true};
	return 0;
}

/* map<uint32, bytes> entry: { 1 key, 2 value }. */
static int parse_pcr_entry(struct cursor c, struct gotpm_quote *q, size_t qi, char *err,
			   size_t errsz)
{
	struct gotpm_view value = {};
	uint64_t key = 0;
	struct pb_field f;
	char path[48];
	int r;

	snprintf(path, sizeof(path), "quotes[%zu].pcrs.pcrs", qi);
	while (c.len > 0) {
		r = pb_next(&c, path, &f, err, errsz);
		if (r < 0)
			return r;
		if (f.number == 1 && f.wire == WT_VARINT)
			key = f.value;
		else if (f.number == 2 && (r = want_len(&f, path, &value, err, errsz)) < 0)
			return r;
	}
	if (key >= 24)
		return errbuf_set(err, errsz, -EBADMSG, "%s: PCR index %llu is not 0-23", path,
				  (unsigned long long)key);
	if (q->pcr_mask & (1u << key))
		return errbuf_set(err, errsz, -EBADMSG, "%s: PCR %llu twice", path,
				  (unsigned long long)key);
	q->pcr_mask |= 1u << key;
	q->pcr[key] = value;
	return 0;
}

static int parse_pcrs(struct cursor c, struct gotpm_quote *q, size_t qi, char *err, size_t errsz)
{
	struct pb_field f;
	char path[40];
	int r;

	snprintf(path, sizeof(path), "quotes[%zu].pcrs", qi);
	while (c.len > 0) {
		r = pb_next(&c, path, &f, err, errsz);
		if (r < 0)
			return r;
		if (f.number == 1 && f.wire == WT_VARINT) {
			if (f.value > 0xffff)
				return errbuf_set(err, errsz, -EBADMSG, "%s.hash: %llu is no TPM_ALG_ID",
						  path, (unsigned long long)f.value);
			q->hash_alg = (uint32_t)f.value;
		} else if (f.number == 2) {
			if (f.wire != WT_LEN)
				return errbuf_set(err, errsz, -EBADMSG, "%s: map entry not "
						  "length-delimited", path);
			r = parse_pcr_entry(f.bytes, q, qi, err, errsz);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int parse_quote(struct cursor c, struct gotpm_quote *q, size_t qi, char *err, size_t errsz)
{
	struct pb_field f;
	char path[32];
	int r;

	snprintf(path, sizeof(path), "quotes[%zu]", qi);
	while (c.len > 0) {
		r = pb_next(&c, path, &f, err, errsz);
		if (r < 0)
			return r;
		if (f.number == 1)
			r = want_len(&f, path, &q->quote, err, errsz);
		else if (f.number == 2)
			r = want_len(&f, path, &q->raw_sig, err, errsz);
		else if (f.number == 3)
			r = f.wire == WT_LEN ? parse_pcrs(f.bytes, q, qi, err, errsz)
					     : errbuf_set(err, errsz, -EBADMSG, "%s.pcrs: not a "
							  "message", path);
		if (r < 0)
			return r;
	}
	return 0;
}

int gotpm_attestation_parse(const uint8_t *data, size_t len, struct gotpm_attestation *ret,
			    char *err, size_t errsz)
{
	struct gotpm_attestation a = {};
	struct cursor c;
	struct pb_field f;
	int r = 0;

	if (len > GOTPM_MAX_SIZE)
		return errbuf_set(err, errsz, -E2BIG, "attestation: %zu bytes exceed the cap of %u",
				  len, GOTPM_MAX_SIZE);
	cursor_init(&c, data, len);
	while (c.len > 0) {
		r = pb_next(&c, "attestation", &f, err, errsz);
		if (r < 0)
			return r;
		switch (f.number) {
		case 1:
			r = want_len(&f, "ak_pub", &a.ak_pub, err, errsz);
			break;
		case 2:
			if (a.n_quotes >= GOTPM_MAX_QUOTES)
				return errbuf_set(err, errsz, -E2BIG, "quotes: more than %u",
						  GOTPM_MAX_QUOTES);
			r = f.wire == WT_LEN ? parse_quote(f.bytes, &a.quotes[a.n_quotes], a.n_quotes,
							   err, errsz)
					     : errbuf_set(err, errsz, -EBADMSG, "quotes[%zu]: not a "
							  "message", a.n_quotes);
			a.n_quotes++;
			break;
		case 3:
			r = want_len(&f, "event_log", &a.event_log, err, errsz);
			break;
		case 6:
			r = want_len(&f, "ak_cert", &a.ak_cert, err, errsz);
			break;
		case 7:
			if (a.n_intermediates >= GOTPM_MAX_INTERMEDIATES)
				return errbuf_set(err, errsz, -E2BIG, "intermediate_certs: more than %u",
						  GOTPM_MAX_INTERMEDIATES);
			r = want_len(&f, "intermediate_certs", &a.intermediates[a.n_intermediates++],
				     err, errsz);
			break;
		default: /* instance_info, canonical_event_log, TEE attestations: not used */
			break;
		}
		if (r < 0)
			return r;
	}
	if (!a.ak_pub.present || a.n_quotes == 0)
		return errbuf_set(err, errsz, -EBADMSG, "attestation: no ak_pub or no quote");
	*ret = a;
	return 0;
}

static int set_view(struct blob *bl, const struct gotpm_view *v, size_t max, const char *what,
		    char *err, size_t errsz)
{
	if (!v->present)
		return 0;
	if (v->size > max)
		return errbuf_set(err, errsz, -E2BIG, "%s: %zu bytes exceed the cap of %zu", what,
				  v->size, max);
	return blob_set(bl, v->data, v->size);
}

/* Quote q's nonce (its extraData) and its bank's values into b; the first quote sets the nonce,
 * every later one must carry the same. */
static int import_quote(const struct gotpm_quote *q, enum bank bank, struct bundle *b, char *err,
			size_t errsz)
{
	struct tpm2_attest att;

	if (!q->quote.present || !q->raw_sig.present ||
	    tpm2_attest_parse(q->quote.data, q->quote.size, &att, NULL) < 0)
		return errbuf_set(err, errsz, -EBADMSG, "the %s quote does not decode",
				  bank_name(bank));
	if (att.extra_data_size == 0 || att.extra_data_size > BUNDLE_MAX_NONCE)
		return errbuf_set(err, errsz, -EBADMSG, "the %s quote's extraData (the nonce) is "
				  "empty or over %u bytes", bank_name(bank), BUNDLE_MAX_NONCE);
	if (b->nonce_size > 0 && (b->nonce_size != att.extra_data_size ||
				  memcmp(b->nonce, att.extra_data, b->nonce_size) != 0))
		return errbuf_set(err, errsz, -EBADMSG, "the %s quote answers another nonce than "
				  "the first quote", bank_name(bank));
	if (b->pcrs.mask[bank])
		return errbuf_set(err, errsz, -EBADMSG, "the attestation quotes bank %s twice",
				  bank_name(bank));
	/* The quote answers the nonce itself: an imported bundle, no bootproof binding (bundle.h). */
	memcpy(b->nonce, att.extra_data, att.extra_data_size);
	b->nonce_size = att.extra_data_size;
	for (unsigned p = 0; p < 24; p++) {
		if (!(q->pcr_mask & (1u << p)))
			continue;
		if (q->pcr[p].size != bank_size(bank))
			return errbuf_set(err, errsz, -EBADMSG, "%s PCR %u: %zu bytes, not %zu",
					  bank_name(bank), p, q->pcr[p].size, bank_size(bank));
		memcpy(b->pcrs.value[bank][p], q->pcr[p].data, bank_size(bank));
		b->pcrs.mask[bank] |= 1u << p;
	}
	return 0;
}

/* The chosen quote(s): one bank's as "quote", or every bank's as "quotes". */
static int import_quotes(const struct gotpm_attestation *a, int bank, struct bundle *b,
			 char *err, size_t errsz)
{
	int r;

	for (size_t i = 0; i < a->n_quotes; i++) {
		const struct gotpm_quote *q = &a->quotes[i];
		enum bank k = bank_from_tpm_alg((uint16_t)q->hash_alg);
		struct bundle_quote *bq;

		if (bank >= 0 && (q->hash_alg > UINT16_MAX || (int)k != bank))
			continue;
		if (q->hash_alg > UINT16_MAX || (int)k < 0)
			return errbuf_set(err, errsz, -EBADMSG, "quotes[%zu]: hash 0x%x is not a "
					  "known bank", i, q->hash_alg);
		if (b->n_quotes >= BUNDLE_MAX_QUOTES)
			return errbuf_set(err, errsz, -E2BIG, "more than %u quotes",
					  BUNDLE_MAX_QUOTES);
		r = import_quote(q, k, b, err, errsz);
		if (r < 0)
			return r;
		if (bank >= 0) /* --bank: that bank's quote alone, the one-quote form */
			return (r = set_view(&b->attest, &q->quote, TPM2_ATTEST_MAX_SIZE, "quote",
					     err, errsz)) < 0
				       ? r
				       : set_view(&b->signature, &q->raw_sig,
						  TPM2_SIGNATURE_MAX_SIZE, "raw_sig", err, errsz);
		bq = &b->quotes[b->n_quotes++];
		if ((r = set_view(&bq->attest, &q->quote, TPM2_ATTEST_MAX_SIZE, "quote", err,
				  errsz)) < 0 ||
		    (r = set_view(&bq->signature, &q->raw_sig, TPM2_SIGNATURE_MAX_SIZE, "raw_sig",
				  err, errsz)) < 0)
			return r;
	}
	if (bank >= 0)
		return errbuf_set(err, errsz, -ENOENT, "the attestation has no %s quote",
				  bank_name((enum bank)bank));
	return 0;
}

int gotpm_to_bundle(const struct gotpm_attestation *a, int bank, struct bundle *b, char *err,
		    size_t errsz)
{
	uint8_t pub[2 + TPM2_PUBLIC_MAX_SIZE];
	int r;

	b->scheme = BUNDLE_NONCE_ONLY;
	r = import_quotes(a, bank, b, err, errsz);
	if (r < 0)
		return r;
	if (a->ak_pub.size > TPM2_PUBLIC_MAX_SIZE)
		return errbuf_set(err, errsz, -E2BIG, "ak_pub: %zu bytes", a->ak_pub.size);
	pub[0] = (uint8_t)(a->ak_pub.size >> 8); /* TPMT_PUBLIC -> TPM2B_PUBLIC */
	pub[1] = (uint8_t)a->ak_pub.size;
	memcpy(pub + 2, a->ak_pub.data, a->ak_pub.size);
	if ((r = blob_set(&b->ak_public, pub, a->ak_pub.size + 2)) < 0 ||
	    (r = set_view(&b->firmware_log, &a->event_log, BUNDLE_MAX_EVENTLOG, "event_log", err,
			  errsz)) < 0 ||
	    (r = set_view(&b->ak_certificate, &a->ak_cert, BUNDLE_MAX_CERT, "ak_cert", err,
			  errsz)) < 0)
		return r;
	for (size_t i = 0; i < a->n_intermediates; i++) {
		r = set_view(&b->ak_intermediates[i], &a->intermediates[i], BUNDLE_MAX_CERT,
			     "intermediate_certs", err, errsz);
		if (r < 0)
			return r;
		b->n_ak_intermediates = i + 1;
	}
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bundle verification (attest-verify.h, docs/attest.md). Order of the checks: bundle schema,
 * challenge, AK trust, quote (TPM 2.0 Part 3 §18.4), golden PCRs (docs/golden-format.md), event
 * log replay (TCG PC Client PFP 1.05r23 §10.4.5 via replay.h, systemd's JSON-SEQ log via
 * systemd-log.h), runtime records. The first failure decides the reason. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/x509_vfy.h>

#include "attest-verify.h"
#include "bundle.h"
#include "credential.h"
#include "hexstr.h"
#include "job-record.h"
#include "job-verify.h"
#include "measure-eventlog.h"
#include "measure-golden.h"
#include "quote-per-bank.h"
#include "quote-verify.h"
#include "runtime-measure.h"

struct vstate {
	json_t *v;
	bool failed;
	const char *ok_detail; /* the verdict's detail when everything held; NULL: the usual one */
	bool imported;         /* a bootproof-bundle/imported-1: its detail says so */
};

/* verify without golden values (no --golden): every bank absent, so nothing is judged and every
 * quoted PCR is reported under not_golden. */
static const struct golden no_golden;

static int vfail(struct vstate *s, const char *reason, const char *fmt, ...) _printf_(3, 4);
static int vfail(struct vstate *s, const char *reason, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	s->failed = true;
	if (json_object_set_new(s->v, "reason", json_string(reason)) < 0 ||
	    json_object_set_new(s->v, "detail", json_string(detail)) < 0)
		return -ENOMEM;
	return 0;
}

static int set_hex(json_t *o, const char *key, const uint8_t *d, size_t n)
{
	_cleanup_(freep) char *h = hex_encode_alloc(d, n);
	if (!h)
		return -ENOMEM;
	return json_object_set_new(o, key, json_string(h)) < 0 ? -ENOMEM : 0;
}

/* Format 2 golden PCR (pcr-judge.h): records which rule judged the quoted value in
 * rules["bank:pcr"]; an exact/computed mismatch fails, an observed one adds a warning. */
static int judge_pcr(struct vstate *s, const struct golden_pcr *g, enum bank k, unsigned p,
		     const uint8_t *q, json_t *rules, json_t *phases)
{
	char key[16], hq[2 * DIGEST_MAX + 1], hg[2 * DIGEST_MAX + 1];
	struct pcr_judgement jd;
	json_t *e;

	pcr_judge_value(g, k, q, &jd);
	snprintf(key, sizeof(key), "%s:%u", bank_name(k), p);
	e = json_pack("{s:s,s:s}", "rule", pcr_status_to_string(jd.rule), "outcome",
		      pcr_outcome_to_string(jd.outcome));
	if (!e || json_object_set_new(rules, key, e) < 0)
		return -ENOMEM;
	if (jd.matched && json_object_set_new(e, "matched", json_string(jd.matched)) < 0)
		return -ENOMEM;
	if (jd.matched && g->n_phases > 0 && jd.outcome == PCR_OUTCOME_PASS &&
	    json_object_set_new(phases, key, json_string(jd.matched)) < 0)
		return -ENOMEM;
	hex_encode(q, bank_size(k), hq);
	hex_encode(g->value, bank_size(k), hg);
	if (jd.outcome == PCR_OUTCOME_FAIL)
		return vfail(s, "golden-pcr-mismatch", "%s PCR %u (%s): quoted %s, golden %s",
			     bank_name(k), p, pcr_status_to_string(jd.rule), hq, hg);
	if (jd.outcome == PCR_OUTCOME_WARN) {
		char w[300];
		json_t *ws = json_object_get(s->v, "warnings");
		if (!ws) {
			ws = json_array();
			if (!ws || json_object_set_new(s->v, "warnings", ws) < 0)
				return -ENOMEM;
		}
		if (g->no_value)
			snprintf(w, sizeof(w), "%s PCR %u (observed): quoted %s, no observed value "
				 "recorded yet", bank_name(k), p, hq);
		else
			snprintf(w, sizeof(w), "%s PCR %u (observed): quoted %s, observed %s",
				 bank_name(k), p, hq, hg);
		if (json_array_append_new(ws, json_string(w)) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Round 1 of credential activation: a fresh secret encrypted to the certified EK for this AK. */
static int make_challenge(const struct bundle *b, const uint8_t *name, size_t name_size,
			  const struct verify_options *o)
{
	_cleanup_(X509_freep) X509 *cert = NULL;
	_cleanup_(freep) uint8_t *blob = NULL, *enc = NULL;
	_cleanup_(freep) char *h_name = NULL, *h_blob = NULL, *h_enc = NULL, *h_sec = NULL;
	const unsigned char *p = b->ek_certificate.data;
	uint8_t secret[CREDENTIAL_SECRET_SIZE];
	size_t blob_size, enc_size;
	int r;

	/* The EK: given out of band (--ek-pub, AWS), else the certificate's, checked by --ca. */
	if (!o->ek_pub) {
		cert = d2i_X509(NULL, &p, (long)b->ek_certificate.size);
		if (!cert)
			return -EBADMSG;
	}
	if (RAND_bytes(secret, sizeof(secret)) != 1)
		return -EIO;
	r = credential_make(o->ek_pub ? o->ek_pub : X509_get0_pubkey(cert), name, name_size, secret,
			    &blob, &blob_size, &enc, &enc_size);
	if (r < 0)
		return r;
	h_name = hex_encode_alloc(name, name_size);
	h_blob = hex_encode_alloc(blob, blob_size);
	h_enc = hex_encode_alloc(enc, enc_size);
	h_sec = hex_encode_alloc(secret, sizeof(secret));
	OPENSSL_cleanse(secret, sizeof(secret));
	if (!h_name || !h_blob || !h_enc || !h_sec)
		return -ENOMEM;
	*o->ret_challenge = json_pack("{s:s,s:s,s:s,s:s}", "format", CREDENTIAL_FORMAT, "ak_name",
				      h_name, "credential_blob", h_blob, "encrypted_secret", h_enc);
	*o->ret_challenge_secret = json_pack("{s:s,s:s,s:s}", "format", CREDENTIAL_FORMAT,
					     "ak_name", h_name, "secret", h_sec);
	OPENSSL_cleanse(h_sec, strlen(h_sec));
	if (!*o->ret_challenge || !*o->ret_challenge_secret)
		return -ENOMEM;
	return 0;
}

/* --ak-ca: the bundle's AK certificate chains to a pinned cloud root and certifies exactly this
 * AK (ak-cert.h); the verdict gets the anchor and the identity the certificate states. */
static int check_ak_certificate(struct vstate *s, const struct bundle *b, json_t *ak,
				EVP_PKEY *derived, const struct verify_options *o)
{
	const uint8_t *inter[BUNDLE_MAX_AK_INTERMEDIATES];
	size_t sizes[BUNDLE_MAX_AK_INTERMEDIATES];
	struct ak_cert_verdict v;
	int r;

	if (!b->ak_certificate.present)
		return vfail(s, "ak-certificate-missing",
			     "--ak-ca was given but the bundle has no ak.certificate (attest --ak "
			     "gce|azure puts the vTPM's certificate in)");
	for (size_t i = 0; i < b->n_ak_intermediates; i++) {
		inter[i] = b->ak_intermediates[i].data;
		sizes[i] = b->ak_intermediates[i].size;
	}
	r = ak_cert_verify(&(struct ak_cert_input){
				   .cert = b->ak_certificate.data,
				   .cert_size = b->ak_certificate.size,
				   .intermediates = inter,
				   .intermediate_sizes = sizes,
				   .n_intermediates = b->n_ak_intermediates,
				   .ak = derived,
				   .anchors = o->ak_ca,
				   .at = o->at,
			   },
			   &v);
	if (r < 0)
		return r;
	if (v.why != AK_CERT_OK) {
		if (json_object_set_new(ak, "trust", json_string("none")) < 0)
			return -ENOMEM;
		return vfail(s, ak_cert_failure_to_string(v.why), "%s", v.detail);
	}
	if (json_object_set_new(ak, "certificate", v.info) < 0 ||
	    json_object_set_new(ak, "trust", json_string("ak-certificate")) < 0)
		return -ENOMEM;
	return 0;
}

/* ak.public: decodes, has a name, is a usable key with an attestation key's attributes. */
static int check_ak_public(struct vstate *s, const struct bundle *b, json_t *ak,
			   struct tpm2_public *pub, uint8_t name[TPM2_NAME_MAX], size_t *ret_name_size,
			   EVP_PKEY **ret_key)
{
	struct tpm2_parse_error pe = {};
	char msg[160];
	size_t name_size = 0;
	const uint32_t need = BP_TPMA_OBJECT_FIXEDTPM | BP_TPMA_OBJECT_FIXEDPARENT |
			      BP_TPMA_OBJECT_RESTRICTED | BP_TPMA_OBJECT_SIGN_ENCRYPT;
	int r;

	r = tpm2_public_parse(b->ak_public.data, b->ak_public.size, pub, &pe);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		tpm2_parse_error_format(&pe, msg, sizeof(msg));
		return vfail(s, "ak-malformed", "ak.public (TPM2B_PUBLIC): %s", msg);
	}
	r = tpm2_public_name(pub, name, &name_size);
	if (r < 0)
		return vfail(s, "ak-malformed", "ak.public: nameAlg 0x%04x is not supported",
			     pub->name_alg);
	*ret_name_size = name_size;
	r = set_hex(ak, "name", name, name_size);
	if (r < 0)
		return r;
	r = tpm2_public_to_pkey(pub, ret_key);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return vfail(s, "ak-malformed", "ak.public: not a usable RSA (>= 2048 bit) or NIST "
						"P-256/384/521 key");
	if ((pub->attributes & need) != need || (pub->attributes & BP_TPMA_OBJECT_DECRYPT))
		return vfail(s, "ak-attributes",
			     "ak.public: objectAttributes 0x%08x are not those of an attestation "
			     "key (fixedTPM, fixedParent, restricted, sign, not decrypt)",
			     pub->attributes);
	return 0;
}

/* The EK certificate's state in the verdict, and its chain to --ca when given. */
static int check_ek_certificate(struct vstate *s, const struct bundle *b,
				const struct verify_options *o, json_t *ak)
{
	/* EK certificate: what --ca proves is that the bundle carries an EK certificate issued
	 * under the given CA, i.e. that some genuine TPM exists; it does not prove the AK is
	 * resident in that TPM (that needs credential activation). */
	if (!b->ek_certificate.present) {
		if (json_object_set_new(ak, "ek_certificate", json_string("absent")) < 0)
			return -ENOMEM;
	} else if (!o->ca) {
		if (json_object_set_new(ak, "ek_certificate", json_string("not-checked")) < 0)
			return -ENOMEM;
	}
	if (o->ca) {
		_cleanup_(X509_freep) X509 *cert = NULL;
		_cleanup_(X509_STORE_CTX_freep) X509_STORE_CTX *ctx = X509_STORE_CTX_new();
		const unsigned char *p = b->ek_certificate.data;

		if (!ctx)
			return -ENOMEM;
		if (!b->ek_certificate.present)
			return vfail(s, "ek-certificate-missing",
				     "--ca was given but the bundle has no EK certificate");
		cert = d2i_X509(NULL, &p, (long)b->ek_certificate.size);
		if (!cert || p != b->ek_certificate.data + b->ek_certificate.size)
			return vfail(s, "ek-certificate-malformed",
				     "ek_certificate: not one DER X.509 certificate");
		if (X509_STORE_CTX_init(ctx, o->ca, cert, NULL) != 1)
			return -EIO;
		if (X509_verify_cert(ctx) != 1)
			return vfail(s, "ek-certificate-untrusted",
				     "ek_certificate does not chain to the --ca certificates: %s",
				     X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		if (json_object_set_new(ak, "ek_certificate", json_string("chains-to-ca")) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Round 2 of a credential challenge: the TPM that holds the certified EK released our secret
 * for this AK. */
static int check_credential(struct vstate *s, const struct bundle *b,
			    const struct verify_options *o, json_t *ak, const uint8_t *name,
			    size_t name_size)
{
	if (name_size != o->credential_ak_name_size ||
	    memcmp(name, o->credential_ak_name, name_size) != 0)
		return vfail(s, "credential-ak-mismatch",
			     "the bundle's AK is not the one the credential was made for");
	if (!b->credential.present || b->credential.size != o->credential_secret_size ||
	    CRYPTO_memcmp(b->credential.data, o->credential_secret, o->credential_secret_size) != 0)
		return vfail(s, "credential-invalid",
			     "the bundle does not carry the activated credential: the AK is "
			     "not resident in the TPM of the certified EK");
	return json_object_set_new(ak, "trust", json_string("credential-activation")) < 0 ? -ENOMEM
											     : 0;
}

/* No --ak-pub, no --ak-ca, no activated credential: nothing makes the AK trusted; with --ca or
 * --ek-pub and a challenge file, one is written for round 2. Always a failure. */
static int ak_unbound(struct vstate *s, const struct bundle *b, const struct verify_options *o,
		      json_t *ak, const uint8_t *name, size_t name_size)
{
	int r;

	if (json_object_set_new(ak, "trust", json_string("none")) < 0)
		return -ENOMEM;
	if ((o->ca || o->ek_pub) && o->ret_challenge) {
		r = make_challenge(b, name, name_size, o);
		if (r < 0 && r != -EOPNOTSUPP)
			return r;
		if (r == -EOPNOTSUPP)
			return vfail(s, "ak-not-bound-to-ek",
				     "the EK certificate chains to the CA, but its key is not "
				     "RSA: bootproof makes credentials for RSA EKs only");
		return vfail(s, "ak-not-bound-to-ek",
			     "%s; a credential challenge for this AK was written: run "
			     "`bootproof attest --activate` on the machine and verify again "
			     "with --credential-secret",
			     o->ek_pub ? "the EK is the --ek-pub key"
				       : "the EK certificate chains to the CA");
	}
	return vfail(s, "ak-not-bound-to-ek",
		     "the EK certificate chains to the CA, but nothing proves that the AK "
		     "is resident in that TPM: make a credential challenge "
		     "(--make-credential) or pass --ak-pub with the AK recorded at enrolment");
}

/* AK trust. Returns 0 (maybe with s->failed), < 0 on internal errors; *ret_ak = key to use. */
static int check_ak(struct vstate *s, const struct bundle *b, const struct verify_options *o,
		    struct tpm2_public *pub, EVP_PKEY **ret_ak)
{
	_cleanup_(EVP_PKEY_freep) EVP_PKEY *derived = NULL;
	json_t *ak = json_object();
	uint8_t name[TPM2_NAME_MAX];
	size_t name_size = 0;
	int r;

	if (!ak || json_object_set_new(s->v, "ak", ak) < 0)
		return -ENOMEM;
	r = check_ak_public(s, b, ak, pub, name, &name_size, &derived);
	if (r < 0 || s->failed)
		return r;
	r = check_ek_certificate(s, b, o, ak);
	if (r < 0 || s->failed)
		return r;
	if (o->ak_ca) {
		r = check_ak_certificate(s, b, ak, derived, o);
		if (r < 0 || s->failed)
			return r;
		*ret_ak = TAKE_PTR(derived);
		return 0;
	}
	if (o->ek_pub && json_object_set_new(ak, "ek_public", json_string("ek-pub")) < 0)
		return -ENOMEM;
	if (!o->ak && (o->ca || o->ek_pub) && o->credential_secret) {
		r = check_credential(s, b, o, ak, name, name_size);
		if (r < 0 || s->failed)
			return r;
		*ret_ak = TAKE_PTR(derived);
		return 0;
	}
	if (!o->ak)
		return ak_unbound(s, b, o, ak, name, name_size);
	if (EVP_PKEY_eq(derived, o->ak) != 1) {
		if (json_object_set_new(ak, "trust", json_string("mismatch")) < 0)
			return -ENOMEM;
		return vfail(s, "ak-untrusted",
			     "the bundle's AK (name %02x%02x%02x%02x...) is not the --ak-pub key: "
			     "the quote comes from another TPM or key",
			     name[0], name[1], name[2], name[3]);
	}
	if (json_object_set_new(ak, "trust", json_string("ak-pub")) < 0)
		return -ENOMEM;
	if (EVP_PKEY_up_ref(o->ak) != 1)
		return -EIO;
	*ret_ak = o->ak;
	return 0;
}

static json_t *runtime_entry(const struct runtime_event *e, unsigned pcr)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:I,s:s}", "pcr", (json_int_t)pcr, "type",
			 e->is_dir ? "dir" : "file", "sha256", e->sha256_hex, "label", e->label,
			 "size", (json_int_t)e->size, "path", e->path);
}

/* Every record on a runtime PCR must be bootproof's own, with digests = H_bank(string). */
static int check_runtime(struct vstate *s, const struct evlog *fw, const struct sdlog *sd,
			 const struct verify_options *o)
{
	json_t *rt = json_object(), *inputs = json_array(), *outputs = json_array();

	if (!rt || !inputs || !outputs || json_object_set_new(s->v, "runtime", rt) < 0 ||
	    json_object_set_new(rt, "inputs", inputs) < 0 ||
	    json_object_set_new(rt, "outputs", outputs) < 0)
		return -ENOMEM;
	for (size_t i = 0; fw && i < fw->n_events; i++) {
		const struct evlog_event *e = &fw->events[i];
		if ((o->runtime_pcrs & (1u << e->pcr)) && e->type != EV_NO_ACTION)
			return vfail(s, "runtime-log-unknown-record",
				     "firmware log event %zu extends runtime PCR %u", e->index,
				     e->pcr);
	}
	for (size_t i = 0; sd && i < sd->n_records; i++) {
		const struct sdlog_record *rec = &sd->records[i];
		struct runtime_event ev;
		uint8_t d[DIGEST_MAX];

		if (!(o->runtime_pcrs & (1u << rec->event.pcr))) {
			/* systemd-pcrphase extends H(word) and logs the word: a phase record whose
			 * digest is not that of its word is lying about the phase. Other systemd
			 * event types (volume-key: an HMAC) are judged by replay and golden. */
			if (!rec->event_type || strcmp(rec->event_type, "phase") != 0)
				continue;
			FOREACH_BANK(b, rec->event.banks) {
				int r = rec->string ? digest_buffer(b, rec->string,
								    strlen(rec->string), d)
						    : -EBADMSG;
				if (r == -ENOMEM || r == -EIO)
					return r;
				if (r < 0 || CRYPTO_memcmp(d, rec->event.digest[b], bank_size(b)))
					return vfail(s, "userspace-log-record-invalid",
						     "userspace log record %zu (offset %zu): the %s "
						     "digest of phase record '%s' is not the digest of "
						     "that word",
						     rec->event.index, rec->event.offset, bank_name(b),
						     rec->string ? rec->string : "(none)");
			}
			continue;
		}
		if (!rec->string || !rec->event_type ||
		    strcmp(rec->event_type, RUNTIME_EVENT_TYPE) != 0 ||
		    (runtime_event_parse(rec->string, &ev) < 0 && !job_record_is(rec->string)))
			return vfail(s, "runtime-log-unknown-record",
				     "userspace log record %zu (offset %zu) on runtime PCR %u is not "
				     "a bootproof runtime measurement",
				     rec->event.index, rec->event.offset, rec->event.pcr);
		FOREACH_BANK(b, rec->event.banks) {
			int r = digest_buffer(b, rec->string, strlen(rec->string), d);
			if (r < 0)
				return r;
			if (CRYPTO_memcmp(d, rec->event.digest[b], bank_size(b)) != 0)
				return vfail(s, "runtime-log-record-invalid",
					     "userspace log record %zu (offset %zu): its %s digest "
					     "is not the digest of its description",
					     rec->event.index, rec->event.offset, bank_name(b));
		}
		if (job_record_is(rec->string))
			continue; /* judged by check_jobs() */
		if (json_array_append_new(ev.kind == RUNTIME_INPUT ? inputs : outputs,
					  runtime_entry(&ev, rec->event.pcr)) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* After the quote holds: every bound field must still be the one whose digest the quote signed
 * (through "binding"). A field changed after the quote fails here, and is named. */
static int check_binding(struct vstate *s, const struct bundle *b)
{
	struct bundle_binding actual;
	enum bound_field f;
	char h1[2 * BUNDLE_BINDING_DIGEST + 1] = "absent", h2[2 * BUNDLE_BINDING_DIGEST + 1] = "absent";
	int r = bundle_binding_check(b, &f, &actual);

	if (r <= 0)
		return r;
	if (f == _BOUND_FIELD_MAX) { /* binding.quotes: the banks of a per-bank bundle */
		hex_encode(actual.quotes, BUNDLE_BINDING_DIGEST, h1);
		hex_encode(b->binding.quotes, BUNDLE_BINDING_DIGEST, h2);
		return vfail(s, "bundle-field-not-bound",
			     "the banks of \"pcrs\" are not the ones the quotes bind (binding.quotes): "
			     "their sha256 is %s, the quotes bind %s (a bank was removed after the "
			     "quote)", h1, h2);
	}
	if (actual.present[f])
		hex_encode(actual.digest[f], BUNDLE_BINDING_DIGEST, h1);
	if (b->binding.present[f])
		hex_encode(b->binding.digest[f], BUNDLE_BINDING_DIGEST, h2);
	return vfail(s, "bundle-field-not-bound",
		     "bundle field %s is not bound by the quote: its sha256 is %s, the quote binds "
		     "%s (changed after the quote)",
		     bound_field_name(f), h1, h2);
}

/* An imported bundle's quote answers the bare nonce (bundle.h): it vouches for the PCRs and the
 * nonce, nothing else. What is checked on its own may be in it: ak.public (the quote is verified
 * with it, and --ak-pub or --ak-ca decides whether it is trusted), ak.certificate and
 * ak.intermediates (the chain to a pinned root, the key equal to the AK), the event logs (replayed
 * to the quoted PCRs). The other fields would be the machine's word, or anyone's: refused. */
static int check_imported(struct vstate *s, const struct bundle *b)
{
	const struct {
		const char *name;
		const struct blob *bl;
	} unvouched[] = {
		{"ek_certificate", &b->ek_certificate},
		{"container_measurements", &b->container_measurements},
		{"credential", &b->credential},
		{"luks2_metadata", &b->luks2_metadata},
	};

	s->imported = true;
	if (json_object_set_new(s->v, "binding", json_string("nonce-only")) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(unvouched); i++) {
		if (unvouched[i].bl->present)
			return vfail(s, "bundle-imported-field-unbound",
				     "bundle field %s: an imported bundle (\"%s\", the quote's "
				     "qualifying data is the bare nonce) cannot carry it: nothing "
				     "vouches for it",
				     unvouched[i].name, BUNDLE_FORMAT_IMPORTED);
	}
	return 0;
}

/* Whether any log event (other than EV_NO_ACTION) extends PCR p. */
static bool log_touches(const struct evlog *fw, const struct sdlog *sd, unsigned p)
{
	for (size_t i = 0; fw && i < fw->n_events; i++)
		if (fw->events[i].pcr == p && fw->events[i].type != EV_NO_ACTION)
			return true;
	for (size_t i = 0; sd && i < sd->n_records; i++)
		if (sd->records[i].event.pcr == p)
			return true;
	return false;
}

/* The jobs of the runtime log (job-verify.h): "job" (the last) and "jobs" (all, log order),
 * both absent when the log holds no job. */
static int check_jobs(struct vstate *s, const struct sdlog *sd, const struct verify_options *o)
{
	const struct job_verify_options jo = {.runtime_pcrs = o->runtime_pcrs,
					      .release = o->release_containers,
					      .require_success = o->require_job_success};
	struct job_verdict jv;
	json_t *jobs = NULL;
	size_t n;
	int r = job_verify(sd, &jo, &jobs, &jv);

	if (r < 0)
		return r;
	n = json_array_size(jobs);
	/* No job in the log: the verdict keeps its earlier shape. */
	if (n == 0)
		json_decref(jobs);
	else if (json_object_set_new(s->v, "jobs", jobs) < 0 ||
		 json_object_set(s->v, "job", json_array_get(jobs, n - 1)) < 0)
		return -ENOMEM;
	return jv.reason ? vfail(s, jv.reason, "%s", jv.detail) : 0;
}

/* The quote input every form shares: the AK, the extraData expected (H(our nonce ‖ the bundle's
 * field digests), bundle-binding.h, or for an imported bundle our nonce itself), the values,
 * and the PCRs the golden values (and --runtime-pcrs) require. */
static int quote_input_make(const struct bundle *b, const struct verify_options *o,
			    const struct golden *golden, EVP_PKEY *ak, const struct tpm2_public *pub,
			    uint8_t qualifying[BUNDLE_BINDING_DIGEST], struct quote_input *qi)
{
	int r = bundle_qualifying_data(o->nonce, o->nonce_size, &b->binding, qualifying);

	if (r < 0)
		return r;
	*qi = (struct quote_input){
		.attest = b->attest.data, .attest_size = b->attest.size,
		.signature = b->signature.data, .signature_size = b->signature.size,
		.ak = ak, .ak_public = pub,
		.nonce = qualifying, .nonce_size = BUNDLE_BINDING_DIGEST,
		.pcrs = &b->pcrs,
	};
	if (b->scheme == BUNDLE_NONCE_ONLY) {
		qi->nonce = o->nonce;
		qi->nonce_size = o->nonce_size;
	}
	for (enum bank k = 0; k < _BANK_MAX; k++) {
		if (!golden->banks[k].present)
			continue;
		for (unsigned p = 0; p < GOLDEN_PCR_MAX; p++)
			if (golden->banks[k].pcrs[p].present)
				qi->required[k] |= 1u << p;
		qi->required[k] |= o->runtime_pcrs;
	}
	return 0;
}

/* The quote (or each per-bank quote) holds; then the bound fields. "quote" in the verdict: the
 * (first) quote's clock and signer. */
static int check_quote(struct vstate *s, const struct bundle *b, const struct verify_options *o,
		       const struct golden *golden, EVP_PKEY *ak, const struct tpm2_public *pub)
{
	uint8_t qualifying[BUNDLE_BINDING_DIGEST];
	struct quote_input qi;
	struct per_bank_verdict pv = {};
	struct quote_verdict *qv = &pv.first;
	const char *at = b->n_quotes > 0 ? "a quote's" : "the quote's";
	bool nonce;
	json_t *q;
	int r = quote_input_make(b, o, golden, ak, pub, qualifying, &qi);

	if (r < 0)
		return r;
	r = b->n_quotes > 0 ? quotes_per_bank_verify(&qi, b, &pv) : quote_verify(&qi, qv);
	if (r < 0)
		return r;
	if (b->n_quotes == 0) {
		pv.ok = qv->ok;
		pv.reason = quote_failure_to_string(qv->why);
		snprintf(pv.detail, sizeof(pv.detail), "%s", qv->detail);
	}
	nonce = !pv.ok && !strcmp(pv.reason, quote_failure_to_string(QUOTE_NONCE_MISMATCH));
	if (nonce && b->scheme == BUNDLE_NONCE_ONLY)
		return vfail(s, pv.reason,
			     "%s qualifying data is not the --nonce (an imported bundle's "
			     "quote answers the bare nonce): it answers another challenge, or it is "
			     "a bootproof-bound quote relabelled as imported", at);
	if (nonce)
		return vfail(s, pv.reason,
			     "%s qualifying data is not H(--nonce ‖ the bundle's binding): "
			     "the quote answers another challenge (stale or replayed quote) or the "
			     "bundle's \"binding\" was changed", at);
	if (!pv.ok)
		return vfail(s, pv.reason, "%s", pv.detail);
	r = b->scheme == BUNDLE_BOUND ? check_binding(s, b) : 0;
	if (r < 0 || s->failed)
		return r;
	q = json_object();
	if (!q || json_object_set_new(s->v, "quote", q) < 0 ||
	    json_object_set_new(q, "clock", json_integer((json_int_t)qv->attest.clock)) < 0 ||
	    json_object_set_new(q, "reset_count", json_integer(qv->attest.reset_count)) < 0 ||
	    json_object_set_new(q, "restart_count", json_integer(qv->attest.restart_count)) < 0 ||
	    (b->n_quotes > 0 &&
	     json_object_set_new(q, "per_bank", json_integer((json_int_t)b->n_quotes)) < 0))
		return -ENOMEM;
	return set_hex(q, "qualified_signer", qv->attest.signer_name, qv->attest.signer_name_size);
}

/* Golden values: the quoted value equals the golden one, or one of its phases ("phases"), or
 * for golden/2 what its rule allows ("pcr_rules"). */
static int check_golden(struct vstate *s, const struct bundle *b, const struct golden *golden,
			const struct verify_options *o, json_t *rules, json_t *phases)
{
	char h1[2 * DIGEST_MAX + 1], h2[2 * DIGEST_MAX + 1];
	int r;

	for (enum bank k = 0; k < _BANK_MAX; k++) {
		if (!golden->banks[k].present)
			continue;
		for (unsigned p = 0; p < GOLDEN_PCR_MAX; p++) {
			const struct golden_pcr *g = &golden->banks[k].pcrs[p];
			const uint8_t *q = b->pcrs.value[k][p];
			const char *phase = NULL;

			if (!g->present || (o->runtime_pcrs & (1u << p)))
				continue;
			if (golden_banks_need_v2(golden->banks)) {
				r = judge_pcr(s, g, k, p, q, rules, phases);
				if (r < 0 || s->failed)
					return r;
				continue;
			}
			if (memcmp(q, g->value, bank_size(k)) != 0) {
				for (size_t i = 0; i < g->n_phases && !phase; i++)
					if (memcmp(q, g->phases[i].value, bank_size(k)) == 0)
						phase = g->phases[i].phase;
				if (!phase) {
					hex_encode(q, bank_size(k), h1);
					hex_encode(g->value, bank_size(k), h2);
					return vfail(s, "golden-pcr-mismatch",
						     "%s PCR %u: quoted %s, golden %s", bank_name(k), p,
						     h1, h2);
				}
			} else if (g->n_phases > 0)
				phase = g->phases[g->n_phases - 1].phase;
			if (phase) {
				char key[16];
				snprintf(key, sizeof(key), "%s:%u", bank_name(k), p);
				if (json_object_set_new(phases, key, json_string(phase)) < 0)
					return -ENOMEM;
			}
		}
	}
	if (json_object_set(s->v, "phases", phases) < 0)
		return -ENOMEM;
	if (golden_banks_need_v2(golden->banks) && json_object_set(s->v, "pcr_rules", rules) < 0)
		return -ENOMEM;
	return 0;
}

/* Both event logs, parsed (each absent when the bundle has none). */
static int parse_logs(struct vstate *s, const struct bundle *b, struct evlog **fw,
		      struct sdlog **sd)
{
	int r;

	if (b->firmware_log.present) {
		struct record_error pe = {};
		r = evlog_parse(b->firmware_log.data, b->firmware_log.size, fw, &pe);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return vfail(s, "firmware-log-malformed",
				     "eventlog.firmware: record %zu at offset %zu: %s", pe.index,
				     pe.offset, pe.what);
	}
	if (b->userspace_log.present) {
		struct record_error pe = {};
		r = sdlog_parse(b->userspace_log.data, b->userspace_log.size, sd, &pe);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return vfail(s, "userspace-log-malformed",
				     "eventlog.userspace: record %zu at offset %zu: %s", pe.index,
				     pe.offset, pe.what);
	}
	return 0;
}

/* What replaying the logs must match, and what the verdict reports. */
struct replay_ctx {
	const struct bundle *b;
	const struct evlog *fw;
	const struct sdlog *sd;
	const struct golden *golden;
	const struct verify_options *o;
	bool replay; /* false: no golden values and no log to replay */
	struct replay_pcrs rp;
	json_t *unlisted, *not_replayed;
};

/* PCR p of bank k: replayed to the quoted value (or reported, not replayed, when no golden value
 * and no log event is about it), and listed under not_golden when no golden value judges it. */
static int replay_one(struct vstate *s, struct replay_ctx *c, enum bank k, unsigned p)
{
	const struct bundle *b = c->b;
	const struct verify_options *o = c->o;
	char h1[2 * DIGEST_MAX + 1], h2[2 * DIGEST_MAX + 1], key[16];
	bool in_sd = false;
	const char *reason;

	for (size_t i = 0; c->sd && i < c->sd->n_records && !in_sd; i++)
		in_sd = c->sd->records[i].event.pcr == p;
	reason = (o->runtime_pcrs & (1u << p)) ? "runtime-log-replay-mismatch"
		 : in_sd			? "userspace-log-replay-mismatch"
						: "firmware-log-replay-mismatch";
	snprintf(key, sizeof(key), "%s:%u", bank_name(k), p);
	if (c->golden == &no_golden && !log_touches(c->fw, c->sd, p)) {
		/* No golden values, and no event in the logs for this PCR (e.g. IMA's PCR 10):
		 * reported, not replayed. */
		if (json_array_append_new(c->not_replayed, json_string(key)) < 0)
			return -ENOMEM;
	} else if (c->replay && (c->rp.incomplete[k] & (1u << p)))
		return vfail(s, reason,
			     "%s PCR %u: an event lacks the %s digest, so the logs cannot reproduce "
			     "the quoted value",
			     bank_name(k), p, bank_name(k));
	else if (c->replay && memcmp(c->rp.value[k][p], b->pcrs.value[k][p], bank_size(k)) != 0) {
		hex_encode(c->rp.value[k][p], bank_size(k), h1);
		hex_encode(b->pcrs.value[k][p], bank_size(k), h2);
		return vfail(s, reason, "%s PCR %u: the event logs replay to %s, the quote says %s%s",
			     bank_name(k), p, h1, h2,
			     !b->firmware_log.present ? " (the bundle has no firmware log)" : "");
	}
	if ((!(o->runtime_pcrs & (1u << p)) || c->golden == &no_golden) &&
	    !(c->golden->banks[k].present && c->golden->banks[k].pcrs[p].present))
		return set_hex(c->unlisted, key, b->pcrs.value[k][p], bank_size(k));
	return 0;
}

/* Logs: replay in the quoted banks, compare every quoted PCR. */
static int check_replay(struct vstate *s, struct replay_ctx *c)
{
	unsigned quoted_banks = 0;
	int r;

	for (enum bank k = 0; k < _BANK_MAX; k++)
		if (c->b->pcrs.mask[k])
			quoted_banks |= BANK_MASK(k);
	r = replay_log(c->fw, c->sd, quoted_banks, &c->rp);
	if (r == -ENOMEM || r == -EIO)
		return r;
	if (r < 0)
		return vfail(s, "firmware-log-malformed",
			     "eventlog.firmware: the log cannot be replayed (locality events)");
	FOREACH_BANK(k, quoted_banks) {
		for (unsigned p = 0; p < TPM2_PCR_COUNT; p++) {
			if (!(c->b->pcrs.mask[k] & (1u << p)))
				continue;
			r = replay_one(s, c, k, p);
			if (r < 0 || s->failed)
				return r;
		}
	}
	/* Quoted PCRs with no golden value: reproduced by the logs, reported, not judged. */
	if (json_object_set(s->v, "not_golden", c->unlisted) < 0)
		return -ENOMEM;
	if (json_array_size(c->not_replayed) > 0 &&
	    json_object_set(s->v, "not_replayed", c->not_replayed) < 0)
		return -ENOMEM;
	return 0;
}

static int report_containers(struct vstate *s, const struct bundle *b)
{
	uint8_t d[32];
	int r;

	if (!b->container_measurements.present)
		return json_object_set_new(s->v, "container_measurements_sha256", json_null()) < 0
			       ? -ENOMEM
			       : 0;
	r = digest_buffer(BANK_SHA256, b->container_measurements.data,
			  b->container_measurements.size, d);
	if (r < 0)
		return r;
	return set_hex(s->v, "container_measurements_sha256", d, 32);
}

/* Without --golden: wait for one (--golden-from), or judge nothing and say so. */
static int golden_pick(struct vstate *s, const struct bundle *b, const struct verify_options *o,
		       const struct golden **golden, bool *replay)
{
	int r;

	*golden = o->golden;
	*replay = true;
	if (!*golden && o->golden_wait && (r = o->golden_wait(o->golden_wait_userdata, golden)) < 0)
		return r;
	if (*golden)
		return 0;
	*golden = &no_golden;
	*replay = b->firmware_log.present || b->userspace_log.present;
	s->ok_detail = *replay ? "no golden values: AK trust, quote, event log replay (every "
				 "PCR the logs extend) and runtime records verified; the PCRs are "
				 "reported (not_golden), not judged; not_replayed lists the PCRs "
				 "no log extends"
			       : "no golden values and no event log: AK trust and quote verified; "
				 "the quoted PCRs are reported (not_golden), not judged or replayed";
	return 0;
}

/* Schema, challenge, and the binding scheme. */
static int check_bundle(struct vstate *s, const uint8_t *data, size_t len,
			const struct verify_options *o, struct bundle **ret)
{
	char err[320], h1[2 * DIGEST_MAX + 1];
	int r = bundle_parse(data, len, ret, err, sizeof(err));

	if (r == -ENOMEM)
		return r;
	if (r == -EPROTONOSUPPORT)
		return vfail(s, "bundle-format-unbound", "%s", err);
	if (r < 0)
		return vfail(s, "bundle-malformed", "%s", err);
	if ((*ret)->nonce_size != o->nonce_size ||
	    CRYPTO_memcmp((*ret)->nonce, o->nonce, o->nonce_size) != 0) {
		hex_encode((*ret)->nonce, MIN((*ret)->nonce_size, (size_t)DIGEST_MAX), h1);
		return vfail(s, "bundle-nonce-mismatch",
			     "the bundle answers challenge '%s', not the --nonce given", h1);
	}
	if ((*ret)->scheme == BUNDLE_NONCE_ONLY)
		return check_imported(s, *ret);
	return json_object_set_new(s->v, "binding", json_string("every-field")) < 0 ? -ENOMEM : 0;
}

static int verify_inner(struct vstate *s, const uint8_t *data, size_t len,
			const struct verify_options *o)
{
	_cleanup_(bundle_freep) struct bundle *b = NULL;
	_cleanup_(evlog_freep) struct evlog *fw = NULL;
	_cleanup_(sdlog_freep) struct sdlog *sd = NULL;
	_cleanup_(EVP_PKEY_freep) EVP_PKEY *ak = NULL;
	struct tpm2_public pub;
	struct replay_ctx rc = {.o = o};
	_cleanup_(json_decrefp) json_t *phases = json_object(), *unlisted = json_object(),
				       *rules = json_object(), *not_replayed = json_array();
	int r;

	if (!phases || !unlisted || !rules || !not_replayed)
		return -ENOMEM;
	r = check_bundle(s, data, len, o, &b);
	if (r < 0 || s->failed)
		return r;
	r = check_ak(s, b, o, &pub, &ak);
	if (r < 0 || s->failed)
		return r;
	r = golden_pick(s, b, o, &rc.golden, &rc.replay);
	if (r < 0)
		return r;
	r = check_quote(s, b, o, rc.golden, ak, &pub);
	if (r < 0 || s->failed)
		return r;
	r = check_golden(s, b, rc.golden, o, rules, phases);
	if (r < 0 || s->failed)
		return r;
	r = parse_logs(s, b, &fw, &sd);
	if (r < 0 || s->failed)
		return r;
	rc.b = b;
	rc.fw = fw;
	rc.sd = sd;
	rc.unlisted = unlisted;
	rc.not_replayed = not_replayed;
	r = check_replay(s, &rc);
	if (r < 0 || s->failed)
		return r;
	r = check_runtime(s, fw, sd, o);
	if (r < 0 || s->failed)
		return r;
	r = check_jobs(s, sd, o);
	if (r < 0 || s->failed)
		return r;
	return report_containers(s, b);
}

int attest_verify_bundle(const uint8_t *data, size_t len, const char *name,
			 const struct verify_options *o, json_t **ret, bool *ret_ok)
{
	_cleanup_(json_decrefp) json_t *v = json_object();
	struct vstate s = {.v = v};
	int r;

	if (!v || json_object_set_new(v, "bundle", json_string(name)) < 0)
		return -ENOMEM;
	r = verify_inner(&s, data, len, o);
	if (r < 0)
		return r;
	if (!s.failed) {
		const char *detail = s.ok_detail  ? s.ok_detail
				     : s.imported ? "quote, golden PCRs, event logs and runtime records "
						    "verified"
						  : "quote (binding every bundle field), golden PCRs, "
						    "event logs and runtime records verified";
		_cleanup_(freep) char *imported = NULL;

		/* An imported bundle's verdict says so first: its quote binds the nonce only. */
		if (s.imported &&
		    asprintf(&imported, "imported bundle (nonce-only binding: the quote vouches for "
					"the PCRs and the nonce, the AK certificate and the event log "
					"are checked on their own): %s",
			     detail) < 0)
			return -ENOMEM;
		if (json_object_set_new(v, "reason", json_string("ok")) < 0 ||
		    json_object_set_new(v, "detail", json_string(imported ? imported : detail)) < 0)
			return -ENOMEM;
	}
	if (json_object_set_new(v, "ok", json_boolean(!s.failed)) < 0)
		return -ENOMEM;
	*ret_ok = !s.failed;
	*ret = TAKE_PTR(v);
	return 0;
}

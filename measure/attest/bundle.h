/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bundle.json: what `bootproof attest` collects on the machine and `bootproof verify` checks.
 * Schema "bootproof-bundle/2" (docs/attest.md):
 *   {"format": "bootproof-bundle/2",
 *    "nonce": hex,                                  the challenge the quote was asked for
 *    "quote": {"attest": hex, "signature": hex},    TPMS_ATTEST, TPMT_SIGNATURE (marshalled):
 *                                                   one quote over every bank, or instead
 *    "quotes": [{"attest": hex, "signature": hex}], one quote per bank (1..4, each selecting
 *                                                   PCRs of one bank only; docs/attest.md)
 *    "pcrs": {bank: {"<pcr>": hex}},                every selected PCR of every active bank
 *    "ak": {"public": hex,                          TPM2B_PUBLIC of the attestation key
 *           "certificate": hex,                     optional: the cloud's AK certificate (DER,
 *                                                   ak-cert.h), from the vTPM's NV
 *           "intermediates": [hex, ...]},           optional: its issuing chain (DER each)
 *    "ek_certificate": hex | null,                  DER, from the TPM's NV index if present
 *    "eventlog": {"firmware": hex | null, "userspace": hex | null},
 *    "container_measurements": hex | null,          the file's exact bytes
 *    "credential": hex | null,                      optional: the secret TPM2_ActivateCredential
 *                                                   released (credential.h); absent = null
 *    "luks2_metadata": hex}                         optional: the JSON metadata of the sealed
 *                                                   data volume's LUKS2 header (luks-token.h),
 *                                                   for `bootproof seal check --bundle`
 *    "binding": {"<bound field>": sha256 hex | null} the SHA-256 of every field above other
 *                                                   than format, nonce, quote and pcrs: what the
 *                                                   quote's qualifyingData binds
 *                                                   (bundle-binding.h)}
 * "bootproof-bundle/1" (bootproof before the binding, qualifyingData = nonce) is refused with
 * -EPROTONOSUPPORT: its fields are not bound by the quote.
 * "bootproof-bundle/imported-1" (`bootproof bundle import`: a quote another tool made, such as
 * go-tpm-tools, whose qualifyingData is the verifier's nonce itself) has the same keys but no
 * "binding" (scheme BUNDLE_NONCE_ONLY): nothing but the PCRs and the nonce is vouched for by its
 * quote, so verify accepts it only without the fields nothing else checks (attest-verify.c).
 * Loading is strict: unknown or missing keys, wrong types, non-canonical hex, unknown banks,
 * PCR keys other than "0".."23", and sizes over the caps are all rejected with the key path. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "bundle-binding.h"
#include "quote-verify.h"

#define BUNDLE_FORMAT "bootproof-bundle/2"
#define BUNDLE_FORMAT_UNBOUND "bootproof-bundle/1"
#define BUNDLE_FORMAT_IMPORTED "bootproof-bundle/imported-1"
#define BUNDLE_MAX_FILE_SIZE (64u * 1024 * 1024)
#define BUNDLE_MAX_DEPTH 8u
#define BUNDLE_MAX_NONCE 64u
#define BUNDLE_MAX_EVENTLOG (16u * 1024 * 1024)
#define BUNDLE_MAX_CONTAINERS (16u * 1024 * 1024)
#define BUNDLE_MAX_CERT (16u * 1024)
#define BUNDLE_MAX_CREDENTIAL 64u
#define BUNDLE_MAX_LUKS2_METADATA (4u * 1024 * 1024)
#define BUNDLE_MAX_AK_INTERMEDIATES 8u /* = AK_CERT_MAX_INTERMEDIATES */
#define BUNDLE_MAX_QUOTES 4u /* "quotes": one per bank, and there are four banks (digest.h) */

struct blob {
	uint8_t *data;
	size_t size;
	bool present; /* false: JSON null / not available on the machine */
};

/* What the quote's qualifyingData is. */
enum bundle_scheme {
	BUNDLE_BOUND,      /* bootproof-bundle/2: H(nonce ‖ every field's digest), bundle-binding.h */
	BUNDLE_NONCE_ONLY, /* bootproof-bundle/imported-1: the nonce itself, no "binding" */
};

/* One element of "quotes". */
struct bundle_quote {
	struct blob attest;
	struct blob signature;
};

struct bundle {
	enum bundle_scheme scheme;
	uint8_t nonce[BUNDLE_MAX_NONCE];
	size_t nonce_size;
	struct blob attest;
	struct blob signature;
	struct bundle_quote quotes[BUNDLE_MAX_QUOTES]; /* the per-bank form: n_quotes > 0, and then */
	size_t n_quotes;                              /* attest and signature are absent */
	struct pcr_values pcrs;
	struct blob ak_public;
	struct blob ek_certificate;
	struct blob firmware_log;
	struct blob userspace_log;
	struct blob container_measurements;
	struct blob credential;
	struct blob luks2_metadata; /* optional key: absent when not present */
	struct blob ak_certificate; /* optional ak.certificate: absent when not present */
	struct blob ak_intermediates[BUNDLE_MAX_AK_INTERMEDIATES]; /* ak.intermediates */
	size_t n_ak_intermediates;
	struct bundle_binding binding; /* the per-field digests the quote binds (BUNDLE_BOUND) */
};

struct bundle *bundle_new(void);
struct bundle *bundle_free(struct bundle *b);
DEFINE_FREE_FUNC(struct bundle, bundle_free)

/* Parses untrusted bytes. On -EBADMSG / -E2BIG writes "key path: defect" to errbuf; an unbound
 * "bootproof-bundle/1" bundle gives -EPROTONOSUPPORT (and a sentence saying so). */
int bundle_parse(const uint8_t *data, size_t len, struct bundle **ret, char *errbuf,
		 size_t errbuf_size);
/* Canonical JSON for a bundle (the caller writes it with json_write_canonical). */
int bundle_to_json(const struct bundle *b, json_t **ret);
/* Copies len bytes into a blob (present = true). */
int blob_set(struct blob *bl, const void *data, size_t len);

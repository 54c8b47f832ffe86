/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seal-bundle.h: verify first, then read luks2_metadata from the same bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fileio.h"
#include "hexstr.h"
#include "json.h"
#include "log.h"
#include "measure-attest.h"
#include "measure-eventlog.h"
#include "seal-bundle.h"
#include "verbs.h"

/* attest_verify_bundle() with the verify verb's defaults (runtime PCRs 14 and 15). Returns
 * VERB_PROCEED when the bundle verifies, or the exit code. */
static int verify_bundle_bytes(const struct seal_bundle_inputs *in, const uint8_t *data,
			       size_t len)
{
	_cleanup_(golden_freep) struct golden *g = NULL;
	_cleanup_(EVP_PKEY_freep) EVP_PKEY *ak = NULL;
	_cleanup_(freep) uint8_t *nonce = NULL;
	_cleanup_(json_decrefp) json_t *verdict = NULL;
	struct verify_options o = {.runtime_pcrs = (1u << 14) | (1u << 15)};
	size_t nonce_size;
	char err[512];
	bool ok;
	int r;

	if (hex_decode_alloc(in->nonce, BUNDLE_MAX_NONCE, &nonce, &nonce_size) < 0 ||
	    nonce_size == 0) {
		log_error("seal check: --nonce must be 1-%u bytes of lowercase hex", BUNDLE_MAX_NONCE);
		return EXIT_USAGE;
	}
	r = golden_load_file(in->golden, &g, err, sizeof(err));
	if (r < 0) {
		log_error("seal check: '%s': %s", in->golden, err);
		return EXIT_ERROR;
	}
	r = manifest_load_public_key(in->ak_pub, &ak);
	if (r < 0) {
		log_error_errno(r, "seal check: cannot load --ak-pub '%s'", in->ak_pub);
		return EXIT_ERROR;
	}
	o.golden = g;
	o.nonce = nonce;
	o.nonce_size = nonce_size;
	o.ak = ak;
	r = attest_verify_bundle(data, len, in->bundle, &o, &verdict, &ok);
	if (r < 0) {
		log_error_errno(r, "seal check: cannot evaluate the bundle '%s'", in->bundle);
		return EXIT_ERROR;
	}
	if (!ok) {
		log_error("seal check: bundle '%s' does not verify (%s: %s): its luks2_metadata was "
			  "NOT judged",
			  in->bundle, json_string_value(json_object_get(verdict, "reason")),
			  json_string_value(json_object_get(verdict, "detail")));
		return EXIT_MISMATCH;
	}
	return VERB_PROCEED;
}

int seal_bundle_check_usage(const struct seal_bundle_inputs *in)
{
	if (in->bundle && (!in->golden || !in->nonce || !in->ak_pub)) {
		log_error("seal check: --bundle is judged only after the bundle verifies (its quote "
			  "binds luks2_metadata): give --golden, --nonce and --ak-pub");
		return EXIT_USAGE;
	}
	if (!in->bundle && (in->nonce || in->ak_pub)) {
		log_error("seal check: --nonce and --ak-pub go with --bundle");
		return EXIT_USAGE;
	}
	return VERB_PROCEED;
}

int seal_bundle_metadata(const struct seal_bundle_inputs *in, uint8_t **ret, size_t *ret_len)
{
	_cleanup_(bundle_freep) struct bundle *bu = NULL;
	_cleanup_(freep) uint8_t *raw = NULL;
	size_t raw_len;
	char err[512];
	int r;

	r = read_file_capped(in->bundle, BUNDLE_MAX_FILE_SIZE, &raw, &raw_len);
	if (r < 0) {
		log_error_errno(r, "seal check: cannot read '%s'", in->bundle);
		return EXIT_ERROR;
	}
	r = verify_bundle_bytes(in, raw, raw_len);
	if (r != VERB_PROCEED)
		return r;
	/* The same bytes again: verified, so this parse succeeds and its fields are the bound ones. */
	r = bundle_parse(raw, raw_len, &bu, err, sizeof(err));
	if (r < 0) {
		log_error("seal check: bundle '%s': %s", in->bundle, err);
		return EXIT_ERROR;
	}
	if (!bu->luks2_metadata.present) {
		log_error("seal check: bundle '%s' verifies but carries no luks2_metadata (made "
			  "without attest --luks-device)", in->bundle);
		return EXIT_MISMATCH;
	}
	*ret = TAKE_PTR(bu->luks2_metadata.data);
	*ret_len = bu->luks2_metadata.size;
	bu->luks2_metadata.present = false;
	return VERB_PROCEED;
}

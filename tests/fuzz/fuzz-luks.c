/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the LUKS2 header reader and the token check: input that starts with the LUKS magic is a
 * device head (both binary headers + JSON areas), anything else is JSON metadata. The policy is
 * the one the corpus volumes were enrolled with (PCR 4, 7 at zero, sha256). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure-seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char literal[] =
		"4:sha256=0000000000000000000000000000000000000000000000000000000000000000+"
		"7:sha256=0000000000000000000000000000000000000000000000000000000000000000";
	struct seal_policy p;
	struct luks_verdict v;
	const char *json = (const char *)data;
	size_t len = size;
	char err[256];

	if (seal_policy_parse_literal(literal, &p) < 0)
		return 0;
	if (size >= 4 && memcmp(data, "LUKS", 4) == 0 &&
	    luks2_header_json(data, size, &json, &len, err, sizeof(err)) < 0)
		return 0;
	(void)luks2_check_json(json, len, &p, &v, err, sizeof(err));
	/* The literal PCR-values reader takes untrusted text as well: a NUL-terminated copy (the
	 * fuzzer's bytes are not a C string). */
	if (len < 4096) {
		char *text = malloc(len + 1);
		if (!text)
			return 0;
		memcpy(text, json, len);
		text[len] = '\0';
		(void)seal_policy_parse_literal(text, &p);
		free(text);
	}
	return 0;
}

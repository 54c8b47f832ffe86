/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Option values that more than one verb of measure/ takes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "digest.h"

/* "0-7,11,14-15": PCR indexes 0..23 and ranges of them, separated by ','; no empty item, sign
 * or space. -EINVAL otherwise. */
int pcr_list_parse(const char *s, uint32_t *ret_mask);

/* --nonce HEX of attest and verify: 1..BUNDLE_MAX_NONCE bytes; replaces an earlier one (frees
 * *nonce). Logs a usage error and returns -EINVAL otherwise. */
int parse_nonce(const char *verb, const char *arg, uint8_t **nonce, size_t *size);

/* pe-hash and uki: {"<bank>": "<hex>"} for the banks in mask; NULL when out of memory. */
json_t *digests_json(const uint8_t d[_BANK_MAX][DIGEST_MAX], unsigned mask);

/* The options pe-hash and uki share: --bank LIST (into *mask) and --json; returns
 * VERB_PROCEED or the exit code to end with (help printed, usage error logged). */
int parse_bank_json_options(int argc, char *argv[], const char *verb, void (*help)(FILE *f),
			    unsigned *mask, bool *json);

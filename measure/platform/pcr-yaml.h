/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bare PCR values as tpm2_pcrread prints them (YAML subset), for platforms that expose no event
 * log (`bootproof eventlog profile --pcrs FILE`):
 *
 *   sha256:
 *     0 : 0x3D458CFE55CC03EA1F443F1562BEEC8DF51C75E14A9FCF9A7234A13F198E7969
 *     1 : 0x...
 *
 * Accepted: "BANK:" lines and "INDEX : 0xHEX" lines (any indentation, hex of either case, the
 * "0x" optional), blank lines and "#" comments. Rejected with the line number: unknown banks,
 * PCR indexes above 23, hex of the wrong length, a PCR listed twice, any other line. Caps:
 * PCR_YAML_MAX_SIZE bytes, lines of PCR_YAML_MAX_LINE bytes. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "measure-golden.h"

#define PCR_YAML_MAX_SIZE (64u << 10)
#define PCR_YAML_MAX_LINE 256u

/* Fills ret (zeroed first). -EBADMSG / -E2BIG with errbuf "line N: what". */
int pcr_yaml_parse(const uint8_t *data, size_t len, struct pcr_values *ret, char *errbuf,
		   size_t errbuf_size);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Is a LUKS2 volume openable only by the golden boot? Reads the LUKS2 on-disk header (LUKS2
 * On-Disk Format Specification 1.1.x §2-§3: binary header, JSON area, two copies) or the JSON
 * metadata alone (`cryptsetup luksDump --dump-json-metadata`), and checks it against a sealing
 * policy (seal-policy.h): every keyslot is bound by exactly one systemd-tpm2 token (systemd
 * 254-257, src/shared/tpm2-util.c tpm2_make_luks2_json) that lists exactly that keyslot, whose PCR
 * list, bank and policy hash equal the policy, without PIN, signed-policy public key or pcrlock,
 * and whose sealed object (tpm2-blob.h) carries the policy's digest as its authPolicy; ids in
 * canonical decimal only; no other token, no keyslot without such a token, no sealed object in
 * two tokens. What this cannot prove (that a keyslot's secret is its token's): docs/sealing.md.
 *
 * The header and JSON are untrusted: sizes are checked against the spec's fixed header sizes
 * and the caps below, both binary headers must carry a valid SHA-256 checksum, the same sequence
 * id and the same JSON (cryptsetup would otherwise pick or repair one), and the JSON is parsed
 * with duplicate keys rejected. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seal-policy.h"

#define LUKS2_BIN_HDR_SIZE 4096u
#define LUKS2_HDR_MIN (16u << 10)       /* spec: 16 KiB .. 4 MiB, powers of two */
#define LUKS2_HDR_MAX (4u << 20)
#define LUKS2_MAX_KEYSLOTS 32u          /* LUKS2_KEYSLOTS_MAX in cryptsetup */
#define LUKS2_MAX_TOKENS 32u            /* LUKS2_TOKENS_MAX */
#define LUKS2_JSON_DEPTH 12u

/* The verdict. ok = the volume is bound as the policy says and nothing else opens it. Otherwise
 * why names the first thing wrong ("keyslot 0: no token binds it (a passphrase or key file can
 * open the volume)", "token 0: tpm2-pcrs [4,7] is not the golden [4,7,9,11,12]", ...). */
struct luks_verdict {
	bool ok;
	char why[320];
	/* what the (first) systemd-tpm2 token says, for the report */
	bool has_token;
	uint32_t token_pcr_mask;
	char token_bank[16];
	char token_policy_hash[2 * SEAL_DIGEST_SIZE + 1];
	unsigned n_keyslots, n_tokens;
};

/* Extracts the JSON metadata from the first 2 * hdr_size bytes of a LUKS2 device (data/len:
 * at least what is there; the caller reads LUKS2_HDR_MAX * 2 bytes or the whole file if
 * smaller). ret points into data (borrowed), ret_len excludes the NUL padding.
 * -EBADMSG (errbuf says which header and what) / -EOPNOTSUPP (LUKS1, not LUKS). */
int luks2_header_json(const uint8_t *data, size_t len, const char **ret, size_t *ret_len,
		      char *errbuf, size_t errbuf_size);

/* Checks LUKS2 JSON metadata (untrusted) against the policy. Returns 0 with the verdict filled
 * (ok or not); -EBADMSG (errbuf says where) when the JSON is not LUKS2 metadata at all. */
int luks2_check_json(const char *json, size_t len, const struct seal_policy *policy,
		     struct luks_verdict *ret, char *errbuf, size_t errbuf_size);

/* Thin loader: reads the head of a LUKS2 block device or image file (both header copies) and
 * returns a malloc'd copy of its JSON metadata (NUL-terminated; ret_len excludes the NUL).
 * Errors: negative errno from I/O, or luks2_header_json()'s, with errbuf saying what. */
int luks2_read_metadata(const char *path, uint8_t **ret, size_t *ret_len, char *errbuf,
			size_t errbuf_size);

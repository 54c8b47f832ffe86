/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* verify --release DIR: is the golden.json the verifier judged against the one the release signed?
 * The release folder's SHA256SUMS.sig must verify with its signing-key.pub.pem, and SHA256SUMS must
 * list golden.json with the digest of the file given to --golden. The key's fingerprint is shown
 * so a person can compare it with the one the publisher announced out of band (README). */
#pragma once

#include <stdbool.h>

struct release_check {
	char key_sha256[65];    /* SHA-256 of the key's DER SubjectPublicKeyInfo, hex */
	char golden_sha256[65]; /* of the --golden file's bytes */
	bool signature_ok;      /* SHA256SUMS.sig verifies with signing-key.pub.pem */
	bool golden_listed;     /* SHA256SUMS lists golden.json with golden_sha256 */
	char detail[512];       /* what failed, for the message and the report */
};

/* 0: checked (the booleans say how it went); < 0: could not check (a file missing or unreadable:
 * detail names it). */
int release_check(const char *dir, const char *golden_path, struct release_check *ret);

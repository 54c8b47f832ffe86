/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libbootproof: the verifier of `bootproof verify` and the replay of `bootproof eventlog replay`
 * as a C library (libbootproof.so.0, symbol version LIBBOOTPROOF_0), for the Python package
 * (python/) and any other program that checks quote bundles. docs/api.md documents every call.
 *
 * Conventions:
 *   - Functions return 0 or a positive verdict code on success, a negative errno value when the
 *     check could not run (file unreadable, golden.json malformed, out of memory).
 *   - On failure, if ret_error is non-NULL, *ret_error receives a malloc'd sentence naming the
 *     file and what is wrong (the same words as the CLI's error message); free it with
 *     bootproof_free().
 *   - Every string and buffer returned is malloc'd and released with bootproof_free().
 *   - A verdict is canonical JSON (sorted keys, 2-space indent, trailing newline), byte for
 *     byte what `bootproof verify BUNDLE --json` prints for the same bundle name and options.
 *   - A bootproof_verifier may be used from one thread at a time; distinct verifiers are
 *     independent. */
#ifndef BOOTPROOF_H
#define BOOTPROOF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BOOTPROOF_API_VERSION 0 /* the soname's number; additions keep it */

/* bootproof_verify*() return values besides negative errno: */
#define BOOTPROOF_VERIFIED 0 /* every check held */
#define BOOTPROOF_REFUSED 3  /* a check failed: the verdict's "reason" says which */

typedef struct bootproof_verifier bootproof_verifier;

/* The library's version string, e.g. "0.1.0" (the bootproof release it was built from). */
const char *bootproof_version(void);

/* A verifier for bundles answering nonce_hex (1-64 bytes as lowercase hex), judged against the
 * golden manifest at golden_path. It trusts no AK yet: set one with
 * bootproof_verifier_set_ak_pub() (or EK CAs with bootproof_verifier_add_ca()). Runtime PCRs
 * default to 14 and 15, as in the CLI. Returns 0 with *ret, -EINVAL for a bad nonce,
 * -EBADMSG / -ENOENT / ... for golden.json. */
int bootproof_verifier_new(const char *golden_path, const char *nonce_hex,
			   bootproof_verifier **ret, char **ret_error);

/* The trusted AK: a PEM public key file (verify --ak-pub). */
int bootproof_verifier_set_ak_pub(bootproof_verifier *v, const char *pem_path, char **ret_error);

/* EK certificate trust anchors: PEM certificates (verify --ca); may be called again. */
int bootproof_verifier_add_ca(bootproof_verifier *v, const char *pem_path, char **ret_error);

/* PCRs replayed from the runtime log: a bit mask, bit n = PCR n (verify --runtime-pcrs).
 * Returns -EINVAL for PCRs >= 24. */
int bootproof_verifier_set_runtime_pcrs(bootproof_verifier *v, uint32_t mask);

/* Verifies one bundle given as bytes; name is the "bundle" field of the verdict. Returns
 * BOOTPROOF_VERIFIED or BOOTPROOF_REFUSED with *ret_verdict (canonical JSON text), or a
 * negative errno (no verdict). Neither an AK nor a CA set: -EINVAL. */
int bootproof_verify(bootproof_verifier *v, const void *bundle, size_t bundle_size,
		     const char *name, char **ret_verdict, char **ret_error);

/* The same for a file (at most 64 MiB); its path is the verdict's "bundle" name. */
int bootproof_verify_file(bootproof_verifier *v, const char *path, char **ret_verdict,
			  char **ret_error);

void bootproof_verifier_free(bootproof_verifier *v);

/* Replays a TCG PC Client event log (firmware, binary; may be NULL) and then systemd's
 * userspace log (JSON-SEQ; may be NULL) into the PCRs of banks ("sha1,sha256,..."; NULL: the
 * firmware log's banks). *ret_json is `bootproof eventlog replay --json`'s output. A log that
 * does not parse: -EBADMSG, *ret_error names the record and its offset. */
int bootproof_replay(const void *firmware_log, size_t firmware_size, const void *userspace_log,
		     size_t userspace_size, const char *banks, char **ret_json, char **ret_error);

/* Frees anything the library returned (verdicts, JSON, error messages). NULL is fine. */
void bootproof_free(void *p);

#ifdef __cplusplus
}
#endif
#endif

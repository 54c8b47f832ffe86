/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runtime measurements (PCR 14 inputs, PCR 15 outputs by default): a deterministic digest of a
 * file or a directory tree, the event string that binds it into the PCR, and the extend + append
 * to systemd's userspace measurement log (JSON-SEQ, RFC 7464) under flock.
 *
 * The walk (docs/attest.md "Runtime measurements"):
 *  - a regular file: sha256 of its bytes; size = its length.
 *  - a directory: sha256 of a manifest text built depth-first, each directory's entries sorted
 *    bytewise by name, the root itself not listed, one line per entry:
 *        "d <relpath>\n"                        a directory (so empty directories count)
 *        "f <sha256 hex> <size> <relpath>\n"    a regular file
 *        "l <sha256 hex of the target> <relpath>\n"   a symbolic link (never followed)
 *    relpath uses '/' separators. Owners, modes and times are not measured. Other file types
 *    (devices, FIFOs, sockets), names containing a newline, deeper than RUNTIME_MAX_DEPTH or more
 *    than RUNTIME_MAX_ENTRIES entries are refused. size = the sum of the file sizes.
 *  - the event string extended (every active bank extends H_bank(string)):
 *        "bootproof:v1:<input|output>:<file|dir>:<sha256 hex>:<size>:<label>:<path>"
 *    path is absolute (realpath) and last, so it may contain ':'; label may not. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RUNTIME_MAX_DEPTH 64u
#define RUNTIME_MAX_ENTRIES 1000000u
#define RUNTIME_MAX_LABEL 256u
#define RUNTIME_MAX_PATH 4096u
#define RUNTIME_MAX_RECORD 16384u
#define RUNTIME_LOG_DEFAULT "/run/log/systemd/tpm2-measure.log"
#define RUNTIME_EVENT_PREFIX "bootproof:v1:"
#define RUNTIME_EVENT_TYPE "bootproof-runtime"

enum runtime_kind {
	RUNTIME_INPUT,
	RUNTIME_OUTPUT,
	_RUNTIME_KIND_MAX,
};

const char *runtime_kind_to_string(enum runtime_kind k);
int runtime_kind_from_string(const char *s);

struct runtime_measurement {
	bool is_dir;
	uint64_t size;
	uint64_t n_entries;
	uint8_t sha256[32];
};

/* Measures path (not following a symlink at the top either). On a refusal, errbuf names the
 * entry and the defect. */
int runtime_measure_path(const char *path, struct runtime_measurement *ret, char *errbuf,
			 size_t errbuf_size);

/* The event string (malloc'd). -EINVAL for a label with ':' or control characters, or a path
 * with control characters. */
int runtime_event_string(enum runtime_kind kind, const struct runtime_measurement *m,
			 const char *label, const char *abs_path, char **ret);

struct runtime_event {
	enum runtime_kind kind;
	bool is_dir;
	char sha256_hex[65];
	uint64_t size;
	char label[RUNTIME_MAX_LABEL + 1];
	char path[RUNTIME_MAX_PATH + 1];
};
/* Parses an event string back (strict). -EBADMSG when it is not a bootproof v1 string. */
int runtime_event_parse(const char *s, struct runtime_event *ret);

/* One systemd JSON-SEQ record: 0x1E + compact JSON + '\n', content_type "systemd",
 * content {"eventType": "bootproof-runtime", "string": s}. digests in bank order. */
int runtime_log_record(unsigned pcr, unsigned bank_mask, const uint8_t (*digest)[64],
		       const char *s, char **ret, size_t *ret_len);

/* Opens the TPM (tcti, see tpm2-esys.h), takes an exclusive flock on the log (created 0600 with
 * its directory), extends every active bank of pcr with H_bank(s), appends the record with one
 * write(), closes. Concurrent callers are serialised by the lock, so records are neither lost
 * nor interleaved, and the log order is the extend order. Fails (-EOPNOTSUPP) if the TPM has an
 * active bank bootproof cannot compute. *ret_mask gets the banks extended. */
int runtime_extend(const char *tcti, unsigned pcr, const char *log_path, const char *s,
		   unsigned *ret_mask);

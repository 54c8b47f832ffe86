/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One streaming pass over a container image archive (docker save, podman/skopeo docker-archive,
 * OCI image layout in a tar; optionally wrapped in gzip/zstd/xz). Every regular entry is hashed
 * while it streams by: sha256 of its bytes and, for gzip/zstd entries, of the decompressed
 * stream (the diff_id of a compressed layer); tar entries (layers) are scanned for names that
 * climb out of the extraction root. Small JSON-looking entries are kept in memory (capped) for
 * docker-manifest.c / image-id.c to match up after the stream ends, because manifest.json comes
 * last in docker's archives. The archive file's own sha256 is computed in the same pass, on a
 * second thread (hash-worker.h). Nothing is extracted; memory is flat whatever the archive size.
 * Formats: POSIX.1-2017 pax/ustar (libarchive), RFC 1952 gzip, RFC 8878 zstd. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

#define DOCKER_MAX_ENTRIES 65536u                      /* entries in one archive */
#define DOCKER_MAX_PATH 1024u                          /* bytes in an entry name */
#define DOCKER_MAX_METADATA_ENTRY (4u * 1024 * 1024)   /* one kept JSON entry */
#define DOCKER_MAX_METADATA_TOTAL (16u * 1024 * 1024)  /* all kept JSON entries */
#define DOCKER_MAX_ENTRY_SIZE (UINT64_C(1) << 40)      /* 1 TiB: anything larger is absurd */
#define DOCKER_MAX_LINK_DEPTH 16u                      /* symlink/hardlink chain */
#define DOCKER_READ_SIZE (1024u * 1024)                /* one read of the archive file */
#define DOCKER_READ_RING 4u                            /* read buffers in flight */
#define DOCKER_PEEK 512u                               /* bytes looked at to classify an entry */
#define SHA256_LEN 32u

/* A message for the user naming the entry and the defect (the verb adds the archive). */
struct docker_diag {
	char msg[1024];
};
void docker_diag_set(struct docker_diag *d, const char *fmt, ...) _printf_(2, 3);

enum docker_entry_type {
	DOCKER_ENTRY_FILE,
	DOCKER_ENTRY_SYMLINK,
	DOCKER_ENTRY_HARDLINK,
};

enum docker_compression {
	DOCKER_COMPRESSION_NONE,
	DOCKER_COMPRESSION_GZIP,
	DOCKER_COMPRESSION_ZSTD,
	DOCKER_COMPRESSION_OTHER, /* an outer wrapper libarchive knows (xz, bzip2) */
};

struct docker_entry {
	char *name;                  /* normalised: no "./", no "//", no trailing "/" */
	enum docker_entry_type type;
	char *link;                  /* links: normalised archive path of the target */
	uint64_t size;               /* bytes of the entry in the archive */
	uint8_t sha256[SHA256_LEN];  /* of those bytes */
	enum docker_compression compression; /* by magic bytes */
	bool decoded;                /* compressed and decompressed cleanly to its end */
	char *decode_error;          /* compressed but not decodable: why */
	uint8_t diff_sha256[SHA256_LEN]; /* of the decompressed stream; == sha256 if not compressed */
	uint64_t diff_size;
	bool is_tar;                 /* the (decompressed) stream starts with a ustar header */
	char *tar_defect;            /* tar: first name with ".." or "/" at the start, or the
				      * parse error; NULL if the whole tar is clean */
	uint64_t tar_entries;        /* tar: number of entries scanned */
	uint8_t *data;               /* kept JSON-looking entry (NUL-terminated), else NULL */
	size_t data_len;
	bool too_big_to_keep;        /* looked like metadata but exceeded a cap */
};

struct docker_archive {
	char *name;                  /* the name given (the verb passes the basename) */
	uint8_t sha256[SHA256_LEN];  /* of every byte of the file */
	uint64_t size;
	enum docker_compression wrapper;
	struct docker_entry *entries; /* sorted by name, unique */
	size_t n_entries;
	size_t metadata_total;
};

struct docker_read_options {
	bool threaded; /* hash the archive bytes on a second thread */
	/* Called after each read of the archive file with the bytes read so far. */
	void (*progress)(uint64_t done, void *userdata);
	void *userdata;
};

/* Reads the archive from fd (left open, read to its end). On failure -EBADMSG (malformed,
 * truncated, forbidden name or link, duplicate entry), -E2BIG (a cap), -EIO/-ENOMEM, with a
 * message in diag. */
int docker_archive_read_fd(int fd, const char *name, const struct docker_read_options *o,
			   struct docker_archive **ret, struct docker_diag *diag);
/* Same over a buffer (fuzzing, unit tests). */
int docker_archive_read_memory(const void *data, size_t len, const char *name,
			       const struct docker_read_options *o, struct docker_archive **ret,
			       struct docker_diag *diag);
struct docker_archive *docker_archive_free(struct docker_archive *a);
DEFINE_FREE_FUNC(struct docker_archive, docker_archive_free)

/* The entry with exactly this normalised name, or NULL. Valid while a lives. */
const struct docker_entry *docker_archive_find(const struct docker_archive *a, const char *name);
/* The regular file a path leads to, following symlinks and hardlinks inside the archive.
 * -ENOENT (missing, dangling), -ELOOP (chain too long); diag names the path. */
int docker_archive_resolve(const struct docker_archive *a, const char *path,
			   const struct docker_entry **ret, struct docker_diag *diag);

/* Normalises an archive entry name: strips "./" and duplicate or trailing slashes.
 * -EBADMSG for an empty, absolute or over-long name, or one with a ".." component. */
int docker_path_normalize(const char *in, char **ret);
/* Resolves a symlink target relative to the directory of the link's own name.
 * -EBADMSG if the target is absolute or climbs above the archive root. */
int docker_link_resolve(const char *link_name, const char *target, char **ret);
/* Does a path (inside a layer) start with "/" or contain a ".." component? */
bool docker_path_escapes(const char *path);

const char *docker_compression_to_string(enum docker_compression c);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsers for the JSON documents of container image archives, each over (bytes, length) of
 * untrusted input, with caps on size, depth and every count:
 *   - docker save's manifest.json (moby image/tarexport, "docker-archive");
 *   - OCI image index and manifest (OCI image-spec v1.1 image-index.md, manifest.md,
 *     descriptor.md), and docker's manifest list / schema 2 manifest
 *     (distribution manifest-v2-2.md);
 *   - the image config (OCI image-spec config.md; docker image spec v1.2): rootfs.diff_ids;
 *   - image references (distribution/reference grammar), normalised as docker shows them.
 * Parsers only decode and check shape; image-id.c checks the bytes against each other. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "docker-archive.h"
#include "macro.h"

#define DOCKER_MAX_JSON_DEPTH 32u
#define DOCKER_MAX_IMAGES 1024u      /* items in manifest.json, descriptors in one index */
#define DOCKER_MAX_LAYERS 256u       /* layers of one image (overlay2 stops at 128) */
#define DOCKER_MAX_TAGS 256u         /* tags of one image */
#define DOCKER_MAX_REFERENCE 512u    /* bytes of an image reference */
#define DOCKER_MAX_NAME 255u         /* bytes of a repository name (distribution/reference) */
#define DOCKER_MAX_TAG 128u          /* bytes of a tag */
#define DOCKER_MAX_BLOB_SIZE DOCKER_MAX_ENTRY_SIZE

struct docker_manifest_item {
	char *config;            /* archive path */
	char **repo_tags;        /* as written; NULL/0 if "RepoTags" is null or absent */
	size_t n_repo_tags;
	char **layers;           /* archive paths, base layer first */
	size_t n_layers;
};

struct docker_manifest {
	struct docker_manifest_item *items;
	size_t n_items;
};

/* manifest.json: a JSON array of {"Config", "RepoTags", "Layers"} objects. Errors: -EBADMSG
 * (shape), -E2BIG (a cap), with a message in err. */
int docker_manifest_parse(const void *data, size_t len, struct docker_manifest **ret, char *err,
			  size_t err_size);
struct docker_manifest *docker_manifest_free(struct docker_manifest *m);
DEFINE_FREE_FUNC(struct docker_manifest, docker_manifest_free)

enum oci_kind {
	OCI_KIND_UNKNOWN,
	OCI_KIND_INDEX,     /* OCI image index or docker manifest list */
	OCI_KIND_MANIFEST,  /* OCI image manifest or docker schema 2 manifest */
};

struct oci_descriptor {
	char *media_type;        /* NULL if absent */
	uint8_t digest[SHA256_LEN];
	uint64_t size;
	char *ref_name;          /* annotation org.opencontainers.image.ref.name */
	char *image_name;        /* annotation io.containerd.image.name */
	bool attestation;        /* annotation vnd.docker.reference.type = attestation-manifest */
	char *platform;          /* "os/architecture[/variant]" or NULL */
	bool platform_unknown;   /* os "unknown" (BuildKit attestations) */
};

struct oci_index {
	struct oci_descriptor *manifests;
	size_t n_manifests;
};

struct oci_manifest {
	struct oci_descriptor config;
	struct oci_descriptor *layers;
	size_t n_layers;
};

struct docker_config {
	uint8_t (*diff_ids)[SHA256_LEN];
	size_t n_diff_ids;
	char *platform;          /* "os/architecture[/variant]" from the config, or NULL */
};

/* The kind a media type names; OCI_KIND_UNKNOWN for anything else. */
enum oci_kind oci_media_type_kind(const char *media_type);
/* Layer media types: the compression they announce, or -EOPNOTSUPP for a non-layer type. */
int oci_layer_media_type_compression(const char *media_type, enum docker_compression *ret);
bool oci_config_media_type_ok(const char *media_type);

/* An index (index.json or a nested one). *ret_kind_hint says what the document looks like
 * when no media type is given. -EBADMSG / -E2BIG / -EOPNOTSUPP (digest algorithm) + err. */
int oci_index_parse(const void *data, size_t len, struct oci_index **ret, char *err,
		    size_t err_size);
struct oci_index *oci_index_free(struct oci_index *x);
DEFINE_FREE_FUNC(struct oci_index, oci_index_free)

int oci_manifest_parse(const void *data, size_t len, struct oci_manifest **ret, char *err,
		       size_t err_size);
struct oci_manifest *oci_manifest_free(struct oci_manifest *m);
DEFINE_FREE_FUNC(struct oci_manifest, oci_manifest_free)

/* What a JSON document says it is: its "mediaType", else by shape ("manifests" -> index,
 * "config" + "layers" -> manifest). */
enum oci_kind oci_document_kind(const void *data, size_t len);

int docker_config_parse(const void *data, size_t len, struct docker_config **ret, char *err,
			size_t err_size);
struct docker_config *docker_config_free(struct docker_config *c);
DEFINE_FREE_FUNC(struct docker_config, docker_config_free)

/* "sha256:<64 lowercase hex>" -> bytes. -EOPNOTSUPP for another algorithm, -EBADMSG else. */
int oci_digest_parse(const char *s, uint8_t out[SHA256_LEN]);
/* "sha256:<hex>" into out (72 bytes). */
void oci_digest_format(const uint8_t d[SHA256_LEN], char out[72]);
#define OCI_DIGEST_STRLEN 72u

/* A reference as docker shows it: "busybox:latest", "feas/x:1.0", "localhost/a/b:1",
 * "registry.example:5000/x:2". A missing tag becomes "latest"; "docker.io/" and
 * "docker.io/library/" are dropped. -ENOENT for a digest-only reference (no tag to show);
 * -EBADMSG if it is not a valid reference. */
int docker_reference_normalize(const char *in, char **ret);

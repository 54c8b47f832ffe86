/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Images of an archive, verified: matches manifest.json and/or index.json (OCI image layout)
 * against the entries docker-archive.c hashed, and checks that every byte is what it claims:
 *   - every blobs/sha256/<hex> entry hashes to <hex>;
 *   - a config's sha256 equals its name / descriptor (the image ID, moby image/image.go:
 *     ID = digest of the config JSON), descriptor sizes equal entry sizes;
 *   - each layer's uncompressed sha256 equals rootfs.diff_ids[i], in order, counts equal;
 *   - layers are tars without entry names leaving the root ("..", absolute);
 *   - a docker >= 25 archive's two views (manifest.json, index.json) list the same images with
 *     the same tags.
 * The result is one record per config digest, tags merged and normalised as docker shows them. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "docker-archive.h"
#include "macro.h"

#define DOCKER_MAX_INDEX_DEPTH 4u /* nested indexes (containerd store: index -> index -> manifest) */

struct docker_image_source {
	char *archive;               /* archive name as given to docker_archive_read_*() */
	uint8_t sha256[SHA256_LEN];  /* of the archive file */
};

struct docker_image {
	uint8_t id[SHA256_LEN];      /* sha256 of the config bytes: the image ID */
	char **tags;                 /* sorted, unique, normalised */
	size_t n_tags;
	uint8_t (*diff_ids)[SHA256_LEN];
	size_t n_diff_ids;
	uint8_t (*manifests)[SHA256_LEN]; /* manifest digests that lead to this config, sorted */
	size_t n_manifests;
	uint8_t (*indexes)[SHA256_LEN];   /* top-level index digests (containerd store IDs), sorted */
	size_t n_indexes;
	char *platform;              /* "os/arch[/variant]" from the config, or NULL */
	struct docker_image_source *sources; /* sorted by archive name */
	size_t n_sources;
};

struct docker_image_set {
	struct docker_image *images;
	size_t n_images;
};

struct docker_image_set *docker_image_set_free(struct docker_image_set *s);
DEFINE_FREE_FUNC(struct docker_image_set, docker_image_set_free)
int docker_image_set_new(struct docker_image_set **ret);

/* Verifies the archive and adds its images to set (merged by ID). On a defect: -EBADMSG (or
 * -E2BIG, -ENOENT for a missing entry, -EOPNOTSUPP) and a message naming the entry in diag;
 * set may then hold part of the archive's images (the caller discards it). */
int docker_images_from_archive(const struct docker_archive *a, struct docker_image_set *set,
			       struct docker_diag *diag);

/* Merges img (copied) into set: same ID -> tags, digests and sources are unioned; the
 * diff_ids must agree (-EBADMSG otherwise). */
int docker_image_set_merge(struct docker_image_set *set, const struct docker_image *img,
			   struct docker_diag *diag);
/* Sorts images: tagged ones by their first tag, then untagged ones, ties by ID. */
void docker_image_set_sort(struct docker_image_set *set);

/* Sorted-unique vectors used by the records. */
int strv_add_sorted(char ***v, size_t *n, const char *s);
int digestv_add_sorted(uint8_t (**v)[SHA256_LEN], size_t *n, const uint8_t d[SHA256_LEN]);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* container_measurements.json (docs/containers.md): the canonical writer, the strict reader
 * used by `containers check`, and the flat AICert map {"@local/<tag>": "sha256:<id>"}. */
#pragma once

#include <stddef.h>

#include <jansson.h>

#include "image-id.h"

#define MEASUREMENTS_FORMAT "bootproof-container-measurements"
#define MEASUREMENTS_VERSION 1
#define MEASUREMENTS_MAX_SIZE (16u * 1024 * 1024)
#define MEASUREMENTS_MAX_IMAGES 4096u

/* The document for a sorted image set (docker_image_set_sort). */
int measurements_to_json(const struct docker_image_set *set, json_t **ret);
/* {"@local/<tag>": "sha256:<id>"} for every tag; untagged images have no key. */
int measurements_to_aicert(const struct docker_image_set *set, json_t **ret);
/* Every tag must name one image only: -EBADMSG with the tag in diag otherwise. */
int measurements_check_tags_unique(const struct docker_image_set *set, struct docker_diag *diag);

/* Strict reader: format/version, every image with "id", "tags", "manifest_digests",
 * "index_digests", "diff_ids" well formed. -EBADMSG / -E2BIG + err. */
int measurements_parse(const void *data, size_t len, struct docker_image_set **ret, char *err,
		       size_t err_size);

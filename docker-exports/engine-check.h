/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compares a running docker engine with container measurements, over the Engine API on its
 * unix socket (docker Engine API v1.41+: GET /images/json, GET /images/{name}/json) with
 * libcurl. Fail closed: an image counts as present only if the engine reports exactly a
 * measured digest for it and for each of its measured tags. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "image-id.h"

#define ENGINE_MAX_RESPONSE (16u * 1024 * 1024) /* one API response body */
#define ENGINE_TIMEOUT_SECONDS 60L

/* One line per problem; verdict is data (style.md 9.3). */
struct engine_report {
	char **problems;
	size_t n_problems;
	size_t n_checked;   /* images checked */
};

struct engine_report *engine_report_free(struct engine_report *r);
DEFINE_FREE_FUNC(struct engine_report, engine_report_free)

/* "unix:///run/docker.sock" -> "/run/docker.sock"; -EINVAL for anything else. */
int engine_host_parse(const char *host, char **ret_socket_path);

/* GET path on the engine; the body (NUL-terminated) and HTTP status. -ECONNREFUSED/-EIO when
 * the engine cannot be reached (err says why), -E2BIG over the cap. */
int engine_get(const char *socket_path, const char *path, char **ret_body, size_t *ret_len,
	       long *ret_status, char *err, size_t err_size);

/* Checks every measured image. Returns < 0 only when the engine could not be asked (err);
 * otherwise 0 and a report (no problems = verified). Accepted IDs for an image: its config
 * digest (classic image store), or one of its measured manifest/index digests (containerd
 * image store, which reports those as IDs). */
int engine_check(const char *socket_path, const struct docker_image_set *measured,
		 struct engine_report **ret, char *err, size_t err_size);

/* The engine's image ID for one reference (GET /images/{name}/json): *ret_found = false when
 * the engine does not know it. For `bootproof job run`. */
int engine_image_id(const char *socket_path, const char *name, bool *ret_found,
		    uint8_t ret_id[SHA256_LEN], char *err, size_t err_size);
/* Is id one of img's accepted IDs (see engine_check)? */
bool engine_id_accepted(const struct docker_image *img, const uint8_t id[SHA256_LEN]);

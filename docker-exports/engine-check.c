/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Docker Engine API client over a unix socket (libcurl CURLOPT_UNIX_SOCKET_PATH) and the
 * measured-vs-running comparison; see engine-check.h. API: docker Engine API v1.41
 * (ImageList: [{"Id", "RepoTags"}], ImageInspect: {"Id"}); unversioned paths, so the engine
 * answers with its own API version. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlopen-curl.h" /* the curl_ names below are pointers resolved by dlopen_libcurl() */
#include "docker-manifest.h"
#include "engine-check.h"
#include "json.h"

struct engine_report *engine_report_free(struct engine_report *r)
{
	if (!r)
		return NULL;
	for (size_t i = 0; i < r->n_problems; i++)
		free(r->problems[i]);
	free(r->problems);
	free(r);
	return NULL;
}

static int report_add(struct engine_report *r, const char *fmt, ...) _printf_(2, 3);
static int report_add(struct engine_report *r, const char *fmt, ...)
{
	va_list ap;
	char *s, **p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	p = reallocarray(r->problems, r->n_problems + 1, sizeof(char *));
	if (!p) {
		free(s);
		return -ENOMEM;
	}
	r->problems = p;
	r->problems[r->n_problems++] = s;
	return 0;
}

int engine_host_parse(const char *host, char **ret)
{
	const char *p;

	if (!host || strncmp(host, "unix://", 7) != 0)
		return -EINVAL;
	p = host + 7;
	if (p[0] != '/' || strlen(p) >= 108) /* sun_path */
		return -EINVAL;
	*ret = strdup(p);
	return *ret ? 0 : -ENOMEM;
}

struct body {
	char *data;
	size_t len;
	bool overflow;
};

static size_t body_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct body *b = userdata;
	size_t n = size * nmemb; /* curl guarantees size == 1 */
	char *p;

	if (n > ENGINE_MAX_RESPONSE - b->len) {
		b->overflow = true;
		return 0; /* aborts the transfer */
	}
	p = realloc(b->data, b->len + n + 1);
	if (!p)
		return 0;
	memcpy(p + b->len, ptr, n);
	b->data = p;
	b->len += n;
	b->data[b->len] = 0;
	return n;
}

static void curl_easy_cleanupp(CURL **c)
{
	if (*c)
		curl_easy_cleanup(*c);
}

int engine_get(const char *socket_path, const char *path, char **ret_body, size_t *ret_len,
	       long *ret_status, char *err, size_t err_size)
{
	_cleanup_(curl_easy_cleanupp) CURL *c = NULL;
	_cleanup_(freep) char *url = NULL;
	struct body b = {};
	CURLcode cr;
	long status = 0;
	int r = dlopen_libcurl();

	if (r < 0) {
		snprintf(err, err_size, "%s cannot be loaded", LIBCURL_SONAME);
		return r;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -EIO;
	c = curl_easy_init();
	if (!c)
		return -ENOMEM;
	if (asprintf(&url, "http://docker%s", path) < 0) {
		url = NULL;
		return -ENOMEM;
	}
	if (curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket_path) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_write) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT, ENGINE_TIMEOUT_SECONDS) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK)
		return -EIO;
	cr = curl_easy_perform(c);
	if (cr != CURLE_OK) {
		free(b.data);
		if (b.overflow) {
			snprintf(err, err_size, "GET %s: response larger than %u bytes", path,
				 ENGINE_MAX_RESPONSE);
			return -E2BIG;
		}
		snprintf(err, err_size, "GET %s on %s: %s", path, socket_path,
			 curl_easy_strerror(cr));
		return cr == CURLE_COULDNT_CONNECT ? -ECONNREFUSED : -EIO;
	}
	if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK) {
		free(b.data);
		return -EIO;
	}
	if (!b.data) {
		b.data = strdup("");
		if (!b.data)
			return -ENOMEM;
	}
	*ret_body = b.data;
	*ret_len = b.len;
	*ret_status = status;
	return 0;
}

static bool id_accepted(const struct docker_image *img, const uint8_t id[SHA256_LEN])
{
	if (memcmp(img->id, id, SHA256_LEN) == 0)
		return true;
	for (size_t i = 0; i < img->n_manifests; i++)
		if (memcmp(img->manifests[i], id, SHA256_LEN) == 0)
			return true;
	for (size_t i = 0; i < img->n_indexes; i++)
		if (memcmp(img->indexes[i], id, SHA256_LEN) == 0)
			return true;
	return false;
}

/* GET /images/{name}/json -> its Id. *ret_found = false on 404. */
static int inspect(const char *sock, const char *name, bool *ret_found, uint8_t id[SHA256_LEN],
		   char *err, size_t err_size)
{
	_cleanup_(freep) char *body = NULL, *path = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	size_t len;
	long status;
	char buf[200];
	const json_t *v;
	int r;

	if (asprintf(&path, "/images/%s/json", name) < 0) {
		path = NULL;
		return -ENOMEM;
	}
	r = engine_get(sock, path, &body, &len, &status, err, err_size);
	if (r < 0)
		return r;
	if (status == 404) {
		*ret_found = false;
		return 0;
	}
	if (status != 200) {
		snprintf(err, err_size, "GET %s: HTTP status %ld", path, status);
		return -EIO;
	}
	r = json_parse_capped(body, len, ENGINE_MAX_RESPONSE, 64, &j, buf, sizeof(buf));
	if (r < 0) {
		snprintf(err, err_size, "GET %s: invalid JSON: %s", path, buf);
		return -EIO;
	}
	v = json_object_get(j, "Id");
	if (!json_is_string(v) || oci_digest_parse(json_string_value(v), id) < 0) {
		snprintf(err, err_size, "GET %s: no valid \"Id\"", path);
		return -EIO;
	}
	*ret_found = true;
	return 0;
}

int engine_check(const char *sock, const struct docker_image_set *measured,
		 struct engine_report **ret, char *err, size_t err_size)
{
	_cleanup_(engine_report_freep) struct engine_report *rep = calloc(1, sizeof(*rep));
	_cleanup_(freep) char *body = NULL;
	_cleanup_(json_decrefp) json_t *list = NULL;
	size_t len;
	long status;
	char buf[200];
	int r;

	if (!rep)
		return -ENOMEM;
	/* all=1: intermediate images (untagged parents of other images) are listed too */
	r = engine_get(sock, "/images/json?all=1", &body, &len, &status, err, err_size);
	if (r < 0)
		return r;
	if (status != 200) {
		snprintf(err, err_size, "GET /images/json: HTTP status %ld", status);
		return -EIO;
	}
	r = json_parse_capped(body, len, ENGINE_MAX_RESPONSE, 64, &list, buf, sizeof(buf));
	if (r < 0 || !json_is_array(list)) {
		snprintf(err, err_size, "GET /images/json: not a JSON array%s%s", r < 0 ? ": " : "",
			 r < 0 ? buf : "");
		return -EIO;
	}

	for (size_t i = 0; i < measured->n_images; i++) {
		const struct docker_image *img = &measured->images[i];
		char want[OCI_DIGEST_STRLEN];
		bool listed = false;

		oci_digest_format(img->id, want);
		rep->n_checked++;
		/* Present in the list under one of the accepted IDs? */
		for (size_t k = 0; k < json_array_size(list); k++) {
			const json_t *e = json_array_get(list, k), *id = json_object_get(e, "Id");
			uint8_t d[SHA256_LEN];
			if (json_is_string(id) && oci_digest_parse(json_string_value(id), d) == 0 &&
			    id_accepted(img, d)) {
				listed = true;
				break;
			}
		}
		if (!listed) {
			r = report_add(rep, "image %s%s%s: not present in the engine", want,
				       img->n_tags ? " " : "", img->n_tags ? img->tags[0] : "");
			if (r < 0)
				return r;
			continue;
		}
		/* Every measured tag must resolve to exactly a measured ID. */
		for (size_t t = 0; t < img->n_tags; t++) {
			uint8_t got[SHA256_LEN];
			bool found = false;
			r = inspect(sock, img->tags[t], &found, got, err, err_size);
			if (r < 0)
				return r;
			if (!found)
				r = report_add(rep, "image %s: tag %s is missing", want, img->tags[t]);
			else if (!id_accepted(img, got)) {
				char g[OCI_DIGEST_STRLEN];
				oci_digest_format(got, g);
				r = report_add(rep, "image %s: tag %s is %s instead", want, img->tags[t], g);
			}
			if (r < 0)
				return r;
		}
	}
	*ret = TAKE_PTR(rep);
	return 0;
}

int engine_image_id(const char *sock, const char *name, bool *ret_found,
		    uint8_t ret_id[SHA256_LEN], char *err, size_t err_size)
{
	return inspect(sock, name, ret_found, ret_id, err, err_size);
}

bool engine_id_accepted(const struct docker_image *img, const uint8_t id[SHA256_LEN])
{
	return id_accepted(img, id);
}

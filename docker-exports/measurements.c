/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* container_measurements.json writer/reader and the AICert map; see measurements.h and
 * docs/containers.md for the schema. Output order: images as docker_image_set_sort() leaves
 * them, every array sorted, keys sorted by the canonical writer (helpers/json.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker-manifest.h"
#include "errbuf.h"
#include "hexstr.h"
#include "json-fields.h"
#include "json.h"
#include "measurements.h"

static json_t *digest_json(const uint8_t d[SHA256_LEN])
{
	char s[OCI_DIGEST_STRLEN];
	oci_digest_format(d, s);
	return json_string(s);
}

static int digest_array(uint8_t (*v)[SHA256_LEN], size_t n, json_t **ret)
{
	json_t *a = json_array();

	if (!a)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(a, digest_json(v[i])) < 0) {
			json_decref(a);
			return -ENOMEM;
		}
	*ret = a;
	return 0;
}

static int image_json(const struct docker_image *img, json_t **ret)
{
	_cleanup_(json_decrefp) json_t *o = json_object(), *tags = json_array(),
				       *sources = json_array();
	json_t *a;
	int r;

	if (!o || !tags || !sources)
		return -ENOMEM;
	if (json_object_set_new(o, "id", digest_json(img->id)) < 0 ||
	    json_object_set_new(o, "config_digest", digest_json(img->id)) < 0)
		return -ENOMEM;
	r = digest_array(img->diff_ids, img->n_diff_ids, &a);
	if (r < 0 || json_object_set_new(o, "diff_ids", a) < 0)
		return -ENOMEM;
	r = digest_array(img->manifests, img->n_manifests, &a);
	if (r < 0 || json_object_set_new(o, "manifest_digests", a) < 0)
		return -ENOMEM;
	r = digest_array(img->indexes, img->n_indexes, &a);
	if (r < 0 || json_object_set_new(o, "index_digests", a) < 0)
		return -ENOMEM;
	if (json_object_set_new(o, "platform", img->platform ? json_string(img->platform)
							      : json_null()) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < img->n_tags; i++)
		if (json_array_append_new(tags, json_string(img->tags[i])) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < img->n_sources; i++) {
		char hex[2 * SHA256_LEN + 1];
		json_t *s;
		hex_encode(img->sources[i].sha256, SHA256_LEN, hex);
		s = json_pack("{s:s, s:s}", "archive", img->sources[i].archive, "sha256", hex);
		if (!s || json_array_append_new(sources, s) < 0)
			return -ENOMEM;
	}
	if (json_object_set(o, "tags", tags) < 0 || json_object_set(o, "sources", sources) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(o);
	return 0;
}

int measurements_to_json(const struct docker_image_set *set, json_t **ret)
{
	_cleanup_(json_decrefp) json_t *doc = NULL, *images = json_array();
	int r;

	if (!images)
		return -ENOMEM;
	for (size_t i = 0; i < set->n_images; i++) {
		json_t *o;
		r = image_json(&set->images[i], &o);
		if (r < 0)
			return r;
		if (json_array_append_new(images, o) < 0)
			return -ENOMEM;
	}
	doc = json_pack("{s:s, s:i, s:O}", "format", MEASUREMENTS_FORMAT, "version",
			MEASUREMENTS_VERSION, "images", images);
	if (!doc)
		return -ENOMEM;
	*ret = TAKE_PTR(doc);
	return 0;
}

int measurements_check_tags_unique(const struct docker_image_set *set, struct docker_diag *diag)
{
	for (size_t i = 0; i < set->n_images; i++)
		for (size_t t = 0; t < set->images[i].n_tags; t++)
			for (size_t k = i + 1; k < set->n_images; k++)
				for (size_t u = 0; u < set->images[k].n_tags; u++)
					if (strcmp(set->images[i].tags[t], set->images[k].tags[u]) == 0) {
						char a[OCI_DIGEST_STRLEN], b[OCI_DIGEST_STRLEN];
						oci_digest_format(set->images[i].id, a);
						oci_digest_format(set->images[k].id, b);
						docker_diag_set(diag, "tag '%s' names two images: %s and %s",
								set->images[i].tags[t], a, b);
						return -EBADMSG;
					}
	return 0;
}

int measurements_to_aicert(const struct docker_image_set *set, json_t **ret)
{
	_cleanup_(json_decrefp) json_t *o = json_object();

	if (!o)
		return -ENOMEM;
	for (size_t i = 0; i < set->n_images; i++)
		for (size_t t = 0; t < set->images[i].n_tags; t++) {
			_cleanup_(freep) char *key = NULL;
			if (asprintf(&key, "@local/%s", set->images[i].tags[t]) < 0) {
				key = NULL;
				return -ENOMEM;
			}
			if (json_object_set_new(o, key, digest_json(set->images[i].id)) < 0)
				return -ENOMEM;
		}
	*ret = TAKE_PTR(o);
	return 0;
}

/* ---- reader --------------------------------------------------------------------------------------- */

/* The keys measurements_to_json() writes: anything else is refused, so a document from a newer
 * writer, or one edited by hand, is not read as if its extra fields did not matter. */
static const char *const top_keys[] = { "format", "version", "images", NULL };
static const char *const image_keys[] = { "id",		      "config_digest", "diff_ids",
					  "manifest_digests", "index_digests", "platform",
					  "tags",	      "sources",       NULL };

/* A set of digests (manifest_digests, index_digests), kept sorted and without repeats. */
static int read_digests(const json_t *img, const char *key, size_t i, uint8_t (**v)[SHA256_LEN],
			size_t *n, char *err, size_t err_size)
{
	const json_t *a = json_object_get(img, key);

	if (!json_is_array(a))
		return errbuf_set(err, err_size, -EBADMSG, "images[%zu]: \"%s\" missing", i, key);
	if (json_array_size(a) > DOCKER_MAX_LAYERS * 4)
		return errbuf_set(err, err_size, -E2BIG, "images[%zu]: too many \"%s\"", i, key);
	for (size_t k = 0; k < json_array_size(a); k++) {
		const json_t *s = json_array_get(a, k);
		uint8_t d[SHA256_LEN];
		int r;
		if (!json_is_string(s) || oci_digest_parse(json_string_value(s), d) < 0)
			return errbuf_set(err, err_size, -EBADMSG,
					  "images[%zu]: %s[%zu] is not a sha256 digest", i, key, k);
		r = digestv_add_sorted(v, n, d);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The layers' diff_ids, in their order (the image ID depends on it): not sorted. */
static int read_diff_ids(const json_t *img, size_t i, struct docker_image *d, char *err,
			 size_t err_size)
{
	const json_t *a = json_object_get(img, "diff_ids");

	if (!json_is_array(a) || json_array_size(a) > DOCKER_MAX_LAYERS)
		return errbuf_set(err, err_size, -EBADMSG,
				  "images[%zu]: \"diff_ids\" missing or too long", i);
	d->diff_ids = calloc(json_array_size(a) ? json_array_size(a) : 1, SHA256_LEN);
	if (!d->diff_ids)
		return -ENOMEM;
	for (size_t k = 0; k < json_array_size(a); k++) {
		const json_t *s = json_array_get(a, k);
		if (!json_is_string(s) || oci_digest_parse(json_string_value(s), d->diff_ids[k]) < 0)
			return errbuf_set(err, err_size, -EBADMSG,
					  "images[%zu]: diff_ids[%zu] malformed", i, k);
	}
	d->n_diff_ids = json_array_size(a);
	return 0;
}

/* Tags must already be in docker's normal form: that is what verify compares. */
static int read_tags(const json_t *img, size_t i, struct docker_image *d, char *err,
		     size_t err_size)
{
	const json_t *tags = json_object_get(img, "tags");
	int r;

	if (!json_is_array(tags) || json_array_size(tags) > DOCKER_MAX_TAGS)
		return errbuf_set(err, err_size, -EBADMSG, "images[%zu]: \"tags\" missing or too long",
				  i);
	for (size_t k = 0; k < json_array_size(tags); k++) {
		const json_t *t = json_array_get(tags, k);
		_cleanup_(freep) char *norm = NULL;
		if (!json_is_string(t) || docker_reference_normalize(json_string_value(t), &norm) < 0 ||
		    strcmp(norm, json_string_value(t)) != 0)
			return errbuf_set(err, err_size, -EBADMSG,
					  "images[%zu]: tags[%zu] is not a normalised reference", i, k);
		r = strv_add_sorted(&d->tags, &d->n_tags, norm);
		if (r < 0)
			return r;
	}
	return 0;
}

static int read_image(json_t *img, size_t i, struct docker_image *d, char *err,
		      size_t err_size)
{
	const json_t *id;
	char path[32];
	int r;

	if (!json_is_object(img))
		return errbuf_set(err, err_size, -EBADMSG, "images[%zu]: not an object", i);
	snprintf(path, sizeof(path), "images[%zu]", i);
	r = json_check_keys(img, path, image_keys, err, err_size);
	if (r < 0)
		return r;
	id = json_object_get(img, "id");
	if (!json_is_string(id) || oci_digest_parse(json_string_value(id), d->id) < 0)
		return errbuf_set(err, err_size, -EBADMSG,
				  "images[%zu]: \"id\" is not a sha256 digest", i);
	r = read_tags(img, i, d, err, err_size);
	if (r < 0)
		return r;
	r = read_digests(img, "manifest_digests", i, &d->manifests, &d->n_manifests, err, err_size);
	if (r < 0)
		return r;
	r = read_digests(img, "index_digests", i, &d->indexes, &d->n_indexes, err, err_size);
	if (r < 0)
		return r;
	return read_diff_ids(img, i, d, err, err_size);
}

/* The document's frame: format, version, and the images array within its cap. */
static int read_top(json_t *j, json_t **ret_images, char *err, size_t err_size)
{
	const json_t *f, *v;
	json_t *images;
	int r;

	if (!json_is_object(j))
		return errbuf_set(err, err_size, -EBADMSG, "not a %s version %d document",
				  MEASUREMENTS_FORMAT, MEASUREMENTS_VERSION);
	f = json_object_get(j, "format");
	v = json_object_get(j, "version");
	if (!json_is_string(f) || strcmp(json_string_value(f), MEASUREMENTS_FORMAT) != 0 ||
	    !json_is_integer(v) || json_integer_value(v) != MEASUREMENTS_VERSION)
		return errbuf_set(err, err_size, -EBADMSG, "not a %s version %d document",
				  MEASUREMENTS_FORMAT, MEASUREMENTS_VERSION);
	r = json_check_keys(j, "(top level)", top_keys, err, err_size);
	if (r < 0)
		return r;
	images = json_object_get(j, "images");
	if (!json_is_array(images))
		return errbuf_set(err, err_size, -EBADMSG, "\"images\" missing");
	if (json_array_size(images) > MEASUREMENTS_MAX_IMAGES)
		return errbuf_set(err, err_size, -E2BIG, "more than %u images",
				  MEASUREMENTS_MAX_IMAGES);
	*ret_images = images;
	return 0;
}

int measurements_parse(const void *data, size_t len, struct docker_image_set **ret, char *err,
		       size_t err_size)
{
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(docker_image_set_freep) struct docker_image_set *set = NULL;
	json_t *images = NULL;
	char buf[200];
	int r;

	r = json_parse_capped(data, len, MEASUREMENTS_MAX_SIZE, 16, &j, buf, sizeof(buf));
	if (r < 0)
		return errbuf_set(err, err_size, r, "invalid JSON: %s", buf);
	r = read_top(j, &images, err, err_size);
	if (r < 0)
		return r;
	set = calloc(1, sizeof(*set));
	if (!set)
		return -ENOMEM;
	set->images = calloc(json_array_size(images) ? json_array_size(images) : 1,
			     sizeof(set->images[0]));
	if (!set->images)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(images); i++) {
		set->n_images = i + 1;
		r = read_image(json_array_get(images, i), i, &set->images[i], err, err_size);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(set);
	return 0;
}

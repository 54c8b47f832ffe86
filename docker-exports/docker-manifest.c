/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON documents of container image archives; see docker-manifest.h.
 * Specs: OCI image-spec v1.1.0 (descriptor.md, image-index.md, manifest.md, config.md,
 * annotations.md), docker distribution manifest-v2-2.md, moby image/tarexport (manifest.json),
 * distribution/reference (reference grammar and normalisation, normalize.go). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker-manifest.h"
#include "errbuf.h"
#include "hexstr.h"
#include "json.h"

static int parse_json(const void *data, size_t len, size_t max, json_t **ret, char *err,
		      size_t err_size)
{
	char buf[200];
	int r = json_parse_capped(data, len, max, DOCKER_MAX_JSON_DEPTH, ret, buf, sizeof(buf));
	if (r < 0)
		return errbuf_set(err, err_size, r, "invalid JSON: %s", buf);
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A JSON array of strings, at most max of them, into a malloc'd vector. */
static int string_array(const json_t *a, size_t max, const char *what, char ***ret, size_t *ret_n,
			char *err, size_t err_size)
{
	size_t n = json_array_size(a);
	char **v;

	if (n > max)
		return errbuf_set(err, err_size, -E2BIG, "%s: %zu entries, more than %zu", what, n,
				  max);
	v = calloc(n ? n : 1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const json_t *s = json_array_get(a, i);
		if (!json_is_string(s)) {
			strv_free(v, i);
			return errbuf_set(err, err_size, -EBADMSG, "%s[%zu]: not a string", what,
					  i);
		}
		v[i] = strdup(json_string_value(s));
		if (!v[i]) {
			strv_free(v, i);
			return -ENOMEM;
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* ---- manifest.json ----------------------------------------------------------------------------- */

struct docker_manifest *docker_manifest_free(struct docker_manifest *m)
{
	if (!m)
		return NULL;
	for (size_t i = 0; i < m->n_items; i++) {
		free(m->items[i].config);
		strv_free(m->items[i].repo_tags, m->items[i].n_repo_tags);
		strv_free(m->items[i].layers, m->items[i].n_layers);
	}
	free(m->items);
	free(m);
	return NULL;
}

int docker_manifest_parse(const void *data, size_t len, struct docker_manifest **ret, char *err,
			  size_t err_size)
{
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(docker_manifest_freep) struct docker_manifest *m = NULL;
	size_t n;
	int r;

	r = parse_json(data, len, DOCKER_MAX_METADATA_ENTRY, &j, err, err_size);
	if (r < 0)
		return r;
	if (!json_is_array(j))
		return errbuf_set(err, err_size, -EBADMSG, "not a JSON array");
	n = json_array_size(j);
	if (n == 0)
		return errbuf_set(err, err_size, -EBADMSG, "no images");
	if (n > DOCKER_MAX_IMAGES)
		return errbuf_set(err, err_size, -E2BIG, "%zu images, more than %u", n,
				  DOCKER_MAX_IMAGES);
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->items = calloc(n, sizeof(m->items[0]));
	if (!m->items)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const json_t *it = json_array_get(j, i), *tags, *layers, *config;
		struct docker_manifest_item *item = &m->items[i];
		char what[64];

		m->n_items = i + 1;
		if (!json_is_object(it))
			return errbuf_set(err, err_size, -EBADMSG, "image %zu: not an object", i);
		config = json_object_get(it, "Config");
		if (!json_is_string(config))
			return errbuf_set(err, err_size, -EBADMSG, "image %zu: \"Config\" missing",
					  i);
		item->config = strdup(json_string_value(config));
		if (!item->config)
			return -ENOMEM;
		tags = json_object_get(it, "RepoTags");
		if (tags && !json_is_null(tags)) {
			if (!json_is_array(tags))
				return errbuf_set(err, err_size, -EBADMSG,
						  "image %zu: \"RepoTags\" is not an array", i);
			snprintf(what, sizeof(what), "image %zu: RepoTags", i);
			r = string_array(tags, DOCKER_MAX_TAGS, what, &item->repo_tags,
					 &item->n_repo_tags, err, err_size);
			if (r < 0)
				return r;
		}
		layers = json_object_get(it, "Layers");
		if (!json_is_array(layers))
			return errbuf_set(err, err_size, -EBADMSG, "image %zu: \"Layers\" missing",
					  i);
		snprintf(what, sizeof(what), "image %zu: Layers", i);
		r = string_array(layers, DOCKER_MAX_LAYERS, what, &item->layers, &item->n_layers, err,
				 err_size);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(m);
	return 0;
}

/* ---- digests ------------------------------------------------------------------------------------ */

int oci_digest_parse(const char *s, uint8_t out[SHA256_LEN])
{
	const char *colon;

	if (!s)
		return -EBADMSG;
	colon = strchr(s, ':');
	if (!colon || colon == s)
		return -EBADMSG;
	if ((size_t)(colon - s) != 6 || strncmp(s, "sha256", 6) != 0) {
		/* A well-formed other algorithm (sha512, blake3) is unsupported, not malformed. */
		for (const char *p = s; p < colon; p++)
			if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '+' &&
			    *p != '.' && *p != '_' && *p != '-')
				return -EBADMSG;
		return -EOPNOTSUPP;
	}
	if (strlen(colon + 1) != 2 * SHA256_LEN)
		return -EBADMSG;
	return hex_decode_exact(colon + 1, SHA256_LEN, false, out);
}

void oci_digest_format(const uint8_t d[SHA256_LEN], char out[72])
{
	memcpy(out, "sha256:", 7);
	hex_encode(d, SHA256_LEN, out + 7);
}

/* ---- media types -------------------------------------------------------------------------------- */

enum oci_kind oci_media_type_kind(const char *mt)
{
	if (!mt)
		return OCI_KIND_UNKNOWN;
	if (strcmp(mt, "application/vnd.oci.image.index.v1+json") == 0 ||
	    strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json") == 0)
		return OCI_KIND_INDEX;
	if (strcmp(mt, "application/vnd.oci.image.manifest.v1+json") == 0 ||
	    strcmp(mt, "application/vnd.docker.distribution.manifest.v2+json") == 0)
		return OCI_KIND_MANIFEST;
	return OCI_KIND_UNKNOWN;
}

int oci_layer_media_type_compression(const char *mt, enum docker_compression *ret)
{
	static const struct {
		const char *type;
		enum docker_compression c;
	} table[] = {
		{"application/vnd.oci.image.layer.v1.tar", DOCKER_COMPRESSION_NONE},
		{"application/vnd.oci.image.layer.v1.tar+gzip", DOCKER_COMPRESSION_GZIP},
		{"application/vnd.oci.image.layer.v1.tar+zstd", DOCKER_COMPRESSION_ZSTD},
		{"application/vnd.oci.image.layer.nondistributable.v1.tar", DOCKER_COMPRESSION_NONE},
		{"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		 DOCKER_COMPRESSION_GZIP},
		{"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
		 DOCKER_COMPRESSION_ZSTD},
		{"application/vnd.docker.image.rootfs.diff.tar", DOCKER_COMPRESSION_NONE},
		{"application/vnd.docker.image.rootfs.diff.tar.gzip", DOCKER_COMPRESSION_GZIP},
		{"application/vnd.docker.image.rootfs.diff.tar.zstd", DOCKER_COMPRESSION_ZSTD},
		{"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", DOCKER_COMPRESSION_GZIP},
	};

	if (!mt)
		return -EOPNOTSUPP;
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (strcmp(mt, table[i].type) == 0) {
			*ret = table[i].c;
			return 0;
		}
	return -EOPNOTSUPP;
}

bool oci_config_media_type_ok(const char *mt)
{
	return mt && (strcmp(mt, "application/vnd.oci.image.config.v1+json") == 0 ||
		      strcmp(mt, "application/vnd.docker.container.image.v1+json") == 0);
}

/* ---- descriptors --------------------------------------------------------------------------------- */

static void descriptor_clear(struct oci_descriptor *d)
{
	free(d->media_type);
	free(d->ref_name);
	free(d->image_name);
	free(d->platform);
}

static int dup_optional_string(const json_t *obj, const char *key, char **ret, const char *what,
			       char *err, size_t err_size)
{
	const json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_string(v))
		return errbuf_set(err, err_size, -EBADMSG, "%s: \"%s\" is not a string", what, key);
	if (strlen(json_string_value(v)) > DOCKER_MAX_REFERENCE)
		return errbuf_set(err, err_size, -E2BIG, "%s: \"%s\" is too long", what, key);
	*ret = strdup(json_string_value(v));
	return *ret ? 0 : -ENOMEM;
}

static int platform_string(const json_t *p, char **ret, bool *ret_unknown, const char *what,
			   char *err, size_t err_size)
{
	const json_t *os = json_object_get(p, "os"), *arch = json_object_get(p, "architecture"),
		     *var = json_object_get(p, "variant");
	int r;

	if (!json_is_string(os) || !json_is_string(arch))
		return errbuf_set(err, err_size, -EBADMSG, "%s: platform without os/architecture",
				  what);
	if (var && !json_is_string(var))
		return errbuf_set(err, err_size, -EBADMSG, "%s: platform variant is not a string",
				  what);
	if (strlen(json_string_value(os)) > 64 || strlen(json_string_value(arch)) > 64 ||
	    (var && strlen(json_string_value(var)) > 64))
		return errbuf_set(err, err_size, -E2BIG, "%s: platform strings too long", what);
	if (var)
		r = asprintf(ret, "%s/%s/%s", json_string_value(os), json_string_value(arch),
			     json_string_value(var));
	else
		r = asprintf(ret, "%s/%s", json_string_value(os), json_string_value(arch));
	if (r < 0) {
		*ret = NULL;
		return -ENOMEM;
	}
	if (ret_unknown)
		*ret_unknown = strcmp(json_string_value(os), "unknown") == 0;
	return 0;
}

static int descriptor_parse(const json_t *j, struct oci_descriptor *d, const char *what, char *err,
			    size_t err_size)
{
	const json_t *digest, *size, *ann, *plat;
	int r;

	if (!json_is_object(j))
		return errbuf_set(err, err_size, -EBADMSG, "%s: not an object", what);
	r = dup_optional_string(j, "mediaType", &d->media_type, what, err, err_size);
	if (r < 0)
		return r;
	digest = json_object_get(j, "digest");
	if (!json_is_string(digest))
		return errbuf_set(err, err_size, -EBADMSG, "%s: \"digest\" missing", what);
	r = oci_digest_parse(json_string_value(digest), d->digest);
	if (r == -EOPNOTSUPP)
		return errbuf_set(err, err_size, r, "%s: unsupported digest algorithm in '%.80s'",
				  what, json_string_value(digest));
	if (r < 0)
		return errbuf_set(err, err_size, -EBADMSG, "%s: malformed digest '%.80s'", what,
				  json_string_value(digest));
	size = json_object_get(j, "size");
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return errbuf_set(err, err_size, -EBADMSG, "%s: \"size\" missing or negative",
				  what);
	if ((uint64_t)json_integer_value(size) > DOCKER_MAX_BLOB_SIZE)
		return errbuf_set(err, err_size, -E2BIG, "%s: absurd size %lld", what,
				  (long long)json_integer_value(size));
	d->size = (uint64_t)json_integer_value(size);
	ann = json_object_get(j, "annotations");
	if (ann) {
		const json_t *t;
		if (!json_is_object(ann))
			return errbuf_set(err, err_size, -EBADMSG, "%s: annotations not an object",
					  what);
		r = dup_optional_string(ann, "org.opencontainers.image.ref.name", &d->ref_name, what,
					err, err_size);
		if (r < 0)
			return r;
		r = dup_optional_string(ann, "io.containerd.image.name", &d->image_name, what, err,
					err_size);
		if (r < 0)
			return r;
		t = json_object_get(ann, "vnd.docker.reference.type");
		if (json_is_string(t) && strcmp(json_string_value(t), "attestation-manifest") == 0)
			d->attestation = true;
	}
	plat = json_object_get(j, "platform");
	if (plat) {
		if (!json_is_object(plat))
			return errbuf_set(err, err_size, -EBADMSG, "%s: platform not an object",
					  what);
		r = platform_string(plat, &d->platform, &d->platform_unknown, what, err, err_size);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_schema_version(const json_t *j, char *err, size_t err_size)
{
	const json_t *v = json_object_get(j, "schemaVersion");
	if (!json_is_integer(v) || json_integer_value(v) != 2)
		return errbuf_set(err, err_size, -EBADMSG, "\"schemaVersion\" is not 2");
	return 0;
}

/* The top of an OCI index or image manifest: a JSON object, schemaVersion 2, and a mediaType of
 * kind if it names one (what: "an index", "a manifest"). */
static int oci_document_parse(const void *data, size_t len, enum oci_kind kind, const char *what,
			      json_t **ret, char *err, size_t err_size)
{
	_cleanup_(json_decrefp) json_t *j = NULL;
	const json_t *mt;
	int r;

	r = parse_json(data, len, DOCKER_MAX_METADATA_ENTRY, &j, err, err_size);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return errbuf_set(err, err_size, -EBADMSG, "not a JSON object");
	r = check_schema_version(j, err, err_size);
	if (r < 0)
		return r;
	mt = json_object_get(j, "mediaType");
	if (mt && (!json_is_string(mt) || oci_media_type_kind(json_string_value(mt)) != kind))
		return errbuf_set(err, err_size, -EBADMSG, "\"mediaType\" is not %s type", what);
	*ret = TAKE_PTR(j);
	return 0;
}

/* The descriptor array key of j ("manifests", "layers"), at most max entries, each named
 * key[i] in errors. *ret_n counts the entries filled in, also on failure (the caller clears
 * them). */
static int descriptors_parse(const json_t *j, const char *key, unsigned max,
			     struct oci_descriptor **ret, size_t *ret_n, char *err, size_t err_size)
{
	const json_t *a = json_object_get(j, key);
	size_t n;
	int r;

	if (!json_is_array(a))
		return errbuf_set(err, err_size, -EBADMSG, "\"%s\" missing", key);
	n = json_array_size(a);
	if (n > max)
		return errbuf_set(err, err_size, -E2BIG, "%zu %s, more than %u", n, key, max);
	*ret = calloc(n ? n : 1, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char what[48];
		snprintf(what, sizeof(what), "%s[%zu]", key, i);
		*ret_n = i + 1;
		r = descriptor_parse(json_array_get(a, i), &(*ret)[i], what, err, err_size);
		if (r < 0)
			return r;
	}
	return 0;
}

struct oci_index *oci_index_free(struct oci_index *x)
{
	if (!x)
		return NULL;
	for (size_t i = 0; i < x->n_manifests; i++)
		descriptor_clear(&x->manifests[i]);
	free(x->manifests);
	free(x);
	return NULL;
}

int oci_index_parse(const void *data, size_t len, struct oci_index **ret, char *err,
		    size_t err_size)
{
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(oci_index_freep) struct oci_index *x = NULL;
	int r;

	r = oci_document_parse(data, len, OCI_KIND_INDEX, "an index", &j, err, err_size);
	if (r < 0)
		return r;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	r = descriptors_parse(j, "manifests", DOCKER_MAX_IMAGES, &x->manifests, &x->n_manifests,
			      err, err_size);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(x);
	return 0;
}

struct oci_manifest *oci_manifest_free(struct oci_manifest *m)
{
	if (!m)
		return NULL;
	descriptor_clear(&m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		descriptor_clear(&m->layers[i]);
	free(m->layers);
	free(m);
	return NULL;
}

int oci_manifest_parse(const void *data, size_t len, struct oci_manifest **ret, char *err,
		       size_t err_size)
{
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(oci_manifest_freep) struct oci_manifest *m = NULL;
	int r;

	r = oci_document_parse(data, len, OCI_KIND_MANIFEST, "a manifest", &j, err, err_size);
	if (r < 0)
		return r;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	r = descriptor_parse(json_object_get(j, "config"), &m->config, "config", err, err_size);
	if (r < 0)
		return r;
	r = descriptors_parse(j, "layers", DOCKER_MAX_LAYERS, &m->layers, &m->n_layers, err,
			      err_size);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(m);
	return 0;
}

enum oci_kind oci_document_kind(const void *data, size_t len)
{
	_cleanup_(json_decrefp) json_t *j = NULL;
	const json_t *mt;

	if (parse_json(data, len, DOCKER_MAX_METADATA_ENTRY, &j, NULL, 0) < 0 || !json_is_object(j))
		return OCI_KIND_UNKNOWN;
	mt = json_object_get(j, "mediaType");
	if (json_is_string(mt))
		return oci_media_type_kind(json_string_value(mt));
	if (json_is_array(json_object_get(j, "manifests")))
		return OCI_KIND_INDEX;
	if (json_is_object(json_object_get(j, "config")) && json_is_array(json_object_get(j, "layers")))
		return OCI_KIND_MANIFEST;
	return OCI_KIND_UNKNOWN;
}

/* ---- config ------------------------------------------------------------------------------------- */

struct docker_config *docker_config_free(struct docker_config *c)
{
	if (!c)
		return NULL;
	free(c->diff_ids);
	free(c->platform);
	free(c);
	return NULL;
}

int docker_config_parse(const void *data, size_t len, struct docker_config **ret, char *err,
			size_t err_size)
{
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(docker_config_freep) struct docker_config *c = NULL;
	const json_t *rootfs, *type, *ids;
	size_t n;
	int r;

	r = parse_json(data, len, DOCKER_MAX_METADATA_ENTRY, &j, err, err_size);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return errbuf_set(err, err_size, -EBADMSG, "not a JSON object");
	rootfs = json_object_get(j, "rootfs");
	if (!json_is_object(rootfs))
		return errbuf_set(err, err_size, -EBADMSG, "\"rootfs\" missing");
	type = json_object_get(rootfs, "type");
	if (!json_is_string(type) || strcmp(json_string_value(type), "layers") != 0)
		return errbuf_set(err, err_size, -EBADMSG, "rootfs.type is not \"layers\"");
	ids = json_object_get(rootfs, "diff_ids");
	if (!json_is_array(ids))
		return errbuf_set(err, err_size, -EBADMSG, "rootfs.diff_ids missing");
	n = json_array_size(ids);
	if (n > DOCKER_MAX_LAYERS)
		return errbuf_set(err, err_size, -E2BIG, "%zu diff_ids, more than %u", n,
				  DOCKER_MAX_LAYERS);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->diff_ids = calloc(n ? n : 1, sizeof(c->diff_ids[0]));
	if (!c->diff_ids)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const json_t *s = json_array_get(ids, i);
		r = json_is_string(s) ? oci_digest_parse(json_string_value(s), c->diff_ids[i]) : -EBADMSG;
		if (r == -EOPNOTSUPP)
			return errbuf_set(err, err_size, r,
					  "rootfs.diff_ids[%zu]: unsupported algorithm", i);
		if (r < 0)
			return errbuf_set(err, err_size, -EBADMSG,
					  "rootfs.diff_ids[%zu]: malformed digest", i);
	}
	c->n_diff_ids = n;
	if (json_is_string(json_object_get(j, "os")) &&
	    json_is_string(json_object_get(j, "architecture"))) {
		r = platform_string(j, &c->platform, NULL, "config", err, err_size);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(c);
	return 0;
}

/* ---- references ----------------------------------------------------------------------------------- */

static bool is_alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* path-component := alphanumeric (separator alphanumeric)*, separator := [_.] | __ | [-]+ */
static bool path_component_ok(const char *p, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_alnum_lower(p[0]) || !is_alnum_lower(p[n - 1]))
		return false;
	while (i < n) {
		if (is_alnum_lower(p[i])) {
			i++;
			continue;
		}
		/* a separator run, then an alphanumeric */
		if (p[i] == '.') {
			i++;
		} else if (p[i] == '_') {
			i++;
			if (i < n && p[i] == '_')
				i++;
		} else if (p[i] == '-') {
			while (i < n && p[i] == '-')
				i++;
		} else
			return false;
		if (i >= n || !is_alnum_lower(p[i]))
			return false;
	}
	return true;
}

/* domain := host [":" port]; host components [a-zA-Z0-9-] not starting/ending with '-'. */
static bool domain_ok(const char *p, size_t n)
{
	const char *colon = memchr(p, ':', n);
	size_t host_len = colon ? (size_t)(colon - p) : n;

	if (host_len == 0)
		return false;
	for (size_t i = 0, start = 0; i <= host_len; i++) {
		if (i == host_len || p[i] == '.') {
			if (i == start || p[start] == '-' || p[i - 1] == '-')
				return false;
			start = i + 1;
			continue;
		}
		if (!isalnum((unsigned char)p[i]) && p[i] != '-')
			return false;
	}
	if (colon) {
		size_t plen = n - host_len - 1;
		if (plen == 0 || plen > 5)
			return false;
		for (size_t i = host_len + 1; i < n; i++)
			if (!isdigit((unsigned char)p[i]))
				return false;
	}
	return true;
}

static bool tag_ok(const char *t, size_t n)
{
	if (n == 0 || n > DOCKER_MAX_TAG)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		bool word = isalnum((unsigned char)c) || c == '_';
		if (!word && (i == 0 || (c != '.' && c != '-')))
			return false;
	}
	return true;
}

/* The name part of a reference (name_len bytes, no tag or digest): its registry domain, if the
 * first component is one (distribution/reference's splitDockerDomain), and every path component
 * after it valid. *ret_domain_len is 0 when there is no domain. */
static bool name_split(const char *name, size_t name_len, size_t *ret_domain_len)
{
	const char *slash = memchr(name, '/', name_len), *remainder = name;

	*ret_domain_len = 0;
	if (slash) {
		size_t first = (size_t)(slash - name);
		bool has_domain = memchr(name, '.', first) || memchr(name, ':', first) ||
				  (first == 9 && strncmp(name, "localhost", 9) == 0);
		for (size_t i = 0; i < first && !has_domain; i++)
			if (isupper((unsigned char)name[i]))
				has_domain = true;
		if (has_domain) {
			if (!domain_ok(name, first))
				return false;
			*ret_domain_len = first;
			remainder = name + first + 1;
		}
	}
	for (const char *p = remainder, *end = name + name_len; p <= end;) {
		const char *q = memchr(p, '/', (size_t)(end - p));
		size_t n = q ? (size_t)(q - p) : (size_t)(end - p);
		if (!path_component_ok(p, n))
			return false;
		if (!q)
			break;
		p = q + 1;
	}
	return true;
}

int docker_reference_normalize(const char *in, char **ret)
{
	size_t len, name_len, domain_len = 0;
	const char *at, *name = in, *tag = NULL, *remainder;
	bool docker_io;
	int r;

	if (!in)
		return -EBADMSG;
	len = strlen(in);
	if (len == 0 || len > DOCKER_MAX_REFERENCE)
		return -EBADMSG;
	at = strchr(in, '@');
	if (at) {
		uint8_t d[SHA256_LEN];
		if (oci_digest_parse(at + 1, d) < 0)
			return -EBADMSG;
		len = (size_t)(at - in);
	}
	/* The tag is after the last ':' that follows the last '/'. */
	for (size_t i = len; i > 0; i--) {
		if (in[i - 1] == '/')
			break;
		if (in[i - 1] == ':') {
			tag = in + i;
			break;
		}
	}
	name_len = tag ? (size_t)(tag - 1 - in) : len;
	if (tag && !tag_ok(tag, len - (size_t)(tag - in)))
		return -EBADMSG;
	if (!tag && at)
		return -ENOENT; /* digest only: nothing docker would list as a tag */
	if (name_len == 0)
		return -EBADMSG;

	if (!name_split(name, name_len, &domain_len))
		return -EBADMSG;
	remainder = domain_len ? name + domain_len + 1 : name;
	if (name_len > DOCKER_MAX_NAME)
		return -EBADMSG;

	docker_io = domain_len == 0 ||
		    (domain_len == 9 && strncmp(name, "docker.io", 9) == 0) ||
		    (domain_len == 15 && strncmp(name, "index.docker.io", 15) == 0);
	{
		size_t rem_len = name_len - (size_t)(remainder - name);
		const char *shown = docker_io ? remainder : name;
		size_t shown_len = docker_io ? rem_len : name_len;
		/* "docker.io/library/x" shows as "x"; "docker.io/x/y" as "x/y". */
		if (docker_io && rem_len > 8 && strncmp(remainder, "library/", 8) == 0 &&
		    !memchr(remainder + 8, '/', rem_len - 8)) {
			shown += 8;
			shown_len -= 8;
		}
		if (tag)
			r = asprintf(ret, "%.*s:%.*s", (int)shown_len, shown,
				     (int)(len - (size_t)(tag - in)), tag);
		else
			r = asprintf(ret, "%.*s:latest", (int)shown_len, shown);
	}
	if (r < 0) {
		*ret = NULL;
		return -ENOMEM;
	}
	return 0;
}

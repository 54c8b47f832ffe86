/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Matching the views of an archive against its hashed entries; see image-id.h.
 * Specs: OCI image-spec v1.1.0 image-layout.md (blobs/<alg>/<encoded>, oci-layout, index.json),
 * descriptor.md (digest and size must match the content), config.md (diff_ids = digests of the
 * uncompressed layer tars, base first), moby image/tarexport (manifest.json, legacy
 * <id>.json configs and <v1id>/layer.tar), containers/image docker-archive (<diffid>.tar). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker-manifest.h"
#include "hexstr.h"
#include "image-id.h"
#include "json.h"
#include "vec.h"

/* ---- sorted vectors ----------------------------------------------------------------------------- */

int strv_add_sorted(char ***v, size_t *n, const char *s)
{
	size_t lo = 0, hi = *n;
	char **p, *copy;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp((*v)[mid], s);
		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	p = vec_insert(*v, *n, lo, sizeof(char *));
	if (!p) {
		free(copy);
		return -ENOMEM;
	}
	p[lo] = copy;
	*v = p;
	(*n)++;
	return 0;
}

int digestv_add_sorted(uint8_t (**v)[SHA256_LEN], size_t *n, const uint8_t d[SHA256_LEN])
{
	size_t lo = 0, hi = *n;
	uint8_t (*p)[SHA256_LEN];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp((*v)[mid], d, SHA256_LEN);
		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	p = vec_insert(*v, *n, lo, SHA256_LEN);
	if (!p)
		return -ENOMEM;
	memcpy(p[lo], d, SHA256_LEN);
	*v = p;
	(*n)++;
	return 0;
}

static bool strv_equal(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

/* ---- image records ------------------------------------------------------------------------------- */

static void image_clear(struct docker_image *img)
{
	for (size_t i = 0; i < img->n_tags; i++)
		free(img->tags[i]);
	free(img->tags);
	free(img->diff_ids);
	free(img->manifests);
	free(img->indexes);
	free(img->platform);
	for (size_t i = 0; i < img->n_sources; i++)
		free(img->sources[i].archive);
	free(img->sources);
	memset(img, 0, sizeof(*img));
}

struct docker_image_set *docker_image_set_free(struct docker_image_set *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->n_images; i++)
		image_clear(&s->images[i]);
	free(s->images);
	free(s);
	return NULL;
}

int docker_image_set_new(struct docker_image_set **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

static int source_add(struct docker_image *img, const struct docker_image_source *src)
{
	size_t lo = 0;
	struct docker_image_source *p;

	for (; lo < img->n_sources; lo++) {
		int c = strcmp(img->sources[lo].archive, src->archive);
		if (c == 0 && memcmp(img->sources[lo].sha256, src->sha256, SHA256_LEN) == 0)
			return 0;
		if (c > 0 || (c == 0 && memcmp(img->sources[lo].sha256, src->sha256, SHA256_LEN) > 0))
			break;
	}
	p = vec_insert(img->sources, img->n_sources, lo, sizeof(*p));
	if (!p)
		return -ENOMEM;
	img->sources = p;
	p[lo].archive = strdup(src->archive);
	if (!p[lo].archive) {
		memmove(p + lo, p + lo + 1, (img->n_sources - lo) * sizeof(*p));
		return -ENOMEM;
	}
	memcpy(p[lo].sha256, src->sha256, SHA256_LEN);
	img->n_sources++;
	return 0;
}

int docker_image_set_merge(struct docker_image_set *set, const struct docker_image *img,
			   struct docker_diag *diag)
{
	struct docker_image *dst = NULL;
	int r;

	for (size_t i = 0; i < set->n_images; i++)
		if (memcmp(set->images[i].id, img->id, SHA256_LEN) == 0) {
			dst = &set->images[i];
			break;
		}
	if (!dst) {
		struct docker_image *p;
		if (set->n_images >= DOCKER_MAX_IMAGES * 16) {
			docker_diag_set(diag, "more than %u images", DOCKER_MAX_IMAGES * 16);
			return -E2BIG;
		}
		p = vec_insert(set->images, set->n_images, set->n_images, sizeof(*p));
		if (!p)
			return -ENOMEM;
		set->images = p;
		dst = &set->images[set->n_images++];
		memset(dst, 0, sizeof(*dst));
		memcpy(dst->id, img->id, SHA256_LEN);
		if (img->n_diff_ids > 0) {
			dst->diff_ids = malloc(img->n_diff_ids * SHA256_LEN);
			if (!dst->diff_ids)
				return -ENOMEM;
			memcpy(dst->diff_ids, img->diff_ids, img->n_diff_ids * SHA256_LEN);
		}
		dst->n_diff_ids = img->n_diff_ids;
		if (img->platform) {
			dst->platform = strdup(img->platform);
			if (!dst->platform)
				return -ENOMEM;
		}
	} else if (dst->n_diff_ids != img->n_diff_ids ||
		   (img->n_diff_ids > 0 &&
		    memcmp(dst->diff_ids, img->diff_ids, img->n_diff_ids * SHA256_LEN) != 0)) {
		/* Impossible for honest inputs: the diff_ids come from the config bytes. */
		docker_diag_set(diag, "image with two different layer lists");
		return -EBADMSG;
	}
	for (size_t i = 0; i < img->n_tags; i++)
		if ((r = strv_add_sorted(&dst->tags, &dst->n_tags, img->tags[i])) < 0)
			return r;
	for (size_t i = 0; i < img->n_manifests; i++)
		if ((r = digestv_add_sorted(&dst->manifests, &dst->n_manifests, img->manifests[i])) < 0)
			return r;
	for (size_t i = 0; i < img->n_indexes; i++)
		if ((r = digestv_add_sorted(&dst->indexes, &dst->n_indexes, img->indexes[i])) < 0)
			return r;
	for (size_t i = 0; i < img->n_sources; i++)
		if ((r = source_add(dst, &img->sources[i])) < 0)
			return r;
	return 0;
}

static int image_cmp(const void *x, const void *y)
{
	const struct docker_image *a = x, *b = y;

	if (a->n_tags > 0 && b->n_tags > 0) {
		int c = strcmp(a->tags[0], b->tags[0]);
		if (c != 0)
			return c;
	} else if (a->n_tags != b->n_tags)
		return a->n_tags > 0 ? -1 : 1;
	return memcmp(a->id, b->id, SHA256_LEN);
}

void docker_image_set_sort(struct docker_image_set *set)
{
	if (set->n_images > 1)
		qsort(set->images, set->n_images, sizeof(set->images[0]), image_cmp);
}

/* ---- verification --------------------------------------------------------------------------------- */

struct ctx {
	const struct docker_archive *a;
	struct docker_diag *diag;
	struct docker_image_source source;
};

static void digest_str(const uint8_t d[SHA256_LEN], char out[OCI_DIGEST_STRLEN])
{
	oci_digest_format(d, out);
}

/* "blobs/sha256/<hex>": every blob's content must hash to its name. */
static int verify_blobs(struct ctx *c)
{
	for (size_t i = 0; i < c->a->n_entries; i++) {
		const struct docker_entry *e = &c->a->entries[i], *t;
		const char *rest;
		uint8_t want[SHA256_LEN];
		char got[OCI_DIGEST_STRLEN];
		int r;

		if (strncmp(e->name, "blobs/", 6) != 0)
			continue;
		rest = e->name + 6;
		if (strncmp(rest, "sha256/", 7) != 0) {
			docker_diag_set(c->diag, "entry '%s': unsupported digest algorithm", e->name);
			return -EOPNOTSUPP;
		}
		if (hex_decode_exact(rest + 7, SHA256_LEN, false, want) < 0) {
			docker_diag_set(c->diag, "entry '%s': blob name is not a sha256 digest", e->name);
			return -EBADMSG;
		}
		r = docker_archive_resolve(c->a, e->name, &t, c->diag);
		if (r < 0)
			return r;
		if (memcmp(t->sha256, want, SHA256_LEN) != 0) {
			digest_str(t->sha256, got);
			docker_diag_set(c->diag, "entry '%s': blob digest mismatch, content is %s",
					e->name, got);
			return -EBADMSG;
		}
	}
	return 0;
}

static int entry_json(struct ctx *c, const struct docker_entry *e, const char *what)
{
	if (e->data)
		return 0;
	if (e->too_big_to_keep) {
		docker_diag_set(c->diag, "entry '%s' (%s): %llu bytes, over the %u byte cap", e->name,
				what, (unsigned long long)e->size, DOCKER_MAX_METADATA_ENTRY);
		return -E2BIG;
	}
	docker_diag_set(c->diag, "entry '%s' (%s): invalid JSON", e->name, what);
	return -EBADMSG;
}

static int blob_entry(struct ctx *c, const struct oci_descriptor *d, const char *what,
		      const struct docker_entry **ret)
{
	char name[6 + 7 + 2 * SHA256_LEN + 1], ds[OCI_DIGEST_STRLEN];
	int r;

	memcpy(name, "blobs/sha256/", 13);
	hex_encode(d->digest, SHA256_LEN, name + 13);
	digest_str(d->digest, ds);
	r = docker_archive_resolve(c->a, name, ret, NULL);
	if (r < 0) {
		docker_diag_set(c->diag, "%s %s: blob '%s' missing from the archive", what, ds, name);
		return r == -ELOOP ? r : -ENOENT;
	}
	if ((*ret)->size != d->size) {
		docker_diag_set(c->diag, "%s %s: descriptor size %llu, blob '%s' has %llu bytes", what,
				ds, (unsigned long long)d->size, name,
				(unsigned long long)(*ret)->size);
		return -EBADMSG;
	}
	if (memcmp((*ret)->sha256, d->digest, SHA256_LEN) != 0) {
		docker_diag_set(c->diag, "%s: blob '%s' does not hash to its descriptor digest", what,
				name);
		return -EBADMSG;
	}
	return 0;
}

/* Checks one layer entry against diff_ids[i]. */
static int verify_layer(struct ctx *c, const char *path, size_t i, const struct docker_entry *e,
			const uint8_t diff_id[SHA256_LEN])
{
	char got[OCI_DIGEST_STRLEN], want[OCI_DIGEST_STRLEN];

	if (e->compression != DOCKER_COMPRESSION_NONE && !e->decoded) {
		docker_diag_set(c->diag, "layer %zu '%s': %s stream not decodable: %s", i, path,
				docker_compression_to_string(e->compression),
				e->decode_error ? e->decode_error : "?");
		return -EBADMSG;
	}
	if (memcmp(e->diff_sha256, diff_id, SHA256_LEN) != 0) {
		digest_str(e->diff_sha256, got);
		digest_str(diff_id, want);
		docker_diag_set(c->diag,
				"layer %zu '%s': uncompressed content is %s, config diff_id is %s", i,
				path, got, want);
		return -EBADMSG;
	}
	if (!e->is_tar) {
		docker_diag_set(c->diag, "layer %zu '%s': not a tar", i, path);
		return -EBADMSG;
	}
	if (e->tar_defect) {
		/* Decision (docs/containers.md): a layer whose names leave the extraction root is
		 * rejected, although docker load accepts it (it extracts in a chroot). */
		docker_diag_set(c->diag, "layer %zu '%s': %s", i, path, e->tar_defect);
		return -EBADMSG;
	}
	return 0;
}

static int verify_config(struct ctx *c, const struct docker_entry *e, const char *path,
			 struct docker_config **ret)
{
	char err[256];
	int r = entry_json(c, e, "config");

	if (r < 0)
		return r;
	r = docker_config_parse(e->data, e->data_len, ret, err, sizeof(err));
	if (r < 0) {
		docker_diag_set(c->diag, "config '%s': %s", path, err);
		return r;
	}
	return 0;
}

static int image_from_config(struct docker_image *img, const struct docker_entry *cfg_entry,
			     struct docker_config *cfg, const struct docker_image_source *src)
{
	memcpy(img->id, cfg_entry->sha256, SHA256_LEN);
	img->diff_ids = TAKE_PTR(cfg->diff_ids);
	img->n_diff_ids = cfg->n_diff_ids;
	img->platform = TAKE_PTR(cfg->platform);
	img->sources = calloc(1, sizeof(*img->sources));
	if (!img->sources)
		return -ENOMEM;
	img->sources[0].archive = strdup(src->archive);
	if (!img->sources[0].archive)
		return -ENOMEM;
	memcpy(img->sources[0].sha256, src->sha256, SHA256_LEN);
	img->n_sources = 1;
	return 0;
}

/* The digest a docker-view config name carries: blobs/sha256/<hex> or <hex>.json. */
static int config_name_digest(const char *name, uint8_t out[SHA256_LEN])
{
	size_t n = strlen(name);

	if (strncmp(name, "blobs/sha256/", 13) == 0)
		return hex_decode_exact(name + 13, SHA256_LEN, false, out);
	if (n == 2 * SHA256_LEN + 5 && strcmp(name + 2 * SHA256_LEN, ".json") == 0) {
		char hex[2 * SHA256_LEN + 1];
		memcpy(hex, name, 2 * SHA256_LEN);
		hex[2 * SHA256_LEN] = 0;
		return hex_decode_exact(hex, SHA256_LEN, false, out);
	}
	return -EBADMSG;
}

/* Image i's config: a path in the archive, named by its digest, which its content matches. */
static int docker_view_config(struct ctx *c, size_t i, const struct docker_manifest_item *it,
			      char **ret_name, const struct docker_entry **ret_entry,
			      struct docker_config **ret_cfg)
{
	_cleanup_(freep) char *cname = NULL;
	const struct docker_entry *ce;
	uint8_t named[SHA256_LEN];
	int r;

	r = docker_path_normalize(it->config, &cname);
	if (r < 0) {
		docker_diag_set(c->diag, "manifest.json image %zu: invalid Config path '%s'", i,
				it->config);
		return r == -ENOMEM ? r : -EBADMSG;
	}
	if (config_name_digest(cname, named) < 0) {
		docker_diag_set(c->diag,
				"manifest.json image %zu: config name '%s' carries no digest", i,
				it->config);
		return -EBADMSG;
	}
	r = docker_archive_resolve(c->a, cname, &ce, c->diag);
	if (r < 0) {
		char tmp[sizeof(c->diag->msg)];
		memcpy(tmp, c->diag->msg, sizeof(tmp));
		docker_diag_set(c->diag, "manifest.json image %zu: config %s", i, tmp);
		return r;
	}
	if (memcmp(ce->sha256, named, SHA256_LEN) != 0) {
		char got[OCI_DIGEST_STRLEN];
		digest_str(ce->sha256, got);
		docker_diag_set(c->diag,
				"entry '%s': config hash does not match its name, content is %s",
				cname, got);
		return -EBADMSG;
	}
	r = verify_config(c, ce, cname, ret_cfg);
	if (r < 0)
		return r;
	*ret_entry = ce;
	*ret_name = TAKE_PTR(cname);
	return 0;
}

/* Layer k of image i: in the archive, its diff_id the config's, its name (when it is one) too. */
static int docker_view_layer(struct ctx *c, size_t i, const struct docker_manifest_item *it,
			     size_t k, const struct docker_config *cfg)
{
	const struct docker_entry *le;
	_cleanup_(freep) char *lname = NULL;
	uint8_t named_diff[SHA256_LEN];
	size_t ln;
	int r;

	r = docker_path_normalize(it->layers[k], &lname);
	if (r < 0) {
		docker_diag_set(c->diag, "manifest.json image %zu: invalid layer path '%s'", i,
				it->layers[k]);
		return r == -ENOMEM ? r : -EBADMSG;
	}
	r = docker_archive_resolve(c->a, lname, &le, c->diag);
	if (r < 0) {
		char tmp[sizeof(c->diag->msg)];
		memcpy(tmp, c->diag->msg, sizeof(tmp));
		docker_diag_set(c->diag, "manifest.json image %zu: layer %zu %s", i, k, tmp);
		return r;
	}
	r = verify_layer(c, lname, k, le, cfg->diff_ids[k]);
	if (r < 0)
		return r;
	/* podman / skopeo name layers "<diff_id>.tar": the name must not lie either. */
	ln = strlen(lname);
	if (ln == 2 * SHA256_LEN + 4 && strcmp(lname + 2 * SHA256_LEN, ".tar") == 0) {
		char hex[2 * SHA256_LEN + 1];
		memcpy(hex, lname, 2 * SHA256_LEN);
		hex[2 * SHA256_LEN] = 0;
		if (hex_decode_exact(hex, SHA256_LEN, false, named_diff) == 0 &&
		    memcmp(named_diff, le->diff_sha256, SHA256_LEN) != 0) {
			docker_diag_set(c->diag,
					"entry '%s': layer name does not match its content", lname);
			return -EBADMSG;
		}
	}
	return 0;
}

/* The repository tags of image i, normalized and sorted (untaggable ones skipped). */
static int docker_view_tags(struct ctx *c, size_t i, const struct docker_manifest_item *it,
			    struct docker_image *img)
{
	int r = 0;

	for (size_t k = 0; r >= 0 && k < it->n_repo_tags; k++) {
		_cleanup_(freep) char *t = NULL;
		r = docker_reference_normalize(it->repo_tags[k], &t);
		if (r == -ENOENT) {
			r = 0;
			continue;
		}
		if (r < 0) {
			docker_diag_set(c->diag, "manifest.json image %zu: invalid tag '%s'", i,
					it->repo_tags[k]);
			return r == -ENOMEM ? r : -EBADMSG;
		}
		r = strv_add_sorted(&img->tags, &img->n_tags, t);
	}
	return r;
}

/* Image i of manifest.json: its config, its layers, its tags, merged into out. */
static int docker_view_item(struct ctx *c, size_t i, const struct docker_manifest_item *it,
			    struct docker_image_set *out)
{
	_cleanup_(docker_config_freep) struct docker_config *cfg = NULL;
	_cleanup_(freep) char *cname = NULL;
	struct docker_image img = {};
	const struct docker_entry *ce;
	int r;

	r = docker_view_config(c, i, it, &cname, &ce, &cfg);
	if (r < 0)
		return r;
	if (cfg->n_diff_ids != it->n_layers) {
		docker_diag_set(c->diag,
				"manifest.json image %zu: %zu layers, config '%s' has %zu diff_ids",
				i, it->n_layers, cname, cfg->n_diff_ids);
		return -EBADMSG;
	}
	for (size_t k = 0; k < it->n_layers; k++) {
		r = docker_view_layer(c, i, it, k, cfg);
		if (r < 0)
			return r;
	}
	r = image_from_config(&img, ce, cfg, &c->source);
	if (r >= 0)
		r = docker_view_tags(c, i, it, &img);
	if (r >= 0)
		r = docker_image_set_merge(out, &img, c->diag);
	image_clear(&img);
	return r;
}

static int docker_view(struct ctx *c, const struct docker_entry *mf, struct docker_image_set *out)
{
	_cleanup_(docker_manifest_freep) struct docker_manifest *m = NULL;
	char err[256];
	int r = entry_json(c, mf, "manifest.json");

	if (r < 0)
		return r;
	r = docker_manifest_parse(mf->data, mf->data_len, &m, err, sizeof(err));
	if (r < 0) {
		docker_diag_set(c->diag, "entry 'manifest.json': %s", err);
		return r;
	}
	for (size_t i = 0; i < m->n_items; i++) {
		r = docker_view_item(c, i, &m->items[i], out);
		if (r < 0)
			return r;
	}
	return 0;
}

static int oci_manifest_image(struct ctx *c, const struct oci_descriptor *d,
			      const struct docker_entry *me, const uint8_t *top_index, char **tags,
			      size_t n_tags, struct docker_image_set *out)
{
	_cleanup_(oci_manifest_freep) struct oci_manifest *m = NULL;
	_cleanup_(docker_config_freep) struct docker_config *cfg = NULL;
	const struct docker_entry *ce;
	struct docker_image img = {};
	char err[256], ds[OCI_DIGEST_STRLEN], what[128];
	int r;

	digest_str(d->digest, ds);
	r = oci_manifest_parse(me->data, me->data_len, &m, err, sizeof(err));
	if (r < 0) {
		docker_diag_set(c->diag, "manifest %s: %s", ds, err);
		return r;
	}
	if (!oci_config_media_type_ok(m->config.media_type)) {
		docker_diag_set(c->diag, "manifest %s: unsupported config media type '%s'", ds,
				m->config.media_type ? m->config.media_type : "(none)");
		return -EOPNOTSUPP;
	}
	snprintf(what, sizeof(what), "manifest %.19s...: config", ds);
	r = blob_entry(c, &m->config, what, &ce);
	if (r < 0)
		return r;
	r = verify_config(c, ce, ce->name, &cfg);
	if (r < 0)
		return r;
	if (cfg->n_diff_ids != m->n_layers) {
		docker_diag_set(c->diag, "manifest %s: %zu layers, config has %zu diff_ids", ds,
				m->n_layers, cfg->n_diff_ids);
		return -EBADMSG;
	}
	for (size_t k = 0; k < m->n_layers; k++) {
		const struct docker_entry *le;
		enum docker_compression want;

		snprintf(what, sizeof(what), "manifest %.19s...: layer %zu", ds, k);
		if (oci_layer_media_type_compression(m->layers[k].media_type, &want) < 0) {
			docker_diag_set(c->diag, "%s: unsupported media type '%s'", what,
					m->layers[k].media_type ? m->layers[k].media_type : "(none)");
			return -EOPNOTSUPP;
		}
		r = blob_entry(c, &m->layers[k], what, &le);
		if (r < 0)
			return r;
		if (le->compression != want) {
			docker_diag_set(c->diag, "%s: media type says %s, blob '%s' is %s", what,
					docker_compression_to_string(want), le->name,
					docker_compression_to_string(le->compression));
			return -EBADMSG;
		}
		r = verify_layer(c, le->name, k, le, cfg->diff_ids[k]);
		if (r < 0)
			return r;
	}
	r = image_from_config(&img, ce, cfg, &c->source);
	if (r >= 0)
		r = digestv_add_sorted(&img.manifests, &img.n_manifests, d->digest);
	if (r >= 0 && top_index)
		r = digestv_add_sorted(&img.indexes, &img.n_indexes, top_index);
	for (size_t k = 0; r >= 0 && k < n_tags; k++)
		r = strv_add_sorted(&img.tags, &img.n_tags, tags[k]);
	if (r >= 0)
		r = docker_image_set_merge(out, &img, c->diag);
	image_clear(&img);
	return r;
}

static int oci_walk(struct ctx *c, const struct oci_descriptor *d, unsigned depth,
		    const uint8_t *top_index, char **tags, size_t n_tags,
		    struct docker_image_set *out);

static int oci_walk_index(struct ctx *c, const struct oci_index *x, unsigned depth,
			  const uint8_t *top_index, char **tags, size_t n_tags,
			  struct docker_image_set *out)
{
	for (size_t i = 0; i < x->n_manifests; i++) {
		int r = oci_walk(c, &x->manifests[i], depth, top_index, tags, n_tags, out);
		if (r < 0)
			return r;
	}
	return 0;
}

static int oci_walk(struct ctx *c, const struct oci_descriptor *d, unsigned depth,
		    const uint8_t *top_index, char **tags, size_t n_tags,
		    struct docker_image_set *out)
{
	const struct docker_entry *e;
	char ds[OCI_DIGEST_STRLEN], err[256];
	enum oci_kind kind;
	int r;

	digest_str(d->digest, ds);
	r = blob_entry(c, d, depth == 0 ? "index.json entry" : "nested index entry", &e);
	if (r < 0)
		return r;
	/* BuildKit attestations: a manifest whose "layer" is in-toto JSON, not an image. */
	if (d->attestation || d->platform_unknown)
		return 0;
	r = entry_json(c, e, "manifest or index");
	if (r < 0)
		return r;
	kind = d->media_type ? oci_media_type_kind(d->media_type)
			     : oci_document_kind(e->data, e->data_len);
	if (kind == OCI_KIND_UNKNOWN) {
		docker_diag_set(c->diag, "descriptor %s: unsupported media type '%s'", ds,
				d->media_type ? d->media_type : "(none)");
		return -EOPNOTSUPP;
	}
	if (kind == OCI_KIND_MANIFEST)
		return oci_manifest_image(c, d, e, top_index, tags, n_tags, out);
	if (depth >= DOCKER_MAX_INDEX_DEPTH) {
		docker_diag_set(c->diag, "index %s: nested more than %u deep", ds,
				DOCKER_MAX_INDEX_DEPTH);
		return -E2BIG;
	}
	{
		_cleanup_(oci_index_freep) struct oci_index *x = NULL;
		r = oci_index_parse(e->data, e->data_len, &x, err, sizeof(err));
		if (r < 0) {
			docker_diag_set(c->diag, "index %s: %s", ds, err);
			return r;
		}
		return oci_walk_index(c, x, depth + 1, top_index ? top_index : d->digest, tags,
				      n_tags, out);
	}
}

static int oci_view(struct ctx *c, const struct docker_entry *ix, struct docker_image_set *out)
{
	_cleanup_(oci_index_freep) struct oci_index *x = NULL;
	const struct docker_entry *layout = docker_archive_find(c->a, "oci-layout");
	char err[256];
	int r;

	if (!layout || layout->type != DOCKER_ENTRY_FILE) {
		docker_diag_set(c->diag, "entry 'oci-layout' missing beside 'index.json'");
		return -ENOENT;
	}
	r = entry_json(c, layout, "oci-layout");
	if (r < 0)
		return r;
	{
		_cleanup_(json_decrefp) json_t *j = NULL;
		const json_t *v;
		r = json_parse_capped(layout->data, layout->data_len, 4096, 4, &j, err, sizeof(err));
		if (r < 0) {
			docker_diag_set(c->diag, "entry 'oci-layout': invalid JSON: %s", err);
			return r;
		}
		v = json_object_get(j, "imageLayoutVersion");
		if (!json_is_string(v) || strcmp(json_string_value(v), "1.0.0") != 0) {
			docker_diag_set(c->diag, "entry 'oci-layout': imageLayoutVersion is not 1.0.0");
			return -EOPNOTSUPP;
		}
	}
	r = entry_json(c, ix, "index.json");
	if (r < 0)
		return r;
	r = oci_index_parse(ix->data, ix->data_len, &x, err, sizeof(err));
	if (r < 0) {
		docker_diag_set(c->diag, "entry 'index.json': %s", err);
		return r;
	}
	for (size_t i = 0; i < x->n_manifests; i++) {
		const struct oci_descriptor *d = &x->manifests[i];
		_cleanup_(freep) char *tag = NULL;
		const char *ref = d->image_name ? d->image_name : d->ref_name;
		char *tags[1];

		if (ref) {
			r = docker_reference_normalize(ref, &tag);
			if (r < 0 && r != -ENOENT) {
				docker_diag_set(c->diag, "entry 'index.json': manifests[%zu]: invalid image reference '%s'",
						i, ref);
				return r == -ENOMEM ? r : -EBADMSG;
			}
		}
		tags[0] = tag;
		r = oci_walk(c, d, 0, NULL, tags, tag ? 1 : 0, out);
		if (r < 0) {
			char tmp[sizeof(c->diag->msg)];
			memcpy(tmp, c->diag->msg, sizeof(tmp));
			docker_diag_set(c->diag, "entry 'index.json': manifests[%zu]: %s", i, tmp);
			return r;
		}
	}
	return 0;
}

static int image_set_find(const struct docker_image_set *s, const uint8_t id[SHA256_LEN])
{
	for (size_t i = 0; i < s->n_images; i++)
		if (memcmp(s->images[i].id, id, SHA256_LEN) == 0)
			return (int)i;
	return -1;
}

static void tags_string(const struct docker_image *img, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = 0;
	for (size_t i = 0; i < img->n_tags && o < size; i++) {
		int n = snprintf(buf + o, size - o, "%s%s", i ? ", " : "", img->tags[i]);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (img->n_tags == 0)
		snprintf(buf, size, "(untagged)");
}

/* docker >= 25: manifest.json and index.json must describe the same images and tags. */
static int views_agree(struct ctx *c, const struct docker_image_set *dv,
		       const struct docker_image_set *ov)
{
	for (size_t i = 0; i < dv->n_images; i++) {
		char id[OCI_DIGEST_STRLEN], t1[256], t2[256];
		int k = image_set_find(ov, dv->images[i].id);
		digest_str(dv->images[i].id, id);
		if (k < 0) {
			docker_diag_set(c->diag,
					"manifest.json and index.json disagree: image %s is only in manifest.json",
					id);
			return -EBADMSG;
		}
		if (!strv_equal(dv->images[i].tags, dv->images[i].n_tags, ov->images[k].tags,
				ov->images[k].n_tags)) {
			tags_string(&dv->images[i], t1, sizeof(t1));
			tags_string(&ov->images[k], t2, sizeof(t2));
			docker_diag_set(c->diag,
					"manifest.json and index.json disagree on the tags of image %s: [%s] vs [%s]",
					id, t1, t2);
			return -EBADMSG;
		}
	}
	for (size_t i = 0; i < ov->n_images; i++)
		if (image_set_find(dv, ov->images[i].id) < 0) {
			char id[OCI_DIGEST_STRLEN];
			digest_str(ov->images[i].id, id);
			docker_diag_set(c->diag,
					"manifest.json and index.json disagree: image %s is only in index.json",
					id);
			return -EBADMSG;
		}
	return 0;
}

int docker_images_from_archive(const struct docker_archive *a, struct docker_image_set *set,
			       struct docker_diag *diag)
{
	_cleanup_(docker_image_set_freep) struct docker_image_set *dv = NULL, *ov = NULL;
	const struct docker_entry *mf = docker_archive_find(a, "manifest.json");
	const struct docker_entry *ix = docker_archive_find(a, "index.json");
	struct ctx c = {.a = a, .diag = diag};
	int r;

	c.source.archive = a->name;
	memcpy(c.source.sha256, a->sha256, SHA256_LEN);
	r = verify_blobs(&c);
	if (r < 0)
		return r;
	if (mf && mf->type != DOCKER_ENTRY_FILE) {
		docker_diag_set(diag, "entry 'manifest.json': not a regular file");
		return -EBADMSG;
	}
	if (ix && ix->type != DOCKER_ENTRY_FILE) {
		docker_diag_set(diag, "entry 'index.json': not a regular file");
		return -EBADMSG;
	}
	if (!mf && !ix) {
		docker_diag_set(diag, "neither 'manifest.json' nor 'index.json' in the archive");
		return -ENOENT;
	}
	if (docker_image_set_new(&dv) < 0 || docker_image_set_new(&ov) < 0)
		return -ENOMEM;
	if (mf) {
		r = docker_view(&c, mf, dv);
		if (r < 0)
			return r;
	}
	if (ix) {
		r = oci_view(&c, ix, ov);
		if (r < 0)
			return r;
	}
	if (mf && ix) {
		r = views_agree(&c, dv, ov);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < dv->n_images; i++)
		if ((r = docker_image_set_merge(set, &dv->images[i], diag)) < 0)
			return r;
	for (size_t i = 0; i < ov->n_images; i++)
		if ((r = docker_image_set_merge(set, &ov->images[i], diag)) < 0)
			return r;
	if (dv->n_images == 0 && ov->n_images == 0) {
		docker_diag_set(diag, "no images in the archive");
		return -ENOENT;
	}
	return 0;
}

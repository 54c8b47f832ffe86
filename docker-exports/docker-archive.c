/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Streaming walker over container image archives; see docker-archive.h.
 * Tar: POSIX.1-2017 pax/ustar and GNU tar through libarchive; compressed entries by magic:
 * gzip (RFC 1952, 1f 8b) and zstd (RFC 8878, 28 b5 2f fd).
 * Data flow for one regular entry, all pull-driven from the outer tar reader:
 *   L0 entry bytes (hashed: entry sha256)
 *    -> [if gzip/zstd: a second libarchive reader, filter + "raw" format, pulling from L0]
 *   L1 decompressed bytes (hashed: diff sha256; for uncompressed entries L1 is L0)
 *    -> [if it starts with a ustar header: a third libarchive reader, tar format, pulling from
 *        L1, that only looks at names]
 * Whatever a consumer did not read is drained, so every byte is hashed exactly once. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "digest.h"
#include "dlopen-archive.h" /* the archive_ names below are pointers resolved by dlopen_libarchive() */
#include "docker-archive.h"
#include "hash-worker.h"
#include "size.h"
#include "vec.h"

void docker_diag_set(struct docker_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}

const char *docker_compression_to_string(enum docker_compression c)
{
	switch (c) {
	case DOCKER_COMPRESSION_NONE:
		return "none";
	case DOCKER_COMPRESSION_GZIP:
		return "gzip";
	case DOCKER_COMPRESSION_ZSTD:
		return "zstd";
	default:
		return "other";
	}
}

/* ---- names ---------------------------------------------------------------------------------- */

/* Splits path into components and pushes them onto a stack of (start, len) pairs, popping on
 * "..". allow_climb=false: any ".." is an error; true: ".." pops, and popping an empty stack
 * is an error (the path leaves the root). Writes the joined result to out. */
static int path_join_normalized(const char *base, size_t base_len, const char *path,
				bool allow_climb, char **ret)
{
	/* Worst case every component is one byte: DOCKER_MAX_PATH components per input. */
	size_t total, n_comp = 0, out_len = 0;
	const char *comp[2 * DOCKER_MAX_PATH];
	size_t comp_len[2 * DOCKER_MAX_PATH];
	const char *parts[2];
	size_t parts_len[2];
	char *out;

	if (!size_add(base_len, strlen(path), &total) || total > DOCKER_MAX_PATH)
		return -EBADMSG;
	parts[0] = base;
	parts_len[0] = base_len;
	parts[1] = path;
	parts_len[1] = strlen(path);
	for (size_t k = 0; k < 2; k++) {
		const char *p = parts[k], *end = parts[k] + parts_len[k];
		while (p < end) {
			const char *q = memchr(p, '/', (size_t)(end - p));
			size_t n = q ? (size_t)(q - p) : (size_t)(end - p);
			if (n == 0 || (n == 1 && p[0] == '.')) {
				/* "//" or "./": nothing */
			} else if (n == 2 && p[0] == '.' && p[1] == '.') {
				if (!allow_climb || n_comp == 0)
					return -EBADMSG;
				out_len -= comp_len[n_comp - 1] + 1;
				n_comp--;
			} else {
				if (n_comp >= ARRAY_SIZE(comp))
					return -EBADMSG;
				comp[n_comp] = p;
				comp_len[n_comp] = n;
				n_comp++;
				out_len += n + 1;
			}
			p += n + (q ? 1 : 0);
		}
	}
	if (n_comp == 0)
		return -EBADMSG;
	out = malloc(out_len);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0, o = 0; i < n_comp; i++) {
		memcpy(out + o, comp[i], comp_len[i]);
		o += comp_len[i];
		out[o++] = i + 1 < n_comp ? '/' : '\0';
	}
	*ret = out;
	return 0;
}

int docker_path_normalize(const char *in, char **ret)
{
	if (!in || in[0] == '/' || strlen(in) > DOCKER_MAX_PATH)
		return -EBADMSG;
	return path_join_normalized("", 0, in, false, ret);
}

int docker_link_resolve(const char *link_name, const char *target, char **ret)
{
	const char *slash;

	if (!target || target[0] == '/' || target[0] == '\0')
		return -EBADMSG;
	slash = strrchr(link_name, '/');
	return path_join_normalized(link_name, slash ? (size_t)(slash - link_name) : 0, target,
				    true, ret);
}

bool docker_path_escapes(const char *path)
{
	const char *p = path;

	if (p[0] == '/')
		return true;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += n;
		if (*p == '/')
			p++;
	}
	return false;
}

/* ---- the archive file, read through a ring of buffers ----------------------------------------- */

struct source {
	int fd;                 /* or -1: memory */
	const uint8_t *mem;
	size_t mem_len, mem_off;
	uint8_t *ring[DOCKER_READ_RING];
	uint64_t ticket[DOCKER_READ_RING];
	unsigned next;
	struct hash_worker *hw;
	EVP_MD_CTX *ctx;        /* sha256 of the file */
	uint64_t total;
	int error;              /* first read error */
	const struct docker_read_options *o;
};

static ssize_t source_fill(struct source *s, uint8_t *buf, size_t want)
{
	size_t got = 0;

	if (s->fd < 0) {
		got = MIN(want, s->mem_len - s->mem_off);
		memcpy(buf, s->mem + s->mem_off, got);
		s->mem_off += got;
		return (ssize_t)got;
	}
	while (got < want) {
		ssize_t n = read(s->fd, buf + got, want - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* The next ring buffer, filled and queued for the file hash. 0 bytes at the end of the file. */
static ssize_t source_read(struct source *s, const uint8_t **ret)
{
	unsigned i = s->next;
	ssize_t n;
	int r;

	/* The worker may still be hashing what this buffer held a lap ago. */
	r = hash_worker_wait(s->hw, s->ticket[i]);
	if (r < 0)
		return r;
	n = source_fill(s, s->ring[i], DOCKER_READ_SIZE);
	if (n < 0)
		return n;
	if (n > 0) {
		r = hash_worker_submit(s->hw, s->ctx, s->ring[i], (size_t)n, &s->ticket[i]);
		if (r < 0)
			return r;
		s->total += (uint64_t)n;
		if (s->o && s->o->progress)
			s->o->progress(s->total, s->o->userdata);
	}
	s->next = (i + 1) % DOCKER_READ_RING;
	*ret = s->ring[i];
	return n;
}

static la_ssize_t outer_read_cb(struct archive *a, void *userdata, const void **buf)
{
	struct source *s = userdata;
	const uint8_t *b = NULL;
	ssize_t n = source_read(s, &b);

	if (n < 0) {
		s->error = (int)n;
		archive_set_error(a, (int)-n, "read error: %s", strerror((int)-n));
		return -1;
	}
	*buf = b;
	return (la_ssize_t)n;
}

/* ---- pull streams with a peek window ---------------------------------------------------------- */

struct walker;

struct pstream {
	int (*pull)(void *userdata, const uint8_t **buf, size_t *len); /* len 0 = end */
	void *userdata;
	EVP_MD_CTX *ctx;        /* every pulled byte is hashed into it */
	bool offload;           /* hash through the worker (copied) instead of inline */
	struct hash_worker *hw;
	uint64_t total;
	uint8_t peek[DOCKER_PEEK];
	size_t peek_len;
	bool peek_served;
	const uint8_t *rest;    /* the unserved tail of the block that filled the peek window */
	size_t rest_len;
	bool eof;
};

static int pstream_pull(struct pstream *s, const uint8_t **buf, size_t *len)
{
	int r = s->pull(s->userdata, buf, len);

	if (r < 0)
		return r;
	if (*len == 0) {
		s->eof = true;
		return 0;
	}
	if (!u64_add(s->total, *len, &s->total))
		return -E2BIG;
	if (s->offload)
		return hash_worker_submit_copy(s->hw, s->ctx, *buf, *len);
	return EVP_DigestUpdate(s->ctx, *buf, *len) == 1 ? 0 : -EIO;
}

static int pstream_peek(struct pstream *s)
{
	while (s->peek_len < DOCKER_PEEK && !s->eof) {
		const uint8_t *b;
		size_t n, take;
		int r = pstream_pull(s, &b, &n);
		if (r < 0)
			return r;
		if (n == 0)
			break;
		take = MIN(n, DOCKER_PEEK - s->peek_len);
		memcpy(s->peek + s->peek_len, b, take);
		s->peek_len += take;
		if (take < n) {
			s->rest = b + take;
			s->rest_len = n - take;
			break;
		}
	}
	s->peek_served = s->peek_len == 0;
	return 0;
}

/* The next bytes: the peek window, then the rest of its block, then pulled blocks. Each
 * returned buffer is valid until the next call (libarchive's read callback contract). */
static int pstream_next(struct pstream *s, const uint8_t **buf, size_t *len)
{
	if (!s->peek_served) {
		s->peek_served = true;
		*buf = s->peek;
		*len = s->peek_len;
		return 0;
	}
	if (s->rest_len > 0) {
		*buf = s->rest;
		*len = s->rest_len;
		s->rest_len = 0;
		return 0;
	}
	if (s->eof) {
		*buf = NULL;
		*len = 0;
		return 0;
	}
	return pstream_pull(s, buf, len);
}

static int pstream_drain(struct pstream *s)
{
	for (;;) {
		const uint8_t *b;
		size_t n;
		int r = pstream_next(s, &b, &n);
		if (r < 0)
			return r;
		if (n == 0)
			return 0;
	}
}

static la_ssize_t pstream_archive_cb(struct archive *a, void *userdata, const void **buf)
{
	struct pstream *s = userdata;
	const uint8_t *b;
	size_t n;
	int r = pstream_next(s, &b, &n);

	if (r < 0) {
		archive_set_error(a, EIO, "upstream read failed");
		return -1;
	}
	*buf = b;
	return (la_ssize_t)n;
}

/* ---- the walker --------------------------------------------------------------------------------- */

struct walker {
	struct archive *a;
	struct hash_worker *hw;
	EVP_MD_CTX *entry_ctx, *diff_ctx;
	const char *entry_name;  /* current entry, for messages */
	uint64_t entry_offset;   /* bytes of the current entry's data so far */
	bool outer_failed;       /* the outer archive failed: fatal, whatever the consumer */
	char outer_error[256];
	struct docker_entry *entries;
	size_t n_entries, n_alloc;
	size_t metadata_total;
	struct docker_diag *diag;
};

static int outer_pull(void *userdata, const uint8_t **buf, size_t *len)
{
	struct walker *w = userdata;
	const void *b;
	size_t n;
	la_int64_t off;
	int r = archive_read_data_block(w->a, &b, &n, &off);

	if (r == ARCHIVE_EOF) {
		*buf = NULL;
		*len = 0;
		return 0;
	}
	if (r != ARCHIVE_OK) {
		w->outer_failed = true;
		snprintf(w->outer_error, sizeof(w->outer_error), "%s",
			 archive_error_string(w->a) ? archive_error_string(w->a)
						    : "truncated or corrupt data");
		return -EBADMSG;
	}
	if (off < 0 || (uint64_t)off != w->entry_offset) {
		/* Sparse tar entries: docker and OCI tools never write them. */
		w->outer_failed = true;
		snprintf(w->outer_error, sizeof(w->outer_error),
			 "sparse or out-of-order data at offset %lld", (long long)off);
		return -EBADMSG;
	}
	w->entry_offset += n;
	*buf = b;
	*len = n;
	return 0;
}

static int dec_pull(void *userdata, const uint8_t **buf, size_t *len)
{
	struct archive *dec = userdata;
	const void *b;
	size_t n;
	la_int64_t off;
	int r = archive_read_data_block(dec, &b, &n, &off);

	if (r == ARCHIVE_EOF) {
		*buf = NULL;
		*len = 0;
		return 0;
	}
	if (r != ARCHIVE_OK)
		return -EBADMSG;
	*buf = b;
	*len = n;
	return 0;
}

static void archive_freep(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}

static int set_error_string(char **dst, const char *fmt, ...) _printf_(2, 3);
static int set_error_string(char **dst, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*dst)
		return 0; /* keep the first */
	va_start(ap, fmt);
	r = vasprintf(dst, fmt, ap);
	va_end(ap);
	if (r < 0) {
		*dst = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Reads the names of a tar (a layer) from s; records the first escaping name or the parse
 * error. Does not drain s. */
static int scan_layer_tar(struct walker *w, struct docker_entry *e, struct pstream *s)
{
	_cleanup_(archive_freep) struct archive *lt = archive_read_new();
	struct archive_entry *le;
	int r;

	if (!lt)
		return -ENOMEM;
	if (archive_read_support_format_tar(lt) != ARCHIVE_OK ||
	    archive_read_open(lt, s, NULL, pstream_archive_cb, NULL) != ARCHIVE_OK)
		return w->outer_failed ? -EBADMSG
				       : set_error_string(&e->tar_defect, "not a valid tar: %s",
							  archive_error_string(lt));
	for (;;) {
		const char *name, *hl;

		r = archive_read_next_header(lt, &le);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			if (w->outer_failed)
				return -EBADMSG;
			return set_error_string(&e->tar_defect, "tar error after %llu entries: %s",
						(unsigned long long)e->tar_entries,
						archive_error_string(lt) ? archive_error_string(lt)
									 : "?");
		}
		e->tar_entries++;
		name = archive_entry_pathname(le);
		if (!name)
			name = archive_entry_pathname_utf8(le);
		if (!name)
			r = set_error_string(&e->tar_defect, "entry %llu has an undecodable name",
					     (unsigned long long)e->tar_entries);
		else if (docker_path_escapes(name))
			r = set_error_string(&e->tar_defect, "entry name '%s' leaves the root", name);
		else
			r = 0;
		if (r < 0)
			return r;
		hl = archive_entry_hardlink(le);
		if (hl && docker_path_escapes(hl)) {
			r = set_error_string(&e->tar_defect, "hardlink '%s' -> '%s' leaves the root",
					     name ? name : "?", hl);
			if (r < 0)
				return r;
		}
		if (archive_read_data_skip(lt) != ARCHIVE_OK) {
			if (w->outer_failed)
				return -EBADMSG;
			return set_error_string(&e->tar_defect, "tar data error in '%s': %s",
						name ? name : "?",
						archive_error_string(lt) ? archive_error_string(lt)
									 : "?");
		}
	}
	return 0;
}

/* A tar starts with a header block whose checksum (POSIX.1 ustar: the sum of its 512 bytes
 * with the 8-byte chksum field counted as spaces, stored in octal) is right, or with the
 * all-zero end-of-archive block (an empty layer). Old v7 headers have no "ustar" magic, hence
 * the checksum rather than the magic. */
static bool looks_like_tar(const struct pstream *s)
{
	uint64_t sum = 0, stored = 0;
	bool zero = true, digits = false;
	size_t i;

	if (s->peek_len < 512)
		return false;
	for (i = 0; i < 512; i++) {
		if (s->peek[i] != 0)
			zero = false;
		sum += (i >= 148 && i < 156) ? (uint64_t)' ' : s->peek[i];
	}
	if (zero)
		return true;
	for (i = 148; i < 156 && s->peek[i] == ' '; i++)
		;
	for (; i < 156 && s->peek[i] >= '0' && s->peek[i] <= '7'; i++) {
		stored = stored * 8 + (uint64_t)(s->peek[i] - '0');
		digits = true;
	}
	if (!digits || (i < 156 && s->peek[i] != ' ' && s->peek[i] != 0))
		return false;
	return stored == sum;
}

static bool looks_like_json(const struct pstream *s)
{
	for (size_t i = 0; i < s->peek_len; i++) {
		uint8_t c = s->peek[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		return c == '{' || c == '[';
	}
	return false;
}

static bool is_layout_file(const char *name)
{
	return strcmp(name, "manifest.json") == 0 || strcmp(name, "index.json") == 0 ||
	       strcmp(name, "oci-layout") == 0 || strcmp(name, "repositories") == 0;
}

static int finish_digest(EVP_MD_CTX *ctx, uint8_t out[SHA256_LEN])
{
	unsigned n = 0;

	if (EVP_DigestFinal_ex(ctx, out, &n) != 1 || n != SHA256_LEN)
		return -EIO;
	return 0;
}

static int start_digest(EVP_MD_CTX *ctx)
{
	return EVP_DigestInit_ex(ctx, bank_md(BANK_SHA256), NULL) == 1 ? 0 : -EIO;
}

static int fail_outer(struct walker *w)
{
	/* With a compression wrapper, the defect may be in the wrapper rather than in the entry
	 * the tar reader was in when the decompressor gave up. */
	bool wrapped = archive_filter_count(w->a) > 1;
	docker_diag_set(w->diag, "entry '%s': %s%s%s%s", w->entry_name,
			w->outer_error[0] ? w->outer_error : "truncated or corrupt data",
			wrapped ? " (in the " : "", wrapped ? archive_filter_name(w->a, 0) : "",
			wrapped ? " stream that wraps the tar)" : "");
	return -EBADMSG;
}

/* Keeps a small metadata entry whole: reads it through the L0 stream into memory. */
static int keep_entry(struct walker *w, struct docker_entry *e, struct pstream *l0,
		      uint64_t declared)
{
	size_t cap = (size_t)declared, len = 0;
	_cleanup_(freep) uint8_t *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		const uint8_t *b;
		size_t n;
		int r = pstream_next(l0, &b, &n);
		if (r < 0)
			return r;
		if (n == 0)
			break;
		if (n > cap - len) {
			docker_diag_set(w->diag, "entry '%s': more data than its header declares",
					e->name);
			return -EBADMSG;
		}
		memcpy(buf + len, b, n);
		len += n;
	}
	buf[len] = 0;
	w->metadata_total += len;
	e->data = TAKE_PTR(buf);
	e->data_len = len;
	return 0;
}

/* The compressed entry e does not decode: a failure of the outer archive itself ends the walk
 * (fail_outer); else e->decode_error keeps libarchive's message (or fallback) and the walk goes
 * on. */
static int decode_failed(struct walker *w, struct docker_entry *e, struct archive *dec,
			 const char *fallback)
{
	if (w->outer_failed)
		return fail_outer(w);
	return set_error_string(&e->decode_error, "%s", archive_error_string(dec) ?: fallback);
}

/* A gzip or zstd entry: a raw-format libarchive decoder over l0 feeding l1; *stream becomes l1
 * when it decodes, NULL when its first bytes do not (the entry is still hashed as it is). */
static int open_decoder(struct walker *w, struct docker_entry *e, struct archive *dec,
			struct pstream *l0, struct pstream *l1, struct pstream **stream)
{
	struct archive_entry *de;
	int r;

	if (archive_read_support_filter_gzip(dec) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(dec) != ARCHIVE_OK ||
	    archive_read_support_format_raw(dec) != ARCHIVE_OK)
		return -EIO;
	if (archive_read_open(dec, l0, NULL, pstream_archive_cb, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(dec, &de) != ARCHIVE_OK) {
		r = decode_failed(w, e, dec, "not decodable");
		return r < 0 ? r : 0;
	}
	l1->pull = dec_pull;
	l1->userdata = dec;
	l1->offload = true;
	*stream = l1;
	r = pstream_peek(l1);
	if (r < 0) {
		r = decode_failed(w, e, dec, "decode error");
		if (r < 0)
			return r;
		*stream = NULL;
	}
	return 0;
}

/* The entry's digest, and its diff_id's: the same for plain content, all zero when the
 * compressed content does not decode. */
static int finish_entry_digests(struct walker *w, struct docker_entry *e, uint64_t diff_size)
{
	int r = finish_digest(w->entry_ctx, e->sha256);
	if (r < 0)
		return r;
	if (e->compression == DOCKER_COMPRESSION_NONE) {
		memcpy(e->diff_sha256, e->sha256, SHA256_LEN);
		e->diff_size = e->size;
		return 0;
	}
	/* finalise even when undecodable, so the context can be reused */
	r = finish_digest(w->diff_ctx, e->diff_sha256);
	if (r < 0)
		return r;
	e->diff_size = diff_size;
	if (!e->decoded)
		memset(e->diff_sha256, 0, SHA256_LEN);
	return 0;
}

static int walk_regular(struct walker *w, struct docker_entry *e, uint64_t declared)
{
	_cleanup_(archive_freep) struct archive *dec = NULL;
	struct pstream l0 = {
		.pull = outer_pull, .userdata = w, .ctx = w->entry_ctx, .hw = w->hw,
	};
	struct pstream l1 = {.ctx = w->diff_ctx, .hw = w->hw};
	struct pstream *stream = &l0; /* the (decompressed) content */
	bool offloaded = false;
	int r;

	w->entry_offset = 0;
	if (start_digest(w->entry_ctx) < 0 || start_digest(w->diff_ctx) < 0)
		return -EIO;
	/* Inside a gzip/zstd/xz wrapper the main thread is busy inflating the tar: the entry's
	 * digest goes to the worker too (with the file's; the worker's queue is its own). */
	if (archive_filter_count(w->a) > 1)
		l0.offload = offloaded = true;
	r = pstream_peek(&l0);
	if (r < 0)
		return w->outer_failed ? fail_outer(w) : r;

	if (l0.peek_len >= 2 && l0.peek[0] == 0x1f && l0.peek[1] == 0x8b)
		e->compression = DOCKER_COMPRESSION_GZIP;
	else if (l0.peek_len >= 4 && memcmp(l0.peek, "\x28\xb5\x2f\xfd", 4) == 0)
		e->compression = DOCKER_COMPRESSION_ZSTD;

	if (e->compression == DOCKER_COMPRESSION_NONE && (is_layout_file(e->name) || looks_like_json(&l0))) {
		if (declared <= DOCKER_MAX_METADATA_ENTRY &&
		    w->metadata_total + declared <= DOCKER_MAX_METADATA_TOTAL) {
			r = keep_entry(w, e, &l0, declared);
			if (r < 0)
				return w->outer_failed ? fail_outer(w) : r;
		} else
			e->too_big_to_keep = true;
	}

	if (e->compression != DOCKER_COMPRESSION_NONE) {
		/* Decompression is the main thread's work now: the hashing goes to the worker. */
		l0.offload = offloaded = true;
		dec = archive_read_new();
		if (!dec)
			return -ENOMEM;
		r = open_decoder(w, e, dec, &l0, &l1, &stream);
		if (r < 0)
			return r;
	}

	if (stream && !e->data && looks_like_tar(stream)) {
		e->is_tar = true;
		r = scan_layer_tar(w, e, stream);
		if (r < 0)
			return w->outer_failed ? fail_outer(w) : r;
	}
	if (stream && stream != &l0) {
		r = pstream_drain(stream);
		if (r < 0) {
			r = decode_failed(w, e, dec, "decode error");
			if (r < 0)
				return r;
		} else if (!e->decode_error)
			e->decoded = true;
	}
	r = pstream_drain(&l0);
	if (r < 0)
		return w->outer_failed ? fail_outer(w) : r;
	if (l0.total != declared) {
		docker_diag_set(w->diag, "entry '%s': %llu bytes, its header declares %llu", e->name,
				(unsigned long long)l0.total, (unsigned long long)declared);
		return -EBADMSG;
	}
	if (offloaded) {
		r = hash_worker_sync(w->hw);
		if (r < 0)
			return r;
	}
	e->size = l0.total;
	return finish_entry_digests(w, e, l1.total);
}

static struct docker_entry *walker_add(struct walker *w)
{
	struct docker_entry *p = vec_grow(w->entries, w->n_entries, &w->n_alloc, sizeof(*p), 64,
					  DOCKER_MAX_ENTRIES);

	if (!p)
		return NULL;
	w->entries = p;
	memset(&w->entries[w->n_entries], 0, sizeof(w->entries[0]));
	return &w->entries[w->n_entries++];
}

static void entry_clear(struct docker_entry *e)
{
	free(e->name);
	free(e->link);
	free(e->decode_error);
	free(e->tar_defect);
	free(e->data);
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct docker_entry *)a)->name, ((const struct docker_entry *)b)->name);
}

/* A hard link (hl set) or a symbolic link (sl, possibly NULL): its target, resolved inside the
 * archive, goes to e->link; a target outside the archive is refused. The entry has no data. */
static int walk_link(struct walker *w, struct docker_entry *e, const char *hl, const char *sl)
{
	int r;

	if (hl) {
		e->type = DOCKER_ENTRY_HARDLINK;
		if (hl[0] == '/' || docker_path_normalize(hl, &e->link) < 0) {
			docker_diag_set(w->diag,
					"entry '%s': hardlink leads outside the archive: '%s'",
					e->name, hl);
			return -EBADMSG;
		}
		return archive_read_data_skip(w->a) == ARCHIVE_OK ? 0 : fail_outer(w);
	}
	e->type = DOCKER_ENTRY_SYMLINK;
	r = docker_link_resolve(e->name, sl ? sl : "", &e->link);
	if (r == -EBADMSG) {
		docker_diag_set(w->diag, "entry '%s': symlink leads outside the archive: '%s'",
				e->name, sl ? sl : "");
		return r;
	}
	if (r < 0)
		return r;
	return archive_read_data_skip(w->a) == ARCHIVE_OK ? 0 : fail_outer(w);
}

static int walk_header(struct walker *w, struct archive_entry *ae)
{
	const char *raw = archive_entry_pathname(ae), *hl;
	_cleanup_(freep) char *name = NULL;
	struct docker_entry *e;
	mode_t type = archive_entry_filetype(ae);
	la_int64_t size = archive_entry_size(ae);
	int r;

	if (!raw)
		raw = archive_entry_pathname_utf8(ae);
	if (!raw) {
		docker_diag_set(w->diag, "entry %zu: undecodable name", w->n_entries + 1);
		return -EBADMSG;
	}
	w->entry_name = raw;
	if (raw[0] == '/') {
		docker_diag_set(w->diag, "entry '%s': absolute name", raw);
		return -EBADMSG;
	}
	if (strlen(raw) > DOCKER_MAX_PATH) {
		docker_diag_set(w->diag, "entry '%.64s...': name longer than %u bytes", raw,
				DOCKER_MAX_PATH);
		return -E2BIG;
	}
	r = docker_path_normalize(raw, &name);
	if (r == -EBADMSG) {
		/* Either "." (the root directory entry some tools write) or a ".." component. */
		if (type == AE_IFDIR && !docker_path_escapes(raw))
			return archive_read_data_skip(w->a) == ARCHIVE_OK ? 0 : fail_outer(w);
		docker_diag_set(w->diag, "entry '%s': name contains '..'", raw);
		return -EBADMSG;
	}
	if (r < 0)
		return r;
	if (size < 0 || (uint64_t)size > DOCKER_MAX_ENTRY_SIZE) {
		docker_diag_set(w->diag, "entry '%s': absurd size %lld", raw, (long long)size);
		return -E2BIG;
	}

	hl = archive_entry_hardlink(ae);
	if (!hl && type == AE_IFDIR)
		return archive_read_data_skip(w->a) == ARCHIVE_OK ? 0 : fail_outer(w);
	if (!hl && type != AE_IFREG && type != AE_IFLNK) {
		docker_diag_set(w->diag, "entry '%s': unsupported entry type 0%o", raw,
				(unsigned)type);
		return -EBADMSG;
	}
	if (w->n_entries >= DOCKER_MAX_ENTRIES) {
		docker_diag_set(w->diag, "entry '%s': more than %u entries", raw, DOCKER_MAX_ENTRIES);
		return -E2BIG;
	}
	e = walker_add(w);
	if (!e)
		return -ENOMEM;
	e->name = TAKE_PTR(name);
	w->entry_name = e->name;

	if (hl || type == AE_IFLNK)
		return walk_link(w, e, hl, archive_entry_symlink(ae));
	e->type = DOCKER_ENTRY_FILE;
	return walk_regular(w, e, (uint64_t)size);
}

struct docker_archive *docker_archive_free(struct docker_archive *a)
{
	if (!a)
		return NULL;
	for (size_t i = 0; i < a->n_entries; i++)
		entry_clear(&a->entries[i]);
	free(a->entries);
	free(a->name);
	free(a);
	return NULL;
}

/* A libarchive reader of tar (plain, gzip, zstd or xz) over src. */
static int open_tar(struct walker *w, struct source *src, struct docker_diag *diag)
{
	struct archive *a = w->a;

	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(a) != ARCHIVE_OK)
		return -EIO;
	w->entry_name = "(start of archive)";
	if (archive_read_open(a, src, NULL, outer_read_cb, NULL) != ARCHIVE_OK) {
		docker_diag_set(diag, "not a tar archive: %s",
				archive_error_string(a) ? archive_error_string(a) : "?");
		return src->error < 0 ? src->error : -EBADMSG;
	}
	return 0;
}

/* Every tar entry through walk_header, then the end-of-archive marker. */
static int walk_entries(struct walker *w, struct source *src, struct docker_diag *diag)
{
	struct archive *a = w->a;
	struct archive_entry *ae;
	la_int64_t data_end = 0, eof_pos;
	int r;

	for (;;) {
		const char *prev = w->n_entries > 0 ? w->entries[w->n_entries - 1].name : NULL;
		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			if (prev)
				docker_diag_set(diag, "tar header after entry '%s': %s", prev,
						archive_error_string(a) ? archive_error_string(a) : "?");
			else
				docker_diag_set(diag, "first tar header: %s",
						archive_error_string(a) ? archive_error_string(a) : "?");
			return src->error < 0 ? src->error : -EBADMSG;
		}
		r = walk_header(w, ae);
		if (r < 0)
			return src->error < 0 ? src->error : r;
		data_end = archive_filter_bytes(a, 0);
	}
	/* libarchive accepts a tar that stops at an entry boundary; every tar writer ends with
	 * two zero blocks, so a missing end-of-archive marker means the file was cut. */
	eof_pos = archive_filter_bytes(a, 0);
	if (data_end < 0 || eof_pos < 0 || eof_pos < ((data_end + 511) & ~(la_int64_t)511) + 1024) {
		docker_diag_set(
		    diag,
		    "the tar ends without its end-of-archive marker after entry '%s' (truncated)",
		    w->n_entries > 0 ? w->entries[w->n_entries - 1].name : "(none)");
		return -EBADMSG;
	}
	return 0;
}

/* Hash the bytes after the tar's end marker too: the file digest covers the whole file. */
static int hash_trailer(struct source *src, struct docker_diag *diag)
{
	for (;;) {
		const uint8_t *b;
		ssize_t n = source_read(src, &b);
		if (n < 0) {
			docker_diag_set(diag, "reading after the end of the tar: %s",
					strerror((int)-n));
			return (int)n;
		}
		if (n == 0)
			return 0;
	}
}

/* The archive's description: name, compression, digest, size, its entries sorted (each once). */
static int archive_result(const char *name, struct walker *w, struct source *src,
			  EVP_MD_CTX *file_ctx, struct docker_diag *diag,
			  struct docker_archive **ret)
{
	_cleanup_(docker_archive_freep) struct docker_archive *res = NULL;
	int r;

	res = calloc(1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	res->name = strdup(name);
	if (!res->name)
		return -ENOMEM;
	for (int i = 0; i < archive_filter_count(w->a); i++)
		switch (archive_filter_code(w->a, i)) {
		case ARCHIVE_FILTER_GZIP:
			res->wrapper = DOCKER_COMPRESSION_GZIP;
			break;
		case ARCHIVE_FILTER_ZSTD:
			res->wrapper = DOCKER_COMPRESSION_ZSTD;
			break;
		case ARCHIVE_FILTER_NONE:
			break;
		default:
			res->wrapper = DOCKER_COMPRESSION_OTHER;
		}
	r = finish_digest(file_ctx, res->sha256);
	if (r < 0)
		return r;
	res->size = src->total;
	res->metadata_total = w->metadata_total;
	if (w->n_entries > 1)
		qsort(w->entries, w->n_entries, sizeof(w->entries[0]), entry_cmp);
	for (size_t i = 1; i < w->n_entries; i++)
		if (strcmp(w->entries[i - 1].name, w->entries[i].name) == 0) {
			docker_diag_set(diag, "entry '%s': duplicate entry", w->entries[i].name);
			return -EBADMSG;
		}
	res->entries = TAKE_PTR(w->entries);
	res->n_entries = w->n_entries;
	w->n_entries = 0;
	*ret = TAKE_PTR(res);
	return 0;
}

static int archive_read_common(struct source *src, const char *name,
			       const struct docker_read_options *o, struct docker_archive **ret,
			       struct docker_diag *diag)
{
	static const struct docker_read_options defaults = {.threaded = true};
	_cleanup_(hash_worker_freep) struct hash_worker *hw = NULL;
	_cleanup_(archive_freep) struct archive *a = NULL;
	_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *file_ctx = NULL, *entry_ctx = NULL,
					       *diff_ctx = NULL;
	struct walker w = {.diag = diag};
	int r;

	if (!o)
		o = &defaults;
	src->o = o;
	docker_diag_set(diag, "%s", "");
	r = dlopen_libarchive();
	if (r < 0) {
		docker_diag_set(diag, "%s cannot be loaded", LIBARCHIVE_SONAME);
		return r;
	}
	r = hash_worker_new(o->threaded, &hw);
	if (r < 0)
		return r;
	file_ctx = EVP_MD_CTX_new();
	entry_ctx = EVP_MD_CTX_new();
	diff_ctx = EVP_MD_CTX_new();
	if (!file_ctx || !entry_ctx || !diff_ctx)
		return -ENOMEM;
	if (start_digest(file_ctx) < 0)
		return -EIO;
	for (unsigned i = 0; i < DOCKER_READ_RING; i++) {
		src->ring[i] = malloc(DOCKER_READ_SIZE);
		if (!src->ring[i]) {
			r = -ENOMEM;
			goto out;
		}
	}
	src->hw = hw;
	src->ctx = file_ctx;
	w.hw = hw;
	w.entry_ctx = entry_ctx;
	w.diff_ctx = diff_ctx;
	a = archive_read_new();
	if (!a) {
		r = -ENOMEM;
		goto out;
	}
	w.a = a;
	if ((r = open_tar(&w, src, diag)) < 0 || (r = walk_entries(&w, src, diag)) < 0 ||
	    (r = hash_trailer(src, diag)) < 0 || (r = hash_worker_sync(hw)) < 0)
		goto out;
	r = archive_result(name, &w, src, file_ctx, diag, ret);
out:
	/* The worker may still reference ring buffers or contexts: stop it first. */
	hw = hash_worker_free(hw);
	for (unsigned i = 0; i < DOCKER_READ_RING; i++) {
		free(src->ring[i]);
		src->ring[i] = NULL;
	}
	for (size_t i = 0; i < w.n_entries; i++)
		entry_clear(&w.entries[i]);
	free(w.entries);
	return r;
}

int docker_archive_read_fd(int fd, const char *name, const struct docker_read_options *o,
			   struct docker_archive **ret, struct docker_diag *diag)
{
	struct source src = {.fd = fd};
	return archive_read_common(&src, name, o, ret, diag);
}

int docker_archive_read_memory(const void *data, size_t len, const char *name,
			       const struct docker_read_options *o, struct docker_archive **ret,
			       struct docker_diag *diag)
{
	struct source src = {.fd = -1, .mem = data, .mem_len = len};
	return archive_read_common(&src, name, o, ret, diag);
}

/* ---- lookups ------------------------------------------------------------------------------------ */

const struct docker_entry *docker_archive_find(const struct docker_archive *a, const char *name)
{
	struct docker_entry key = {.name = (char *)(uintptr_t)name};

	if (a->n_entries == 0)
		return NULL;
	return bsearch(&key, a->entries, a->n_entries, sizeof(a->entries[0]), entry_cmp);
}

int docker_archive_resolve(const struct docker_archive *a, const char *path,
			   const struct docker_entry **ret, struct docker_diag *diag)
{
	_cleanup_(freep) char *norm = NULL;
	const struct docker_entry *e;
	int r = docker_path_normalize(path, &norm);

	if (r < 0) {
		docker_diag_set(diag, "'%s': not a valid entry name", path);
		return r == -ENOMEM ? r : -EBADMSG;
	}
	e = docker_archive_find(a, norm);
	for (unsigned depth = 0; e && e->type != DOCKER_ENTRY_FILE; depth++) {
		if (depth >= DOCKER_MAX_LINK_DEPTH) {
			docker_diag_set(diag, "'%s': more than %u links to follow", path,
					DOCKER_MAX_LINK_DEPTH);
			return -ELOOP;
		}
		e = docker_archive_find(a, e->link);
	}
	if (!e) {
		docker_diag_set(diag, "'%s': no such entry in the archive", path);
		return -ENOENT;
	}
	*ret = e;
	return 0;
}

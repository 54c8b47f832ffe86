/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runtime measurement into PCR 14/15 (walk and formats in runtime-measure.h). The log record
 * follows systemd's userspace measurement log, RFC 7464 JSON text sequences, as written by
 * systemd v255+ src/shared/tpm2-util.c tpm2_userspace_log(): 0x1E, a JSON object with "pcr",
 * "digests" [{"hashAlg","digest"}], "content_type": "systemd", "content" {...}, '\n'; the file is
 * flock(LOCK_EX)'d across the extend and the append. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "errbuf.h"
#include "digest.h"
#include "hexstr.h"
#include "measure-eventlog.h"
#include "parse.h"
#include "runtime-measure.h"
#include "tpm2-esys.h"

static const char *const kind_names[_RUNTIME_KIND_MAX] = {"input", "output"};

const char *runtime_kind_to_string(enum runtime_kind k)
{
	return (unsigned)k < _RUNTIME_KIND_MAX ? kind_names[k] : NULL;
}

int runtime_kind_from_string(const char *s)
{
	for (unsigned i = 0; i < _RUNTIME_KIND_MAX; i++)
		if (s && strcmp(s, kind_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

struct walk {
	EVP_MD_CTX *manifest;
	uint64_t size;
	uint64_t n_entries;
	char *errbuf;
	size_t errbuf_size;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int emit(struct walk *w, const char *line)
{
	return EVP_DigestUpdate(w->manifest, line, strlen(line)) == 1 ? 0 : -EIO;
}

/* The names in d (without "." and ".."), sorted, into *names and *n (the caller frees them, also
 * on error); the walk's entry cap counts them. */
static int list_names(struct walk *w, DIR *d, const char *rel, char ***names, size_t *n)
{
	struct dirent *de;
	size_t cap = 0;

	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (strchr(de->d_name, '\n'))
			return errbuf_set(w->errbuf, w->errbuf_size, -EINVAL,
					  "%s: an entry name contains a newline", *rel ? rel : ".");
		if (++w->n_entries > RUNTIME_MAX_ENTRIES)
			return errbuf_set(w->errbuf, w->errbuf_size, -E2BIG, "more than %u entries",
					  RUNTIME_MAX_ENTRIES);
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **nn = reallocarray(*names, ncap, sizeof(char *));
			if (!nn)
				return -ENOMEM;
			*names = nn;
			cap = ncap;
		}
		(*names)[*n] = strdup(de->d_name);
		if (!(*names)[*n])
			return -ENOMEM;
		(*n)++;
	}
	if (errno)
		return errbuf_set(w->errbuf, w->errbuf_size, -errno, "%s: readdir failed", rel);
	if (*n > 0)
		qsort(*names, *n, sizeof(char *), cmp_names);
	return 0;
}

/* "f SHA256 SIZE PATH": a regular file's digest and size. */
static int emit_file(struct walk *w, DIR *d, const char *name, const char *child)
{
	_cleanup_(freep) char *line = NULL;
	char hex[65];
	uint8_t dg[32];
	uint64_t sz;
	int r, fd = openat(dirfd(d), name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return errbuf_set(w->errbuf, w->errbuf_size, -errno, "%s: cannot open", child);
	r = digest_fd(BANK_SHA256, fd, dg, &sz);
	close(fd);
	if (r < 0)
		return errbuf_set(w->errbuf, w->errbuf_size, r, "%s: read failed", child);
	hex_encode(dg, 32, hex);
	w->size += sz;
	if (asprintf(&line, "f %s %llu %s\n", hex, (unsigned long long)sz, child) < 0) {
		line = NULL;
		return -ENOMEM;
	}
	return emit(w, line);
}

/* "l SHA256 PATH": a symbolic link by the digest of its target's text. */
static int emit_link(struct walk *w, DIR *d, const char *name, const char *child)
{
	_cleanup_(freep) char *line = NULL;
	char target[PATH_MAX], hex[65];
	uint8_t dg[32];
	ssize_t k = readlinkat(dirfd(d), name, target, sizeof(target));
	int r;

	if (k < 0 || (size_t)k >= sizeof(target))
		return errbuf_set(w->errbuf, w->errbuf_size, k < 0 ? -errno : -E2BIG,
				  "%s: cannot read the link", child);
	r = digest_buffer(BANK_SHA256, target, (size_t)k, dg);
	if (r < 0)
		return r;
	hex_encode(dg, 32, hex);
	if (asprintf(&line, "l %s %s\n", hex, child) < 0) {
		line = NULL;
		return -ENOMEM;
	}
	return emit(w, line);
}

static int walk_dir(struct walk *w, int dfd, const char *rel, unsigned depth);

/* One entry of the directory d: "d PATH" and its contents, a file or a link. */
static int walk_entry(struct walk *w, DIR *d, const char *rel, const char *name, unsigned depth)
{
	_cleanup_(freep) char *child = NULL, *line = NULL;
	struct stat st;
	int fd;

	if (asprintf(&child, "%s%s%s", rel, *rel ? "/" : "", name) < 0) {
		child = NULL;
		return -ENOMEM;
	}
	if (strlen(child) > RUNTIME_MAX_PATH)
		return errbuf_set(w->errbuf, w->errbuf_size, -E2BIG, "%s: path too long", child);
	if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errbuf_set(w->errbuf, w->errbuf_size, -errno, "%s: cannot stat", child);
	if (S_ISREG(st.st_mode))
		return emit_file(w, d, name, child);
	if (S_ISLNK(st.st_mode))
		return emit_link(w, d, name, child);
	if (!S_ISDIR(st.st_mode))
		return errbuf_set(w->errbuf, w->errbuf_size, -EOPNOTSUPP,
				  "%s: not a regular file, directory or symlink", child);
	fd = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errbuf_set(w->errbuf, w->errbuf_size, -errno, "%s: cannot open", child);
	if (asprintf(&line, "d %s\n", child) < 0 || emit(w, line) < 0) {
		close(fd);
		return -ENOMEM;
	}
	return walk_dir(w, fd, child, depth + 1);
}

static int walk_dir(struct walk *w, int dfd, const char *rel, unsigned depth)
{
	_cleanup_(freep) char **names = NULL;
	size_t n = 0;
	DIR *d;
	int r;

	if (depth > RUNTIME_MAX_DEPTH)
		return errbuf_set(w->errbuf, w->errbuf_size, -E2BIG, "%s: deeper than %u levels",
				  rel, RUNTIME_MAX_DEPTH);
	d = fdopendir(dfd);
	if (!d) {
		r = -errno;
		close(dfd);
		return errbuf_set(w->errbuf, w->errbuf_size, r, "%s: cannot list",
				  *rel ? rel : ".");
	}
	r = list_names(w, d, rel, &names, &n);
	for (size_t i = 0; i < n && r >= 0; i++)
		r = walk_entry(w, d, rel, names[i], depth);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	closedir(d);
	return r;
}

int runtime_measure_path(const char *path, struct runtime_measurement *ret, char *errbuf,
			 size_t errbuf_size)
{
	struct runtime_measurement m = {};
	struct stat st;
	int fd, r;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return errbuf_set(errbuf, errbuf_size, -errno, "%s: cannot open", path);
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return errbuf_set(errbuf, errbuf_size, r, "%s: cannot stat", path);
	}
	if (S_ISREG(st.st_mode)) {
		r = digest_fd(BANK_SHA256, fd, m.sha256, &m.size);
		close(fd);
		if (r < 0)
			return errbuf_set(errbuf, errbuf_size, r, "%s: read failed", path);
		m.n_entries = 1;
	} else if (S_ISDIR(st.st_mode)) {
		_cleanup_(EVP_MD_CTX_freep) EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		struct walk w = {.manifest = ctx, .errbuf = errbuf, .errbuf_size = errbuf_size};

		if (!ctx || EVP_DigestInit_ex(ctx, bank_md(BANK_SHA256), NULL) != 1) {
			close(fd);
			return -ENOMEM;
		}
		r = walk_dir(&w, fd, "", 0); /* takes fd */
		if (r < 0)
			return r;
		if (EVP_DigestFinal_ex(ctx, m.sha256, NULL) != 1)
			return -EIO;
		m.is_dir = true;
		m.size = w.size;
		m.n_entries = w.n_entries;
	} else {
		close(fd);
		return errbuf_set(errbuf, errbuf_size, -EOPNOTSUPP,
			    "%s: not a regular file or directory", path);
	}
	*ret = m;
	return 0;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

int runtime_event_string(enum runtime_kind kind, const struct runtime_measurement *m,
			 const char *label, const char *abs_path, char **ret)
{
	char hex[65];

	if (!runtime_kind_to_string(kind) || !label || !abs_path)
		return -EINVAL;
	if (strchr(label, ':') || has_control(label) || strlen(label) > RUNTIME_MAX_LABEL)
		return -EINVAL;
	if (has_control(abs_path) || abs_path[0] != '/' || strlen(abs_path) > RUNTIME_MAX_PATH)
		return -EINVAL;
	hex_encode(m->sha256, 32, hex);
	if (asprintf(ret, RUNTIME_EVENT_PREFIX "%s:%s:%s:%llu:%s:%s", runtime_kind_to_string(kind),
		     m->is_dir ? "dir" : "file", hex, (unsigned long long)m->size, label,
		     abs_path) < 0)
		return -ENOMEM;
	return 0;
}

/* Next ':'-separated field of s into [*start, *end). */
static bool next_field(const char **s, const char **ret_start, size_t *ret_len)
{
	const char *c = strchr(*s, ':');
	if (!c)
		return false;
	*ret_start = *s;
	*ret_len = (size_t)(c - *s);
	*s = c + 1;
	return true;
}

int runtime_event_parse(const char *s, struct runtime_event *ret)
{
	struct runtime_event e = {};
	const char *f;
	size_t n;
	char buf[32];
	uint8_t dummy[32];
	int k;

	if (strncmp(s, RUNTIME_EVENT_PREFIX, strlen(RUNTIME_EVENT_PREFIX)) != 0)
		return -EBADMSG;
	s += strlen(RUNTIME_EVENT_PREFIX);
	if (!next_field(&s, &f, &n) || n >= sizeof(buf))
		return -EBADMSG;
	memcpy(buf, f, n);
	buf[n] = 0;
	k = runtime_kind_from_string(buf);
	if (k < 0)
		return -EBADMSG;
	e.kind = (enum runtime_kind)k;
	if (!next_field(&s, &f, &n))
		return -EBADMSG;
	if (n == 4 && memcmp(f, "file", 4) == 0)
		e.is_dir = false;
	else if (n == 3 && memcmp(f, "dir", 3) == 0)
		e.is_dir = true;
	else
		return -EBADMSG;
	if (!next_field(&s, &f, &n) || n != 64)
		return -EBADMSG;
	memcpy(e.sha256_hex, f, 64);
	if (hex_decode_exact(e.sha256_hex, 32, false, dummy) < 0)
		return -EBADMSG;
	if (!next_field(&s, &f, &n) || n == 0 || n >= sizeof(buf))
		return -EBADMSG;
	memcpy(buf, f, n);
	buf[n] = 0;
	if (safe_atou64(buf, &e.size) < 0)
		return -EBADMSG;
	if (!next_field(&s, &f, &n) || n > RUNTIME_MAX_LABEL)
		return -EBADMSG;
	memcpy(e.label, f, n);
	if (s[0] != '/' || strlen(s) > RUNTIME_MAX_PATH || has_control(s) || has_control(e.label))
		return -EBADMSG;
	memcpy(e.path, s, strlen(s) + 1);
	*ret = e;
	return 0;
}

int runtime_log_record(unsigned pcr, unsigned bank_mask, const uint8_t (*digest)[64],
		       const char *s, char **ret, size_t *ret_len)
{
	_cleanup_(json_decrefp) json_t *content =
		json_pack("{s:s,s:s}", "eventType", RUNTIME_EVENT_TYPE, "string", s);

	if (!content)
		return -ENOMEM;
	/* systemd's record shape, written by the eventlog module's own writer. */
	return sdlog_format_record(pcr, bank_mask, digest, "systemd", content, ret, ret_len);
}

static int mkdir_parents(const char *path)
{
	_cleanup_(freep) char *p = strdup(path);
	char *slash;

	if (!p)
		return -ENOMEM;
	for (slash = strchr(p + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*slash = '/';
	}
	return 0;
}

int runtime_extend(const char *tcti, unsigned pcr, const char *log_path, const char *s,
		   unsigned *ret_mask)
{
	_cleanup_(closep) int fd = -1;
	_cleanup_(freep) char *rec = NULL;
	uint8_t digest[_BANK_MAX][DIGEST_MAX];
	struct tpm t = {};
	unsigned mask, unknown;
	size_t rec_len;
	ssize_t w;
	int r;

	r = mkdir_parents(log_path);
	if (r < 0)
		return r;
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	/* Lock before opening the TPM: a TPM without a resource manager (swtpm) serves one
	 * connection at a time, so the lock order must be log, then TPM. */
	if (flock(fd, LOCK_EX) < 0)
		return -errno;
	r = tpm_open(tcti, &t);
	if (r < 0)
		return r;
	r = tpm_active_banks(&t, &mask, &unknown);
	if (r < 0)
		goto out;
	if (unknown > 0 || mask == 0) {
		r = -EOPNOTSUPP;
		goto out;
	}
	FOREACH_BANK(b, mask) {
		r = digest_buffer(b, s, strlen(s), digest[b]);
		if (r < 0)
			goto out;
	}
	r = runtime_log_record(pcr, mask, (const uint8_t(*)[64])digest, s, &rec, &rec_len);
	if (r < 0)
		goto out;
	r = tpm_pcr_extend(&t, pcr, mask, (const uint8_t(*)[DIGEST_MAX])digest);
	if (r < 0)
		goto out;
	w = write(fd, rec, rec_len);
	if (w < 0 || (size_t)w != rec_len) {
		/* The PCR moved but its record is not (fully) there: the log no longer replays. */
		r = w < 0 ? -errno : -EIO;
		goto out;
	}
	if (fsync(fd) < 0) {
		r = -errno;
		goto out;
	}
	*ret_mask = mask;
	r = 0;
out:
	tpm_close(&t);
	return r;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capped reads and atomic writes; see fileio.h. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "size.h"

int read_file_capped(const char *path, size_t max, uint8_t **ret, size_t *ret_len)
{
	_cleanup_(closep) int fd = -1;
	_cleanup_(freep) uint8_t *buf = NULL;
	size_t len = 0, alloc = 0;
	struct stat st;

	if (max >= SIZE_MAX - 1)
		return -EINVAL;
	if (strcmp(path, "-") == 0)
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return negative_errno();
	if (fstat(fd, &st) < 0)
		return negative_errno();
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		return -EFBIG;

	for (;;) {
		ssize_t n;
		if (len == alloc) {
			size_t want = alloc ? alloc * 2 : 64 * 1024;
			uint8_t *p;
			if (want > max + 1)
				want = max + 1;
			if (want <= len) /* already read max+1 bytes */
				return -EFBIG;
			p = realloc(buf, want + 1);
			if (!p)
				return -ENOMEM;
			buf = p;
			alloc = want;
		}
		n = read(fd, buf + len, alloc - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
	}
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			return -ENOMEM;
	}
	buf[len] = 0;
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

struct atomic_file *atomic_file_free(struct atomic_file *af)
{
	if (!af)
		return NULL;
	if (af->f && af->path)
		fclose(af->f);
	if (!af->committed && af->tmp_path)
		(void)unlink(af->tmp_path);
	free(af->tmp_path);
	free(af->path);
	free(af);
	return NULL;
}

int atomic_file_open(const char *path, struct atomic_file **ret)
{
	return atomic_file_open_mode(path, 0644, ret);
}

int atomic_file_open_mode(const char *path, mode_t mode, struct atomic_file **ret)
{
	_cleanup_(atomic_file_freep) struct atomic_file *af = NULL;
	_cleanup_(freep) char *dcopy = NULL, *bcopy = NULL;
	int fd;

	af = calloc(1, sizeof(*af));
	if (!af)
		return -ENOMEM;
	if (strcmp(path, "-") == 0) {
		af->f = stdout;
		*ret = TAKE_PTR(af);
		return 0;
	}
	af->path = strdup(path);
	dcopy = strdup(path);
	bcopy = strdup(path);
	if (!af->path || !dcopy || !bcopy)
		return -ENOMEM;
	if (asprintf(&af->tmp_path, "%s/.%s.XXXXXX", dirname(dcopy), basename(bcopy)) < 0) {
		af->tmp_path = NULL;
		return -ENOMEM;
	}
	fd = mkostemp(af->tmp_path, O_CLOEXEC);
	if (fd < 0) {
		int r = negative_errno();
		free(af->tmp_path);
		af->tmp_path = NULL;
		return r;
	}
	if (fchmod(fd, mode) < 0) {
		int r = negative_errno();
		close(fd);
		return r;
	}
	af->f = fdopen(fd, "w");
	if (!af->f) {
		int r = negative_errno();
		close(fd);
		return r;
	}
	*ret = TAKE_PTR(af);
	return 0;
}

static int fsync_directory_of(const char *path)
{
	_cleanup_(freep) char *copy = strdup(path);
	_cleanup_(closep) int fd = -1;
	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	if (fsync(fd) < 0)
		return negative_errno();
	return 0;
}

int atomic_file_commit(struct atomic_file *af)
{
	int r;

	if (!af->path) { /* stdout */
		if (fflush(af->f) != 0 || ferror(af->f))
			return -EIO;
		af->committed = true;
		return 0;
	}
	if (fflush(af->f) != 0 || ferror(af->f) || fsync(fileno(af->f)) < 0) {
		r = negative_errno();
		goto fail;
	}
	r = fclose(af->f);
	af->f = NULL;
	if (r != 0) {
		r = negative_errno();
		goto fail;
	}
	if (rename(af->tmp_path, af->path) < 0) {
		r = negative_errno();
		goto fail;
	}
	af->committed = true;
	return fsync_directory_of(af->path);
fail:
	(void)unlink(af->tmp_path);
	af->committed = true; /* nothing left to clean up */
	return r;
}

static int write_atomic_mode(const char *path, mode_t mode, const void *data, size_t len)
{
	_cleanup_(atomic_file_freep) struct atomic_file *af = NULL;
	int r = atomic_file_open_mode(path, mode, &af);
	if (r < 0)
		return r;
	if (len > 0 && fwrite(data, 1, len, af->f) != len)
		return -EIO;
	return atomic_file_commit(af);
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	return write_atomic_mode(path, 0644, data, len);
}

int write_secret_file_atomic(const char *path, const void *data, size_t len)
{
	return write_atomic_mode(path, 0600, data, len);
}

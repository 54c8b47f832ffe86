/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Path checks of a job spec on the machine (job-paths.h). Symlinks are judged, never
 * followed, except by realpath() of the input itself, whose result must stay in the root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "job-paths.h"

#define WALK_MAX_DEPTH 64u

static int refuse(struct job_refusal *ret, const char *reason, const char *fmt, ...)
	_printf_(3, 4);
static int refuse(struct job_refusal *ret, const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ret->msg, sizeof(ret->msg), fmt, ap);
	va_end(ap);
	ret->reason = reason;
	return 1;
}

/* Is p root itself or below it? (both canonical) */
static bool under(const char *p, const char *root)
{
	size_t n = strlen(root);
	if (strcmp(root, "/") == 0)
		return true;
	return strncmp(p, root, n) == 0 && (p[n] == '/' || p[n] == 0);
}

/* Does the symlink target, seen from a folder depth levels below the input's top, lead out of
 * the input? Lexical: '..' pops a level; absolute targets always do. */
static bool target_escapes(const char *target, unsigned depth)
{
	long level = (long)depth;

	if (target[0] == '/')
		return true;
	for (const char *c = target; *c;) {
		const char *e = strchr(c, '/');
		size_t k = e ? (size_t)(e - c) : strlen(c);

		if (k == 2 && memcmp(c, "..", 2) == 0)
			level--;
		else if (k > 0 && !(k == 1 && c[0] == '.'))
			level++;
		if (level < 0)
			return true;
		c += k;
		if (*c == '/')
			c++;
	}
	return false;
}

/* Walks a folder input (dfd is taken, depth levels below the input): every symlink must point
 * inside the input itself (mounted alone in the container, nothing else is there). */
static int walk_links(int dfd, const char *path, unsigned depth, struct job_refusal *ret)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	int r = 0;

	if (!d) {
		close(dfd);
		return -errno;
	}
	if (depth > WALK_MAX_DEPTH) {
		closedir(d);
		return refuse(ret, "input-too-deep", "input '%s': deeper than %u levels", path,
			      WALK_MAX_DEPTH);
	}
	while (r == 0 && (de = readdir(d))) {
		struct stat st;
		char target[PATH_MAX];
		ssize_t k;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			k = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
			if (k < 0) {
				r = -errno;
				break;
			}
			target[k] = 0;
			if (target_escapes(target, depth))
				r = refuse(ret, "input-symlink-escapes", "input '%s/%s': symlink to "
					   "'%s' leads out of the input folder", path, de->d_name,
					   target);
		} else if (S_ISDIR(st.st_mode)) {
			_cleanup_(freep) char *sub = NULL;
			int fd = openat(dirfd(d), de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				r = -errno;
				break;
			}
			if (asprintf(&sub, "%s/%s", path, de->d_name) < 0) {
				close(fd);
				sub = NULL;
				r = -ENOMEM;
				break;
			}
			r = walk_links(fd, sub, depth + 1, ret);
		}
	}
	closedir(d);
	return r;
}

static int check_input(const struct job_input *in, const char *root, struct job_refusal *ret)
{
	_cleanup_(freep) char *real = NULL;
	struct stat st;
	int fd;

	if (!under(in->path, root) || strcmp(in->path, root) == 0)
		return refuse(ret, "input-outside-root", "input '%s' (%s): not inside the input "
			      "root '%s'", in->name, in->path, root);
	if (lstat(in->path, &st) < 0)
		return refuse(ret, "input-missing", "input '%s' (%s): %s", in->name, in->path,
			      strerror(errno));
	real = realpath(in->path, NULL);
	if (!real)
		return refuse(ret, "input-missing", "input '%s' (%s): %s", in->name, in->path,
			      strerror(errno));
	if (!under(real, root) || strcmp(real, root) == 0 || strcmp(real, in->path) != 0)
		return refuse(ret, "input-symlink-escapes", "input '%s' (%s): resolves to '%s'%s",
			      in->name, in->path, real,
			      under(real, root) ? ", through a symlink" : ", outside the input root");
	if (S_ISREG(st.st_mode))
		return 0;
	if (!S_ISDIR(st.st_mode))
		return refuse(ret, "input-type", "input '%s' (%s): not a file or a folder",
			      in->name, in->path);
	fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return walk_links(fd, real, 0, ret);
}

/* mkdir -p below root, refusing to pass through a symlink or a non-folder. */
static int make_output(const char *out, const char *root, struct job_refusal *ret)
{
	_cleanup_(freep) char *p = strdup(out);
	struct stat st;

	if (!p)
		return -ENOMEM;
	for (char *c = p + strlen(root) + 1;; c++) {
		char saved = *c;
		if (saved != '/' && saved != 0)
			continue;
		*c = 0;
		if (lstat(p, &st) < 0) {
			if (errno != ENOENT || mkdir(p, 0755) < 0)
				return refuse(ret, "output-unusable", "output '%s': cannot create '%s': "
					      "%s", out, p, strerror(errno));
		} else if (!S_ISDIR(st.st_mode))
			return refuse(ret, "output-unusable", "output '%s': '%s' is not a folder "
				      "(symlinks are not followed)", out, p);
		*c = saved;
		if (!saved)
			return 0;
	}
}

static int check_output(const char *out, const char *root, struct job_refusal *ret)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	bool empty = true;

	if (!under(out, root) || strcmp(out, root) == 0)
		return refuse(ret, "output-outside-root", "output '%s': not inside the output root "
			      "'%s'", out, root);
	if (lstat(out, &st) < 0)
		return make_output(out, root, ret);
	if (!S_ISDIR(st.st_mode))
		return refuse(ret, "output-unusable", "output '%s': exists and is not a folder", out);
	d = opendir(out);
	if (!d)
		return -errno;
	while (empty && (de = readdir(d)))
		empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	closedir(d);
	if (!empty)
		return refuse(ret, "output-not-empty", "output '%s': exists and is not empty", out);
	/* an existing empty folder reached through a symlinked parent is not under the root */
	{
		_cleanup_(freep) char *real = realpath(out, NULL);
		if (!real || strcmp(real, out) != 0)
			return refuse(ret, "output-outside-root", "output '%s': resolves to '%s'",
				      out, real ? real : "?");
	}
	return 0;
}

int job_paths_check(const struct job_spec *s, const char *input_root, const char *output_root,
		    struct job_refusal *ret)
{
	int r;

	for (size_t i = 0; i < s->n_inputs; i++) {
		r = check_input(&s->inputs[i], input_root, ret);
		if (r != 0)
			return r;
	}
	return check_output(s->output, output_root, ret);
}

const char *job_spec_error_reason(int r, const char *msg)
{
	if (r == -E2BIG)
		return "spec-too-large";
	if (strstr(msg, ": unknown key \""))
		return "spec-unknown-key";
	if (strstr(msg, ": a '..' component"))
		return "path-dotdot";
	if (strstr(msg, ".path: '") || strstr(msg, "output: '"))
		return "path-invalid";
	return "spec-invalid";
}

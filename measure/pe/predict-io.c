/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Read-only file mappings, see predict-io.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "predict-io.h"

int mapped_file_open(const char *path, uint64_t max, struct mapped_file *ret)
{
	_cleanup_(closep) int fd = -1;
	struct stat st;
	void *p;

	memset(ret, 0, sizeof(*ret));
	if (strcmp(path, "-") == 0) {
		uint8_t *buf = NULL;
		size_t len = 0;
		int r = read_file_capped(path, max > SIZE_MAX ? SIZE_MAX : (size_t)max, &buf, &len);
		if (r < 0)
			return r;
		ret->heap = buf;
		ret->data = buf;
		ret->len = len;
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return negative_errno();
	if (fstat(fd, &st) < 0)
		return negative_errno();
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((uint64_t)st.st_size > max || (uint64_t)st.st_size > SIZE_MAX)
		return -EFBIG;
	if (st.st_size == 0)
		return 0;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return negative_errno();
	(void)madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
	ret->map = p;
	ret->data = p;
	ret->len = (size_t)st.st_size;
	return 0;
}

void mapped_file_close(struct mapped_file *m)
{
	if (m->map)
		munmap(m->map, m->len);
	free(m->heap);
	memset(m, 0, sizeof(*m));
}

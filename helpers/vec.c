/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Growable arrays; see vec.h. */
#include <stdlib.h>
#include <string.h>

#include "vec.h"

void *vec_grow(void *items, size_t n, size_t *n_alloc, size_t size, size_t first, size_t max)
{
	size_t want;
	void *p;

	if (n < *n_alloc)
		return items;
	if (n >= max)
		return NULL;
	want = *n_alloc ? *n_alloc * 2 : first;
	if (want < *n_alloc || want > max) /* doubling overflowed, or past the cap */
		want = max;
	if (want <= n)
		want = n + 1;
	p = reallocarray(items, want, size);
	if (!p)
		return NULL;
	*n_alloc = want;
	return p;
}

void *vec_insert(void *items, size_t n, size_t at, size_t size)
{
	unsigned char *p;

	if (at > n || n + 1 == 0)
		return NULL;
	p = reallocarray(items, n + 1, size);
	if (!p)
		return NULL;
	memmove(p + (at + 1) * size, p + at * size, (n - at) * size);
	return p;
}

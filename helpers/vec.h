/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Growable arrays, written once: the parsers keep their elements in plain malloc'd arrays (a
 * pointer and a count, often a capacity); these two functions do the growing, the overflow checks
 * and the moving. Both return the array (possibly moved) and leave it unchanged when they fail,
 * so the caller's `p = vec_...(a, ...); if (!p) return -ENOMEM; a = p;` never loses it. */
#pragma once

#include <stddef.h>

/* Room for one more element after the n of items (size bytes each, room for *n_alloc): the room
 * doubles, starting at first elements, and never exceeds max. NULL when n is already max (the
 * caller checks its cap first and names it) or memory is short. */
void *vec_grow(void *items, size_t n, size_t *n_alloc, size_t size, size_t first, size_t max);

/* items (n elements of size bytes, exactly n allocated) grown by one, elements at..n-1 moved up
 * one place: slot `at` (0..n) is the caller's to fill. NULL when memory is short. */
void *vec_insert(void *items, size_t n, size_t at, size_t size);

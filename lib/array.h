/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_ARRAY_H
#define VTRACE_ARRAY_H

#include <stdlib.h>

/*
 * A growing array's next size: twice the old, or first.  Returns the
 * reallocated array with *cap updated, or NULL (v and *cap unchanged).
 */
static inline void *array_grow(void *v, size_t *cap, size_t elem, size_t first)
{
	size_t ncap = *cap ? *cap * 2 : first;
	void *nv = realloc(v, ncap * elem);

	if (nv)
		*cap = ncap;
	return nv;
}

#endif

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/folded.h"

int folded_add(struct folded *f, const char *key)
{
	char *k = strdup(key);

	if (!k)
		return -ENOMEM;
	if (f->n == f->cap) {
		char **nk = array_grow(f->keys, &f->cap, sizeof(*nk), 64);

		if (!nk) {
			free(k);
			return -ENOMEM;
		}
		f->keys = nk;
	}
	f->keys[f->n++] = k;
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t folded_print(struct folded *f, FILE *out)
{
	size_t lines = 0;

	if (f->n)
		qsort(f->keys, f->n, sizeof(*f->keys), key_cmp);
	for (size_t i = 0; i < f->n;) {
		size_t j = i + 1;

		while (j < f->n && !strcmp(f->keys[i], f->keys[j]))
			j++;
		fprintf(out, "%s %zu\n", f->keys[i], j - i);
		lines++;
		i = j;
	}
	return lines;
}

void folded_free(struct folded *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->keys[i]);
	free(f->keys);
	memset(f, 0, sizeof(*f));
}

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_FOLDED_H
#define VTRACE_FOLDED_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Folded stacks (Brendan Gregg's format, read by flamegraph.pl and
 * speedscope): one line per distinct stack, "comm;outer;...;inner COUNT",
 * sorted by stack.
 */
struct folded {
	char **keys;
	size_t n, cap;
};

/* Counts one sample of stack key; 0 or -ENOMEM. */
int folded_add(struct folded *f, const char *key);
/* Prints the lines; returns how many. */
size_t folded_print(struct folded *f, FILE *out);
void folded_free(struct folded *f);

#endif

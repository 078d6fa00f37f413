// SPDX-License-Identifier: GPL-2.0
/*
 * Locations optimized code computes: at LOOP_LINE gcc -O2 describes v as
 * "it[i].price * 2 + it[i].qty" over two memory reads (DW_OP_breg,
 * DW_OP_deref_size, DW_OP_shl, DW_OP_and, ...) and the loop's array as an
 * entry value; scale() is inlined twice with its args as constants and
 * registers at each copy's entry view.
 */
#include <stdio.h>

struct item {
	int price;
	unsigned char qty;
	int tags[4];
};

static int total;

static inline __attribute__((always_inline)) int scale(int x, int f)
{
	int r = x * f;

	total += r;
	return r + 1;
}

__attribute__((noinline)) int sum(struct item *it, int n)
{
	int s = 0;

	for (int i = 0; i < n; i++) {
		int v = it[i].price * 2 + it[i].qty;

		s += scale(v, i);	/* vtrace: LOOP_LINE */
		__asm__ volatile("" ::: "memory");	/* one iteration at a time (no vector loop) */
	}
	return s;
}

int main(int argc, char **argv)
{
	struct item it[3] = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
	int n = argc + 1;	/* 3 items when run with one argument, as the tests do */

	(void)argv;
	printf("%d\n", sum(it, n));
	printf("%d\n", scale(argc, 7) + scale(argc + 1, 9));
	return 0;
}

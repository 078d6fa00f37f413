// SPDX-License-Identifier: GPL-2.0
/*
 * Three units inlining twice() (tests/integration/funcs.sh builds them with
 * DWARF 4 and 5, then dwz, and with -fdebug-types-section): its copies are
 * in these units, its abstract DIE in a partial unit they import.
 */
#include <stdio.h>

#include "twice.h"

int b_side(int n);
int c_side(int n);

__attribute__((noinline)) int a_side(int n)
{
	struct pair p = { n, n + 1 };

	return twice(&p, 3);
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("%d %d %d\n", a_side(argc + 10), b_side(argc + 20), c_side(argc));
	return 0;
}

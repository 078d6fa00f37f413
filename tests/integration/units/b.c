// SPDX-License-Identifier: GPL-2.0
#include "twice.h"

__attribute__((noinline)) int b_side(int n)
{
	struct pair p = { n, 2 * n };

	return twice(&p, 5);
}

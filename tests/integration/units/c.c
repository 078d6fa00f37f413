// SPDX-License-Identifier: GPL-2.0
#include "twice.h"

__attribute__((noinline)) int c_side(int n)
{
	struct pair p = { n, 3 * n };

	return twice(&p, 7);
}

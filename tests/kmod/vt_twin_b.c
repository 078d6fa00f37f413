// SPDX-License-Identifier: GPL-2.0
/* The other vt_step() of vtrace_twins.ko (vt_twin_a.c says why). */
#include <linux/kernel.h>

#include "vt_twin.h"

static __attribute__((noipa)) long vt_step(struct vt_twin *t, int k)
{
	t->sum -= (long)t->n * k;
	return t->sum;
}

int vt_twin_b(struct vt_twin *t)
{
	return vt_step(t, 2);
}

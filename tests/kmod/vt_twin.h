/* SPDX-License-Identifier: GPL-2.0 */
/* The two files of vtrace_twins.ko (vt_twin_a.c). */
struct vt_twin {
	int n;
	int pad;
	long sum;
};

int vt_twin_b(struct vt_twin *t);

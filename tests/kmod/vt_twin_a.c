// SPDX-License-Identifier: GPL-2.0
/*
 * Two functions of one name, vt_step(), static in the two files of one
 * module (vt_twin_b.c has the other): a spec on vt_step lands on both
 * entries, which the kernel tells apart only by address.  Writing N to
 * /proc/vtrace_twins calls this file's vt_step(t, 1), then the other's
 * vt_step(t, 2), with t->n = N.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

#include "vt_twin.h"

/* noipa: both keep their own name, args and entry */
static __attribute__((noipa)) long vt_step(struct vt_twin *t, int k)
{
	t->sum += (long)t->n * k;
	return t->sum;
}

static ssize_t vt_twin_write(struct file *f, const char __user *buf, size_t len, loff_t *off)
{
	struct vt_twin t = { 0 };
	char kbuf[16];

	if (len >= sizeof(kbuf))
		return -EINVAL;
	if (copy_from_user(kbuf, buf, len))
		return -EFAULT;
	kbuf[len] = 0;
	if (kstrtoint(strim(kbuf), 10, &t.n))
		return -EINVAL;
	vt_step(&t, 1);
	vt_twin_b(&t);
	return len;
}

static const struct proc_ops vt_twin_ops = {
	.proc_write = vt_twin_write,
};

static int __init vt_twin_init(void)
{
	return proc_create("vtrace_twins", 0222, NULL, &vt_twin_ops) ? 0 : -ENOMEM;
}

static void __exit vt_twin_exit(void)
{
	remove_proc_entry("vtrace_twins", NULL);
}

module_init(vt_twin_init);
module_exit(vt_twin_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vtrace test module: one function name, two functions");

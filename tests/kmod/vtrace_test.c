// SPDX-License-Identifier: GPL-2.0
/*
 * A module with debug info for vtrace's kernel tests: writing "LEN CODE"
 * to /proc/vtrace_test calls vt_handle() on a request built from them, so
 * a test knows every value a probe inside it must read.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

struct vt_hdr {
	u16 len;
	u8 kind;
};

struct vt_req {
	struct vt_hdr hdr;
	const char *name;
	int code;
	struct vt_req *next;
};

static volatile int vt_sink;

/* noipa: without it gcc drops the caller's stores to fields vt_handle() never reads */
__attribute__((noipa)) int vt_handle(struct vt_req *r, int status)
{
	volatile int doubled = status * 2;	/* a stack local: found through the CFA */
	int total = r->hdr.len + doubled;

	vt_sink = total;	/* vt_handle:RELLINE */
	return total;
}

static ssize_t vt_write(struct file *f, const char __user *buf, size_t len, loff_t *off)
{
	struct vt_req r = { .name = "kmod-req", .hdr = { .kind = 3 } };
	char kbuf[32];
	int a, b;

	if (len >= sizeof(kbuf))
		return -EINVAL;
	if (copy_from_user(kbuf, buf, len))
		return -EFAULT;
	kbuf[len] = 0;
	if (sscanf(kbuf, "%d %d", &a, &b) != 2)
		return -EINVAL;
	r.hdr.len = a;
	r.code = b;
	vt_handle(&r, b);
	return len;
}

static const struct proc_ops vt_ops = {
	.proc_write = vt_write,
};

static int __init vt_init(void)
{
	return proc_create("vtrace_test", 0222, NULL, &vt_ops) ? 0 : -ENOMEM;
}

static void __exit vt_exit(void)
{
	remove_proc_entry("vtrace_test", NULL);
}

module_init(vt_init);
module_exit(vt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vtrace test module");

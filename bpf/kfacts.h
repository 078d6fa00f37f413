/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_KFACTS_H
#define VTRACE_KFACTS_H

#include <stdbool.h>
#include <stdint.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

/*
 * What vtrace needs to know of the running kernel's BTF on every run,
 * found once and cached: parsing /sys/kernel/btf/vmlinux (5 MB, tens of
 * milliseconds) is then off the start of sessions that probe only user
 * space.  The cache file is named by the kernel's release and version and
 * the BTF file's size and mtime (a new boot, a new kernel: a new file), so
 * a hit costs one stat and one read.
 */
struct kernel_facts {
	bool uprobes_may_sleep;	/* uprobes run BPF programs before their per-CPU buffer (6.10) */
	int str_kfunc;		/* BTF id of bpf_copy_from_user_str; 0: none */
	uint32_t task_pid_off;	/* offsetof(struct task_struct, pid); 0: unknown */
	uint32_t task_tgid_off;
};

/* The facts, from the cache or (then cached) from vmlinux BTF: 0 or -errno. */
int kernel_facts_get(struct kernel_facts *kf);
/* The facts in btf (vmlinux's, or a test's); release decides when BTF does not. */
void kernel_facts_from_btf(struct kernel_facts *kf, const struct btf *btf, const char *release);
/* The cache file's text and back: 0, or -EINVAL for a file that is not one. */
int kernel_facts_format(const struct kernel_facts *kf, char *buf, size_t size);
int kernel_facts_parse(struct kernel_facts *kf, const char *text);
/* vtrace's own programs (bpf/own.bpf.c) read task_struct at these offsets: set before load. */
int kernel_facts_apply_own(const struct kernel_facts *kf, struct bpf_object *own);

#endif

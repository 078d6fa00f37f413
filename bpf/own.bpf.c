// SPDX-License-Identifier: GPL-2.0
/*
 * vtrace's own BPF programs, built with vtrace and linked into it.
 *
 * In command and -p modes only the traced process tree may run the user's
 * programs: a filter prepended to each of them looks the current tgid up in
 * vtrace_pids.  These programs keep that set current: a fork from a traced
 * process adds the child, the exit of a traced process's main thread
 * removes it (so a recycled pid is not traced by mistake).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/*
 * offsetof(struct task_struct, pid) and (..., tgid), set by vtrace before
 * load from the kernel's BTF facts (bpf/kfacts.h), cached: no CO-RE, so
 * loading these programs parses no vmlinux BTF.
 */
const volatile __u32 vtrace_task_off[2];

static __always_inline __u32 task_u32(const void *task, int which)
{
	__u32 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (const char *)task + vtrace_task_off[which]);
	return v;
}

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);		/* replaced by vtrace's map */
	__type(key, __u32);
	__type(value, __u8);
} vtrace_pids SEC(".maps");

SEC("raw_tp/sched_process_fork")
int vtrace_track_fork(__u64 *ctx)
{
	const void *parent = (void *)ctx[0], *child = (void *)ctx[1];
	__u32 ptgid = task_u32(parent, 1);
	__u32 ctgid;
	__u8 one = 1;

	if (!bpf_map_lookup_elem(&vtrace_pids, &ptgid))
		return 0;
	ctgid = task_u32(child, 1);
	bpf_map_update_elem(&vtrace_pids, &ctgid, &one, BPF_ANY);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int vtrace_track_exit(__u64 *ctx)
{
	const void *task = (void *)ctx[0];
	__u32 pid = task_u32(task, 0);
	__u32 tgid = task_u32(task, 1);

	if (pid == tgid)
		bpf_map_delete_elem(&vtrace_pids, &tgid);
	return 0;
}

char _license[] SEC("license") = "GPL";

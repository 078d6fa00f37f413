// SPDX-License-Identifier: GPL-2.0
/*
 * vtrace record -e examples/latency.c -- examples/target 5 20
 *
 * A latency histogram, as bpftrace's
 *   uprobe:...:process_order { @start[tid] = nsecs; }
 *   uretprobe:...:process_order /@start[tid]/ { @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }
 * The entry stores its time in a map by thread; the return finds it,
 * adds the difference to the histogram and deletes it.  At exit vtrace
 * prints @latency_ns (and the start map, empty when every call returned).
 */
#include <vtrace.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);		/* thread */
	__type(value, __u64);		/* entry time, ns */
} start SEC(".maps");

VTRACE_HIST(latency_ns);
VTRACE_AVG(avg_ns);

SEC("uprobe/examples/target:process_order")
int BPF_KPROBE(order_in)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();

	bpf_map_update_elem(&start, &tid, &now, BPF_ANY);
	return 0;
}

SEC("uretprobe/examples/target:process_order")
int BPF_KRETPROBE(order_out)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *t0 = bpf_map_lookup_elem(&start, &tid);

	if (!t0)
		return 0;	/* entered before vtrace attached */
	vtrace_hist(latency_ns, bpf_ktime_get_ns() - *t0);
	vtrace_avg(avg_ns, bpf_ktime_get_ns() - *t0);
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * vtrace record -e examples/hello.c -- examples/target 3
 *
 * A uprobe on the target's process_order() and a uretprobe on its return,
 * plus a raw tracepoint counting the target's write() calls.
 */
#include <vtrace.h>

struct order {
	int id;
	long amount;
	const char *customer;
};

SEC("uprobe/examples/target:process_order")
int BPF_KPROBE(order_in, struct order *o, int quantity, const char *note)
{
	struct order copy;

	bpf_probe_read_user(&copy, sizeof(copy), o);
	vtrace_printf("id=%d amount=%ld quantity=%d customer=%s note=%s",
		      copy.id, copy.amount, quantity, copy.customer, note);
	return 0;
}

SEC("uretprobe/examples/target:process_order")
int BPF_KRETPROBE(order_out, long total)
{
	vtrace_printf("total=%ld", total);
	return 0;
}

int writes;

SEC("raw_tp/sys_enter")
int count_writes(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == 1 /* __NR_write */)
		vtrace_printf("write #%d", ++writes);
	return 0;
}

char _license[] SEC("license") = "GPL";

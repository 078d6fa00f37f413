// SPDX-License-Identifier: GPL-2.0
/*
 * vtrace record -e examples/spec.c -- examples/target 3
 *
 * A probe spec, written as for perf's BPF events: vtrace finds o->amount,
 * o->customer and quantity through the target's DWARF, fetches them in a
 * generated prologue and calls order() with them; nonzero records the
 * event with every arg.
 */
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;

SEC("exec=examples/target;order=process_order id=o->id amount=o->amount quantity customer=o->customer:string note:string")
int order(struct pt_regs *ctx, int err, long id, long amount, long quantity)
{
	return err == 0 && quantity >= 3;	/* only the larger orders */
}

char _license[] SEC("license") = "GPL";

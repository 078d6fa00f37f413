#!/bin/sh
# One-liners on examples/target (build it with `make examples/target`;
# run as root from the source tree: sh examples/oneliners.sh).  Each is
# what you would type; tests/integration/examples.sh runs this file and
# checks every sample against what the target printed, and for the
# filters ("# keeps EVENT: EXPR") that exactly the matching calls are kept.
cd "$(dirname "$0")/.." || exit 1
run() {
	printf '$ %s\n' "$*"
	"$@"
}

# Every call, with a struct member through a pointer and an argument
run vtrace record -e 'exec=examples/target;ev=process_order o->id o->amount quantity' -- examples/target 4

# -x names the binary once; strings by :string (char * args, members)
run vtrace record -x examples/target -e 'ev=process_order o->id o->customer:string note:string' -- examples/target 4

# The return value, at the function's return
run vtrace record -x examples/target -e 'done=process_order%return $retval' -- examples/target 4

# Entry and return together: two -e, one ring buffer, in time order
run vtrace record -x examples/target -e 'in=process_order quantity' -e 'out=process_order%return $retval' -- examples/target 3

# keeps ev: amount > 50
run vtrace record -x examples/target -e 'ev=process_order o->id o->amount' --filter 'amount > 50' -- examples/target 5

# keeps ev: customer == "ada" or note == "ada"
run vtrace record -x examples/target -e 'ev=process_order o->id o->customer:string note:string' --filter 'customer == "ada" || note == "ada"' -- examples/target 6

# keeps ev: not (quantity >= 3 and quantity <= 5)
run vtrace record -x examples/target -e 'ev=process_order quantity' --filter '!(quantity >= 3 && quantity <= 5)' -- examples/target 7

# A filter applies to the -e before it: big orders at entry, every return
# keeps big: quantity > 3
run vtrace record -x examples/target -e 'big=process_order quantity o->amount' --filter 'quantity > 3' -e 'out=process_order%return $retval' -- examples/target 4

# A spec program on standard input: the condition in C (nonzero records)
run vtrace record -e - -- examples/target 4 <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("exec=examples/target;odd=process_order o->id quantity")
int odd(struct pt_regs *ctx, int err, long id, long quantity)
{
	return quantity & 1;
}
char _license[] SEC("license") = "GPL";
PROG

# No EVENT=: the event is named after the function (process_order)
run vtrace record -x examples/target -e 'process_order o->id quantity' -- examples/target 3

# Two args compared, a bit tested, a glob on a string (perf's &, ~)
# keeps ev: customer[:1] in "ab" and amount < id and not (amount & 8)
run vtrace record -x examples/target -e 'ev=process_order o->id o->amount o->customer:string quantity' --filter 'customer ~ "[ab]*" && amount < id && !(amount & 8)' -- examples/target 8

#!/bin/sh
# examples/flamegraph.sh as a user runs it: its folded output has the one
# stack examples/target calls process_order from, counted once per order
# the target printed, in the layout flamegraph.pl reads.
. "$(dirname "$0")/../lib.sh"
make -s examples/target > /dev/null 2>&1
VTRACE="$VTRACE" OUT="$T" sh examples/flamegraph.sh 4 > "$T/out" 2> "$T/err"
orders=$(examples/target 4 | grep -c '^order ')
expect_eq "the example's folded output: one stack, process_order from main, once per order" \
	"target;_start;main;process_order $orders" \
	"$(awk '{n = split($1, f, ";"); s = f[1]; for (i = 2; i <= n; i++) if (f[i] ~ /^(_start|main|process_order)$/) s = s ";" f[i]; print s, $2}' "$T/out")"
expect_eq "its stack runs from _start (outermost) to process_order (innermost)" "_start process_order" \
	"$(awk -F'[; ]' '{print $2, $(NF-1)}' "$T/out")"
if [ -s "$T/target.folded" ] && cmp -s "$T/out" "$T/target.folded"; then
	ok "the example writes target.folded, flamegraph.pl's input: 'stack count' lines"
else
	not_ok "the example writes target.folded" "$(cat "$T/err")"
fi

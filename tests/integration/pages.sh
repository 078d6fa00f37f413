#!/bin/sh
# User memory that is not paged in (tests/targets/pages.c: .rodata nothing
# touched, a file page never read, one dropped from the page table) reads
# as the target reads it, through sleepable programs, where the kernel has
# them; VTRACE_NO_SLEEPABLE=1, or a user's function a sleepable program
# cannot have, reads it as (fault), as the probe-read helpers always did.
# A probe sleeping in a read keeps its sample to itself (tests/targets/stall.c).
# Values are compared with what the target printed after the calls.
. "$(dirname "$0")/../lib.sh"

# spec PROGRAM BINARY "POINT ARGS" [DECLARATIONS [BODY]]: a program that records every hit
spec() {
	cat > "$1" <<PROG
#include <vtrace.h>
$4
SEC("exec=$2;ev=$3")
int prog(struct pt_regs *ctx, int err)
{
	$5
	return 1;
}
char _license[] SEC("license") = "GPL";
PROG
}

# The samples look()'s args must give, from the target's own lines.
want_look() {
	sed -n 's/^look \(text=".*"\) value=\([-0-9]*\) \(name=".*"\) n=\([-0-9]*\)$/\1 value=\2 \3 n[0]=\4/p' "$1"
}

# NAME present=P after=A for the three pages that must be cold, in order.
cold_pages() {
	grep -E '^(rodata|mapped|dropped) present=' "$1" | tr '\n' ' ' | sed 's/ $//'
}

LOOK='look text:string r->value r->name n[0]'
spec "$T/look.c" "$TARGETS/pages-gcc-O2" "$LOOK"
"$VTRACE" record -v -e "$T/look.c" -- "$TARGETS/pages-gcc-O2" "$T/pages.data" > /dev/null 2> "$T/err"
if grep -q "reads as (fault): " "$T/err"; then
	ok "# SKIP this kernel has no sleepable uprobe reads: $(sed -n 's/.*reads as (fault): //p' "$T/err")"
	exit 0
fi
if grep -q "no bpf_copy_from_user_str" "$T/err"; then
	echo "# $(uname -r): strings paged in first, then read by bpf_probe_read_user_str"
else
	echo "# $(uname -r): strings read by bpf_copy_from_user_str"
fi

for v in gcc-O0 gcc-O2 clang-O0 clang-O2; do
	bin=$TARGETS/pages-$v
	spec "$T/look.c" "$bin" "$LOOK"
	"$VTRACE" record -v -e "$T/look.c" -- "$bin" "$T/pages.data" > "$T/out" 2> "$T/err"
	rc=$?
	expect_eq "$v: the pages were not present at the calls, and the probe read them in" \
		"rodata present=0 after=1 mapped present=0 after=1 dropped present=0 after=1" \
		"$(cold_pages "$T/out")"
	want_look "$T/out" > "$T/want"
	sed -n 's/.* ev: //p' "$T/out" > "$T/got"
	if [ $rc = 0 ] && [ "$(wc -l < "$T/want")" = 4 ] && cmp -s "$T/want" "$T/got"; then
		ok "$v: strings, longs, char arrays and ints on pages not present read as the target read them"
	else
		not_ok "$v: pages not present read" "rc=$rc" "want: $(cat "$T/want")" "got: $(cat "$T/got")" \
			"$(head -c 1500 "$T/err")"
	fi
	expect_grep "$v: -v says the program is sleepable" "program 'prog' is sleepable" "$T/err"

	# forced off: as before, (fault), and the pages stay out
	VTRACE_NO_SLEEPABLE=1 "$VTRACE" record -v -e "$T/look.c" -- "$bin" "$T/pages.data" > "$T/out" 2> "$T/err"
	rc=$?
	F='text=(fault) value=(fault) name=(fault) n[0]=(fault)'
	expect_eq "$v: VTRACE_NO_SLEEPABLE=1: (fault) for the three, the stack read" \
		"rc=0 $F|$F|$F|$(want_look "$T/out" | tail -1)" \
		"rc=$rc $(sed -n 's/.* ev: //p' "$T/out" | tr '\n' '|' | sed 's/|$//')"
	expect_eq "$v: VTRACE_NO_SLEEPABLE=1: nothing read the pages in" \
		"rodata present=0 after=0 mapped present=0 after=0 dropped present=0 after=0" \
		"$(cold_pages "$T/out")"
	expect_grep "$v: VTRACE_NO_SLEEPABLE=1: -v says why" \
		"reads as (fault): VTRACE_NO_SLEEPABLE is set" "$T/err"
done

# two threads on one CPU (tests/targets/stall.c): the first one's probe
# sleeps in a read (a userfaultfd holds the page back) while the second's
# runs to the end; each sends its own args, not the other's
for v in gcc-O2 clang-O0; do
	bin=$TARGETS/stall-$v
	spec "$T/stall.c" "$bin" "$LOOK"
	"$VTRACE" record -e "$T/stall.c" -- "$bin" > "$T/out" 2> "$T/err"
	rc=$?
	want_look "$T/out" | sort > "$T/want"
	sed -n 's/.* ev: //p' "$T/out" | sort > "$T/got"
	if [ $rc = 0 ] && grep -qx 'stalled=1' "$T/out" && [ "$(wc -l < "$T/want")" = 2 ] &&
		cmp -s "$T/want" "$T/got"; then
		ok "$v: a probe sleeping in a read keeps its sample while another thread's probe runs on its CPU"
	else
		not_ok "$v: a sleeping probe's sample is its own" "rc=$rc $(grep stalled "$T/out")" \
			"want: $(cat "$T/want")" "got: $(cat "$T/got")" "$(head -c 1500 "$T/err")"
	fi
done

# a return probe: $retval points into the page (sleepable uretprobes)
bin=$TARGETS/pages-gcc-O2
spec "$T/ret.c" "$bin" 'pass%return $retval->n $retval->text'
"$VTRACE" record -e "$T/ret.c" -- "$bin" "$T/pages.data" > "$T/out" 2> "$T/err"
rc=$?
sed -n 's/^look text=\(".*"\) value=.* n=\([-0-9]*\)$/retval_n=\2 retval_text=\1/p' "$T/out" > "$T/want"
sed -n 's/.* ev: //p' "$T/out" > "$T/got"
if [ $rc = 0 ] && [ "$(wc -l < "$T/want")" = 4 ] && cmp -s "$T/want" "$T/got"; then
	ok "uretprobe: \$retval->n and \$retval->text on pages not present read"
else
	not_ok "uretprobe reads pages not present" "rc=$rc" "want: $(cat "$T/want")" "got: $(cat "$T/got")" \
		"$(head -c 1500 "$T/err")"
fi

# a user's function a sleepable program cannot have (a perf event array, as
# perf's programs write to): loaded as before, said under -v, never an error
spec "$T/perf.c" "$bin" "$LOOK" '
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(int));
} out SEC(".maps");' 'if (err) bpf_perf_event_output(ctx, &out, BPF_F_CURRENT_CPU, &err, sizeof(err));'
"$VTRACE" record -v -e "$T/perf.c" -- "$bin" "$T/pages.data" > "$T/out" 2> "$T/err"
rc=$?
F='text=(fault) value=(fault) name=(fault) n[0]=(fault)'
expect_eq "a perf event array in the user's function: recorded as before, (fault) for the three" \
	"rc=0 $F|$F|$F|$(want_look "$T/out" | tail -1)" \
	"rc=$rc $(sed -n 's/.* ev: //p' "$T/out" | tr '\n' '|' | sed 's/|$//')"
expect_grep "and -v names the verifier's reason" \
	"program 'prog' cannot be sleepable (Sleepable programs can only use" "$T/err"

#!/bin/sh
# Entry values (DW_OP_entry_value): a parameter optimized code no longer
# keeps is read as its register was at the function's entry, saved there by
# a companion probe.  Checked against what the target itself says each hit
# must read: under recursion and in two threads at once; a call already
# running when vtrace attaches prints (unavailable), never a stale value.
. "$(dirname "$0")/../lib.sh"

SRC=$TOP/tests/targets/entry.c
entry_line=$(grep -n 'vtrace: ENTRY_LINE' "$SRC" | cut -d: -f1)
late_line=$(grep -n 'vtrace: LATE_LINE' "$SRC" | cut -d: -f1)

spec_prog() {
	spec_program "$T/p.c" "exec=$1;ev=$2"
}

for v in gcc-O2 clang-O2 gcc-O0 clang-O0; do
	bin=$TARGETS/entry-$v
	if "$VTRACE" probe --dry-run "ev=entry.c:$entry_line level" -x "$bin" | grep -q 'entry(%rdi)'; then
		how="an entry value"
	else
		how="its own location"
	fi
	spec_prog "$bin" "entry.c:$entry_line level stop"
	"$VTRACE" record -e "$T/p.c" -- "$bin" > "$T/out" 2> "$T/err"
	rc=$?
	# per thread, in order: the levels its hits read, as the target's "expect" lines
	python3 - "$T/out" > "$T/cmp" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
want = {}
for l in lines:
    m = re.match(r"expect (\d+): (.*)", l)
    if m:
        want[int(m.group(1))] = m.group(2).split()
got = {}
for l in lines:
    m = re.match(r"\s*\S+\s+(\d+) .* ev: level=(\S+) stop=(\S+)", l)
    if m:
        got.setdefault(m.group(1), []).append((m.group(2), m.group(3)))
ok = len(want) == 2 and len(got) == 2
for tid, hits in got.items():
    stop = hits[0][1]
    if not stop.isdigit() or int(stop) not in want:
        ok = False
        continue
    if [h[0] for h in hits] != want[int(stop)] or any(h[1] != stop for h in hits):
        ok = False
print("same" if ok else "differ %r %r" % (want, got))
PY
	if [ $rc = 0 ] && grep -q '^same' "$T/cmp"; then
		ok "$v: $(grep -c ' ev: ' "$T/out") hits in two threads and 6 levels of recursion read their own call's value ($how)"
	else
		not_ok "$v: recursion and threads read their own call's value ($how)" "rc=$rc" \
			"$(cat "$T/cmp")" "$(cat "$T/err")"
	fi
done

# attached in the middle of a call: its entry was never seen
for v in gcc-O2 clang-O2; do
	bin=$TARGETS/entry-$v
	spec_prog "$bin" "entry.c:$late_line level"
	"$bin" late > "$T/target" &
	tpid=$!
	wait_for "$T/target" "pid "
	"$VTRACE" record -e "$T/p.c" -p $tpid > "$T/out" 2> "$T/err"
	rc=$?
	wait $tpid
	first=$(sed -n 's/.* ev: level=//p' "$T/out" | sort | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')
	last3=$(sed -n 's/.* ev: level=//p' "$T/out" | tail -3 | tr '\n' ' ')
	nun=$(grep -c 'level=(unavailable)' "$T/out")
	nbad=$(sed -n 's/.* ev: level=//p' "$T/out" | grep -cv '^(unavailable)$\|^8$')
	if [ $rc = 0 ] && [ "$nun" -gt 0 ] && [ "$nbad" = 0 ] && [ "$last3" = "8 8 8 " ]; then
		ok "$v: a call begun before attaching prints (unavailable) ($nun hits); the next call reads 8"
	else
		not_ok "$v: a call begun before attaching prints (unavailable)" "rc=$rc" "levels: $first" \
			"last: $last3" "$(cat "$T/err")"
	fi
done

# Beyond gdb: at handle:RELLINE in vars-clang-O2, status is an entry value,
# and gdb reads it from main's call-site info as 1000 (bytes' value); main
# passed 200, -201, 202 (it prints "handled" after each call)
bin=$TARGETS/vars-clang-O2
vsrc=$TOP/tests/targets/vars.c
rel=$(($(grep -n 'handle:RELLINE' "$vsrc" | cut -d: -f1) - $(grep -n '^__attribute__((noinline)) int handle' "$vsrc" | cut -d: -f1)))
if "$VTRACE" probe --dry-run "ev=handle:$rel status" -x "$bin" | grep -q 'entry(%rsi)'; then
	spec_prog "$bin" "handle:$rel status bytes"
	"$VTRACE" record -e "$T/p.c" -- "$bin" 3 > "$T/out" 2> "$T/err"
	got=$(sed -n 's/.* ev: //p' "$T/out" | tr '\n' ' ')
	gdbsays=$(gdb -batch -nx -ex "break vars.c:$(grep -n 'handle:RELLINE' "$vsrc" | cut -d: -f1)" -ex 'run 3' \
		-ex 'print status' "$bin" 2>/dev/null | sed -n 's/^\$1 = //p')
	expect_eq "clang-O2: an entry value gdb misreads ($gdbsays) is what main passed" \
		"status=200 bytes=1000 status=-201 bytes=2000 status=202 bytes=3000 " "$got"
fi

# the note at start, and --dry-run's description
out=$("$VTRACE" probe --dry-run "ev=entry.c:$late_line level" -x "$TARGETS/entry-gcc-O2")
case "$out" in
*"level = (s64)[entry(%rdi)]"*) ok "--dry-run shows an entry value as entry(%rdi)" ;;
*) not_ok "--dry-run shows an entry value" "$out" ;;
esac

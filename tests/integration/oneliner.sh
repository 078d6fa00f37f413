#!/bin/sh
# Specs on the command line (record -e SPEC, -x BIN, -e -): a one-liner
# prints what the same spec in a C file whose function returns 1 prints,
# and its values are the ones the target printed.
. "$(dirname "$0")/../lib.sh"

# normalize FILE PID: the lines without what differs between two runs
# (time, CPU, the target's pid/tid)
normalize() {
	sed -E -e 's/ [0-9]+\.[0-9]{6}: / TIME: /' -e 's/\[[0-9]{3}\]/[CPU]/' \
		-e "s/(^|[ =])$2( |\$)/\\1PID\\2/g" "$1"
}

# the target's own lines, as the spec prints them: "a=.. b=.. c=.. s=".." d=.."
expected_compute() {
	sed -n 's/^compute a=\([^ ]*\) b=\([^ ]*\) c=\([^ ]*\) s=\(.*\) d=\([^ ]*\)$/a=\1 b=\2 c=\3 s="\4" d=\5/p' "$1" |
		sed 's/\t/\\t/g'
}

for v in gcc-O0 clang-O2; do
	bin=$TARGETS/args-$v
	spec="exec=$bin;ev=compute a b c s:string d"

	"$VTRACE" record -e "$spec" -- "$bin" 4 > "$T/one" 2> "$T/one.err"
	rc1=$?
	spec_program "$T/file.c" "$spec"
	"$VTRACE" record -e "$T/file.c" -- "$bin" 4 > "$T/file" 2> "$T/file.err"
	rc2=$?
	pid1=$(sed -n 's/^pid=//p' "$T/one") pid2=$(sed -n 's/^pid=//p' "$T/file")
	normalize "$T/one" "$pid1" | grep ' ev: ' > "$T/one.n"
	normalize "$T/file" "$pid2" | grep ' ev: ' > "$T/file.n"
	if [ $rc1 = 0 ] && [ $rc2 = 0 ] && [ -s "$T/one.n" ] && cmp -s "$T/one.n" "$T/file.n"; then
		ok "oneliner $v: -e SPEC prints what the spec in a C file prints ($(wc -l < "$T/one.n") lines)"
	else
		not_ok "oneliner $v: -e SPEC prints what the spec in a C file prints" "rc $rc1 $rc2" \
			"$(diff "$T/file.n" "$T/one.n" | head -20)" "$(head -5 "$T/one.err")"
	fi
	expected_compute "$T/one" > "$T/want"
	sed -n 's/.* ev: //p' "$T/one" > "$T/got"
	expect_eq "oneliner $v: values are the target's ($(wc -l < "$T/want") calls)" \
		"$(cat "$T/want")" "$(cat "$T/got")"

	# -x BIN: exec= for the specs after it
	"$VTRACE" record -x "$bin" -e 'ev=compute a d' -- "$bin" 3 > "$T/x" 2> "$T/x.err"
	sed -n 's/^compute a=\([^ ]*\) .* d=\([^ ]*\)$/a=\1 d=\2/p' "$T/x" > "$T/want"
	sed -n 's/.* ev: //p' "$T/x" > "$T/got"
	if [ -s "$T/want" ] && [ "$(cat "$T/want")" = "$(cat "$T/got")" ]; then
		ok "oneliner $v: -x BIN -e 'ev=compute a d'"
	else
		not_ok "oneliner $v: -x BIN -e 'ev=compute a d'" "want: $(cat "$T/want")" \
			"got: $(cat "$T/got")" "$(head -5 "$T/x.err")"
	fi
done

bin=$TARGETS/args-gcc-O2

# -e -: a program in C on standard input, the same as from a file
spec_program "$T/stdin.c" "exec=$bin;ev=compute a c"
"$VTRACE" record -e - -- "$bin" 3 < "$T/stdin.c" > "$T/in" 2> "$T/in.err"
rc=$?
sed -n 's/^compute a=\([^ ]*\) b=[^ ]* c=\([^ ]*\) .*/a=\1 c=\2/p' "$T/in" > "$T/want"
sed -n 's/.* ev: //p' "$T/in" > "$T/got"
if [ $rc = 0 ] && [ -s "$T/want" ] && [ "$(cat "$T/want")" = "$(cat "$T/got")" ]; then
	ok "oneliner: -e - reads a program from standard input"
else
	not_ok "oneliner: -e - reads a program from standard input" "rc $rc" "want: $(cat "$T/want")" \
		"got: $(cat "$T/got")" "$(head -5 "$T/in.err")"
fi
# ... and through a pipe named on the command line
"$VTRACE" record -e /dev/stdin -- "$bin" 3 < "$T/stdin.c" > "$T/in2" 2> "$T/in2.err"
sed -n 's/.* ev: //p' "$T/in2" > "$T/got"
expect_eq "oneliner: -e /dev/stdin too" "$(cat "$T/want")" "$(cat "$T/got")"
"$VTRACE" record -e - -- "$bin" 1 < /dev/null > /dev/null 2> "$T/empty.err"
rc=$?
if [ $rc = 1 ] && grep -q 'nothing to read' "$T/empty.err"; then
	ok "oneliner: -e - with nothing on standard input is an error"
else
	not_ok "oneliner: -e - with nothing on standard input is an error" "rc $rc" "$(cat "$T/empty.err")"
fi

# raw_tp/NAME: the event is the tracepoint's name, as a C file's function named so
"$VTRACE" record -e 'raw_tp/sched_process_exec p->pid p->comm old_pid' -- "$bin" 1 \
	> "$T/rt" 2> "$T/rt.err"
cat > "$T/rt.c" <<'EOF2'
#define SEC(NAME) __attribute__((section(NAME), used))
SEC("raw_tp/sched_process_exec p->pid p->comm old_pid")
int sched_process_exec(void *ctx, int err) { return 1; }
char _license[] SEC("license") = "GPL";
EOF2
"$VTRACE" record -e "$T/rt.c" -- "$bin" 1 > "$T/rtf" 2> "$T/rtf.err"
p1=$(sed -n 's/^pid=//p' "$T/rt") p2=$(sed -n 's/^pid=//p' "$T/rtf")
normalize "$T/rt" "$p1" | grep 'sched_process_exec:' > "$T/rt.n"
normalize "$T/rtf" "$p2" | grep 'sched_process_exec:' > "$T/rtf.n"
expect_eq "oneliner: raw_tp one-liner: pid and comm of the exec" \
	"sched_process_exec: pid=$p1 comm=\"args-gcc-O2\" old_pid=$p1" "$(sed -n 's/.*\] *[0-9.]*: //p' "$T/rt")"
if [ -s "$T/rt.n" ] && cmp -s "$T/rt.n" "$T/rtf.n"; then
	ok "oneliner: raw_tp one-liner prints what the C file prints"
else
	not_ok "oneliner: raw_tp one-liner prints what the C file prints" "$(diff "$T/rtf.n" "$T/rt.n")" \
		"$(head -3 "$T/rt.err")" "$(head -3 "$T/rtf.err")"
fi

# A bad spec: its caret error, one message, status 2 (a usage error), nothing run
"$VTRACE" record -e "exec=$bin;ev=compute a-->b" -- "$bin" 1 > "$T/bad" 2> "$T/bad.err"
rc=$?
col=$(printf "%s" "    exec=$bin;ev=compute a" | wc -c)
caret=$(sed -n 3p "$T/bad.err")
if [ $rc = 2 ] && [ "$(wc -l < "$T/bad.err")" = 3 ] && grep -q "^vtrace: -e: unexpected '-'" "$T/bad.err" &&
   [ "$(sed -n 2p "$T/bad.err")" = "    exec=$bin;ev=compute a-->b" ] &&
   [ "$caret" = "$(printf "%${col}s^" "")" ] && ! [ -s "$T/bad" ]; then
	ok "oneliner: a bad spec gives its caret error and status 2"
else
	not_ok "oneliner: a bad spec gives its caret error and status 2" "rc $rc" "$(cat "$T/bad.err")" \
		"stdout: $(head -2 "$T/bad")"
fi
# An arg the resolver does not know: the resolver's caret under it
"$VTRACE" record -e "exec=$bin;ev=compute a nosuch" -- "$bin" 1 > "$T/bad" 2> "$T/bad.err"
rc=$?
if [ $rc = 1 ] && grep -q "nosuch" "$T/bad.err" && grep -q '^ *\^^^^^^$' "$T/bad.err" && ! [ -s "$T/bad" ]; then
	ok "oneliner: an unknown variable is refused with a caret"
else
	not_ok "oneliner: an unknown variable is refused with a caret" "rc $rc" "$(cat "$T/bad.err")"
fi
# Names ending .c or .o are files, even when missing
"$VTRACE" record -e "$T/missing.c" -- "$bin" 1 > /dev/null 2> "$T/miss.err"
rc=$?
if [ $rc = 1 ] && grep -q "missing.c: No such file or directory" "$T/miss.err"; then
	ok "oneliner: a missing .c file is a missing file, not a spec"
else
	not_ok "oneliner: a missing .c file is a missing file, not a spec" "rc $rc" "$(cat "$T/miss.err")"
fi

# No EVENT=: the event is named after the point (perf probe's names), made
# unique among the run's events; the values are the target's.
"$VTRACE" record -x "$bin" -e 'compute a b' -e 'compute a' -e 'compute%return $retval' -- "$bin" 3 \
	> "$T/un" 2> "$T/un.err"
rc=$?
sed -n 's/^compute a=\([^ ]*\) b=\([^ ]*\) .*/compute: a=\1 b=\2/p' "$T/un" > "$T/want"
sed -n 's/^compute a=\([^ ]*\) .*/compute_1: a=\1/p' "$T/un" >> "$T/want"
sed -n 's/^ret=/compute__return: retval=/p' "$T/un" >> "$T/want"
for e in compute compute_1 compute__return; do
	sed -n "s/.*: \($e: .*\)/\1/p" "$T/un"
done > "$T/got"
if [ $rc = 0 ] && [ "$(wc -l < "$T/want")" = 9 ] && [ "$(cat "$T/want")" = "$(cat "$T/got")" ] &&
   ! grep -q 'two probes send samples' "$T/un.err"; then
	ok "oneliner: specs without EVENT= are named compute, compute_1, compute__return (9 hits)"
else
	not_ok "oneliner: specs without EVENT= are named compute, compute_1, compute__return" "rc $rc" \
		"$(diff "$T/want" "$T/got")" "$(head -5 "$T/un.err")"
fi
# ... in a C file's section too, and in a second file: unique across the run
spec_program "$T/noname.c" "exec=$bin;compute d"
spec_program "$T/noname2.c" "exec=$bin;compute:2 a"
"$VTRACE" record -e "$T/noname.c" -e "$T/noname.c" -e "$T/noname2.c" -- "$bin" 2 > "$T/unc" 2> "$T/unc.err"
rc=$?
sed -n 's/^compute a=.* d=\([^ ]*\)$/compute: d=\1/p' "$T/unc" > "$T/want"
sed -n 's/^compute a=.* d=\([^ ]*\)$/compute_1: d=\1/p' "$T/unc" >> "$T/want"
for e in compute compute_1; do sed -n "s/.*: \($e: .*\)/\1/p" "$T/unc"; done > "$T/got"
n=$(grep -c ' compute_L2: a=' "$T/unc")
if [ $rc = 0 ] && [ -s "$T/want" ] && [ "$(cat "$T/want")" = "$(cat "$T/got")" ] && [ "$n" = 2 ]; then
	ok "oneliner: a C section without EVENT= is named from its function, unique over files ($n line probes compute_L2)"
else
	not_ok "oneliner: a C section without EVENT= is named from its function" "rc $rc n $n" \
		"$(diff "$T/want" "$T/got")" "$(head -5 "$T/unc.err")"
fi
# probe --dry-run: the same name; a spec that does not parse exits 2, as record does
"$VTRACE" probe --dry-run "exec=$bin;compute a" > "$T/dry" 2>&1
expect_eq "oneliner: probe --dry-run names an unnamed spec's event" \
	"compute: 1 instance in $bin" "$(head -1 "$T/dry")"
"$VTRACE" probe --dry-run "exec=$bin;compute a-->b" > /dev/null 2> "$T/dry.err"
rc=$?
"$VTRACE" record -e "exec=$bin;compute a-->b" -- "$bin" 1 > /dev/null 2> "$T/rec.err"
rc2=$?
if [ $rc = 2 ] && [ $rc2 = 2 ] && grep -q "unexpected '-'" "$T/dry.err"; then
	ok "oneliner: probe --dry-run exits 2 on a spec parse error, as record"
else
	not_ok "oneliner: probe --dry-run exits 2 on a spec parse error, as record" "rc $rc $rc2" \
		"$(cat "$T/dry.err")"
fi

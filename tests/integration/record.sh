#!/bin/sh
# vtrace record on this host's kernel: raw tracepoints, tracepoints, uprobes,
# uretprobes, struct samples; command, -p and -a modes.  Values are checked
# against what the traced program printed itself.
. "$(dirname "$0")/../lib.sh"

SYS=$TARGETS/syscalls-gcc-O2

# --- raw tracepoint: exactly the command's getppid() calls, counted in BPF
"$VTRACE" record -e "$PROGS/getppid.c" -- "$SYS" count 37 > "$T/out" 2> "$T/err"
rc=$?
expect_eq "raw_tp: command exits 0" 0 $rc
pid=$(sed -n 's/^pid=//p' "$T/out")
expect_eq "raw_tp: one sample per getppid() of the command" 37 "$(grep -c 'on_getppid: getppid count=' "$T/out")"
expect_eq "raw_tp: the BPF counter reached 37" "getppid count=37" "$(grep -o 'getppid count=[0-9]*' "$T/out" | tail -1)"
expect_eq "raw_tp: every sample is from the command's pid" "$pid" \
	"$(grep 'on_getppid:' "$T/out" | awk '{print $2}' | sort -u)"
expect_grep "raw_tp: summary on stderr" "[ vtrace: 37 samples, 0 lost ]" "$T/err"
line=$(grep -m1 'on_getppid:' "$T/out")
if echo "$line" | grep -Eq '^ +syscalls-gcc-O2 +[0-9]+ \[[0-9]{3}\] +[0-9]+\.[0-9]{6}: on_getppid: getppid count=1$'; then
	ok "raw_tp: line layout is perf script's"
else
	not_ok "raw_tp: line layout is perf script's" "line: $line"
fi

# --- the process tree: a forked child is traced too
"$VTRACE" record -e "$PROGS/getppid.c" -- "$SYS" fork 5 > "$T/out" 2> "$T/err"
pid=$(sed -n 's/^pid=//p' "$T/out")
child=$(sed -n 's/^child=//p' "$T/out")
expect_eq "fork: parent's calls traced" 5 "$(grep 'on_getppid:' "$T/out" | awk -v p="$pid" '$2 == p' | wc -l)"
expect_eq "fork: child's calls traced" 5 "$(grep 'on_getppid:' "$T/out" | awk -v p="$child" '$2 == p' | wc -l)"

# --- tracepoint with a user string; vtrace mounts tracefs when it is absent
umount /sys/kernel/tracing 2>/dev/null
msg=$(printf 'hello\tfrom vtrace')
"$VTRACE" record -e "$PROGS/write.c" -- "$SYS" count 0 "$msg" > "$T/out" 2> "$T/err"
if mountpoint -q /sys/kernel/tracing; then
	ok "tp: tracefs was mounted by vtrace"
else
	not_ok "tp: tracefs was mounted by vtrace"
fi
expect_grep "tp: the string the command wrote, escaped" 'on_write: fd=1 len=17 buf=hello\tfrom vtrace' "$T/out"
pid=$(sed -n 's/^pid=//p' "$T/out")
expect_grep "tp: the first write too" "on_write: fd=1 len=$((${#pid} + 5)) buf=pid=$pid\\n" "$T/out"

# --- exit status of the command
"$VTRACE" record -e "$PROGS/getppid.c" -- "$SYS" exit 7 > /dev/null 2>&1
expect_eq "the command's exit status is vtrace's" 7 $?
"$VTRACE" record -e "$PROGS/getppid.c" -- sh -c 'kill -TERM $$' > /dev/null 2>&1
expect_eq "a command killed by SIGTERM gives 128+15" 143 $?

# --- uprobe and uretprobe arguments, for each compiler and optimisation level
for v in gcc-O0 gcc-O2 clang-O0 clang-O2; do
	bin=$TARGETS/args-$v
	prog=$(instantiate args "$bin")
	"$VTRACE" record -e "$prog" -- "$bin" 6 > "$T/out" 2> "$T/err"
	rc=$?
	# The target prints a real tab; vtrace escapes it.
	grep '^compute ' "$T/out" | sed 's/\t/\\t/g' > "$T/want"
	sed -n 's/.* on_compute: //p' "$T/out" > "$T/got"
	if [ $rc = 0 ] && [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then
		ok "uprobe args ($v): every call's values match what the target printed"
	else
		not_ok "uprobe args ($v): every call's values match what the target printed" \
			"rc=$rc" "want: $(cat "$T/want")" "got:  $(cat "$T/got")" "err: $(cat "$T/err")"
	fi
	grep '^ret=' "$T/out" > "$T/want"
	sed -n 's/.* on_compute_ret: //p' "$T/out" > "$T/got"
	if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then
		ok "uretprobe ($v): return values match"
	else
		not_ok "uretprobe ($v): return values match" "want: $(cat "$T/want")" "got:  $(cat "$T/got")"
	fi
done

# --- vtrace_emit: a struct printed from the program's BTF
bin=$TARGETS/args-gcc-O2
"$VTRACE" record -e "$(instantiate emit "$bin")" -- "$bin" 1 > "$T/out" 2> "$T/err"
expect_eq "emit: struct fields, bitfields, char array, nested, enum, pointer, bool" \
	'report: a=1000 flags=5 delta=-2 word="hi\"x" point={x=7,y=-8} phase=PHASE_RUN ptr=0x1000 ok=true' \
	"$(sed -n 's/.*\(report: .*\)/\1/p' "$T/out")"

# --- several -e at once share one stream
"$VTRACE" record -e "$PROGS/getppid.c" -e "$PROGS/write.c" -- "$SYS" count 2 "two" > "$T/out" 2> "$T/err"
expect_eq "two -e: both programs' samples" "2 1" \
	"$(grep -c 'on_getppid:' "$T/out") $(grep -c 'on_write: fd=1 len=3 buf=two' "$T/out")"

# --- a program written for perf: its own SEC(), struct pt_regs, version section
cat > "$T/perfstyle.c" <<EOF
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("uprobe/$bin:compute")
int perf_style(struct pt_regs *ctx)
{
	return 1;
}
char _license[] SEC("license") = "GPL";
int _version SEC("version") = 0x060100;
EOF
"$VTRACE" record -e "$T/perfstyle.c" -- "$bin" 2 > "$T/out" 2> "$T/err"
rc=$?
expect_eq "perf-style program without vtrace.h loads and runs" "0 2" "$rc $(grep -c '^compute' "$T/out")"

# --- a prebuilt object (-e prog.o)
clang -target bpf -mcpu=v3 -O2 -g -D__TARGET_ARCH_x86 -I"$XDG_CACHE_HOME/vtrace/include" \
	-I"$(dirname "$(ls "$XDG_CACHE_HOME"/vtrace/btf/*/vmlinux.h | head -1)")" \
	-c "$PROGS/getppid.c" -o "$T/getppid.o"
"$VTRACE" record -e "$T/getppid.o" -- "$SYS" count 3 > "$T/out" 2> "$T/err"
expect_eq "a prebuilt .o works like its source" 3 "$(grep -c 'on_getppid:' "$T/out")"

# --- -p PID: only that process, until it exits
"$SYS" loop > "$T/loop1" &
p1=$!
"$SYS" loop > "$T/loop2" &
p2=$!
"$VTRACE" record -e "$PROGS/getppid.c" -p $p1 --duration 1 > "$T/out" 2> "$T/err"
rc=$?
n1=$(grep 'on_getppid:' "$T/out" | awk -v p=$p1 '$2 == p' | wc -l)
others=$(grep 'on_getppid:' "$T/out" | awk -v p=$p1 '$2 != p' | wc -l)
if [ $rc = 0 ] && [ "$n1" -gt 0 ] && [ "$others" = 0 ]; then
	ok "-p: samples from that process only"
else
	not_ok "-p: samples from that process only" "rc=$rc from-pid=$n1 others=$others"
fi
"$VTRACE" record -e "$PROGS/getppid.c" -p $p2 > "$T/out" 2> "$T/err" &
vp=$!
# the process exits once vtrace is attached (its registry entry is written then)
i=0
while [ ! -e /run/vtrace/$vp ] && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
kill $p2
wait $vp
expect_eq "-p: stops when the process exits" 0 $?
kill $p1 2>/dev/null
wait 2>/dev/null

# --- -a: system-wide until SIGINT, then nothing stays attached
"$VTRACE" record -v -a -e "$PROGS/getppid.c" > "$T/out" 2> "$T/err" &
vp=$!
if wait_for "$T/err" "program(s) attached"; then
	"$SYS" count 4 > "$T/target"
	pid=$(sed -n 's/^pid=//p' "$T/target")
	sleep 0.2
	kill -INT $vp
	wait $vp
	rc=$?
	expect_eq "-a: SIGINT ends vtrace with status 0" 0 $rc
	expect_eq "-a: the target's calls were seen" 4 \
		"$(grep 'on_getppid:' "$T/out" | awk -v p="$pid" '$2 == p' | wc -l)"
	wait_gone on_getppid
	expect_eq "-a: after SIGINT no program of vtrace's is loaded" "0 0" \
		"$(progs_named on_getppid) $(progs_named vtrace_track_f)"
	if bpftool link show 2>/dev/null | grep -q 'on_getppid'; then
		not_ok "-a: after SIGINT no link remains" "$(bpftool link show)"
	else
		ok "-a: after SIGINT no link remains"
	fi
else
	not_ok "-a: vtrace attached" "$(cat "$T/err")"
	kill $vp
fi

# --- --duration ends -a mode by itself
"$VTRACE" record -a --duration 0.3 -e "$PROGS/getppid.c" > /dev/null 2> "$T/err"
expect_eq "--duration ends -a with status 0" 0 $?

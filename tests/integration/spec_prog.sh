#!/bin/sh
# Spec programs as perf's BPF events ran them: r2 = error flag, r3..r5 = the
# first args, nonzero records the event with all its args, zero drops it;
# raw tracepoints and tracepoints with named args; errors at record time.
. "$(dirname "$0")/../lib.sh"
ARGS=$TARGETS/args-gcc-O2
VARS=$TARGETS/vars-clang-O2
SYS=$TARGETS/syscalls-gcc-O2

# r2..r5 reach the program; only a > 1000 is recorded, with all five args
cat > "$T/regs.c" <<PROG
#include <vtrace.h>
SEC("exec=$ARGS;ev=compute a b c s:string d")
int prog(struct pt_regs *ctx, int err, long a, long b, long c)
{
	vtrace_printf("err=%d a=%ld b=%ld c=%ld", err, a, b, c);
	return a > 1000;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/regs.c" -- "$ARGS" 6 > "$T/out" 2> "$T/err"
sed -n 's/^compute a=\([-0-9]*\) b=\([-0-9]*\) c=\([0-9]*\) .*/err=0 a=\1 b=\2 c=\3/p' "$T/out" > "$T/want"
sed -n 's/.* ev: \(err=.*\)/\1/p' "$T/out" > "$T/got"
if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then
	ok "r2 = 0 and r3..r5 = the first three args, as the target passed them"
else
	not_ok "r2 and r3..r5 reach the program" "want: $(cat "$T/want")" "got: $(cat "$T/got")" "$(cat "$T/err")"
fi
grep '^compute ' "$T/out" | awk '{split($2, a, "="); if (a[2] > 1000) print}' |
	sed 's/^compute //; s/\t/\\t/g; s/s=\([^ ]*\)/s="\1"/' > "$T/want"
sed -n 's/.* ev: \(a=.*\)/\1/p' "$T/out" > "$T/got"
if [ "$(wc -l < "$T/want")" = 2 ] && cmp -s "$T/want" "$T/got"; then
	ok "nonzero records the event with all five args; zero drops it"
else
	not_ok "return value filters events" "want: $(cat "$T/want")" "got: $(cat "$T/got")"
fi

# a fault: r2 = 1, r3..r5 = 0, and the arg prints (fault), never a number
cat > "$T/fault.c" <<PROG
#include <vtrace.h>
SEC("exec=$VARS;ev=handle nlen=r->next->hdr.len status")
int prog(struct pt_regs *ctx, int err, long nlen, long status)
{
	vtrace_printf("err=%d nlen=%ld status=%ld", err, nlen, status);
	return 1;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/fault.c" -- "$VARS" 3 > "$T/out" 2> "$T/err"
expect_eq "a faulting fetch: err=1 and zeroed args, then the good calls" \
	"err=1 nlen=0 status=0|err=0 nlen=100 status=-201|err=0 nlen=110 status=202" \
	"$(sed -n 's/.* ev: \(err=.*\)/\1/p' "$T/out" | tr '\n' '|' | sed 's/|$//')"
expect_eq "the faulting arg prints (fault) in the sample" "nlen=(fault) status=200" \
	"$(sed -n 's/.* ev: \(nlen=.*\)/\1/p' "$T/out" | head -1)"

# raw tracepoint with a named arg: getppid's syscall number, from BTF
cat > "$T/rawtp.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
SEC("raw_tp/sys_enter id")
int prog(void *ctx, int err, long id)
{
	return id == 110;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/rawtp.c" -- "$SYS" count 9 > "$T/out" 2> "$T/err"
expect_eq "raw_tp spec: one sample per getppid(), id=110" "9 id=110" \
	"$(grep -c ' prog: id=110$' "$T/out") $(sed -n 's/.* prog: //p' "$T/out" | sort -u)"

# tracepoint with named fields from its format
cat > "$T/tp.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
SEC("tp/syscalls/sys_enter_write fd count buf:string")
int prog(void *ctx, int err, long fd)
{
	return fd == 1;
}
char _license[] SEC("license") = "GPL";
PROG
msg=$(printf 'hello\tfrom vtrace')
"$VTRACE" record -e "$T/tp.c" -- "$SYS" count 0 "$msg" > "$T/out" 2> "$T/err"
expect_grep "tp spec: fields by name, the string followed" ' prog: fd=1 count=17 buf="hello\tfrom vtrace"' "$T/out"

# errors at record time: the spec, a caret, nothing loaded
cat > "$T/bad.c" <<PROG
#define SEC(NAME) __attribute__((section(NAME), used))
SEC("exec=$VARS;ev=handle r->nope")
int prog(void *ctx) { return 1; }
char _license[] SEC("license") = "GPL";
PROG
before=$(prog_count)
"$VTRACE" record -e "$T/bad.c" -- "$VARS" 1 > /dev/null 2> "$T/err"
rc=$?
if [ $rc = 1 ] && grep -qF "bad.c: program 'prog': struct req has no member 'nope'; it has: hdr, path" "$T/err" &&
	tail -1 "$T/err" | grep -q '^ *\^\^\^\^$' && [ "$(prog_count_settled "$before")" -le "$before" ]; then
	ok "a bad spec: one line naming file, program and member, a caret, nothing loaded"
else
	not_ok "a bad spec at record time" "rc=$rc" "$(cat "$T/err")"
fi

if [ ! -e /sys/bus/event_source/devices/kprobe ]; then
	cat > "$T/kp.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
SEC("ev=vfs_read count")
int prog(void *ctx) { return 1; }
char _license[] SEC("license") = "GPL";
PROG
	"$VTRACE" record -e "$T/kp.c" -- "$SYS" exit 0 > /dev/null 2> "$T/err"
	expect_grep "a kernel spec on a kernel without kprobes says so" \
		"needs a kprobe, and this kernel has no kprobes (it was built without CONFIG_KPROBES)" "$T/err"
fi

cat > "$T/verif.c" <<PROG
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("exec=$ARGS;ev=compute a")
int prog(struct pt_regs *ctx, int err, long a)
{
	return *(int *)a;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/verif.c" -- "$ARGS" 1 > /dev/null 2> "$T/err"
expect_grep "a verifier rejection in a spec program names the source line" \
	"the BPF verifier rejected program 'prog' at verif.c:6 (\`return *(int *)a;\`)" "$T/err"

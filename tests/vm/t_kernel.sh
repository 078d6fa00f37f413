#!/bin/sh
# Kernel probes, run inside the VM (tests/vm/guest.sh): kprobes with args
# from BTF, kretprobes, a DWARF-resolved module function at a line and at
# +OFF, raw tracepoints and standard kprobe sections.  Every value is one
# the test chose or that the syscall returned.
. "$(dirname "$0")/../lib.sh"
SYS=$TARGETS/syscalls-gcc-O2

# --- a kprobe spec, args from BTF; a kretprobe spec, $retval
cat > "$T/read.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("rd=vfs_read count")
int rd(struct pt_regs *ctx, int err, long count)
{
	return count == 4321;
}
SEC("rdret=vfs_read%return $retval")
int rdret(struct pt_regs *ctx, int err, long ret)
{
	return ret == 4321;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/read.c" -- dd if=/dev/zero of=/dev/null bs=4321 count=3 > "$T/out" 2> "$T/err"
expect_eq "kprobe spec: vfs_read's count from BTF, for each read(2) of 4321 bytes" 3 \
	"$(grep -c ' rd: count=4321$' "$T/out")"
expect_eq "kretprobe spec: \$retval is what read(2) returned" 3 "$(grep -c ' rdret: retval=4321$' "$T/out")"
expect_eq "only the command's reads" "dd" "$(grep -E ' (rd|rdret):' "$T/out" | awk '{print $1}' | sort -u)"

# --- perf's kernel style (SEC("event=func args")): a user string and a struct chain
cat > "$T/open.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("openat2=do_sys_openat2 dfd filename:string mode=how->mode")
int prog(struct pt_regs *ctx, int err, long dfd)
{
	return err == 0;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/open.c" -- sh -c 'umask 0; : > /tmp/vtrace-open-probe' > "$T/out" 2> "$T/err"
expect_grep "perf-style kernel spec: AT_FDCWD, the path, how->mode" \
	'openat2: dfd=-100 filename="/tmp/vtrace-open-probe" mode=438' "$T/out"

# --- a standard kprobe section through libbpf, registers read by the program
cat > "$T/kp.c" <<'PROG'
#include <vtrace.h>
SEC("kprobe/vfs_read")
int BPF_KPROBE(kp, struct file *file, char *buf, size_t count)
{
	if (count == 777)
		vtrace_printf("count=%lu", count);
	return 0;
}
SEC("kretprobe/vfs_read")
int BPF_KRETPROBE(kret, long ret)
{
	if (ret == 777)
		vtrace_printf("ret=%ld", ret);
	return 0;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/kp.c" -- dd if=/dev/zero of=/dev/null bs=777 count=2 > "$T/out" 2> "$T/err"
expect_eq "kprobe/kretprobe sections: two reads of 777 bytes each way" "2 2" \
	"$(grep -c ' kp: count=777$' "$T/out") $(grep -c ' kret: ret=777$' "$T/out")"

# --- raw tracepoint with a named arg from BTF, on this kernel
cat > "$T/rawtp.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
SEC("raw_tp/sys_enter id")
int prog(void *ctx, int err, long id)
{
	return id == 110;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/rawtp.c" -- "$SYS" count 6 > "$T/out" 2> "$T/err"
expect_eq "raw_tp spec: getppid's id, once per call" 6 "$(grep -c ' prog: id=110$' "$T/out")"

# --- a module function with DWARF: a stack local (through CFI), a register
#     local, struct chains, a string; at a source line and at +OFF
KMOD=$VTRACE_KMOD
command -v insmod > /dev/null || insmod() { busybox insmod "$@"; }
command -v rmmod > /dev/null || rmmod() { busybox rmmod "$@"; }
if insmod "$KMOD" 2> "$T/err"; then
	line=$(($(grep -n 'vt_handle:RELLINE' "$TOP/tests/kmod/vtrace_test.c" | cut -d: -f1) - \
		$(grep -n '^__attribute__((noipa)) int vt_handle' "$TOP/tests/kmod/vtrace_test.c" | cut -d: -f1)))
	args="doubled total len=r->hdr.len name=r->name:string code=r->code kind=r->hdr.kind"
	cat > "$T/mod.c" <<PROG
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("module=$KMOD;vt=vt_handle:$line $args")
int prog(struct pt_regs *ctx, int err)
{
	return 1;
}
char _license[] SEC("license") = "GPL";
PROG
	"$VTRACE" record -e "$T/mod.c" -- sh -c 'echo "7 42" > /proc/vtrace_test' > "$T/out" 2> "$T/err"
	expect_grep "module=, a source line: DWARF locals and struct chains" \
		'vt: doubled=84 total=91 len=7 name="kmod-req" code=42 kind=3' "$T/out" ||
		cat "$T/err"
	off=$("$VTRACE" probe --dry-run "module=$KMOD;vt=vt_handle:$line" | sed -n 's/^  vt_handle+\([0-9]*\).*/\1/p')
	sed -i "s|vt=vt_handle:$line|vt=vt_handle+$off|" "$T/mod.c"
	"$VTRACE" record -e "$T/mod.c" -- sh -c 'echo "9 -5" > /proc/vtrace_test' > "$T/out" 2> "$T/err"
	expect_grep "module=, at +$off: the same fetches, other values" \
		'vt: doubled=-10 total=-1 len=9 name="kmod-req" code=-5 kind=3' "$T/out"
	rmmod vtrace_test
else
	not_ok "the test module loads" "$(cat "$T/err")"
fi

# --- nothing stays attached
expect_eq "no kprobe is left in the kernel" "" \
	"$(cat /sys/kernel/tracing/kprobe_events 2>/dev/null; grep -h -v '^$' /sys/kernel/debug/kprobes/list 2>/dev/null)"

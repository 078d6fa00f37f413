#!/bin/sh
# record -g on kernel probes, run inside the VM (tests/vm/guest.sh): the
# kernel stack of a kprobe spec on vfs_read holds read(2)'s path through
# the kernel, innermost first, and the user stack under it reaches libc's
# read; a raw tracepoint's kernel stack holds the syscall entry; a syscall
# tracepoint has the user stack (and on 6.12 the kernel's above it); --folded puts kernel frames innermost, marked _[k].
. "$(dirname "$0")/../lib.sh"

cat > "$T/rd.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("rd=vfs_read count")
int rd(struct pt_regs *ctx, int err, long count)
{
	return count == 4321;
}
SEC("tp/syscalls/sys_enter_read count")
int tpr(struct pt_regs *ctx, int err, long count)
{
	return count == 4321;
}
SEC("raw_tp/sys_enter id")
int rawe(struct pt_regs *ctx, int err, long id)
{
	return id == 0;	/* read(2) */
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -g -o "$T/k.data" -e "$T/rd.c" -- dd if=/dev/zero of=/dev/null bs=4321 count=2 > "$T/out" 2> "$T/err"
"$VTRACE" script -i "$T/k.data" > "$T/s" 2> "$T/err2"
# the first rd sample's frames: the kernel's, then the user's
awk '/ rd: count=4321$/ {on = 1; next} on && /^$/ {exit} on' "$T/s" > "$T/rd.frames"
first=$(head -1 "$T/rd.frames" | awk '{print $2}')
case "$first" in
vfs_read+0x*) ok "kprobe -g: the innermost kernel frame is the probed vfs_read ($first)" ;;
*) not_ok "kprobe -g: innermost frame vfs_read" "$(cat "$T/rd.frames")" "$(cat "$T/err" "$T/err2")" ;;
esac
order=$(awk '{sub(/\+0x.*/, "", $2); print $2}' "$T/rd.frames" | grep -xE 'vfs_read|ksys_read|__x64_sys_read|do_syscall_64' | tr '\n' ' ')
# (6.1's __x64_sys_read jumps to ksys_read: a tail call leaves no frame, as gdb would show it)
expect_eq "kprobe -g: read(2)'s kernel path, innermost first" "vfs_read ksys_read do_syscall_64 " "$order"
expect_grep "kernel frames name [kernel.kallsyms]" "do_syscall_64+0x" "$T/rd.frames"
if grep -q '(\[kernel.kallsyms\])$' "$T/rd.frames" &&
	awk '/kernel.kallsyms/ {k = NR} /libc.so.6\)$/ {u = NR} END {exit !(k && u && k < u)}' "$T/rd.frames"; then
	ok "kprobe -g: the user stack (libc's read) follows the kernel stack"
else
	not_ok "kprobe -g: user stack after the kernel stack" "$(cat "$T/rd.frames")"
fi
awk '/ tpr: count=4321$/ {on = 1; next} on && /^$/ {exit} on' "$T/s" > "$T/tp.frames"
# 6.1 runs a syscall tracepoint's programs with the user's registers: no
# kernel frames.  6.12 gives them the tracepoint's own: the kernel stack
# from perf_syscall_enter down to the syscall entry, then the user's.
case "$(uname -r)" in 6.1.*) old_tp=1 ;; *) old_tp=0 ;; esac
if [ $old_tp = 0 ]; then
	kframes="the kernel's from the tracepoint to do_syscall_64 first"
	kok=$(awk '/kernel.kallsyms/ {k = NR; if ($2 ~ /^do_syscall_64\+/) d = NR; if (!f) f = $2}
		/libc.so.6\)$/ {u = NR} END {print (d && f ~ /^perf_syscall_enter\+/ && k < u) ? 1 : 0}' "$T/tp.frames")
else
	kframes="no kernel frames (user registers)"
	kok=$(grep -c 'kernel.kallsyms' "$T/tp.frames" | sed 's/^0$/1/;t;s/.*/0/')
fi
if grep -q 'read+0x[0-9a-f]* (/usr/lib/x86_64-linux-gnu/libc.so.6)$' "$T/tp.frames" && [ "$kok" = 1 ]; then
	ok "syscall tracepoint -g: the user stack from libc's read, $kframes"
else
	not_ok "syscall tracepoint -g: the user stack from libc's read, $kframes" "$(cat "$T/tp.frames")"
fi
awk '/ rawe: id=0$/ {on = 1; next} on && /^$/ {exit} on' "$T/s" > "$T/raw.frames"
expect_grep "raw tracepoint -g: the syscall entry function in the kernel stack" "do_syscall_64+0x" "$T/raw.frames"
"$VTRACE" script -i "$T/k.data" --folded > "$T/f" 2> /dev/null
expect_eq "--folded: the kprobe's stacks, vfs_read innermost with _[k], once per read of 4321 bytes" "2" \
	"$(awk '/;ksys_read_\[k\];vfs_read_\[k\] [0-9]+$/ {n += $NF} END {print n + 0}' "$T/f")"

# a plain kprobe program sending through vtrace.h: the current task's kernel stack, then the user's
cat > "$T/kp.c" <<'PROG'
#include <vtrace.h>
SEC("kprobe/vfs_read")
int BPF_KPROBE(kp, struct file *file, char *buf, size_t count)
{
	if (count == 4321)
		vtrace_printf("count=%lu", count);
	return 0;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -g -e "$T/kp.c" -- dd if=/dev/zero of=/dev/null bs=4321 count=2 > "$T/kout" 2> "$T/kerr"
awk '/ kp: count=4321$/ {on = 1; next} on && /^$/ {exit} on' "$T/kout" > "$T/kp.frames"
order=$(awk '{sub(/\+0x.*/, "", $2); print $2}' "$T/kp.frames" | grep -xE 'vfs_read|ksys_read|do_syscall_64' | tr '\n' ' ')
expect_eq "vtrace_printf -g in a kprobe: read(2)'s kernel path" "vfs_read ksys_read do_syscall_64 " "$order"
if awk '/kernel.kallsyms/ {k = NR} /libc.so.6\)$/ {u = NR} END {exit !(k && u && k < u)}' "$T/kp.frames"; then
	ok "vtrace_printf -g in a kprobe: the user stack (libc) follows the kernel stack"
else
	not_ok "vtrace_printf -g: user stack after kernel stack" "$(cat "$T/kp.frames" "$T/kerr")"
fi

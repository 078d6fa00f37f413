#!/bin/sh
# record -g on kernel probes, run inside the VM (tests/vm/guest.sh): the
# kernel stack of a kprobe spec on vfs_read and of a syscall tracepoint
# holds the syscall's own entry functions, innermost first, and the user
# stack under it reaches libc's read; --folded puts the kernel frames last
# (innermost), marked _[k].
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
expect_eq "kprobe -g: read(2)'s kernel path, innermost first" "vfs_read ksys_read __x64_sys_read do_syscall_64 " "$order"
expect_grep "kernel frames name [kernel.kallsyms]" "do_syscall_64+0x" "$T/rd.frames"
if grep -q '(\[kernel.kallsyms\])$' "$T/rd.frames" &&
	awk '/kernel.kallsyms/ {k = NR} /libc.so.6\)$/ {u = NR} END {exit !(k && u && k < u)}' "$T/rd.frames"; then
	ok "kprobe -g: the user stack (libc's read) follows the kernel stack"
else
	not_ok "kprobe -g: user stack after the kernel stack" "$(cat "$T/rd.frames")"
fi
awk '/ tpr: count=4321$/ {on = 1; next} on && /^$/ {exit} on' "$T/s" > "$T/tp.frames"
expect_grep "tracepoint -g: the syscall entry function in the kernel stack" "do_syscall_64+0x" "$T/tp.frames"
"$VTRACE" script -i "$T/k.data" --folded > "$T/f" 2> /dev/null
expect_eq "--folded: each stack of the 2 reads counted, kernel frames innermost with _[k]" "4" \
	"$(awk '/;do_syscall_64_\[k\];/ {n += $NF} END {print n + 0}' "$T/f")"

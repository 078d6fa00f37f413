#!/bin/sh
# Kernel specs at their limits, inside the VM (a kernel with kprobes):
# 64 args, each a member chain, load on this kernel's verifier too (a
# kernel probe's read picks its helper by the address, one more branch per
# read); points that need the kernel's DWARF are refused although a kprobe
# could be attached at the function's entry.
. "$(dirname "$0")/../lib.sh"

FILE=/tmp/vtrace-args-file
echo "read me" > "$FILE"
ino=$(stat -c %i "$FILE")
spec=ev=vfs_read
i=0
while [ $i -lt 64 ]; do
	spec="$spec i$i=file->f_inode->i_ino"
	i=$((i + 1))
done
cat > "$T/many.c" <<PROG
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("$spec")
int prog(struct pt_regs *ctx, int err)
{
	return err == 0;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/many.c" -- dd if="$FILE" of=/dev/null > "$T/out" 2> "$T/err"
rc=$?
want="i0=$ino"
i=1
while [ $i -lt 64 ]; do
	want="$want i$i=$ino"
	i=$((i + 1))
done
if [ $rc = 0 ] && grep -qF " ev: $want" "$T/out"; then
	ok "kprobe spec, 64 member chains: it loads, and each is the inode stat(1) gives the file"
else
	not_ok "kprobe spec with 64 args" "rc=$rc" "$(tail -3 "$T/err")" "want: ev: $want" \
		"$(grep ' ev: ' "$T/out" | head -3)"
fi

"$VTRACE" probe --dry-run 'ev=vfs_read:10 count' > "$T/out" 2> "$T/err"
rc=$?
if [ $rc = 1 ] && grep -qF "':10' is a line of vfs_read, and vtrace reads the kernel through BTF" "$T/err"; then
	ok "vfs_read:10 without the kernel's DWARF: refused, not probed at vfs_read+0"
else
	not_ok "vfs_read:10 refused" "rc=$rc" "$(cat "$T/out" "$T/err")"
fi

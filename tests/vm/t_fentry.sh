#!/bin/sh
# The BPF trampoline, inside the VM: fentry, fexit and tp_btf specs with
# args and member chains from BTF, read with plain loads the verifier types
# (no probe-read call in the loaded program), the same program as kprobe
# and as fentry, kernel globals, a module's function through module BTF.
# Every value is one the test chose (a read's size, a file's size) or one
# an independent source gives (stat(1), /proc/sys, the shell's $$).
. "$(dirname "$0")/../lib.sh"
SYS=$TARGETS/syscalls-gcc-O2

FILE=/tmp/vtrace-fentry-file
head -c 8742 /dev/zero > "$FILE"	# dd bs=4321 reads 4321, 4321, 100, 0
ino=$(stat -c %i "$FILE")

# --- one file (the VM compiles slowly): fentry with an arg, two-level
# member chains and a string; fexit with $retval and the entry's args in
# one sample; kernel globals at fentry and at a kprobe
old_pid_max=$(cat /proc/sys/kernel/pid_max)
echo 54321 > /proc/sys/kernel/pid_max
tmax=$(cat /proc/sys/kernel/threads-max)
cat > "$T/fentry.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("fentry/vfs_read count ino=file->f_inode->i_ino size=file->f_inode->i_size name=file->f_path.dentry->d_name.name:string")
int rd(struct pt_regs *ctx, int err, long count)
{
	return err == 0 && count == 4321;
}
SEC("fexit/vfs_read $retval count ino=file->f_inode->i_ino")
int rdx(struct pt_regs *ctx, int err, long ret, long count)
{
	return err == 0 && count == 4321;
}
SEC("fentry/vfs_read count pm=@pid_max:s32 tm=@max_threads:s32")
int gf(struct pt_regs *ctx, int err, long count)
{
	return err == 0 && count == 4321;
}
SEC("via=kprobe;gk=vfs_read count pm=@pid_max:s32 tm=@max_threads:s32")
int gk(struct pt_regs *ctx, int err, long count)
{
	return err == 0 && count == 4321;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/fentry.c" -- dd if="$FILE" of=/dev/null bs=4321 > "$T/out" 2> "$T/err"
echo "$old_pid_max" > /proc/sys/kernel/pid_max
expect_eq "fentry spec: vfs_read's count, file->f_inode->i_ino (stat's inode), ->i_size, the dentry's name, each read" 4 \
	"$(grep -c " rd: count=4321 ino=$ino size=8742 name=\"vtrace-fentry-file\"\$" "$T/out")"
expect_eq "fexit spec: \$retval with the entry's count and inode, in one sample" \
	"retval=4321 count=4321 ino=$ino|retval=4321 count=4321 ino=$ino|retval=100 count=4321 ino=$ino|retval=0 count=4321 ino=$ino" \
	"$(sed -n 's/.* rdx: //p' "$T/out" | paste -sd'|')"
for ev in gf gk; do
	expect_eq "@pid_max and @max_threads at $( [ $ev = gf ] && echo fentry || echo a kprobe): what /proc/sys/kernel says" \
		"count=4321 pm=54321 tm=$tmax" "$(sed -n "s/.* $ev: //p" "$T/out" | sort -u)"
done
grep -v ' records \|bytes (' "$T/err" | grep -v '^\[ vtrace' | sed 's/^/# /'

# --- tp_btf: a member chain through the exec'ing task, its parent, the binprm
"$VTRACE" record -e "tp_btf/sched_process_exec pid=p->pid ppid=p->real_parent->tgid file=bprm->filename:string" \
	-- sh -c 'echo sh=$$; '"$SYS"' exit 0; true' > "$T/out" 2> "$T/err"
shpid=$(sed -n 's/^sh=//p' "$T/out")
line=$(grep " sched_process_exec: .*file=\"$SYS\"" "$T/out")
hdrpid=$(echo "$line" | awk '{print $2}')
expect_eq "tp_btf spec: p->pid is the sample's pid, p->real_parent->tgid the shell's \$\$, the file exec'd" \
	"pid=$hdrpid ppid=$shpid file=\"$SYS\"" "$(echo "$line" | sed 's/.*sched_process_exec: //')"

# --- one program, moved from kprobe to fentry by its section name alone;
# its loaded code, dumped while it runs: a member chain under fentry is
# plain loads, no probe-read call
xlated() {	# the loaded program of type $1 named rd: its translated code
	# (of that type: the previous run's rd may linger a moment after its vtrace exits)
	i=0
	dump=
	while [ -z "$dump" ] && [ $i -lt 300 ]; do
		id=$(bpftool prog show 2>/dev/null | sed -n "s/^\([0-9]*\): $1  name rd .*/\1/p" | tail -1)
		[ -n "$id" ] && dump=$(bpftool prog dump xlated id "$id" 2>/dev/null)
		i=$((i + 1))
		sleep 0.1
	done
	printf '%s\n' "$dump"
}
for kind in kprobe fentry; do
	sec="via=kprobe;rd=vfs_read"	# without via=, a kernel function goes through the trampoline here
	[ $kind = fentry ] && sec="fentry/vfs_read"
	cat > "$T/same_$kind.c" <<PROG
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("$sec count ino=file->f_inode->i_ino pos=file->f_pos mode=file->f_inode->i_mode size=file->f_inode->i_size")
int rd(struct pt_regs *ctx, int err, long count, long ino)
{
	return err == 0 && count == 4321 && ino == $ino;
}
char _license[] SEC("license") = "GPL";
PROG
	"$VTRACE" record -e "$T/same_$kind.c" -- sh -c "sleep 2; dd if=$FILE of=/dev/null bs=4321 2>/dev/null" \
		> "$T/$kind.out" 2> "$T/$kind.err" &
	xlated "$( [ $kind = fentry ] && echo tracing || echo kprobe)" > "$T/$kind.xlated"
	wait
	sed -n 's/.* rd: //p' "$T/$kind.out" > "$T/$kind.samples"
done
want="count=4321 ino=$ino pos=0 mode=$(printf %d 0x$(stat -c %f "$FILE")) size=8742"
if [ "$(head -1 "$T/fentry.samples")" = "$want" ] && [ "$(wc -l < "$T/fentry.samples")" = 4 ] &&
   cmp -s "$T/kprobe.samples" "$T/fentry.samples"; then
	ok "the same program as kprobe and as fentry: identical samples (4, the first $want)"
else
	not_ok "kprobe and fentry samples identical" "want first: $want" "kprobe:" "$(cat "$T/kprobe.samples" "$T/kprobe.err")" \
		"fentry:" "$(cat "$T/fentry.samples" "$T/fentry.err")"
fi
loads=$(grep -c '= \*(u[0-9]* \*)(r3 +' "$T/fentry.xlated")
if [ -s "$T/fentry.xlated" ] && ! grep -q probe_read "$T/fentry.xlated" && [ "$loads" -ge 4 ] &&
   grep -q 'call bpf_probe_read_kernel' "$T/kprobe.xlated"; then
	ok "fentry: file->f_inode->i_ino, ->f_pos, ->i_mode, ->i_size are $loads loads through r3, no probe-read call (the kprobe's code has them)"
else
	not_ok "fentry member chains without probe reads" "loads through r3: $loads" \
		"$(grep -E 'probe_read|r3 \+' "$T/fentry.xlated" | head -8)" "kprobe: $(grep -c probe_read "$T/kprobe.xlated") probe reads"
fi

# --- via=fentry on EVENT=FUNC%return: fexit, the entry's count with $retval
"$VTRACE" record -v -e 'via=fentry;ev=vfs_read%return $retval count' --filter 'retval == 100' \
	-- dd if="$FILE" of=/dev/null bs=4321 > "$T/out" 2> "$T/err"
expect_eq "via=fentry;ev=vfs_read%return: fexit, \$retval and the entry's count in one sample" \
	"retval=100 count=4321" "$(sed -n 's/.* ev: //p' "$T/out")"

# --- without via=, the same: a return probe's parameter is fexit's alone
"$VTRACE" record -e 'ev=vfs_read%return $retval count' --filter 'retval == 100' \
	-- dd if="$FILE" of=/dev/null bs=4321 > "$T/out" 2> "$T/err"
expect_eq "ev=vfs_read%return \$retval count without via=: fexit by itself, both in one sample" \
	"retval=100 count=4321" "$(sed -n 's/.* ev: //p' "$T/out")"
"$VTRACE" probe --dry-run 'ev=vfs_read%return $retval count' > "$T/out" 2>&1
expect_eq "probe --dry-run plans it as record does: fexit, count from the ctx's third slot" \
	"1 1" "$(grep -c '^  fexit vfs_read$' "$T/out") $(grep -c 'count = \*(u64 \*)(%ctx + 16)' "$T/out")"
"$VTRACE" probe --dry-run 'via=kprobe;ev=vfs_read count' > "$T/out" 2>&1
expect_eq "probe --dry-run via=kprobe: a kprobe at vfs_read+0" 1 "$(grep -c '^  vfs_read+0$' "$T/out")"

# --- without via=: the trampoline by itself where the kernel has it (-v
# says which and why); a program that reads its ctx (a struct pt_regs at a
# kprobe) keeps a kprobe, and says so
cat > "$T/auto.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("ar=vfs_read%return $retval")
int ar(struct pt_regs *ctx, int err, long ret)
{
	return err == 0 && ret == 100;
}
SEC("ak=vfs_read count")
int ak(struct pt_regs *ctx, int err, long count)
{
	return err == 0 && count == 4321 && *(volatile unsigned long *)ctx != 1;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -v -e "$T/auto.c" -- dd if="$FILE" of=/dev/null bs=4321 > "$T/out" 2> "$T/err"
expect_eq "without via=: vfs_read%return through fexit by itself, -v says so; \$retval of the short read" \
	"1 retval=100" "$(grep -c "program 'ar'.*vfs_read: through the trampoline (fexit), which this kernel loads and attaches" "$T/err") $(sed -n 's/.* ar: //p' "$T/out")"
expect_eq "a program that reads its ctx stays a kprobe (-v: why), the four reads of 4321" \
	"1 4" "$(grep -c "program 'ak'.*vfs_read: a kprobe (the program reads its ctx" "$T/err") $(grep -c ' ak: count=4321$' "$T/out")"
grep -q ' ar: \| ak: ' "$T/out" || sed 's/^/# /' "$T/err" | tail -5

# --- a module's function, from the module's BTF: the 9p root this VM runs on
if [ -e /sys/kernel/btf/9p ]; then
	"$VTRACE" record -e "module=9p;fentry/v9fs_file_read_iter n=to->count ino=iocb->ki_filp->f_inode->i_ino" \
		--filter 'n == 4321' -- dd if="$SYS" of=/dev/null bs=4321 count=1 > "$T/out" 2> "$T/err"
	expect_eq "module BTF: 9p's v9fs_file_read_iter, the iov_iter's count and the file's inode" \
		"n=4321 ino=$(stat -c %i "$SYS")" "$(sed -n 's/.*v9fs_file_read_iter: //p' "$T/out" | head -1)"
else
	not_ok "module BTF" "no /sys/kernel/btf/9p in this kernel"
fi

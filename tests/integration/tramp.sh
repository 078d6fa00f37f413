#!/bin/sh
# The trampoline's kinds on this host: tp_btf specs and sections run here
# (values checked against the shell and the exec'd file), their member
# chains are plain loads in the loaded program; fentry, which this host's
# kernel refuses, is said so in one line with nothing left loaded.  The
# VM runs fentry and fexit (tests/vm/t_fentry.sh).
. "$(dirname "$0")/../lib.sh"
SYS=$TARGETS/syscalls-gcc-O2

# --- a tp_btf spec: member chains through the task and the binprm
"$VTRACE" record -e "tp_btf/sched_process_exec pid=p->pid ppid=p->real_parent->tgid file=bprm->filename:string" \
	-- sh -c 'echo sh=$$; '"$SYS"' exit 0; true' > "$T/out" 2> "$T/err"
shpid=$(sed -n 's/^sh=//p' "$T/out")
line=$(grep " sched_process_exec: .*file=\"$SYS\"" "$T/out")
hdrpid=$(echo "$line" | awk '{print $2}')
expect_eq "tp_btf spec: p->pid is the sample's pid, p->real_parent->tgid the shell's \$\$, the exec'd file" \
	"pid=$hdrpid ppid=$shpid file=\"$SYS\"" "$(echo "$line" | sed 's/.*sched_process_exec: //')"

# --- a spec program on tp_btf: the error flag and r3..r5 as at a kprobe
cat > "$T/spec.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("tp_btf/sched_process_exec pid=p->pid old=old_pid tgid=p->group_leader->tgid")
int ex(struct pt_regs *ctx, int err, long pid, long old, long tgid)
{
	return err == 0 && pid == old && pid == tgid;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/spec.c" -- "$SYS" exit 0 > "$T/out" 2> "$T/err"
pid=$(awk '/ ex: /{print $2}' "$T/out")
expect_eq "tp_btf spec program: r3..r5 are pid, old_pid, group_leader->tgid, all the exec'd pid" \
	"pid=$pid old=$pid tgid=$pid" "$(sed -n 's/.* ex: //p' "$T/out")"

# --- a plain tp_btf section through libbpf's BPF_PROG, the pid filter in front
cat > "$T/sec.c" <<'PROG'
#include <vtrace.h>
SEC("tp_btf/sched_process_exec")
int BPF_PROG(exe, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	vtrace_printf("pid=%d comm=%s", p->pid, p->comm);
	return 0;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/sec.c" -- "$SYS" exit 0 > "$T/out" 2> "$T/err"
pid=$(awk '/ exe: /{print $2}' "$T/out")
expect_eq "tp_btf/ section: one exec, the command's, its pid and comm" \
	"pid=$pid comm=syscalls-gcc-O2" "$(sed -n 's/.* exe: //p' "$T/out")"

# --- the loaded program: p->real_parent->tgid and p->group_leader->tgid are loads
"$VTRACE" record -e "$T/spec.c" -- sh -c 'sleep 2; exec true' > /dev/null 2>&1 &
i=0
id=
while [ -z "$id" ] && [ $i -lt 100 ]; do
	id=$(bpftool prog show 2>/dev/null | sed -n 's/^\([0-9]*\): tracing  name ex .*/\1/p' | head -1)
	i=$((i + 1))
	sleep 0.1
done
[ -n "$id" ] && bpftool prog dump xlated id "$id" > "$T/xlated"
wait
loads=$(grep -c '= \*(u[0-9]* \*)(r3 +' "$T/xlated")
if [ -n "$id" ] && ! grep -q probe_read "$T/xlated" && [ "$loads" -ge 2 ]; then
	ok "tp_btf: the member chains are $loads loads through r3, no probe-read call"
else
	not_ok "tp_btf chains without probe reads" "id=$id loads=$loads" "$(grep -E 'probe_read|r3 \+' "$T/xlated" | head)"
fi

# --- a union on the way: the rest of the chain is a probe read, and still right
"$VTRACE" record -e "tp_btf/sched_process_exec n=bprm->file->f_inode->i_nlink ino=bprm->file->f_inode->i_ino" \
	-- "$SYS" exit 0 > "$T/out" 2> "$T/err"
expect_eq "i_nlink (in a union of struct inode) and i_ino of the exec'd file: what stat says" \
	"n=$(stat -L -c %h "$SYS") ino=$(stat -L -c %i "$SYS")" "$(sed -n 's/.* sched_process_exec: //p' "$T/out")"

# --- fentry where the kernel refuses trampolines: one line, nothing loaded
before=$(prog_count)
"$VTRACE" record -e 'fentry/vfs_read count' -- true > "$T/out" 2> "$T/err"
rc=$?
if grep -q "refuses BPF trampolines" "$T/err"; then
	after=$(prog_count_settled "$before")
	if [ $rc = 1 ] && [ "$(wc -l < "$T/err")" = 1 ] && [ "$after" -le "$before" ] &&
	   grep -qF "this kernel refuses BPF trampolines (loading an fentry program on vfs_read fails: " "$T/err"; then
		ok "fentry refused by this kernel: exit 1, one line saying why, nothing loaded"
	else
		not_ok "fentry refusal" "rc=$rc, programs before $before after $after" "$(cat "$T/err")"
	fi
else
	# a kernel with trampolines: the spec runs
	"$VTRACE" record -e 'fentry/vfs_read count' --filter 'count == 4321' -- \
		dd if=/dev/zero of=/dev/null bs=4321 count=2 > "$T/out" 2> "$T/err"
	expect_eq "fentry spec on this kernel: vfs_read's count" 2 "$(grep -c ' vfs_read: count=4321$' "$T/out")"
fi

# --- FUNC%return with a parameter: fexit has it, a kretprobe has not; the
# plan is fexit where the kernel takes it, and refused with why where not
"$VTRACE" probe --dry-run 'ev=vfs_read%return $retval count' > "$T/out" 2>&1
rc=$?
if grep -q "refuses BPF trampolines\|fexit program on vfs_read fails" "$T/out" ||
   ! grep -q "fexit vfs_read" "$T/out"; then
	expect_eq "vfs_read%return count without a trampoline: refused, the caret under count, why not fexit" \
		"1:1:1" "$rc:$(grep -c "at %return a kretprobe has lost the parameters; fexit would have them, and it is not used here: loading an fexit program on vfs_read fails: " "$T/out"):$(grep -c '^ *\^\^\^\^\^$' "$T/out")"
else
	expect_grep "vfs_read%return count: the plan is fexit, the entry's count with \$retval" \
		'count = *(u64 *)(%ctx + 16)' "$T/out"
fi
"$VTRACE" probe --dry-run 'via=kprobe;ev=vfs_read%return $retval $params' > "$T/out" 2>&1
expect_eq "via=kprobe;vfs_read%return \$params: refused (a kretprobe's registers are not the parameters)" \
	"1:1" "$?:$(grep -c 'a kretprobe has lost the parameters; fexit has them (drop via=kprobe)' "$T/out")"

# --- vtrace probe --dry-run shows the chain
"$VTRACE" probe --dry-run 'fexit/vfs_read $retval ino=file->f_inode->i_ino' > "$T/out" 2>&1
expect_grep "probe --dry-run: fexit, \$retval in the slot after the four parameters" \
	'retval = *(s64 *)(%ctx + 32)  [ssize_t]' "$T/out"
expect_grep "probe --dry-run: the chain from the first slot" 'ino = *(u64 *)(*(u64 *)(*(u64 *)(%ctx) + ' "$T/out"
"$VTRACE" probe --dry-run 'fentry/vfs_read $retval' > "$T/out" 2>&1
rc=$?
expect_eq "fentry/ with \$retval: a usage error naming fexit/" "2:1" \
	"$rc:$(grep -c 'only known at a function.s return: probe fexit/vfs_read' "$T/out")"

#!/bin/sh
# vtrace list from a second process: while a record runs (values checked
# against the kernel and the target), after SIGINT and after SIGKILL;
# list --events.
. "$(dirname "$0")/../lib.sh"
ARGS=$TARGETS/args-gcc-O2

cat > "$T/p.c" <<PROG
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("exec=$ARGS;calls=compute a b")
int prog(struct pt_regs *ctx) { return 1; }
char _license[] SEC("license") = "GPL";
PROG

# list --json until the samples reach $1 (bounded); the last listing in $T/list
wait_listed() {
	i=0
	while [ $i -lt 100 ]; do
		"$VTRACE" list --json > "$T/list" 2> "$T/list.err"
		grep -q "\"samples\":$1}" "$T/list" && return 0
		i=$((i + 1))
		sleep 0.1
	done
	return 1
}

start_record() {
	"$VTRACE" record -e "$T/p.c" -- "$ARGS" 4 hold > "$T/out" 2> "$T/err" &
	vp=$!
}

start_record
if wait_listed 4; then
	python3 - "$T/list" "$vp" "$ARGS" "exec=$ARGS;calls=compute a b" > "$T/check" 2>&1 <<'PY'
import json, subprocess, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
mine = [r for r in rows if r["owner"] == int(sys.argv[2])]
assert len(mine) == 1, rows
r = mine[0]
assert r["event"] == "calls" and r["kind"] == "uprobe", r
assert r["target"].startswith(sys.argv[3] + ":compute+0 ("), r["target"]
assert r["spec"] == sys.argv[4], r["spec"]
assert r["samples"] == 4, r
links = json.loads(subprocess.run(["bpftool", "-j", "link", "show"], capture_output=True, text=True).stdout)
kernel = {l["id"]: l["prog_id"] for l in links}
assert kernel.get(r["link_id"]) == r["prog_id"], (r, kernel)
print("checked")
PY
	if grep -qx checked "$T/check"; then
		ok "list while recording: owner, event, kind, target, spec, 4 samples, the kernel's link and program"
	else
		not_ok "list while recording" "$(cat "$T/check")" "$(cat "$T/list")"
	fi
	"$VTRACE" list > "$T/text"
	expect_grep "the text listing shows the owner and the event" "$vp  calls" "$T/text"
	kill -INT $vp
	wait $vp
	"$VTRACE" list --json > "$T/list"
	expect_eq "after SIGINT: nothing of that vtrace is listed" 0 "$(grep -c "\"owner\":$vp," "$T/list")"
else
	not_ok "list while recording" "$(cat "$T/list")" "$(cat "$T/list.err")" "$(cat "$T/err")"
	kill $vp
fi

# a record that ends by itself leaves nothing either
"$VTRACE" record -e "$T/p.c" -- "$ARGS" 2 > /dev/null 2>&1
"$VTRACE" list --json > "$T/list"
expect_eq "after a normal exit: nothing listed" "" "$(grep '"event":"calls"' "$T/list")"

start_record
if wait_listed 4; then
	kill -KILL $vp
	wait $vp 2> /dev/null
	"$VTRACE" list --json > "$T/list"
	expect_eq "after SIGKILL: nothing of that vtrace is listed" 0 "$(grep -c "\"owner\":$vp," "$T/list")"
	if [ -e "/run/vtrace/$vp" ] || [ -e "/tmp/vtrace-run/$vp" ]; then
		not_ok "after SIGKILL: list removed the dead vtrace's file"
	else
		ok "after SIGKILL: list removed the dead vtrace's file"
	fi
	expect_eq "after SIGKILL: the kernel dropped its link" "" \
		"$(bpftool -j link show | python3 -c 'import json,sys; print(" ".join(str(l["id"]) for l in json.load(sys.stdin) if l.get("prog_id") and "calls" in str(l)))')"
	mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
	expect_eq "no uprobe or kprobe entries in tracefs" "" \
		"$(cat /sys/kernel/tracing/uprobe_events /sys/kernel/tracing/kprobe_events 2>/dev/null)"
else
	not_ok "list before SIGKILL" "$(cat "$T/list")"
	kill $vp
fi
pkill -f "$ARGS 4 hold" 2> /dev/null

# what can be traced, in spec syntax, sorted
"$VTRACE" list --events sched_switch > "$T/ev"
expect_grep "--events: a tracepoint with its format's fields" "pid_t prev_pid" "$T/ev"
expect_grep "--events: a tracepoint in spec syntax" "tp/sched/sched_switch " "$T/ev"
expect_grep "--events: a raw tracepoint with its BTF args, as btf_dump declares them" \
	"raw_tp/sched_switch" "$T/ev"
expect_grep "--events: BTF types as C declares them" "struct task_struct *prev" "$T/ev"
"$VTRACE" list --events 'tp/sched/*' > "$T/ev"
n=$(ls -d /sys/kernel/tracing/events/sched/*/ | wc -l)
if [ "$(wc -l < "$T/ev")" = "$n" ] && [ "$(grep -vc '^tp/sched/' "$T/ev")" = 0 ] && sort -c "$T/ev"; then
	ok "--events 'tp/sched/*': the $n sched tracepoints tracefs has, sorted"
else
	not_ok "--events 'tp/sched/*'" "want $n" "$(head -3 "$T/ev")"
fi
"$VTRACE" list --events 'raw_tp/bpf_trace_printk' > "$T/ev"
expect_grep "--events: a char pointer is const char *" "(const char *bpf_string)" "$T/ev"
# what list prints, record takes back: a spec and one of its args
for spec in tp/sched/sched_process_exec raw_tp/sched_process_exec; do
	line=$("$VTRACE" list --events "$spec")
	arg=$(echo "$line" | grep -o 'old_pid' | head -1)
	s=$(echo "$line" | cut -d' ' -f1)
	"$VTRACE" record --json -e "$s $arg" -- sh -c 'exec true' > "$T/rec" 2> "$T/err"
	if python3 -c 'import json,sys
s = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
assert s and all(x["args"]["old_pid"] == x["pid"] for x in s), s' "$T/rec"; then
		ok "record -e '$s $arg' (from list --events) records the exec, old_pid = the process"
	else
		not_ok "list --events spec back into record: $s $arg" "$(cat "$T/rec" "$T/err")"
	fi
done
if [ -e /sys/bus/event_source/devices/kprobe ]; then
	"$VTRACE" list --events vfs_read --json > "$T/ev.json"
	expect_eq "--events --json: a kernel function's parameters from BTF" \
		"func vfs_read=vfs_read file,buf,count,pos" \
		"$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(r["kind"], r["spec"], ",".join(a["name"] for a in r["args"]))' "$T/ev.json")"
else
	"$VTRACE" list --events vfs_read > "$T/ev" 2> "$T/err"
	if [ ! -s "$T/ev" ] && grep -q "1 kernel functions matched but are not listed: this kernel has no kprobes" "$T/err"; then
		ok "--events without kprobes: kernel functions are not listed as traceable, and that is said"
	else
		not_ok "--events without kprobes" "$(cat "$T/ev" "$T/err")"
	fi
fi

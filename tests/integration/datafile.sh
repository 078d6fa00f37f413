#!/bin/sh
# record -o FILE and vtrace script: replay equals live; damaged and newer
# files; JSON checked field by field with python3's json module.
. "$(dirname "$0")/../lib.sh"
VARS=$TARGETS/vars-gcc-O2
ARGS=$TARGETS/args-gcc-O2

# A spec program (ints, strings, a char array, a fault), printf and
# vtrace_emit samples, all from one deterministic target.
cat > "$T/mix.c" <<PROG
#include <vtrace.h>
struct pair { int a; char tag[4]; };
SEC("exec=$VARS;ev=handle len=r->hdr.len path=r->path:string method=r->method nlen=r->next->hdr.len status")
int prog(struct pt_regs *ctx, int err, long len)
{
	struct pair p = { (int)len, "ab" };

	vtrace_printf("len=%ld err=%d", len, err);
	vtrace_emit(&p);
	return 1;
}
char _license[] SEC("license") = "GPL";
PROG

# Replay prints byte for byte what live printed (the fields that do not
# change between two runs of the same target).
"$VTRACE" record -F comm,event,args -e "$T/mix.c" -- "$VARS" 3 > "$T/live" 2> "$T/err"
grep -v '^req \|^handled ' "$T/live" > "$T/live.samples"
"$VTRACE" record -o "$T/mix.data" -e "$T/mix.c" -- "$VARS" 3 > "$T/out" 2> "$T/err"
expect_grep "record -o says where the samples went" "9 samples written to $T/mix.data" "$T/err"
"$VTRACE" script -i "$T/mix.data" -F comm,event,args > "$T/replay"
if [ -s "$T/replay" ] && cmp -s "$T/live.samples" "$T/replay"; then
	ok "script prints what live mode printed, byte for byte ($(wc -l < "$T/replay") lines)"
else
	not_ok "script equals live" "live:" "$(cat "$T/live.samples")" "replay:" "$(cat "$T/replay")"
fi
# the default layout, with the run-dependent columns (tid, time) masked
"$VTRACE" record -e "$T/mix.c" -- "$VARS" 3 2> /dev/null | grep -v '^req \|^handled ' |
	awk '{$2 = "T"; $3 = "C"; $4 = "S"; print}' > "$T/live.full"
"$VTRACE" script -i "$T/mix.data" | awk '{$2 = "T"; $3 = "C"; $4 = "S"; print}' > "$T/replay.full"
if cmp -s "$T/live.full" "$T/replay.full"; then
	ok "script's default layout is live mode's"
else
	not_ok "script's default layout is live mode's" "$(diff "$T/live.full" "$T/replay.full")"
fi
expect_grep "the emitted struct prints from the type stored in the file" "ev: a=110 tag=\"ab\"" "$T/replay"
expect_grep "a spec sample with a fault replays as (fault)" \
	'ev: len=100 path="/index.html" method="GET" nlen=(fault) status=200' "$T/replay"
"$VTRACE" script -i "$T/mix.data" --header > "$T/hdr"
expect_grep "the header names the command" "# command=vtrace record -o $T/mix.data -e $T/mix.c -- $VARS 3" "$T/hdr"
expect_grep "the header names the kernel" "# kernel=$(uname -r)" "$T/hdr"

# Damage: every intact sample, then one error naming the offset
size=$(stat -c %s "$T/mix.data")
head -c $((size - 40)) "$T/mix.data" > "$T/trunc.data"
"$VTRACE" script -i "$T/trunc.data" -F comm,event,args > "$T/out" 2> "$T/err"
rc=$?
n=$(wc -l < "$T/out")
if [ $rc = 1 ] && [ "$n" -ge 8 ] && head -n "$n" "$T/replay" | cmp -s - "$T/out" &&
	grep -q "is truncated at offset [0-9]*" "$T/err" && [ "$(wc -l < "$T/err")" = 1 ]; then
	ok "a truncated file: the $n intact samples, then one error naming the offset"
else
	not_ok "a truncated file" "rc=$rc lines=$n" "$(cat "$T/err")"
fi
# corrupt the length of the 4th sample's record
off=$(python3 - "$T/mix.data" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
off, seen = 16, 0
while off < len(d):
    t, n = struct.unpack_from("<II", d, off)
    if t == 6:
        seen += 1
        if seen == 4:
            print(off)
            break
    off += 8 + ((n + 7) & ~7)
PY
)
cp "$T/mix.data" "$T/bad.data"
printf '\377\377\377\177' | dd of="$T/bad.data" bs=1 seek=$((off + 4)) conv=notrunc 2> /dev/null
"$VTRACE" script -i "$T/bad.data" -F comm,event,args > "$T/out" 2> "$T/err"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l < "$T/out")" = 3 ] && grep -q "is corrupted at offset $off" "$T/err"; then
	ok "a corrupted record: the 3 samples before it, then an error at offset $off"
else
	not_ok "a corrupted record" "rc=$rc" "$(cat "$T/out")" "$(cat "$T/err")"
fi
cp "$T/mix.data" "$T/new.data"
printf '\143\000\000\000' | dd of="$T/new.data" bs=1 seek=8 conv=notrunc 2> /dev/null
"$VTRACE" script -i "$T/new.data" > "$T/out" 2> "$T/err"
rc=$?
expect_eq "a newer format is refused with a message" "1 0" "$rc $(wc -l < "$T/out")"
expect_grep "which says so" "was written by a newer vtrace (data format 99; this one reads format 2)" "$T/err"
echo hello > "$T/notdata"
"$VTRACE" script -i "$T/notdata" > /dev/null 2> "$T/err"
expect_grep "not a data file" "is not a vtrace data file" "$T/err"

# JSON, live and replayed, parsed by a real JSON parser, every field checked
"$VTRACE" record --json -e "$T/mix.c" -- "$VARS" 3 2> /dev/null | grep '^{' > "$T/live.json"
"$VTRACE" script -i "$T/mix.data" --json > "$T/replay.json"
for f in live replay; do
	python3 - "$T/$f.json" "$VARS" > "$T/check" 2>&1 <<'PY'
import json, sys, os
rows = [json.loads(l) for l in open(sys.argv[1])]
comm = os.path.basename(sys.argv[2])[:15]
assert len(rows) == 9, len(rows)
pids = set()
for r in rows:
    assert r["type"] == "sample"
    assert set(r) == {"type", "comm", "pid", "tid", "cpu", "time_ns", "event", "args"}, r.keys()
    assert r["comm"] == comm and r["event"] == "ev", r
    assert all(isinstance(r[k], int) for k in ("pid", "tid", "cpu", "time_ns"))
    pids.add(r["pid"])
assert len(pids) == 1
spec = [r["args"] for r in rows if "len" in r["args"]]
assert spec == [
    {"len": 100, "path": "/index.html", "method": "GET", "nlen": None, "status": 200},
    {"len": 110, "path": "/upload", "method": "POST", "nlen": 100, "status": -201},
    {"len": 120, "path": "/api/v1", "method": "GET", "nlen": 110, "status": 202},
], spec
msgs = [r["args"]["message"] for r in rows if "message" in r["args"]]
# the first call's fetch faulted: err=1 and the args are zeroed (perf's semantics)
assert msgs == ["len=0 err=1", "len=110 err=0", "len=120 err=0"], msgs
structs = [r["args"] for r in rows if "tag" in r["args"]]
assert structs == [{"a": 0, "tag": "ab"}, {"a": 110, "tag": "ab"}, {"a": 120, "tag": "ab"}], structs
times = [r["time_ns"] for r in rows]
assert times == sorted(times)
print("checked")
PY
	if grep -qx checked "$T/check"; then
		ok "JSON ($f): 9 objects, every field and typed arg as expected"
	else
		not_ok "JSON ($f)" "$(cat "$T/check")"
	fi
done

# A tracepoint program that names no args: the raw record, printed from the
# tracepoint's format through libtraceevent, live and replayed.
cat > "$T/tpraw.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
SEC("tp/syscalls/sys_enter_write")
int w(void *ctx) { return 1; }
SEC("tp/sched/sched_process_exec")
int e(void *ctx) { return 1; }
char _license[] SEC("license") = "GPL";
PROG
SYS=$TARGETS/syscalls-gcc-O2
"$VTRACE" record -e "$T/tpraw.c" -- "$SYS" count 0 "twelve bytes" > "$T/out" 2> "$T/err"
pid=$(sed -n 's/^pid=//p' "$T/out")
expect_grep "tp raw record: the write's fields as its format prints them" \
	" w: fd: 0x00000001, buf: 0x" "$T/out"
expect_grep "tp raw record: count from the record" ", count: 0x0000000c" "$T/out"
expect_grep "tp raw record: a __data_loc string (the exec's filename)" \
	" e: filename=$SYS pid=$pid old_pid=$pid" "$T/out"
"$VTRACE" record -o "$T/tp.data" -e "$T/tpraw.c" -- "$SYS" count 0 "twelve bytes" > "$T/out" 2> "$T/err"
pid=$(sed -n 's/^pid=//p' "$T/out")
"$VTRACE" script -i "$T/tp.data" > "$T/replay"
expect_grep "tp raw record replayed from the file's copy of the format" \
	" e: filename=$SYS pid=$pid old_pid=$pid" "$T/replay"
"$VTRACE" script -i "$T/tp.data" --json > "$T/replay.json"
expect_eq "tp raw record in JSON: the rendered record as info" "filename=$SYS pid=$pid old_pid=$pid" \
	"$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["event"] == "e": print(r["args"]["info"])' "$T/replay.json")"

# The header names every probe's spec and its args' C types
"$VTRACE" script -i "$T/mix.data" --header > "$T/hdr"
expect_grep "the header has the probe's spec" "# probe 0: ev: exec=$VARS;ev=handle len=r->hdr.len" "$T/hdr"
expect_grep "and its args' C types" "#   short unsigned int len" "$T/hdr"

# Lost samples: a tiny ring buffer and a burst.  Each getppid() is either a
# sample or a loss: the two add up to the calls, in the summary and in JSON.
"$VTRACE" record --json --buffer-size 4K -e "$PROGS/getppid.c" -- "$TARGETS/syscalls-gcc-O2" count 20000 \
	> "$T/burst" 2> "$T/err"
lost=$(sed -n 's/.* samples, \([0-9]*\) lost.*/\1/p' "$T/err")
python3 - "$T/burst" "$lost" > "$T/check" 2>&1 <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
samples = [r for r in rows if r["type"] == "sample"]
losts = [r for r in rows if r["type"] == "lost"]
assert len(losts) == 1 and losts[0]["count"] == int(sys.argv[2]) > 0, (losts, sys.argv[2])
assert rows[-1]["type"] == "lost"
assert len(samples) + losts[0]["count"] == 20000, (len(samples), losts)
print("checked", len(samples), losts[0]["count"])
PY
if grep -q "^checked" "$T/check"; then
	ok "lost samples: a {\"type\":\"lost\"} object; samples + lost = 20000 calls ($(cat "$T/check"))"
else
	not_ok "lost samples in JSON" "$(cat "$T/check")" "$(cat "$T/err")"
fi

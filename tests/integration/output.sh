#!/bin/sh
# Output scripts can trust: unique arg names (JSON keeps every value),
# UTF-8 through text, JSON and a data file byte for byte, other bytes
# escaped reversibly, -o FILE for text and JSON apart from the command's
# stdout, FILE.old kept, samples reaching a pipe while the command runs,
# conflicting options refused, duplicate event names warned.
. "$(dirname "$0")/../lib.sh"
STR=$TARGETS/strings-gcc-O2

# --- unique names: sched_switch's prev and next both have pid and comm
spec_program "$T/ss.c" "raw_tp/sched_switch prev->pid prev->comm next->pid next->comm"
"$VTRACE" record --json -e "$T/ss.c" -- sh -c 'echo "shell=$$"; sleep 0.2' > "$T/ss.out" 2> "$T/err"
if python3 - "$T/ss.out" <<'PY'
import json, sys
def no_dups(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), keys
    return dict(pairs)
shell = None
samples = []
for line in open(sys.argv[1]):
    if line.startswith("shell="):
        shell = int(line.split("=")[1]); continue
    samples.append(json.loads(line, object_pairs_hook=no_dups))
assert samples, "no samples"
for s in samples:
    a = s["args"]
    assert sorted(a) == ["next_comm", "next_pid", "prev_comm", "prev_pid"], a
    # at a switch the running task is prev: the sample's own header says who that is
    assert a["prev_pid"] == s["tid"] and a["prev_comm"] == s["comm"], s
assert any(s["args"]["prev_pid"] == shell for s in samples), (shell, samples[:3])
assert any(s["args"]["next_pid"] != s["tid"] for s in samples)
PY
then ok "JSON: prev->pid and next->pid as prev_pid and next_pid, no duplicate key, values right"
else not_ok "JSON with colliding names" "$(head -3 "$T/ss.out")" "$(cat "$T/err")"; fi
"$VTRACE" record -e "$T/ss.c" -- sleep 0.1 > "$T/ss.txt" 2> "$T/err"
expect_grep "text: the same names" " prev_pid=" "$T/ss.txt"

# --- UTF-8 and other bytes, live and through a data file
spec_program "$T/str.c" "exec=$STR;ev=greet name:string raw:string"
"$VTRACE" record -F event,args -e "$T/str.c" -- "$STR" > "$T/live" 2> "$T/err"
"$VTRACE" record --json -e "$T/str.c" -- "$STR" > "$T/live.json" 2> "$T/err"
rm -f "$T/s.data"
"$VTRACE" record -o "$T/s.data" -e "$T/str.c" -- "$STR" > "$T/want" 2> "$T/err"
"$VTRACE" script -i "$T/s.data" -F event,args > "$T/replay"
"$VTRACE" script -i "$T/s.data" --json > "$T/replay.json"
# the oracle: the bytes the target passed (it prints them in hex), escaped by
# the documented rules in Python
if python3 - "$T/want" "$T/live" "$T/replay" <<'PY'
import sys
want = [l.split("=", 1) for l in open(sys.argv[1], "rb").read().decode().split("\n") if l.startswith(("name=", "raw="))]
def esc(b):
    out = []
    s = b.decode("utf-8", "surrogateescape")
    for ch in s:
        o = ord(ch)
        if 0xdc80 <= o <= 0xdcff: out.append("\\x%02x" % (o - 0xdc00))
        elif ch == "\n": out.append("\\n")
        elif ch == "\t": out.append("\\t")
        elif ch == "\\": out.append("\\\\")
        elif ch == '"': out.append('\\"')
        elif o < 0x20 or o == 0x7f: out.append("\\x%02x" % o)
        else: out.append(ch)
    return '"' + "".join(out) + '"'
lines = []
for i in range(0, len(want), 2):
    name, raw = bytes.fromhex(want[i][1]), bytes.fromhex(want[i + 1][1])
    lines.append("ev: name=%s raw=%s" % (esc(name), esc(raw)))
expect = ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")
for f in sys.argv[2:]:
    got = b"".join(l for l in open(f, "rb") if l.startswith(b"ev: "))
    assert got == expect, (f, got, expect)
assert "café".encode() in expect
PY
then ok "text, live and replayed: UTF-8 byte for byte (café), other bytes \\xHH, as the target passed them"
else not_ok "text strings" "$(cat "$T/live")" "$(cat "$T/want")"; fi
if python3 - "$T/want" "$T/live.json" "$T/replay.json" <<'PY'
import json, sys
want = [bytes.fromhex(l.split("=", 1)[1]) for l in open(sys.argv[1]) if l.startswith(("name=", "raw="))]
for f in sys.argv[2:]:
    raw = open(f, "rb").read()
    raw.decode("utf-8")                 # the JSON itself is valid UTF-8
    assert "café".encode() in raw        # and carries café as UTF-8, not \u00c3\u00a9
    got = []
    for l in raw.decode().splitlines():
        if not l.startswith("{"):
            continue                     # the target's own lines (live: on the same stdout)
        a = json.loads(l)["args"]
        got += [a["name"].encode("utf-8", "surrogateescape"), a["raw"].encode("utf-8", "surrogateescape")]
    assert got == want, (f, got, want)
PY
then ok "JSON, live and replayed: every string's bytes back through surrogateescape"
else not_ok "JSON strings" "$(cat "$T/live.json")"; fi

# --- -o FILE: text or JSON there, the command's own stdout apart
rm -f "$T/o.json"
"$VTRACE" record -o "$T/o.json" --json -e "$T/str.c" -- "$STR" > "$T/cmd.out" 2> "$T/err"
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]; assert sum(1 for _ in open(sys.argv[1])) == 3' "$T/o.json" &&
	grep -qx "total=36" "$T/cmd.out" && ! grep -q '"sample"' "$T/cmd.out"; then
	ok "-o FILE --json: three JSON samples in FILE, the command's own output on stdout"
else
	not_ok "-o FILE --json" "$(cat "$T/o.json")" "stdout: $(cat "$T/cmd.out")"
fi
"$VTRACE" record -o "$T/o.txt" --text -e "$T/str.c" -- "$STR" > /dev/null 2> "$T/err"
expect_eq "-o FILE --text: the text lines in FILE" 3 "$(grep -c ': ev: name=' "$T/o.txt")"
cp "$T/o.txt" "$T/first.txt"
"$VTRACE" record -o "$T/o.txt" -F event -e "$T/str.c" -- "$STR" > /dev/null 2> "$T/err"
if cmp -s "$T/first.txt" "$T/o.txt.old" && [ "$(cat "$T/o.txt")" = "$(printf 'ev:\nev:\nev:')" ]; then
	ok "-o FILE again keeps the previous FILE as FILE.old; -F alone writes text"
else
	not_ok "FILE.old" "$(ls -la "$T")"
fi
cp "$T/s.data" "$T/first.data"
"$VTRACE" record -o "$T/s.data" -e "$T/str.c" -- "$STR" > /dev/null 2> "$T/err"
if cmp -s "$T/first.data" "$T/s.data.old" && "$VTRACE" script -i "$T/s.data" > /dev/null; then
	ok "a data file's previous version is kept as FILE.old too"
else
	not_ok "data FILE.old" "$(ls -la "$T")"
fi
(cd "$T" && rm -f vtrace.data && "$VTRACE" record -w -q -e "$T/str.c" -- "$STR" > /dev/null 2> "$T/err" &&
	"$VTRACE" script -F event,args > "$T/w.txt")
if cmp -s "$T/replay" "$T/w.txt" && [ ! -s "$T/err" ]; then
	ok "record -w writes vtrace.data, which script reads by default; -q prints no summary"
else
	not_ok "-w and script's default" "$(cat "$T/w.txt" "$T/err")"
fi

# --- a piped reader sees a sample while the command runs (the command
# starts once the reader is running: python's own start takes a while)
"$VTRACE" record -e "$T/str.c" -- sh -c "while [ ! -e $T/ready ]; do sleep 0.02; done; exec $STR 2 2> $T/greeted" \
	2> "$T/err" | python3 -c '
import sys, time
open(sys.argv[1], "w").close()
first = hit = None
for line in sys.stdin:
    if first is None and ": ev: " in line:
        first = time.monotonic()
        hit = float(line.split(": ev: ")[0].split()[-1])   # the time of the hit (CLOCK_MONOTONIC)
end = time.monotonic()
print("%.6f %.6f %.6f" % (hit or 0, first or 0, end))' "$T/ready" > "$T/times"
if python3 - "$T/times" "$T/greeted" <<'PY'
import sys
hit, first, end = map(float, open(sys.argv[1]).read().split())
greeted = float(open(sys.argv[2]).read().split("=")[1])
lag = first - hit
print("# first sample read %.1f ms after its hit, %.2f s before the command exited" % (lag * 1e3, end - first))
# the hit is the target's first greet (it stamped its clock right after)
assert 0 <= greeted - hit < 0.1, (hit, greeted)
assert -0.000001 <= lag < 0.1 and end - first > 1.5
PY
then ok "piped: the first sample arrives within 100 ms of its hit, while the command sleeps"
else not_ok "piped reader" "$(cat "$T/times" "$T/greeted" "$T/err")"; fi

# --- conflicts refused, duplicates warned
"$VTRACE" record --json -F comm,event -e "$T/str.c" -- true > /dev/null 2> "$T/err"
rc=$?
if [ $rc = 2 ] && grep -q -- "--json prints every field; -F and --text choose text" "$T/err"; then
	ok "--json -F is refused with a message, status 2"
else
	not_ok "--json -F refused" "rc=$rc" "$(cat "$T/err")"
fi
"$VTRACE" record -o "$T/x" -w -e "$T/str.c" -- true > /dev/null 2> "$T/err"
expect_eq "-o with -w is refused" 2 $?
cp "$T/str.c" "$T/str2.c"
"$VTRACE" record -e "$T/str.c" -e "$T/str2.c" -- "$STR" > /dev/null 2> "$T/err"
expect_grep "two -e files with one event name: warned" \
	"two probes send samples as event 'ev' ($T/str.c and $T/str2.c)" "$T/err"

# --- -a with a command: the whole system, until the command exits, with its status
"$VTRACE" record -a -F comm -e "$T/ss.c" -- sh -c 'sleep 0.3; exit 3' > "$T/all" 2> "$T/err"
rc=$?
others=$(grep -cv '^ *\(sh\|sleep\)$' "$T/all")
if [ $rc = 3 ] && [ "$others" -gt 0 ]; then
	ok "record -a -- CMD traces other processes too ($others samples) and exits with CMD's status"
else
	not_ok "record -a -- CMD" "rc=$rc others=$others" "$(head -3 "$T/err")"
fi
"$VTRACE" script --json -F comm -i "$T/s.data" > /dev/null 2> "$T/err"
rc=$?
if [ $rc = 2 ] && grep -q -- "--json prints every field" "$T/err"; then
	ok "script --json -F is refused too"
else
	not_ok "script --json -F refused" "rc=$rc" "$(cat "$T/err")"
fi

# --- $params next to an arg of the same name: still one key each, live and replayed
"$VTRACE" record --json -e "exec=$STR;ev=greet \$params name" -- "$STR" > "$T/p.json" 2> "$T/err"
"$VTRACE" record -o "$T/p.data" -e "exec=$STR;ev=greet \$params name" -- "$STR" > /dev/null 2> "$T/err"
"$VTRACE" script --json -i "$T/p.data" > "$T/p.replay"
if python3 - "$T/p.json" "$T/p.replay" <<'PY'
import json, sys
def no_dups(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), keys
    return dict(pairs)
for f in sys.argv[1:]:
    s = [json.loads(l, object_pairs_hook=no_dups) for l in open(f) if l.startswith("{")]
    assert len(s) == 3, f
    for x in s:
        a = x["args"]
        assert list(a) == ["name", "raw", "name_2"] and a["name"] == a["name_2"], a
PY
then ok "\$params and an arg of the same name: name and name_2, equal, live and replayed"
else not_ok "\$params duplicate names" "$(cat "$T/p.json" "$T/p.replay" "$T/err")"; fi

#!/bin/sh
# examples/latency.c: a uprobe/uretprobe pair measuring examples/target's
# process_order(), which sleeps 20 ms an order: every latency in the
# histogram is at least that, one per order the target printed, and the
# start map is empty at exit (every entry met its return).
. "$(dirname "$0")/../lib.sh"

[ -x examples/target ] && [ examples/target -nt examples/target.c ] || make -s examples/target > /dev/null
"$VTRACE" record --json -e examples/latency.c -- examples/target 6 20 > "$T/out" 2> "$T/err"
orders=$(grep -c '^order ' "$T/out")
grep '^{' "$T/out" > "$T/json"
python3 - "$T/json" "$orders" <<'EOF2'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
orders = int(sys.argv[2])
by = {o["name"]: o for o in objs}
def say(ok, name, why=""):
    print(("ok - " if ok else "not ok - ") + name)
    if not ok:
        print("#   " + str(why)[:1000])
h = by.get("latency_ns", {}).get("entries", [{}])[0]
b = [x for x in h.get("buckets", []) if x["count"]]
say(orders == 6 and h.get("count") == orders and sum(x["count"] for x in b) == orders,
    "latency: one latency per order the target printed (%d)" % orders, h)
say(b and all(x["max"] >= 20000000 for x in b),
    "latency: no bucket lies below the 20 ms each order sleeps", b)
a = by.get("avg_ns", {}).get("entries", [{}])[0]
say(a.get("count") == orders and 20000000 <= a.get("value", 0) < 2000000000,
    "latency: the average is at least 20 ms", a)
s = by.get("start", {})
say(s.get("type") == "map" and s.get("entries") == [], "latency: the start map is empty at exit", s)
EOF2
"$VTRACE" record -e examples/latency.c -- examples/target 2 20 > "$T/text" 2>> "$T/err"
expect_grep "latency: the text histogram, bpftrace's layout" \
	"[16M, 32M)             2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|" "$T/text"

#!/usr/bin/env python3
"""Checks vtrace's aggregation and map output against what the aggs target
printed ("call KEY VALUE" per call).  Usage: aggs_check.py MODE FILE, MODE
one of text, json, maps-text, maps-json.  Prints "ok - ..." / "not ok - ..."."""
import json
import re
import sys
from collections import defaultdict

mode, path = sys.argv[1], sys.argv[2]
lines = open(path).read().splitlines()
calls = [(int(l.split()[1]), int(l.split()[2])) for l in lines if l.startswith("call ")]
out = [l for l in lines if not l.startswith("call ")]
fails = 0


def check(cond, name, why=""):
    global fails
    if cond:
        print("ok - " + name)
    else:
        fails += 1
        print("not ok - " + name)
        if why:
            for w in str(why).splitlines()[:20]:
                print("#   " + w)


def log2_slot(v):
    return 0 if v < 0 else 1 if v == 0 else v.bit_length() + 1


def lin_slot(v, lo=-100, hi=1000, step=100):
    n = (hi - lo) // step
    if v < lo:
        return 0
    return n + 1 if v - lo >= n * step else 1 + (v - lo) // step


by_key = defaultdict(list)
for k, v in calls:
    by_key[k].append(v)
expect = {
    "calls": {k: len(v) for k, v in by_key.items()},
    "total": {k: sum(v) for k, v in by_key.items()},
    "lo": {k: min(v) for k, v in by_key.items()},
    "hi": {k: max(v) for k, v in by_key.items()},
    # bpftrace's avg: integer division, truncated toward zero
    "mean": {k: int(sum(v) / len(v)) if abs(sum(v)) < 2**52 else
             (abs(sum(v)) // len(v)) * (1 if sum(v) >= 0 else -1) for k, v in by_key.items()},
}
bytag = defaultdict(int)
for k, v in calls:
    bytag[(k, "neg" if v < 0 else "nonneg")] += 1


def hist_of(values, slot):
    h = defaultdict(int)
    for v in values:
        h[slot(v)] += 1
    return h


exp_sizes = {k: hist_of(v, log2_slot) for k, v in by_key.items()}
exp_lin = {3: hist_of(by_key[3], lin_slot)}
exp_all = hist_of([v for _, v in calls], log2_slot)

SUFFIX = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50, "E": 1 << 60}


def num(s):
    m = re.fullmatch(r"(-?\d+)([KMGTPE]?)", s)
    return int(m.group(1)) * SUFFIX[m.group(2)]


def label_slot(label, lin):
    """The slot a text label stands for."""
    if lin:
        if label.startswith("(...,"):
            return 0
        lo = num(label[1:].split(",")[0])
        return lin_slot(lo)
    if label == "(..., 0)":
        return 0
    if label == "[0]":
        return 1
    if label == "[1]":
        return 2
    return log2_slot(num(label[1:].split(",")[0]))


def text_hists(name):
    """@name[key]: blocks: key -> {slot: count}; the label ranges checked too."""
    res, key = {}, None
    for l in out:
        m = re.fullmatch(r"@%s(?:\[(.*)\])?:" % name, l)
        if m:
            key = int(m.group(1)) if m.group(1) is not None else None
            res[key] = {}
            continue
        m = re.fullmatch(r"(\S+(?:, \S+)?)\s+(\d+) \|(@*) *\|", l)
        if key in res and m and len(l) == 79:
            res[key][label_slot(m.group(1), name == "lin")] = int(m.group(2))
            continue
        key = "done"
    res.pop("done", None)
    return res


def keyed(name):
    """@name[key]: value lines of the output, as {key: value}."""
    got = {}
    for l in out:
        m = re.fullmatch(r"@%s\[(-?\d+)\]: (-?\d+)" % name, l)
        if m:
            got[int(m.group(1))] = int(m.group(2))
    return got


def same_hist(got, want):
    """Every bucket of want in got; got's extra buckets (the range between) empty."""
    return all(got.get(s, 0) == c for s, c in want.items()) and \
        all(c == want.get(s, 0) for s, c in got.items())


if mode == "text":
    check(len(calls) > 0, "the target printed its calls")
    for name in ("calls", "total", "lo", "hi", "mean"):
        got = keyed(name)
        check(got == expect[name], "text: @%s[key] equals the target's own %s per key" % (name, name),
              "expected %s\nactual   %s" % (expect[name], got))
    got = [int(l.split(": ")[1]) for l in out if re.fullmatch(r"@hits: \d+", l)]
    check(got == [len(calls)], "text: keyless @hits is the number of calls", got)
    got = {}
    for l in out:
        m = re.fullmatch(r"@bytag\[(-?\d+), (\w+)\]: (\d+)", l)
        if m:
            got[(int(m.group(1)), m.group(2))] = int(m.group(3))
    check(got == dict(bytag), "text: a struct key with a char array prints as @bytag[3, neg]",
          "expected %s\nactual   %s" % (dict(bytag), got))
    h = text_hists("sizes")
    check(set(h) == set(exp_sizes) and all(same_hist(h[k], exp_sizes[k]) for k in h),
          "text: @sizes[key] log2 buckets equal the target's values bucket by bucket",
          "expected %s\nactual   %s" % ({k: dict(v) for k, v in exp_sizes.items()}, h))
    h = text_hists("lin")
    check(set(h) == {3} and same_hist(h[3], exp_lin[3]),
          "text: @lin[3] linear buckets (-100..1000 step 100) equal the target's values",
          "expected %s\nactual   %s" % (dict(exp_lin[3]), h))
    h = text_hists("allsizes")
    check(set(h) == {None} and same_hist(h[None], exp_all),
          "text: keyless @allsizes covers every call", "%s\n%s" % (dict(exp_all), h))
    bars = [l for l in out if "|@" in l]
    check(bars and all(len(l) == 79 for l in bars), "text: histogram rows in bpftrace's layout")

elif mode == "json":
    objs = []
    bad = []
    for l in out:
        if l.startswith("{"):
            try:
                objs.append(json.loads(l))
            except ValueError as e:
                bad.append("%s: %s" % (e, l[:200]))
    check(not bad and objs, "json: every line parses", "\n".join(bad))
    aggs = {o["name"]: o for o in objs if o.get("type") == "aggregation" and "interval" not in o}
    for name in ("calls", "total", "lo", "hi", "mean"):
        got = {e["key"]: e["value"] for e in aggs.get(name, {}).get("entries", [])}
        cnt = {e["key"]: e["count"] for e in aggs.get(name, {}).get("entries", [])}
        check(got == expect[name] and cnt == expect["calls"],
              "json: %s values and counts per key equal the target's" % name,
              "expected %s\nactual   %s" % (expect[name], got))

    def json_hist(o, key):
        for e in o.get("entries", []):
            if e.get("key") == key:
                return e
        return None

    def bucket_ok(e, values):
        if not e:
            return False
        for b in e["buckets"]:
            lo, hi = b.get("min", -2**64), b.get("max", 2**64)
            if b["count"] != sum(1 for v in values if lo <= v <= hi):
                return False
        return e["count"] == len(values) == sum(b["count"] for b in e["buckets"])

    ok = all(bucket_ok(json_hist(aggs.get("sizes", {}), k), v) for k, v in by_key.items())
    check(ok, "json: every hist bucket's count equals the target's values in [min, max]",
          json.dumps(aggs.get("sizes"))[:1500])
    e = json_hist(aggs.get("lin", {}), 3)
    check(bucket_ok(e, by_key[3]) and aggs["lin"]["min"] == -100 and aggs["lin"]["step"] == 100,
          "json: lhist buckets and range", json.dumps(aggs.get("lin"))[:1500])
    e = aggs.get("allsizes", {}).get("entries", [None])[0]
    check(e is not None and "key" not in e and bucket_ok(e, [v for _, v in calls]),
          "json: keyless hist has no key and every call", json.dumps(e)[:500])
    got = {(e["key"]["key"], e["key"]["tag"]): e["value"] for e in aggs.get("bytag", {}).get("entries", [])}
    check(got == dict(bytag), "json: struct keys are objects with their fields",
          "expected %s\nactual   %s" % (dict(bytag), got))

elif mode == "cli":
    # -e SPEC --hist value / --count / --lhist value:-100:1000:100 / --sum, --min, --max, --avg value
    vals = [v for _, v in calls]
    h = text_hists("work")
    check(set(h) == {None} and same_hist(h[None], exp_all),
          "cli: -e SPEC --hist value: buckets equal the target's values", "%s\n%s" % (dict(exp_all), h))
    h = text_hists("lin")
    want = hist_of(vals, lin_slot)
    check(set(h) == {None} and same_hist(h[None], want),
          "cli: --lhist value:-100:1000:100: buckets equal the target's values", "%s\n%s" % (dict(want), h))
    got = {}
    for l in out:
        m = re.fullmatch(r"@(\w+): (-?\d+)", l)
        if m:
            got[m.group(1)] = int(m.group(2))
    want = {"hits": len(vals), "total": sum(vals), "lo": min(vals), "hi": max(vals),
            "mean": int(sum(vals) / len(vals))}
    check(got == want, "cli: --count, --sum, --min, --max, --avg equal the target's",
          "expected %s\nactual   %s" % (want, got))
elif mode == "cli-by":
    # record -e SPEC --count/--sum/... ARG --by key, the args past the third
    check(len(calls) > 0, "cli --by: the target printed its calls")
    for name in ("calls", "total", "lo", "hi", "mean"):
        got = keyed(name)
        check(got == expect[name], "cli --by: @%s[key] equals the target's own %s per key (%d keys)"
              % (name, name, len(got)), "expected %s\nactual   %s" % (expect[name], got))
    h = text_hists("sizes")
    check(set(h) == set(exp_sizes) and all(same_hist(h[k], exp_sizes[k]) for k in h),
          "cli --by: @sizes[key] log2 buckets equal the target's values bucket by bucket",
          "expected %s\nactual   %s" % ({k: dict(v) for k, v in exp_sizes.items()}, h))
elif mode in ("maps-text", "maps-json"):
    seen = {}
    last = {}
    for k, v in calls:
        s = "neg" if v < 0 else "nonneg"
        c = seen.get((k, s), (0, 0))
        seen[(k, s)] = (c[0] + 1, v)
        last[k] = v
    if mode == "maps-text":
        want = ["map seen (hash, %d entries):" % len(seen)]
        for (k, s) in sorted(seen, key=lambda x: (x[0], x[1])):
            want.append('key: {key=%d,sign="%s"}  value: {calls=%d,last=%d,small=%d,note="first seen"}'
                        % (k, s, seen[(k, s)][0], seen[(k, s)][1], -k))
        want.append("")
        want.append("map lastv (array, 4 entries):")
        for i in range(4):
            want.append("key: %d  value: %d" % (i, last.get(i, 0)))
        got = out[out.index(want[0]):][:len(want)] if want[0] in out else out
        check(got == want, "maps-text: a hash map with struct key and value, an array map, by BTF",
              "expected:\n%s\nactual:\n%s" % ("\n".join(want), "\n".join(got)))
        pc = [l for l in out if l.startswith("key: 0  value (CPU 0):")]
        tot = sum(int(x) for x in re.findall(r"value \(CPU \d+\): (\d+)", pc[0])) if pc else -1
        check(tot == len(calls), "maps-text: a per-CPU array prints a value per CPU, summing to the calls",
              "%s %s" % (tot, pc))
    else:
        objs = [json.loads(l) for l in out if l.startswith("{")]
        maps = {o["name"]: o for o in objs if o.get("type") == "map"}
        got = {(e["key"]["key"], e["key"]["sign"]): (e["value"]["calls"], e["value"]["last"])
               for e in maps.get("seen", {}).get("entries", [])}
        notes = {e["value"]["note"] for e in maps.get("seen", {}).get("entries", [])}
        check(got == seen and notes == {"first seen"}, "maps-json: hash map entries with every field",
              "expected %s\nactual   %s" % (seen, got))
        got = {e["key"]: e["value"] for e in maps.get("lastv", {}).get("entries", [])}
        check(got == {i: last.get(i, 0) for i in range(4)}, "maps-json: array map, signed values", got)
        e = maps.get("percpu_calls", {}).get("entries", [{}])[0]
        check(sum(v["value"] for v in e.get("values", [])) == len(calls),
              "maps-json: per-CPU values sum to the calls", e)
        check(not [o for o in objs if o.get("name", "").startswith("vtrace_")],
              "maps-json: vtrace's own maps are not printed")
sys.exit(1 if fails else 0)

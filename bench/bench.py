#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: vtrace against perf 6.1 (BPF events, perf probe) and bpftrace.

Every scenario runs its tools interleaved, several rounds each, after waiting
for a quiet machine, and prints a table: the median, min and max of the
scenario's time, the per-event cost above an untraced run, samples delivered
and lost, the tracer's context switches and peak RSS, and the ratios
vtrace/peer (the median of each round's own ratio, so a noisy machine slows
both sides of a ratio alike).  bench/README.md says what each column is.

Sizes: BENCH_WORK_N, BENCH_STORM_N, BENCH_ROUNDS, BENCH_START_ROUNDS,
BENCH_MANY_N; --quick (make bench QUICK=1) takes a couple of minutes.
BENCH_SCENARIOS=1,3,4 runs some of them.  BENCH_DROP_CACHES=1 drops the
page cache before the cold start-up runs (it slows everything else on the
machine, so it is off by default; cold then means an empty vtrace cache).
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def env_int(name, default):
    v = os.environ.get(name)
    return int(v) if v else default


class Bench:
    def __init__(self, args):
        self.a = args
        quick = args.quick
        self.work_n = env_int("BENCH_WORK_N", 20000 if quick else 1000000)
        self.storm_n = env_int("BENCH_STORM_N", 200000 if quick else 2000000)
        self.rounds = env_int("BENCH_ROUNDS", 3 if quick else 5)
        self.start_rounds = env_int("BENCH_START_ROUNDS", 5 if quick else 10)
        self.many_n = env_int("BENCH_MANY_N", 120)
        self.quiet_max = env_int("BENCH_QUIET_MAX", 10 if quick else 120)
        self.vtrace = os.path.abspath(args.vtrace)
        # another vtrace build, run in the same rounds ("before:" rows)
        self.before = os.path.abspath(args.before) if args.before else None
        self.target = os.path.abspath(args.target)
        self.dir = os.path.abspath(args.dir)
        os.makedirs(self.dir, exist_ok=True)
        self.cache = os.path.join(self.dir, "cache")
        self.noisy = 0
        self.skipped = {}
        self.md = []
        self.results = {}

    # -- measuring one run ------------------------------------------------

    def run(self, argv, env=None, stdout=None, timeout=900):
        """Runs argv; the target's own timings come back through $BENCH_OUT."""
        out = os.path.join(self.dir, "target.out")
        if os.path.exists(out):
            os.unlink(out)
        e = dict(os.environ)
        # the other build keeps its own cache (its vtrace.h differs)
        e.update({"BENCH_OUT": out, "XDG_CACHE_HOME": self.cache + "-before"
                  if self.before and argv[0] == self.before else self.cache})
        e.update(env or {})
        so = open(stdout or os.devnull, "w")
        se = open(os.path.join(self.dir, "stderr"), "w+")
        t0 = time.monotonic_ns()
        e["BENCH_T0"] = str(t0)
        p = subprocess.Popen(argv, stdout=so, stderr=se, env=e, cwd=self.dir)
        st = {}
        while True:
            try:
                p.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                pass
            try:
                with open("/proc/%d/status" % p.pid) as f:
                    for line in f:
                        k, _, v = line.partition(":")
                        if k in ("VmHWM", "voluntary_ctxt_switches",
                                 "nonvoluntary_ctxt_switches"):
                            st[k] = int(v.split()[0])
            except OSError:
                pass
            if time.monotonic_ns() - t0 > timeout * 1e9:
                p.kill()
        t1 = time.monotonic_ns()
        so.close()
        se.seek(0)
        err = se.read()
        se.close()
        r = {"wall": (t1 - t0) / 1e9, "rc": p.returncode, "stderr": err,
             "rss_mb": st.get("VmHWM", 0) / 1024.0,
             "vcs": st.get("voluntary_ctxt_switches"),
             "ics": st.get("nonvoluntary_ctxt_switches")}
        try:
            with open(out) as f:
                kv = dict(l.strip().split("=", 1) for l in f if "=" in l)
            r["loop"] = int(kv["loop_ns"]) / 1e9
            if "start_ns" in kv:
                r["start"] = int(kv["start_ns"]) / 1e6
            r["teardown"] = (t1 - int(kv["end_mono_ns"])) / 1e6
        except (OSError, KeyError, ValueError):
            pass
        return r

    # -- a quiet machine --------------------------------------------------

    @staticmethod
    def busy(secs=0.5):
        def sample():
            with open("/proc/stat") as f:
                v = [int(x) for x in f.readline().split()[1:]]
            return sum(v), v[3] + v[4]
        t0, i0 = sample()
        time.sleep(secs)
        t1, i1 = sample()
        return 1.0 - (i1 - i0) / max(1, t1 - t0)

    def wait_quiet(self):
        start = time.time()
        while True:
            b = self.busy()
            if b < 0.35:
                return b
            if time.time() - start > self.quiet_max:
                self.noisy += 1
                return b
            time.sleep(1)

    # -- peers ------------------------------------------------------------

    def tool(self, argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return None

    def versions(self):
        v = {"machine": platform.node(), "kernel": platform.release(),
             "cpus": os.cpu_count()}
        try:
            with open("/proc/cpuinfo") as f:
                m = re.search(r"model name\s*:\s*(.*)", f.read())
                v["cpu"] = m.group(1) if m else "?"
        except OSError:
            v["cpu"] = "?"
        p = self.tool([self.vtrace, "-V"])
        v["vtrace"] = (p.stdout or p.stderr).strip() if p else "?"
        p = self.tool(["perf", "--version"])
        v["perf"] = p.stdout.strip() if p and p.returncode == 0 else None
        p = self.tool(["bpftrace", "--version"])
        v["bpftrace"] = p.stdout.strip() if p and p.returncode == 0 else None
        p = self.tool(["clang", "--version"])
        v["clang"] = p.stdout.splitlines()[0] if p and p.returncode == 0 else "?"
        if not v["perf"]:
            self.skipped["perf"] = "perf is not installed (scripts/install-deps --bench)"
        if not v["bpftrace"]:
            self.skipped["bpftrace"] = "bpftrace is not installed (scripts/install-deps --bench)"
        self.v = v
        return v

    # -- programs ---------------------------------------------------------

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def spec_prog(self, name, spec, func, body="return 1;", params="long a, long b, long c"):
        """A perf BPF-events program: the same file runs under vtrace and perf."""
        return self.write(name, """#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("%s")
int %s(struct pt_regs *ctx, int err, %s)
{
	%s
}
char _license[] SEC("license") = "GPL";
int _version SEC("version") = 0x40000;
""" % (spec, func, params, body))

    # -- parsing what each tool says --------------------------------------

    @staticmethod
    def vtrace_counts(r):
        m = re.search(r"\[ vtrace: (\d+) samples.*?, (\d+) lost", r["stderr"])
        if m:
            r["delivered"], r["lost"] = int(m.group(1)), int(m.group(2))

    def perf_counts(self, r, data):
        m = re.search(r"\((\d+) samples\)", r["stderr"])
        if m:
            r["delivered"] = int(m.group(1))
        p = subprocess.run(["perf", "report", "-i", data, "--stats"], capture_output=True,
                           text=True, cwd=self.dir)
        lost = 0
        for m in re.finditer(r"LOST_SAMPLES events:\s+(\d+)|lost (\d+) chunks", p.stdout + p.stderr):
            lost = max(lost, int(m.group(1) or m.group(2)))
        m = re.search(r"^\s*SAMPLE events:\s+(\d+)", p.stdout, re.M)
        if m:
            r["delivered"] = int(m.group(1))
        r["lost"] = lost

    @staticmethod
    def lines(path, skip=r"^Attaching|^$"):
        n = 0
        with open(path, errors="replace") as f:
            for line in f:
                if not re.match(skip, line):
                    n += 1
        return n

    def bpftrace_counts(self, r, out=None, count=False):
        lost = re.findall(r"Lost (\d+) events", r["stderr"])
        if out and os.path.exists(out):
            with open(out, errors="replace") as f:
                text = f.read()
            lost += re.findall(r"Lost (\d+) events", text)
            if count:
                m = re.search(r"^@: (\d+)", text, re.M)
                r["delivered"] = int(m.group(1)) if m else 0
            else:
                r["delivered"] = sum(1 for l in text.splitlines()
                                     if l and not l.startswith(("Attaching", "Lost ")))
        r["lost"] = sum(int(x) for x in lost)

    # -- the scenarios ----------------------------------------------------

    def rounds_of(self, configs, rounds):
        """Runs every config once a round, in a rotated order; returns runs by name."""
        runs = {c[0]: [] for c in configs}
        for rnd in range(rounds):
            b = self.wait_quiet()
            print("  round %d/%d (machine %.0f%% busy before it)" % (rnd + 1, rounds, 100 * b),
                  flush=True)
            order = configs[rnd % len(configs):] + configs[:rnd % len(configs)]
            for c in order:
                r = c[1]()
                if r is None:
                    continue
                runs[c[0]].append(r)
        return runs

    def peer_ok(self, peer):
        return peer not in self.skipped

    def s1_configs(self, n, drop):
        t = self.target
        body = "return ((unsigned long)b %% 100) == 0;" if drop else "return 1;"
        body = body.replace("%%", "%")
        prog = self.spec_prog("s%d.c" % (2 if drop else 1),
                              "exec=%s;ev=work o->in->a k m" % t, "ev", body)
        tag = "s2" if drop else "s1"
        want = n // 100 if drop else n
        cmd = [t, "work", str(n)]
        cfg = []

        def untraced():
            return self.run(cmd)
        cfg.append(("untraced", untraced))

        def vt(extra, out_name, binary=None):
            def f():
                out = os.path.join(self.dir, out_name)
                argv = [binary or self.vtrace, "record"] + extra + ["-e", prog, "--"] + cmd
                r = self.run(argv, stdout=None if "-o" in extra else out)
                self.vtrace_counts(r)
                return r
            return f
        cfg.append(("vtrace text", vt([], tag + ".txt")))
        if not drop:
            cfg.append(("vtrace data file", vt(["-o", os.path.join(self.dir, "s1.data")], "")))
            cfg.append(("vtrace --json", vt(["--json"], "s1.json")))
        if self.before:
            cfg.append(("before: vtrace text", vt([], tag + ".b.txt", self.before)))
            if not drop:
                cfg.append(("before: vtrace data file",
                            vt(["-o", os.path.join(self.dir, "s1b.data")], "", self.before)))
                cfg.append(("before: vtrace --json", vt(["--json"], "s1b.json", self.before)))
        if self.peer_ok("bpftrace"):
            def floor():
                out = os.path.join(self.dir, tag + ".bt_count")
                r = self.run(["bpftrace", "-e", "uprobe:%s:work { @ = count(); }" % t,
                              "-c", " ".join(cmd)], stdout=out)
                self.bpftrace_counts(r, out, count=True)
                return r
            cfg.append(("bpftrace count() (floor)", floor))

            def btp():
                out = os.path.join(self.dir, tag + ".bt")
                pred = "/arg1 % 100 == 0/ " if drop else ""
                r = self.run(["bpftrace", "-e", "uprobe:%s:work %s{ printf(\"a=%%d k=%%d m=%%ld\\n\", "
                              "*(int32*)(*(uint64*)(arg0+8)+8), arg1, arg2); }" % (t, pred),
                              "-c", " ".join(cmd)], stdout=out)
                self.bpftrace_counts(r, out)
                return r
            cfg.append(("bpftrace printf", btp))
        if self.peer_ok("perf"):
            def pbpf():
                data = os.path.join(self.dir, tag + ".perf.data")
                r = self.run(["perf", "record", "-q", "-e", prog, "-o", data, "--"] + cmd)
                self.perf_counts(r, data)
                t0 = time.monotonic()
                subprocess.run(["perf", "script", "-i", data], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, cwd=self.dir)
                r["post"] = time.monotonic() - t0
                return r
            cfg.append(("perf BPF event", pbpf))
            if self.perf_probe(t):
                def pprobe():
                    data = os.path.join(self.dir, tag + ".probe.data")
                    r = self.run(["perf", "record", "-q", "-e", "probe_target:bsw", "-o", data,
                                  "--"] + cmd)
                    self.perf_counts(r, data)
                    return r
                cfg.append(("perf probe event", pprobe))
        return cfg, want

    def perf_probe(self, t):
        """perf's own uprobe event for the same spec (kernel fetchargs, no BPF), made once."""
        if getattr(self, "_probe", None) is not None:
            return self._probe
        subprocess.run(["perf", "probe", "-q", "-d", "probe_target:bsw"], capture_output=True)
        p = subprocess.run(["perf", "probe", "-q", "-x", t, "-a", "bsw=work o->in->a k m"],
                           capture_output=True, text=True)
        self._probe = p.returncode == 0
        if not self._probe:
            print("  skipped perf probe: %s" % (p.stderr.strip().splitlines() or ["?"])[-1])
        return self._probe

    def table(self, title, runs, key, n, want, ratios, unit="s", scale=1.0):
        """Prints and keeps a table; key is the run's time ('loop', 'start', 'wall')."""
        base = [r[key] for r in runs.get("untraced", []) if key in r]
        base_med = statistics.median(base) if base else None
        hdr = "%-28s %9s %9s %9s %9s %10s %8s %8s %7s" % (
            "tool", "median", "min", "max", "us/event", "delivered", "lost", "vcs", "RSS MB")
        rows = []
        summary = {}
        for name, rs in runs.items():
            ok = [r for r in rs if key in r]
            if not ok:
                why = rs[0]["stderr"].strip().splitlines()[-1:] if rs else ["no run"]
                rows.append("%-28s failed: %s" % (name, (why or ["?"])[0][:80]))
                continue
            vals = [r[key] * scale for r in ok]
            med = statistics.median(vals)
            cost = ""
            if base_med is not None and n and name != "untraced" and key == "loop":
                cost = "%.2f" % ((statistics.median([r[key] for r in ok]) - base_med) / n * 1e6)
            deliv = [r.get("delivered") for r in ok if r.get("delivered") is not None]
            lost = [r.get("lost") for r in ok if r.get("lost") is not None]
            vcs = [r["vcs"] for r in ok if r.get("vcs") is not None]
            rss = [r["rss_mb"] for r in ok if r.get("rss_mb")]
            rows.append("%-28s %9.3f %9.3f %9.3f %9s %10s %8s %8s %7s" % (
                name, med, min(vals), max(vals), cost,
                "%d" % statistics.median(deliv) if deliv else "-",
                "%d" % max(lost) if lost else "-",
                "%d" % statistics.median(vcs) if vcs else "-",
                "%.1f" % max(rss) if rss else "-"))
            summary[name] = {"median": med, "min": min(vals), "max": max(vals),
                             "cost_us": float(cost) if cost else None,
                             "delivered": statistics.median(deliv) if deliv else None,
                             "lost": max(lost) if lost else None,
                             "vcs": statistics.median(vcs) if vcs else None,
                             "rss_mb": max(rss) if rss else None,
                             "post": statistics.median([r["post"] for r in ok if "post" in r])
                             if any("post" in r for r in ok) else None}
        rat = []
        for label, a, b, what in ratios:
            v = self.ratio(runs, a, b, key, what, base)
            if v is not None:
                rat.append("  %-44s %6.2fx  [%.2f-%.2f]" % (label, v[0], v[1], v[2]))
                summary.setdefault("_ratios", {})[label] = v[0]
        text = ["", "== %s" % title,
                "   (times in %s; us/event = (median - untraced median) / %s events;"
                " want %s delivered)" % (unit, n or "-", want if want is not None else "-"),
                hdr] + rows
        if rat:
            text += ["ratios (median of per-round ratios, [min-max]):"] + rat
        print("\n".join(text), flush=True)
        self.md.append("```\n" + "\n".join(text[1:]) + "\n```")
        self.results[title] = summary

    @staticmethod
    def ratio(runs, a, b, key, what, base):
        ra, rb = runs.get(a, []), runs.get(b, [])
        vals = []
        base_med = statistics.median(base) if base else 0
        for x, y in zip(ra, rb):
            if key not in x or key not in y:
                continue
            if what == "cost":
                num, den = x[key] - base_med, y[key] - base_med
            elif what == "rss":
                num, den = x["rss_mb"], y["rss_mb"]
            else:
                num, den = x[key], y[key]
            if den > 0:
                vals.append(num / den)
        if not vals:
            return None
        return statistics.median(vals), min(vals), max(vals)

    def scenario1(self):
        cfg, want = self.s1_configs(self.work_n, False)
        runs = self.rounds_of(cfg, self.rounds)
        self.table("1. %d uprobe events, work(o, k, m) fetching o->in->a k m, every event recorded"
                   % self.work_n, runs, "loop", self.work_n, want, [
                       ("per-event: vtrace text / floor", "vtrace text", "bpftrace count() (floor)", "cost"),
                       ("per-event: vtrace data file / text", "vtrace data file", "vtrace text", "cost"),
                       ("per-event: vtrace --json / text", "vtrace --json", "vtrace text", "cost"),
                       ("per-event: vtrace text / perf BPF event", "vtrace text", "perf BPF event", "cost"),
                       ("per-event: vtrace text / perf probe event", "vtrace text", "perf probe event", "cost"),
                       ("per-event: vtrace text / bpftrace printf", "vtrace text", "bpftrace printf", "cost"),
                       ("per-event: vtrace text / before", "vtrace text", "before: vtrace text", "cost"),
                       ("per-event: data file / before", "vtrace data file", "before: vtrace data file", "cost"),
                       ("per-event: --json / before", "vtrace --json", "before: vtrace --json", "cost"),
                       ("7. peak RSS: vtrace text / perf", "vtrace text", "perf BPF event", "rss"),
                       ("7. peak RSS: vtrace text / bpftrace printf", "vtrace text", "bpftrace printf", "rss"),
                   ])

    def scenario2(self):
        cfg, want = self.s1_configs(self.work_n, True)
        runs = self.rounds_of(cfg, self.rounds)
        self.table("2. %d uprobe events, the program keeps 1%%" % self.work_n, runs, "loop",
                   self.work_n, want, [
                       ("per-event: vtrace / floor", "vtrace text", "bpftrace count() (floor)", "cost"),
                       ("per-event: vtrace / perf BPF event", "vtrace text", "perf BPF event", "cost"),
                       ("per-event: vtrace / perf probe event (records all)", "vtrace text",
                        "perf probe event", "cost"),
                       ("per-event: vtrace / bpftrace printf", "vtrace text", "bpftrace printf", "cost"),
                   ])

    def scenario3(self):
        n, t = self.storm_n, self.target
        cmd = [t, "storm", str(n)]
        raw = self.write("s3_raw.c", """#define SEC(NAME) __attribute__((section(NAME), used))
SEC("raw_tp/sys_enter id")
int storm(void *ctx, int err, long id)
{
	return id == 110;	/* getppid */
}
char _license[] SEC("license") = "GPL";
""")
        prf = self.write("s3_printf.c", """#include <vtrace.h>
SEC("raw_tp/sys_enter")
int BPF_PROG(storm, struct pt_regs *regs, long id)
{
	if (id == 110)
		vtrace_printf("id=%ld", id);
	return 0;
}
""")
        tp = self.write("s3_tp.c", """#define SEC(NAME) __attribute__((section(NAME), used))
SEC("tp/syscalls/sys_enter_getppid")
int storm(void *ctx)
{
	return 1;
}
char _license[] SEC("license") = "GPL";
""")
        cfg = [("untraced", lambda: self.run(cmd))]

        def vt(prog, name, binary=None):
            def f():
                r = self.run([binary or self.vtrace, "record", "-e", prog, "--"] + cmd,
                             stdout=os.path.join(self.dir, name))
                self.vtrace_counts(r)
                return r
            return f
        cfg.append(("vtrace raw_tp spec", vt(raw, "s3_raw.txt")))
        cfg.append(("vtrace raw_tp vtrace_printf", vt(prf, "s3_printf.txt")))
        cfg.append(("vtrace tp program", vt(tp, "s3_tp.txt")))
        if self.before:
            cfg.append(("before: vtrace raw_tp spec", vt(raw, "s3_raw.b.txt", self.before)))
            cfg.append(("before: vtrace raw_tp vtrace_printf", vt(prf, "s3_printf.b.txt", self.before)))
        if self.peer_ok("perf"):
            def ptp():
                data = os.path.join(self.dir, "s3.perf.data")
                r = self.run(["perf", "record", "-q", "-e", "syscalls:sys_enter_getppid", "-o", data,
                              "--"] + cmd)
                self.perf_counts(r, data)
                return r
            cfg.append(("perf tracepoint", ptp))
        if self.peer_ok("bpftrace"):
            def bt():
                out = os.path.join(self.dir, "s3.bt")
                r = self.run(["bpftrace", "-e", "tracepoint:syscalls:sys_enter_getppid /pid == cpid/ "
                              "{ printf(\"%d\\n\", pid); }", "-c", " ".join(cmd)], stdout=out)
                self.bpftrace_counts(r, out)
                return r
            cfg.append(("bpftrace tracepoint", bt))
        runs = self.rounds_of(cfg, self.rounds)
        self.table("3. syscall storm: %d getppid()" % n, runs, "loop", n, n, [
            ("per-event: vtrace raw_tp / perf tracepoint", "vtrace raw_tp spec", "perf tracepoint", "cost"),
            ("per-event: vtrace tp / perf tracepoint", "vtrace tp program", "perf tracepoint", "cost"),
            ("per-event: vtrace raw_tp / bpftrace", "vtrace raw_tp spec", "bpftrace tracepoint", "cost"),
        ])

    def scenario4(self):
        t = self.target
        cmd = [t, "start"]
        prog = self.spec_prog("s4.c", "exec=%s;ev=work o->in->a k m" % t, "ev")
        prf = self.write("s4_printf.c", """#include <vtrace.h>
SEC("uprobe/%s:work")
int BPF_KPROBE(ev, void *o, int k, long m)
{
	vtrace_printf("k=%%d m=%%ld", k, m);
	return 0;
}
""" % t)
        cold = os.path.join(self.dir, "cold-cache")

        def vt(args, fresh=False, binary=None):
            def f():
                env = {}
                if fresh:
                    shutil.rmtree(cold, ignore_errors=True)
                    os.makedirs(cold)
                    env["XDG_CACHE_HOME"] = cold
                    if os.environ.get("BENCH_DROP_CACHES") == "1":
                        subprocess.run("sync; echo 3 > /proc/sys/vm/drop_caches", shell=True)
                r = self.run([binary or self.vtrace, "record"] + args + ["--"] + cmd, env=env)
                self.vtrace_counts(r)
                return r
            return f
        cfg = [("untraced", lambda: self.run(cmd)),
               ("vtrace spec program (warm)", vt(["-e", prog])),
               ("vtrace -e SPEC (warm)", vt(["-e", "exec=%s;ev=work o->in->a k m" % t])),
               ("vtrace vtrace_printf (warm)", vt(["-e", prf])),
               ("vtrace spec program (cold)", vt(["-e", prog], True)),
               ("vtrace vtrace_printf (cold)", vt(["-e", prf], True))]
        if self.before:
            cfg.append(("before: spec program (warm)", vt(["-e", prog], binary=self.before)))
            cfg.append(("before: vtrace_printf (warm)", vt(["-e", prf], binary=self.before)))
        if self.peer_ok("perf"):
            def pbpf():
                data = os.path.join(self.dir, "s4.perf.data")
                r = self.run(["perf", "record", "-q", "-e", prog, "-o", data, "--"] + cmd)
                self.perf_counts(r, data)
                return r
            cfg.append(("perf BPF event", pbpf))
        if self.peer_ok("bpftrace"):
            def bt():
                out = os.path.join(self.dir, "s4.bt")
                r = self.run(["bpftrace", "-e", "uprobe:%s:work { printf(\"k=%%d\\n\", arg1); }" % t,
                              "-c", " ".join(cmd)], stdout=out)
                self.bpftrace_counts(r, out)
                return r
            cfg.append(("bpftrace", bt))
        # the warm runs' cache
        vt(["-e", prog])()
        vt(["-e", prf])()
        vt(["-e", "exec=%s;ev=work o->in->a k m" % t])()
        if self.before:
            vt(["-e", prog], binary=self.before)()
            vt(["-e", prf], binary=self.before)()
        runs = self.rounds_of(cfg, self.start_rounds)
        ratios = [("start: vtrace spec (warm) / before", "vtrace spec program (warm)",
                   "before: spec program (warm)", "v"),
                  ("start: vtrace spec (warm) / bpftrace", "vtrace spec program (warm)", "bpftrace", "v"),
                  ("start: vtrace spec (warm) / perf BPF event", "vtrace spec program (warm)",
                   "perf BPF event", "v")]
        self.table("4. start-up: exec of the tracer to the target's main (one probe), ms",
                   runs, "start", 0, 1, ratios, unit="ms")
        self.table("4. teardown: the target's exit to the tracer's, ms", runs, "teardown", 0, 1, [
            ("teardown: vtrace spec (warm) / bpftrace", "vtrace spec program (warm)", "bpftrace", "v"),
            ("teardown: vtrace spec (warm) / perf", "vtrace spec program (warm)", "perf BPF event", "v"),
        ], unit="ms")
        self.table("4. whole run of a one-call target, s", runs, "wall", 0, 1, [
            ("whole: vtrace spec (warm) / bpftrace", "vtrace spec program (warm)", "bpftrace", "v"),
            ("whole: vtrace spec (warm) / perf", "vtrace spec program (warm)", "perf BPF event", "v"),
        ])

    def scenario5(self):
        py = os.environ.get("BENCH_PY", "/usr/bin/python3.11")
        fn = os.environ.get("BENCH_INLINED", "_PyObject_GC_TRACK")
        libc = os.environ.get("BENCH_LIBC", "/lib/x86_64-linux-gnu/libc.so.6")
        if not os.path.exists(py):
            print("\n== 5. resolution: skipped: %s is not installed (python3.11-dbg)" % py)
            self.skipped["5"] = "%s missing" % py
            return
        cfg = [("vtrace probe --vars", lambda: self.run(
                    [self.vtrace, "probe", "--vars", fn, "-x", py],
                    stdout=os.path.join(self.dir, "s5_vt.txt")))]
        cfg.append(("vtrace probe --funcs (libc)", lambda: self.run(
            [self.vtrace, "probe", "--funcs", "-x", libc], stdout=os.path.join(self.dir, "s5_vtf.txt"))))
        if self.peer_ok("perf"):
            cfg.append(("perf probe -V", lambda: self.run(
                ["perf", "probe", "-x", py, "-V", fn], stdout=os.path.join(self.dir, "s5_perf.txt"))))
            cfg.append(("perf probe -F (libc)", lambda: self.run(
                ["perf", "probe", "-x", libc, "-F"], stdout=os.path.join(self.dir, "s5_perff.txt"))))
        runs = self.rounds_of(cfg, self.rounds)
        for name, out in (("vtrace probe --vars", "s5_vt.txt"), ("perf probe -V", "s5_perf.txt")):
            p = os.path.join(self.dir, out)
            if os.path.exists(p):
                with open(p) as f:
                    text = f.read()
                inst = len(re.findall(r" at 0x", text)) if name.startswith("vtrace") else \
                    len(re.findall(r"@<", text))
                for r in runs.get(name, []):
                    r["delivered"] = inst
        for name, out in (("vtrace probe --funcs (libc)", "s5_vtf.txt"), ("perf probe -F (libc)", "s5_perff.txt")):
            p = os.path.join(self.dir, out)
            if os.path.exists(p):
                for r in runs.get(name, []):
                    r["delivered"] = self.lines(p, r"^$")
        self.table("5. resolution: --vars %s in %s, --funcs on libc (delivered: the instances "
                   "or functions each tool lists)" % (fn, py), runs, "wall", 0, None, [
                       ("--vars: vtrace / perf probe -V", "vtrace probe --vars", "perf probe -V", "v"),
                       ("--funcs: vtrace / perf probe -F", "vtrace probe --funcs (libc)",
                        "perf probe -F (libc)", "v"),
                   ])

    def scenario5b(self):
        t, n = self.target, self.many_n
        cmd = [t, "many", str(n)]
        text = "#define SEC(NAME) __attribute__((section(NAME), used))\nstruct pt_regs;\n"
        for i in range(n):
            text += ('SEC("exec=%s;f%d=f%d v")\nint f%d(struct pt_regs *ctx, int err, long v)\n'
                     '{\n\treturn 1;\n}\n' % (t, i, i, i))
        text += 'char _license[] SEC("license") = "GPL";\nint _version SEC("version") = 0x40000;\n'
        prog = self.write("s5b.c", text)

        def vt():
            r = self.run([self.vtrace, "record", "-e", prog, "--"] + cmd,
                         stdout=os.path.join(self.dir, "s5b.txt"))
            self.vtrace_counts(r)
            return r
        cfg = [("untraced", lambda: self.run(cmd)), ("vtrace", vt)]
        if self.peer_ok("perf"):
            def pbpf():
                data = os.path.join(self.dir, "s5b.perf.data")
                r = self.run(["perf", "record", "-q", "-e", prog, "-o", data, "--"] + cmd)
                self.perf_counts(r, data)
                return r
            cfg.append(("perf BPF events", pbpf))
        if self.peer_ok("bpftrace"):
            script = ",".join("uprobe:%s:f%d" % (t, i) for i in range(n)) + \
                " { printf(\"%s %d\\n\", probe, arg0); }"

            def bt():
                out = os.path.join(self.dir, "s5b.bt")
                r = self.run(["bpftrace", "-e", script, "-c", " ".join(cmd)], stdout=out)
                self.bpftrace_counts(r, out)
                return r
            cfg.append(("bpftrace", bt))
        vt()   # the compile cache
        runs = self.rounds_of(cfg, self.rounds)
        self.table("5b. %d probes in one run: attach (exec to main), ms" % n, runs, "start", 0, n, [
            ("attach: vtrace / perf", "vtrace", "perf BPF events", "v"),
            ("attach: vtrace / bpftrace", "vtrace", "bpftrace", "v")], unit="ms")
        self.table("5b. %d probes: detach (target's exit to the tracer's), ms" % n, runs, "teardown",
                   0, n, [("detach: vtrace / perf", "vtrace", "perf BPF events", "v"),
                          ("detach: vtrace / bpftrace", "vtrace", "bpftrace", "v")], unit="ms")
        self.table("5b. %d probes: whole run, s" % n, runs, "wall", 0, n, [
            ("whole: vtrace / perf", "vtrace", "perf BPF events", "v"),
            ("whole: vtrace / bpftrace", "vtrace", "bpftrace", "v")])

    # scenario 6: the loaded programs' size

    def loaded(self, argv, name, secs=3.0):
        """Starts argv (whose target sleeps), returns (insns, helper calls) of program name."""
        before = self.prog_ids()
        e = dict(os.environ, XDG_CACHE_HOME=self.cache)
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=e,
                             cwd=self.dir)
        found = None
        t0 = time.time()
        while found is None and time.time() - t0 < secs + 20 and p.poll() is None:
            time.sleep(0.2)
            for pid, pname in self.prog_ids().items():
                if pid not in before and pname == name:
                    found = pid
        res = None
        if found is not None:
            d = subprocess.run(["bpftool", "prog", "dump", "xlated", "id", str(found)],
                               capture_output=True, text=True)
            insns, calls = 0, 0
            for line in d.stdout.splitlines():
                m = re.match(r"\s*\d+: \((..)\) (.*)", line)
                if not m:
                    continue
                insns += 2 if m.group(1) == "18" else 1
                if m.group(1) == "85" and not m.group(2).startswith("call pc"):
                    calls += 1
            res = (insns, calls)
        p.wait()
        return res

    @staticmethod
    def prog_ids():
        p = subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True, text=True)
        try:
            return {x["id"]: x.get("name", "") for x in json.loads(p.stdout or "[]")}
        except ValueError:
            return {}

    # scenario 8: kernel probes, in the VM (this host has no kprobes and refuses fentry)
    S8_FUNC = "__task_pid_nr_ns"	# getppid(2) calls it once (task_tgid_vnr)

    def scenario8(self):
        if not os.path.exists("/sys/bus/event_source/devices/kprobe/type"):
            return self.scenario8_vm()
        # the VM runs under TCG: fewer calls than scenario 3's storm
        n = env_int("BENCH_KERNEL_N", 50000 if self.a.quick else 200000)
        t, fn = self.target, self.S8_FUNC
        cmd = [t, "storm", str(n)]
        progs = {
            "vtrace kprobe": ("via=kprobe;ev=%s" % fn, "void *ctx, int err", "return 1;"),
            "vtrace fentry": ("via=fentry;ev=%s" % fn, "void *ctx, int err", "return 1;"),
            "vtrace raw_tp": ("raw_tp/sys_enter id", "void *ctx, int err, long id",
                              "return id == 110;\t/* getppid */"),
        }
        cfg = [("untraced", lambda: self.run(cmd))]

        def vt(name, path, out):
            def f():
                r = self.run([self.vtrace, "record", "-v", "-e", path, "--"] + cmd,
                             stdout=os.path.join(self.dir, out))
                self.vtrace_counts(r)
                # -v says which path a kernel function spec took, and why
                m = re.search(r"%s: (through the trampoline \(\w+\)|a kprobe)" % fn, r["stderr"])
                if m:
                    r["path"] = m.group(1)
                return r
            return f
        for i, (name, (spec, params, body)) in enumerate(progs.items()):
            path = self.write("s8_%d.c" % i, """#define SEC(NAME) __attribute__((section(NAME), used))
SEC("%s")
int ev(%s)
{
	%s
}
char _license[] SEC("license") = "GPL";
""" % (spec, params, body))
            cfg.append((name, vt(name, path, "s8_%d.txt" % i)))
        runs = self.rounds_of(cfg, self.rounds)
        self.table("8. %s by kprobe, fentry and the sys_enter raw tracepoint: %d getppid(), "
                   "every event recorded (kernel %s)" % (fn, n, platform.release()), runs, "loop", n, n, [
                       ("events/s: fentry / kprobe", "vtrace kprobe", "vtrace fentry", "time"),
                       ("events/s: raw_tp / kprobe", "vtrace kprobe", "vtrace raw_tp", "time"),
                       ("events/s: fentry / raw_tp", "vtrace raw_tp", "vtrace fentry", "time"),
                       ("per-event: fentry / kprobe", "vtrace fentry", "vtrace kprobe", "cost"),
                   ])
        rates = []
        for name, rs in runs.items():
            loops = [r["loop"] for r in rs if "loop" in r]
            if loops:
                paths = sorted(set(r["path"] for r in rs if "path" in r))
                rates.append("  %-28s %12.0f events/s%s" % (name, n / statistics.median(loops),
                             "  (-v: %s)" % ", ".join(paths) if paths else ""))
        text = ["events per second (N / median loop time):"] + rates
        print("\n".join(text), flush=True)
        self.md[-1] = self.md[-1][:-4] + "\n" + "\n".join(text) + "\n```"

    def scenario8_vm(self):
        """Boots the VM (scripts/vm-run) and runs scenario 8 there, on each BENCH_VM_KERNELS."""
        vmrun = os.path.join(ROOT, "scripts/vm-run")
        kernels = os.environ.get("BENCH_VM_KERNELS", "6.1 6.12").split()
        if os.environ.get("BENCH_VM", "1") == "0" or not os.access(vmrun, os.X_OK):
            print("\n== 8. kprobe / fentry / raw tracepoint on one kernel function: skipped "
                  "(BENCH_VM=0; this host has no kprobes and refuses fentry)")
            return
        for k in kernels:
            argv = ["flock", "/tmp/vtrace-vm.lock", vmrun, "--kernel", k, "--timeout", "1500", "--",
                    "python3", os.path.abspath(__file__), "--no-install", "--in-vm",
                    "--vtrace", self.vtrace, "--target", self.target, "--dir", "/tmp/bench8",
                    "--kernel-n", str(env_int("BENCH_KERNEL_N", 50000 if self.a.quick else 200000)),
                    "--rounds", str(self.rounds)] + (["--quick"] if self.a.quick else [])
            print("\n  scenario 8 in the VM, kernel %s (scripts/vm-run, TCG: slow)" % k, flush=True)
            p = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
            # the guest's whole console, kept: a panic's cause is at its start, not its end
            log = os.path.join(self.dir, "vm-%s.log" % k)
            with open(log, "w") as f:
                f.write(p.stdout + p.stderr)
            m = re.search(r"^BENCH8-BEGIN\r?\n(.*?)^BENCH8-JSON (.*?)\r?$", p.stdout, re.S | re.M)
            if not m:
                print("== 8. (kernel %s) failed in the VM (its console: %s): %s" %
                      (k, log, (p.stdout + p.stderr).strip()[-400:]))
                continue
            text = m.group(1).replace("\r", "").rstrip()
            print(text, flush=True)
            self.md.append("```\n" + text.lstrip("\n") + "\n```")
            self.results.update(json.loads(m.group(2)))

    def scenario6(self):
        t = self.target
        specs = [("bsz_chain", "o->in->a k m"), ("bsz_member", "o->x"), ("bsz_regs", "k m"),
                 ("bsz_none", "")]
        rows = []
        hdr = "%-14s %-16s %18s %18s" % ("program", "args", "vtrace insns/calls", "perf insns/calls")
        summary = {}
        for fn, args in specs:
            spec = "exec=%s;%s=work%s" % (t, fn, " " + args if args else "")
            prog = self.spec_prog(fn + ".c", spec, fn)
            cmd = [t, "sleep", "2500"]
            v = self.loaded([self.vtrace, "record", "-e", prog, "--"] + cmd, fn)
            p = None
            if self.peer_ok("perf"):
                p = self.loaded(["perf", "record", "-q", "-e", prog, "-o",
                                 os.path.join(self.dir, "s6.perf.data"), "--"] + cmd, fn)
            rows.append("%-14s %-16s %18s %18s" % (fn, args or "(none)",
                                                   "%d/%d" % v if v else "?", "%d/%d" % p if p else "?"))
            summary[fn] = {"args": args, "vtrace": v, "perf": p}
        text = ["", "== 6. per-event program size (xlated instructions / helper calls, "
                "the user's function included)", hdr] + rows
        print("\n".join(text), flush=True)
        self.md.append("```\n" + "\n".join(text[1:]) + "\n```")
        self.results["6"] = summary

    def main(self):
        v = self.versions()
        print("vtrace bench: %s, %s, %d cpus (%s)" % (v["machine"], v["kernel"], v["cpus"], v["cpu"]))
        print("  vtrace %s; %s; %s; %s" % (v["vtrace"], v["perf"] or "no perf",
                                          v["bpftrace"] or "no bpftrace", v["clang"]))
        print("  work N=%d, storm N=%d, %d rounds (start-up %d)" % (
            self.work_n, self.storm_n, self.rounds, self.start_rounds))
        for peer, why in self.skipped.items():
            print("  skipped %s: %s" % (peer, why))
        want = os.environ.get("BENCH_SCENARIOS", "1,2,3,4,5,5b,6,8").split(",")
        steps = [("1", self.scenario1), ("2", self.scenario2), ("3", self.scenario3),
                 ("4", self.scenario4), ("5", self.scenario5), ("5b", self.scenario5b),
                 ("6", self.scenario6), ("8", self.scenario8)]
        t0 = time.time()
        for key, fn in steps:
            if key in want:
                fn()
        if getattr(self, "_probe", None):
            subprocess.run(["perf", "probe", "-q", "-d", "probe_target:bsw"], capture_output=True)
        if self.noisy:
            print("\nnote: %d round(s) started on a busy machine (waited %d s for quiet)" %
                  (self.noisy, self.quiet_max))
        print("\nbench took %.0f s" % (time.time() - t0))
        res = os.path.join(self.dir, "results.md")
        with open(res, "w") as f:
            f.write("machine: %s, %s, %d cpus (%s)\n\n" % (v["machine"], v["kernel"], v["cpus"], v["cpu"]))
            f.write("versions: vtrace %s; %s; %s; %s\n\n" % (v["vtrace"], v["perf"], v["bpftrace"],
                                                            v["clang"]))
            f.write("sizes: work N=%d, storm N=%d, %d rounds (start-up %d); %d noisy rounds\n\n" % (
                self.work_n, self.storm_n, self.rounds, self.start_rounds, self.noisy))
            f.write("\n\n".join(self.md) + "\n")
        with open(os.path.join(self.dir, "results.json"), "w") as f:
            json.dump({"versions": v, "results": self.results}, f, indent=1, default=str)
        print("results: %s" % res)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--vtrace", default=os.path.join(ROOT, "vtrace"))
    ap.add_argument("--target", default=os.path.join(ROOT, "build/bench/target"))
    ap.add_argument("--dir", default=os.path.join(ROOT, "build/bench"))
    ap.add_argument("--no-install", action="store_true")
    ap.add_argument("--before", default=os.environ.get("BENCH_BEFORE"),
                    help="another vtrace binary, interleaved in scenarios 1, 3, 4 as 'before:' rows")
    ap.add_argument("--in-vm", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--kernel-n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--rounds", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.in_vm:
        # scenario 8 inside the VM (scenario8_vm boots it): the table between markers
        if a.kernel_n:
            os.environ["BENCH_KERNEL_N"] = str(a.kernel_n)
        if a.rounds:
            os.environ["BENCH_ROUNDS"] = str(a.rounds)
        os.environ.setdefault("BENCH_QUIET_MAX", "5")
        b = Bench(a)
        b.scenario8()
        print("BENCH8-BEGIN\n" + "\n".join(m.strip("`\n") for m in b.md))
        print("BENCH8-JSON " + json.dumps(b.results, default=str), flush=True)
        return 0
    if os.geteuid() != 0:
        print("make bench: run as root (uprobes, BPF)", file=sys.stderr)
        return 1
    if not a.no_install:
        subprocess.run([os.path.join(ROOT, "scripts/install-deps"), "--bench"])
    return Bench(a).main()


if __name__ == "__main__":
    sys.exit(main() or 0)

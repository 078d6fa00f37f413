# Runs inside gdb (gdb -batch -nx -x gdb_oracle.py --args BIN ARGS...).
#
# Breaks at every address vtrace resolves ORACLE_SPEC to, and at each hit
# compares gdb's value of every arg expression with what vtrace's fetch
# operations read from the same stopped process (tests/tools/fetch_eval.c).
# Prints "ok - ..." / "not ok - ..." lines; "# gap:" lines name args vtrace
# cannot fetch where gdb can (reported, not counted).
import os
import subprocess
import tempfile

import gdb

BIN = os.environ["ORACLE_BIN"]
SPEC = os.environ["ORACLE_SPEC"]
TOOL = os.environ["ORACLE_EVAL"]
LABEL = os.environ.get("ORACLE_LABEL", SPEC)
MAXHITS = int(os.environ.get("ORACLE_MAXHITS", "2"))


NO_SYMBOL = object()


def say(line):
    print(line, flush=True)


def parse_args(spec):
    """NAME=EXPR[:TYPE] args after the point (tests always name them)."""
    out = []
    for tok in spec.split()[1:]:
        name, expr = tok.split("=", 1)
        kind = "int"
        if expr.endswith(":string"):
            expr, kind = expr[: -len(":string")], "string"
        out.append((name, expr.replace("@", ""), kind))
    return out


def gdb_value(expr, kind):
    try:
        v = gdb.parse_and_eval(expr)
        if v.is_optimized_out:
            return None
        t = v.type.strip_typedefs()
        if kind == "string" or (t.code == gdb.TYPE_CODE_ARRAY and
                                t.target().strip_typedefs().sizeof == 1):
            return v.string()
        if t.code == gdb.TYPE_CODE_PTR:
            return str(int(v) & 0xFFFFFFFFFFFFFFFF)
        return str(int(v))
    except gdb.error as e:
        if "optimized out" in str(e):
            return None
        if "No symbol" in str(e):
            return NO_SYMBOL  # gdb's scope lookup does not see it here
        return "gdb error: %s" % e


def start_and_break(addrs):
    """Starts the target stopped, breaks at each link-time address; (pid, load bias)."""
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    gdb.execute("starti", to_string=True)
    pid = gdb.selected_inferior().pid
    with open(BIN, "rb") as f:
        pie = f.read(18)[16] == 3  # ET_DYN
    bias = 0
    if pie:
        real = os.path.realpath(BIN)
        for line in open("/proc/%d/maps" % pid):
            parts = line.split()
            if parts[-1] == real and int(parts[2], 16) == 0:
                bias = int(parts[0].split("-")[0], 16)
                break
    for a in addrs:
        gdb.execute("break *%#x" % (a + bias), to_string=True)
    return pid, bias


def stops():
    """Continues the target to each breakpoint hit, until it exits."""
    while True:
        try:
            gdb.execute("continue", to_string=True)
        except gdb.error:
            return
        if not gdb.selected_inferior().pid:
            return
        yield


def vtrace_format(expr, kind):
    """gdb's value of expr, printed the way vtrace prints that C type."""
    try:
        v = gdb.parse_and_eval(expr)
        t = v.type.strip_typedefs()
        if kind == "string" or (t.code == gdb.TYPE_CODE_ARRAY and
                                t.target().strip_typedefs().sizeof == 1):
            raw = v.string(errors="replace") if kind == "string" else \
                bytes(int(v[i]) & 0xFF for i in range(t.sizeof)).split(b"\0")[0].decode("latin-1")
            out = '"'
            for ch in raw:
                c = ord(ch)
                out += {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\", '"': '\\"'}.get(
                    ch, ch if 0x20 <= c < 0x7F else "\\x%02x" % c)
            return out + '"'
        if t.code == gdb.TYPE_CODE_PTR:
            return "0x%x" % (int(v) & 0xFFFFFFFFFFFFFFFF)
        if t.code == gdb.TYPE_CODE_BOOL:
            return "true" if int(v) else "false"
        return str(int(v))
    except gdb.MemoryError:
        return "(fault)"
    except gdb.error as e:
        if "Cannot access memory" in str(e):
            return "(fault)"
        if "No symbol" in str(e):
            return "?"  # gdb's scope does not see it here: not verifiable at this hit
        return "(gdb: %s)" % e


def dump():
    """ORACLE_MODE=dump: one line per hit, in hit order, as vtrace prints it."""
    res = subprocess.run([TOOL, "addrs", BIN, SPEC], capture_output=True, text=True)
    addrs = [int(x, 16) for x in res.stdout.split()]
    args = parse_args(SPEC)
    pid, bias = start_and_break(addrs)
    for _ in stops():
        if "%return" in SPEC.split()[0]:
            # the probe fires as the function returns: gdb's "finish", $ is the value
            gdb.execute("finish", to_string=True)
            say("HIT " + " ".join("%s=%s" % (n, vtrace_format("$" if e == "$retval" else e, k))
                                  for n, e, k in args))
            continue
        say("HIT " + " ".join("%s=%s" % (n, vtrace_format(e, k)) for n, e, k in args))


def main():
    res = subprocess.run([TOOL, "addrs", BIN, SPEC], capture_output=True, text=True)
    if res.returncode:
        say("not ok - %s: vtrace resolves it\n#   %s" % (LABEL, res.stderr.strip()))
        return
    addrs = [int(x, 16) for x in res.stdout.split()]
    args = parse_args(SPEC)
    pid, bias = start_and_break(addrs)
    hits = {}
    compared = 0
    regs_file = tempfile.NamedTemporaryFile("w", delete=False, suffix=".regs")
    regs_file.close()
    names = ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
             "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"]
    for _ in stops():
        pc = int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF
        hits[pc] = hits.get(pc, 0) + 1
        if hits[pc] > MAXHITS:
            continue
        with open(regs_file.name, "w") as f:
            for r in names:
                f.write("%s %x\n" % (r, int(gdb.parse_and_eval("$" + r)) & 0xFFFFFFFFFFFFFFFF))
        res = subprocess.run([TOOL, "eval", BIN, SPEC, str(pid), regs_file.name],
                             capture_output=True, text=True)
        got = dict(l.split("=", 1) for l in res.stdout.splitlines() if "=" in l)
        where = "%s at %#x (hit %d)" % (LABEL, pc - bias, hits[pc])
        for name, expr, kind in args:
            want = gdb_value(expr, kind)
            have = got.get(name, "(missing)")
            if want is NO_SYMBOL:
                if not have.startswith("(unresolved") and not have.startswith("(no instance"):
                    say("# unverified: %s: %s: vtrace read %s; gdb's scope has no such symbol here"
                        % (where, name, have))
                continue
            if have.startswith("(unresolved") or have.startswith("(no instance"):
                if want is None:
                    continue  # both say it is not there
                say("# gap: %s: %s: gdb %s, vtrace %s" % (where, name, want, have))
                continue
            if want is not None and want.startswith("gdb error: Cannot access memory") and have == "(fault)":
                say("ok - %s: %s faults for both" % (where, expr))
                compared += 1
                continue
            if want is None:
                say("not ok - %s: %s: vtrace read %s where gdb says optimized out" % (where, name, have))
                continue
            compared += 1
            if have == want:
                say("ok - %s: %s = %s" % (where, expr, want))
            else:
                say("not ok - %s: %s\n#   gdb:    %s\n#   vtrace: %s" % (where, expr, want, have))
    os.unlink(regs_file.name)
    missing = [a for a in addrs if hits.get(a + bias, 0) == 0]
    if missing:
        say("not ok - %s: every instance was hit\n#   never hit: %s" %
            (LABEL, " ".join("%#x" % a for a in missing)))
    else:
        say("ok - %s: all %d instance(s) hit" % (LABEL, len(addrs)))
    if not compared:
        say("not ok - %s: at least one value compared" % LABEL)


try:
    if os.environ.get("ORACLE_MODE") == "dump":
        dump()
    else:
        main()
finally:
    try:
        gdb.execute("kill", to_string=True)
    except gdb.error:
        pass

# Runs inside gdb (gdb -batch -nx -x gdb_oracle.py --args BIN ARGS...).
#
# Breaks at every address vtrace resolves ORACLE_SPEC to, and at each hit
# compares gdb's value of every arg expression with what vtrace's fetch
# operations read from the same stopped process (tests/tools/fetch_eval.c).
# Prints "ok - ..." / "not ok - ..." lines; "# gap:" lines name args vtrace
# cannot fetch where gdb can (reported, not counted).
#
# Entry values (DW_OP_entry_value: a register as it was when the function
# was entered): gdb also stops at the entries of the functions fetch-eval
# names, and records there, per thread, the 16 registers keyed by the CFA
# (rsp + 8) and the function, as vtrace's entry probe saves them.  At a
# point's stop fetch-eval gets the thread's live records and finds the one
# vtrace's BPF would (this thread, the CFA vtrace's CFI rule gives at the
# stop, the function); gdb's own frame CFA (its caller's unwound $rsp)
# checks that rule independently.
import os
import re
import struct
import subprocess
import tempfile

import gdb

BIN = os.environ["ORACLE_BIN"]
SPEC = os.environ.get("ORACLE_SPEC", "")
TOOL = os.environ["ORACLE_EVAL"]
LABEL = os.environ.get("ORACLE_LABEL", SPEC)
MAXHITS = int(os.environ.get("ORACLE_MAXHITS", "2"))


NO_SYMBOL = object()
MASK = 0xFFFFFFFFFFFFFFFF
REGS = ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"]
# a new entry at CFA c ends every frame of the thread below it: records at
# CFAs up to c (within one stack's reach of it) are of returned calls
STACK_REACH = 64 << 20


class Entries:
    """The registers at function entries, per thread: {tid: {(cfa, func): regs}}."""

    def __init__(self):
        self.by_tid = {}
        self.bias = 0
        self.hits = 0

    def save(self, frame):
        regs = [int(frame.read_register(r)) & MASK for r in REGS[:16]]
        tid = gdb.selected_thread().ptid[1]
        cfa = regs[7] + 8
        func = (int(frame.pc()) - self.bias) & MASK
        live = self.by_tid.setdefault(tid, {})
        for key in [k for k in live if cfa - STACK_REACH <= k[0] <= cfa]:
            del live[key]   # returned (or tail-called away): a new call replaces them
        live[(cfa, func)] = regs
        self.hits += 1

    def live(self, tid, rsp):
        """The thread's records of frames that may be live at a stop with this rsp."""
        live = self.by_tid.get(tid, {})
        for key in [k for k in live if rsp - STACK_REACH <= k[0] <= rsp]:
            del live[key]
        return live

    def lines(self, tid, rsp):
        return ["entry %x %x %x %s" % (tid, cfa, func, " ".join("%x" % r for r in regs))
                for (cfa, func), regs in sorted(self.live(tid, rsp).items())]


ENTRIES = Entries()


class EntrySaver(gdb.Breakpoint):
    """A function's entry: its registers saved, the command not stopped."""

    def stop(self):
        try:
            ENTRIES.save(gdb.newest_frame())
        except gdb.error as e:
            say("# oracle: an entry's registers unread: %s" % e)
        return False


def save_entries_at(funcs, bias):
    """{func: EntrySaver} at each link-time function entry."""
    ENTRIES.bias = bias
    return {f: EntrySaver("*%#x" % (f + bias), internal=True) for f in funcs}


def frame_cfa(frame):
    """gdb's CFA of the out-of-line function frame the stop is in (its caller's $rsp), or None."""
    try:
        f = frame
        while f is not None and f.type() == gdb.INLINE_FRAME:
            f = f.older()
        caller = f.older() if f is not None else None
        return int(caller.read_register("rsp")) & MASK if caller is not None else None
    except gdb.error:
        return None


def entry_info(text):
    """fetch-eval's "!NAME=cfa C func F found 0|1 plain R" line: a dict."""
    w = text.split()
    return {"cfa": int(w[1], 16), "func": int(w[3], 16), "found": w[5] == "1", "plain": int(w[7])}


def entry_check(e, gcfa, tid):
    """None when vtrace's CFA is gdb's frame's, else what differs."""
    if gcfa is None:
        return None
    if e["cfa"] != gcfa:
        return "vtrace's CFA is %#x, gdb's frame's %#x (%s)" % (
            e["cfa"], gcfa, "which has an entry record" if (gcfa, e["func"]) in ENTRIES.by_tid.get(tid, {})
            else "with no entry record of function %#x either" % e["func"])
    return None


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
    ent = subprocess.run([TOOL, "entries", BIN, SPEC], capture_output=True, text=True)
    pid, bias = start_and_break(addrs)
    save_entries_at([int(x, 16) for x in ent.stdout.split()], bias)
    hits = {}
    compared = 0
    regs_file = tempfile.NamedTemporaryFile("w", delete=False, suffix=".regs")
    regs_file.close()
    names = REGS
    for _ in stops():
        pc = int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF
        hits[pc] = hits.get(pc, 0) + 1
        if hits[pc] > MAXHITS:
            continue
        tid = gdb.selected_thread().ptid[1]
        rsp = int(gdb.parse_and_eval("$rsp")) & MASK
        with open(regs_file.name, "w") as f:
            for r in names:
                f.write("%s %x\n" % (r, int(gdb.parse_and_eval("$" + r)) & 0xFFFFFFFFFFFFFFFF))
            f.write("tid %x\n" % tid)
            for line in ENTRIES.lines(tid, rsp):
                f.write(line + "\n")
        res = subprocess.run([TOOL, "eval", BIN, SPEC, str(pid), regs_file.name],
                             capture_output=True, text=True)
        got = dict(l.split("=", 1) for l in res.stdout.splitlines() if "=" in l)
        where = "%s at %#x (hit %d)" % (LABEL, pc - bias, hits[pc])
        gcfa = frame_cfa(gdb.newest_frame())
        for name, expr, kind in args:
            want = gdb_value(expr, kind)
            have = got.get(name, "(missing)")
            if "!" + name in got:
                # an entry value, read from the registers gdb saw at the entry
                e = entry_info(got["!" + name])
                bad = entry_check(e, gcfa, tid)
                if bad:
                    say("not ok - %s: %s: an entry value at vtrace's CFA\n#   %s" % (where, expr, bad))
                    continue
                if want is None or want is NO_SYMBOL or want.startswith("gdb error"):
                    say("# unverified: %s: %s: an entry value vtrace reads as %s; gdb: %s" %
                        (where, name, have, "optimized out" if want is None else
                         "no such symbol" if want is NO_SYMBOL else want))
                    continue
                compared += 1
                if have == want:
                    say("ok - %s: %s = %s (an entry value)" % (where, expr, want))
                elif e["found"] and e["plain"] >= 0:
                    say("ok - %s: %s = %s, the entry's %%%s; gdb's call-site reading differs: %s" %
                        (where, expr, have, REGS[e["plain"]], want))
                else:
                    say("not ok - %s: %s (an entry value)\n#   gdb:    %s\n#   vtrace: %s" %
                        (where, expr, want, have))
                continue
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


# ORACLE_MODE=vars: at every stop on any of ORACLE_POINTS (lines "NAME HEAD",
# HEAD a spec's point such as ev=FUNC or ev=FILE:LINE, in ORACLE_BIN, which
# may be a shared library the command loads), every variable gdb can read in
# the innermost scope (block by block up to the function, an inlined one
# included) is compared with what vtrace's fetch ops read at the same stop
# (fetch-eval serve: the point's $vars there; a name $vars skipped, on its
# own, so a refusal carries vtrace's reason).  Each comparison is one of
#   agree        both read, the same value (floating point counted apart)
#   disagree     both read, different values, or vtrace faults: a bug
#   refused      gdb reads it, vtrace refuses (its reason is kept)
#   unavailable  gdb says <optimized out> and vtrace has nothing either
#   vtonly       vtrace reads a value where gdb says <optimized out>
#   skipped      both read but it cannot be compared here (the reason counted)
#   gdb_callsite an entry value that is one register at the entry, read at
#                gdb's frame's CFA: vtrace's value is that register as gdb saw
#                it at the entry, and gdb's own (from call-site info) differs
#   entry_vtonly an entry value vtrace reads from the registers gdb saw at
#                the entry, at gdb's frame's CFA, where gdb says optimized out
#   view         vtrace reads where gdb says optimized out, from a location
#                list entry gdb 13 cannot take: one whose address range is
#                empty at pc, in force between two of its location views
#                (GCC's DW_AT_GNU_locviews, an inlined copy's entry view),
#                which gdb ignores; the location vtrace chose, read by gdb
#                where it is a register or memory, gives vtrace's value
# (c["entry"] counts the entry values among them by category.)
# Writes ORACLE_OUT (one tab-separated line per finding) and ORACLE_COUNTS
# (a Python dict literal of the counts) for tests/integration/realcode.sh.

MAXLEAVES = 512
NOTES = int(os.environ.get("ORACLE_NOTES", "10"))
MAXINSTS = int(os.environ.get("ORACLE_MAXINSTS", "1000000"))


class Server:
    """fetch-eval serve BIN: vtrace's reading of the same stop."""

    def __init__(self, binary):
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        self.p = subprocess.Popen([TOOL, "serve", binary], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, encoding="latin-1", env=env)
        self.n = 0

    def ask_point(self, head):
        self.p.stdin.write("point %d %s\n" % (self.n, head))
        self.p.stdin.flush()
        self.n += 1

    def point(self):
        """The answer to the next point asked: [(addr, func, {var: entry func})],
        or None and vtrace's message."""
        line = self.p.stdout.readline().rstrip("\n")
        if line.startswith("addrs"):
            ents = self.p.stdout.readline().rstrip("\n").split(" ")[1:]
            return [(int(x.split("@")[0], 16), x.split("@", 1)[1].replace("\x7f", " "),
                     {} if e == "-" else {v: int(f, 16) for v, f in (t.rsplit(":", 1) for t in e.split(","))})
                    for x, e in zip(line.split(" ")[1:], ents)], None
        return None, line[len("error "):] if line.startswith("error ") else "fetch-eval: " + line

    def eval(self, ident, pid, regs, names, tid=0, entries=()):
        self.p.stdin.write("thread %x\n" % tid)
        for line in entries:
            self.p.stdin.write(line + "\n")
        self.p.stdin.write("eval %s %d %s %s\n" % (ident, pid, " ".join("%x" % r for r in regs),
                                                   " ".join(names)))
        self.p.stdin.flush()
        out = {}
        while True:
            line = self.p.stdout.readline()
            if not line or line == ".\n":
                return out
            k, _, v = line.rstrip("\n").partition("=")
            out[k] = v

    def close(self):
        self.p.stdin.close()
        self.p.wait()


class Unreadable(Exception):
    pass


def scope_symbols(pc, target, bias):
    """gdb's variables at pc in the scope of target ("NAME@LOW": the function
    named NAME whose block starts at LOW; 0: the only one so named at pc),
    innermost first: the blocks from the innermost up to target's (inlined or
    not) function block, without those of functions inlined into it that
    start here.  (gdb's innermost function, None) when gdb has no such scope."""
    target, _, low = target.rpartition("@")
    if not target:  # no "@LOW": the name alone
        target, low = low, "0"
    low = int(low, 16)
    try:
        b = gdb.block_for_pc(pc)
    except RuntimeError:
        return None, []
    chain = []
    while b is not None and not b.is_global and not b.is_static:
        chain.append(b)
        b = b.superblock
    named = [k for k, b in enumerate(chain)
             if b.function is not None and base_name(b.function.name) == base_name(target)]
    top = next((k for k in named if chain[k].start == low + bias), None) if low else \
        named[0] if len(named) == 1 else None
    if top is None:
        inner = next((b.function.name for b in chain if b.function is not None), "?")
        return inner, None
    start = 0
    for k in range(top):
        if chain[k].function is not None:
            start = k + 1   # a function inlined at target's entry: not target's scope
    seen, out = set(), []
    for b in chain[start:top + 1]:
        for sym in b:
            if not (sym.is_argument or sym.is_variable or sym.is_constant) or not sym.name:
                continue
            if sym.name in seen:
                continue    # shadowed by an inner one
            seen.add(sym.name)
            out.append(sym)
    return chain[top].function.name, out


def scalar(v, t):
    """("int", bits) or ("float", bits) of a scalar, or None when gdb cannot say."""
    code = t.code
    if code in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_CHAR, gdb.TYPE_CODE_BOOL, gdb.TYPE_CODE_ENUM):
        try:
            n = int(v)
        except (OverflowError, ValueError, gdb.error) as e:
            if t.sizeof != 8 or "optimized out" in str(e):
                raise
            n = int(v.cast(gdb.lookup_type("long")))    # gdb 13: int() of u64 above 2^63
        return ("int", n & ((1 << 8 * t.sizeof) - 1))
    if code == gdb.TYPE_CODE_PTR:
        return ("int", int(v) & MASK)
    if code == gdb.TYPE_CODE_FLT and t.sizeof in (4, 8):
        f = "<f" if t.sizeof == 4 else "<d"
        return ("float", int.from_bytes(struct.pack(f, float(v)), "little"))
    return None


def leaves(v, t, base, out):
    """Every scalar inside an aggregate: (bit offset, bits, value or None)."""
    t = t.strip_typedefs()
    if len(out) > MAXLEAVES:
        raise Unreadable("more than %d members" % MAXLEAVES)
    if t.code in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        for f in t.fields():
            if not hasattr(f, "bitpos"):
                continue    # a static member
            try:
                fv = v[f]
            except gdb.error:
                continue
            if f.bitsize:
                try:
                    out.append((base + f.bitpos, f.bitsize, int(fv) & ((1 << f.bitsize) - 1)))
                except gdb.error:
                    out.append((base + f.bitpos, f.bitsize, None))
                continue
            leaves(fv, f.type, base + f.bitpos, out)
    elif t.code == gdb.TYPE_CODE_ARRAY:
        lo, hi = t.range()
        et = t.target().strip_typedefs()
        for i in range(lo, hi + 1):
            leaves(v[i], et, base + (i - lo) * et.sizeof * 8, out)
    else:
        try:
            sv = scalar(v, t)
        except gdb.error:
            sv = ("int", None)  # this member is optimized out
        if sv is None:
            raise Unreadable("a member of type %s" % t)
        out.append((base, t.sizeof * 8, sv[1]))


def gdb_read(sym, frame):
    """What gdb reads: None (optimized out), ("int"|"float", bits, bytes),
    ("bytes", b), ("leaves", list), ("error", msg) or ("skip", reason)."""
    try:
        v = sym.value(frame) if sym.needs_frame else sym.value()
        if v.is_optimized_out:
            return None
        t = v.type.strip_typedefs()
        if t.code in (gdb.TYPE_CODE_REF, gdb.TYPE_CODE_RVALUE_REF):
            v = v.referenced_value()    # vtrace reads a reference as what it refers to
            t = v.type.strip_typedefs()
        if t.code == gdb.TYPE_CODE_STRUCT and (t.name or "").startswith("std::__cxx11::basic_string<char,") \
                and any(f.name == "_M_string_length" for f in t.fields()):
            # vtrace may copy a std::string's characters: both readings kept
            # as vtrace reads a string: the characters up to a NUL
            text = v["_M_dataplus"]["_M_p"].string(encoding="latin-1")
            mem = gdb.selected_inferior().read_memory(int(v.address), t.sizeof) if v.address is not None else None
            return ("string", text, mem and bytes(mem))
        if t.code in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION, gdb.TYPE_CODE_ARRAY):
            if t.sizeof == 0:
                return ("skip", "zero-sized")
            if v.address is not None:
                mem = gdb.selected_inferior().read_memory(int(v.address), t.sizeof)
                return ("bytes", bytes(mem))
            out = []
            leaves(v, t, 0, out)
            if all(x[2] is None for x in out):
                return None
            return ("leaves", out)
        if t.code == gdb.TYPE_CODE_PTR and "<synthetic pointer>" in str(v):
            # DW_OP_implicit_pointer: gdb has no address for it either (what it points to is compared)
            return ("skip", "a synthetic pointer")
        sv = scalar(v, t)
        if sv is None:
            return ("skip", "type %s" % t)
        return (sv[0], sv[1], t.sizeof)
    except Unreadable as e:
        return ("skip", str(e))
    except gdb.MemoryError as e:
        return ("error", str(e))
    except gdb.error as e:
        if "optimized out" in str(e):
            return None
        return ("error", str(e))
    except (TypeError, ValueError, OverflowError) as e:
        return ("skip", "gdb's Python API: %s" % e)


def show_gdb(g):
    if g is None:
        return "<optimized out>"
    if g[0] in ("int", "float"):
        return "%s:%#x" % (g[0], g[1])
    if g[0] == "bytes":
        return "bytes:" + g[1].hex()
    if g[0] == "string":
        return "string:%r" % g[1][:80]
    if g[0] == "leaves":
        return "members:" + ",".join("%d/%d=%s" % (o, n, "?" if x is None else "%#x" % x)
                                     for o, n, x in g[1][:64])
    return "%s:%s" % g


def compare(g, have):
    """(category, detail) of gdb's reading g against vtrace's answer."""
    refused = have.startswith("(unresolved") or have.startswith("(no instance") or \
        have in ("(not in $vars)", "(unavailable)")
    if g is None:
        return ("unavailable", "") if refused else ("vtonly", "")
    if g[0] == "skip":
        # gdb has no value either (a synthetic pointer, say): not a value gdb reads that vtrace refuses
        return ("skipped", g[1])
    if refused:
        return ("refused", have)
    if g[0] == "error":
        return ("unavailable", "") if have == "(fault)" else ("skipped", "gdb: " + g[1])
    if have == "(fault)":
        return ("disagree", "vtrace faults")
    if have.startswith("(too-large"):
        return ("skipped", "larger than 4 KiB")
    if g[0] == "string" and not (have.startswith("(bytes") and g[2] is not None):
        # std::string: vtrace copies its characters (up to 255, to a NUL)
        return ("agree" if have == g[1].split("\0")[0][:255] else "disagree", "")
    if g[0] == "string":
        g = ("bytes", g[2])
    if g[0] in ("int", "float"):
        try:
            hv = int(have) & ((1 << 8 * g[2]) - 1)
        except ValueError:
            return ("disagree", "vtrace reads %s for a scalar" % have)
        return ("agree" if hv == g[1] else "disagree", "")
    m = re.match(r"\(bytes ([0-9a-f]*)\)$", have)
    if not m:
        return ("disagree", "vtrace reads %s for an aggregate" % have)
    vb = bytes.fromhex(m.group(1))
    if g[0] == "bytes":
        if len(vb) != len(g[1]):
            return ("disagree", "%d bytes for %d" % (len(vb), len(g[1])))
        if vb == g[1]:
            return ("agree", "")
        off = next(i for i in range(len(vb)) if vb[i] != g[1][i])
        return ("disagree", "first difference at byte %d" % off)
    n = int.from_bytes(vb, "little")
    for off, bits, x in g[1]:
        if x is not None and (n >> off) & ((1 << bits) - 1) != x:
            return ("disagree", "member at bit %d" % off)
    return ("agree", "")


def entry_compare(e, g, cat, detail, gcfa, tid):
    """An entry value's (category, detail): compare()'s, with what the entry
    records say.  gdb reading a value where vtrace's CFA is not gdb's frame's
    is a disagreement; a plain entry register at gdb's frame's CFA is the
    register gdb saw at the entry, so there gdb's call-site reading is what
    differs."""
    bad = entry_check(e, gcfa, tid)
    reads = g is not None and g[0] not in ("skip", "error")
    if bad and (reads or e["found"]):
        return ("disagree", "an entry value: " + bad)
    if not e["found"]:
        if reads:
            return ("skipped", "an entry value without a record of its call's entry")
        return (cat, detail)
    if g is None and cat == "vtonly":
        return ("entry_vtonly", "read at gdb's frame's CFA" + (" (plain %%%s)" % REGS[e["plain"]]
                                                                if e["plain"] >= 0 else " (computed)"))
    if e["plain"] >= 0 and (cat == "disagree" or (g is not None and g[0] == "error")):
        return ("gdb_callsite", "at the entry's %%%s; gdb's call-site reading %s" % (
            REGS[e["plain"]], "differs" if cat == "disagree" else "fails (%s)" % g[1]))
    return (cat, detail)


GDB_TYPES = {"u8": "unsigned char", "s8": "signed char", "u16": "unsigned short", "s16": "short",
             "u32": "unsigned int", "s32": "int", "u64": "unsigned long", "s64": "long"}


def gdb_reads_fetch(desc):
    """gdb's value of a fetch `vtrace probe --dry-run` shows, when it is a
    register or memory at registers plus constants: (value, bytes) or None."""
    desc = desc.split("  [")[0].split(" = ", 1)[-1].strip()
    # a computed value of one register plus a constant: [%rsp+288]
    desc = re.sub(r"\[(%r\w+)([+-]\d+)?\]", lambda m: "(%s%s)" % (m.group(1), m.group(2) or ""), desc)
    if not desc or re.search(r"[\[\]]|entry|->|\bpc\b", desc):
        return None
    m = re.match(r"^\*?\((u|s)(8|16|32|64)( \*)?\)", desc)
    size = int(m.group(2)) // 8 if m else 8
    expr = re.sub(r"%(r\w+)", r"$\1", desc)
    expr = re.sub(r"\((u|s)(8|16|32|64)( \*)?\)",
                  lambda m: "(%s%s)" % (GDB_TYPES[m.group(1) + m.group(2)], m.group(3) or ""), expr)
    try:
        return int(gdb.parse_and_eval(expr)) & ((1 << 8 * size) - 1), size
    except (gdb.error, ValueError, OverflowError):
        return None


def view_check(note, desc, have):
    """A variable vtrace reads where gdb says optimized out: ("view", why)
    when the location came from an entry gdb cannot take, else ("vtonly", why)."""
    w = note.split()
    if len(w) < 6:
        return ("vtonly", "")
    viewless, empty, eview = int(w[1]), int(w[3]), int(w[5])
    where = "fetched %s; %d location(s) at pc by address, %d empty range(s) at pc, entry view %d" % (
        desc or "?", viewless, empty, eview)
    if viewless != 0 or empty == 0:
        return ("vtonly", where)
    r = gdb_reads_fetch(desc)
    if r is None:
        return ("view", where + "; gdb cannot read that location as an expression")
    try:
        same = int(have) & ((1 << 8 * r[1]) - 1) == r[0]
    except ValueError:
        same = False
    if not same:
        return ("vtonly", where + "; gdb reads that location as %#x" % r[0])
    return ("view", where + "; gdb reads that location as vtrace does")


def reason_of(msg):
    """vtrace's refusal with the names and numbers taken out: one class per cause."""
    if msg == "(unavailable)":
        return "unavailable at this instance (vtrace's fetch)"
    m = msg[len("(unresolved: "):-1] if msg.startswith("(unresolved: ") else msg
    m = re.sub(r"\b(in scope|candidates|available at)\b.*", r"\1 ...", m)
    m = re.sub(r"'[^']*'", "'_'", m)
    m = re.sub(r"\bat \S+\+0x[0-9a-f]+", "at F+N", m)
    m = re.sub(r"(?<!op )\b(0x[0-9a-f]+|\d+)\b", "N", m)
    m = re.sub(r"\((?![a-zA-Z ]* op )[^()]*\)", "(_)", m)
    return m[:120]


def gdb_knows(head):
    """How gdb finds the function of a point vtrace cannot resolve."""
    fn = head.split("=", 1)[-1].split(":")[0].split("+")[0]
    try:
        sym = gdb.lookup_global_symbol(fn) or gdb.lookup_static_symbol(fn)
        if sym is not None and sym.type is not None and sym.type.code == gdb.TYPE_CODE_FUNC:
            return "gdb: a function in the DWARF"
        if "is at" in gdb.execute("info address %s" % fn, to_string=True):
            return "gdb: a symbol-table name"
    except gdb.error:
        pass
    return "gdb: unknown too"


def base_name(fn):
    """handle, ns::Cart::add(ns::Item const&) -> handle, add"""
    fn = re.sub(r"\[abi:[^]]*\]", "", fn.split("(")[0])
    depth, out = 0, ""
    for ch in fn:   # no template arguments
        depth += ch == "<"
        if not depth:
            out += ch
        depth -= ch == ">"
    out = out.split("::")[-1].strip().split(".")[0]    # not gcc's .constprop.0, .isra.0
    return out[len("__GI_"):] if out.startswith("__GI_") else out   # glibc's hidden aliases


def mapped_bias(pid, real):
    for line in open("/proc/%d/maps" % pid):
        parts = line.split()
        if len(parts) >= 6 and parts[5] == real and int(parts[2], 16) == 0:
            return int(parts[0].split("-")[0], 16)
    return None


def vars_mode():
    points = []
    for line in open(os.environ["ORACLE_POINTS"]):
        line = line.split("#", 1)[0].split()
        if len(line) == 2:
            points.append(tuple(line))
    out = open(os.environ["ORACLE_OUT"], "w")
    srv = Server(BIN)
    by_addr = {}
    funcs = {}
    entry_users = {}    # function entry: the instances whose entry values it saves
    notes = {"disagree": [], "vtonly": [], "view": [], "gdb_callsite": [], "entry_vtonly": [], "scope": [],
             "point": []}
    c = {"specs": len(points), "unresolved": 0, "addrs": 0, "points": 0, "stops": 0,
         "scope_differs": 0, "vars": 0, "agree": 0, "disagree": 0, "refused": 0, "unavailable": 0, "vtonly": 0,
         "skipped": 0, "float_agree": 0, "float_disagree": 0, "reasons": {}, "skips": {},
         "gdb_callsite": 0, "entry_vtonly": 0, "entry": {}, "entry_saves": 0, "view": 0,
         "examples": {}, "hit": set(), "unresolved_by": {},
         "instances_left_out": 0}
    for name, head in points:
        srv.ask_point(head)     # vtrace resolves them while gdb starts the command
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    gdb.execute("set debuginfod enabled off")
    gdb.execute("starti", to_string=True)
    pid = gdb.selected_inferior().pid
    real = os.path.realpath(BIN)
    bias = mapped_bias(pid, real)
    if bias is None:
        # a shared library: stop at the loader's events until it is mapped
        gdb.execute("set stop-on-solib-events 1")
        for _ in range(20):
            gdb.execute("continue", to_string=True)
            bias = mapped_bias(pid, real)
            if bias is not None:
                break
        gdb.execute("set stop-on-solib-events 0")
    for i, (name, head) in enumerate(points):
        addrs, err = srv.point()
        if err is not None:
            c["unresolved"] += 1
            knows = gdb_knows(head)
            c["unresolved_by"][knows] = c["unresolved_by"].get(knows, 0) + 1
            out.write("point-unresolved\t%s\t%s\t-\t-\t-\t-\t%s\t%s\n" % (name, head, knows, err))
            notes["point"].append("# point: %s: %s: vtrace: %s (%s)" % (LABEL, head, err, knows))
            continue
        addrs = list(enumerate(addrs))
        if len(addrs) > MAXINSTS:
            # a helper inlined hundreds of times: an even spread of its copies
            c["instances_left_out"] += len(addrs) - MAXINSTS
            addrs = sorted(addrs, key=lambda x: x[1][0])
            addrs = [addrs[k * len(addrs) // MAXINSTS] for k in range(MAXINSTS)]
        for k, (a, func, ents) in addrs:
            # several instances of a point may share an address (a function
            # inlined into itself there): each is compared on its own
            by_addr.setdefault(a, []).append((i, k))
            funcs[(i, k)] = func
            for f in ents.values():
                entry_users.setdefault(f, set()).add((i, k))
    c["addrs"] = len(by_addr)
    with open(BIN, "rb") as f:
        if f.read(18)[16] != 3:
            bias = 0    # ET_EXEC: link-time addresses are the addresses
    if bias is None:
        say("not ok - %s: %s is loaded by the command" % (LABEL, BIN))
        return
    bps = {}
    for a in by_addr:
        bps[a] = gdb.Breakpoint("*%#x" % (a + bias), internal=True)
    savers = save_entries_at(entry_users, bias)
    hits = {}
    seen = set()
    for _ in stops():
        frame = gdb.newest_frame()
        pc = frame.pc()
        a = pc - bias
        ids = [ik for ik in by_addr.get(a, []) if hits.get(ik, 0) < MAXHITS]
        if not ids:
            if a in bps:
                bps.pop(a).delete()
            continue
        regs = [int(frame.read_register(r)) & MASK for r in REGS]
        tid = gdb.selected_thread().ptid[1]
        entries = ENTRIES.lines(tid, regs[7]) if savers else []
        gcfa = None
        scopes = {}
        for ik in ids:
            i, k = ik
            hits[ik] = hits.get(ik, 0) + 1
            if hits[ik] == 1:
                c["points"] += 1
                c["hit"].add(points[i][0])
            c["stops"] += 1
            name, head = points[i]
            if funcs[ik] not in scopes:
                fname, syms = scope_symbols(pc, funcs[ik], bias)
                scopes[funcs[ik]] = fname, syms and [
                    (s.name, gdb_read(s, frame), str(s.type)) for s in syms]
            fname, readings = scopes[funcs[ik]]
            if readings is None:
                # gdb's innermost scope here is another function's (an inlined
                # copy whose range does not hold its entry pc, say)
                c["scope_differs"] += 1
                if ("scope", ik) not in seen:
                    seen.add(("scope", ik))
                    out.write("scope-differs\t%s\t%s\t%#x\t%s\t-\t-\t-\tvtrace's scope is %s's\n"
                              % (name, head, a, fname, funcs[ik]))
                    notes["scope"].append("# scope: %s %s at %#x: vtrace's scope is %s's, gdb's "
                                          "innermost %s's" % (LABEL, head, a, funcs[ik], fname))
                continue
            got = srv.eval("%d.%d" % ik, pid, regs, [("?" if g is None else "") + n for n, g, _ in readings],
                           tid, entries) if readings else {}
            for vname, g, tname in readings:
                have = got.get(vname, "(unresolved: fetch-eval gave no answer)")
                cat, detail = compare(g, have)
                extra = ""
                if "!" + vname in got:
                    if gcfa is None:
                        gcfa = frame_cfa(frame) or 0
                    cat, detail = entry_compare(entry_info(got["!" + vname]), g, cat, detail,
                                                gcfa or None, tid)
                    c["entry"][cat] = c["entry"].get(cat, 0) + 1
                    if cat not in ("agree", "skipped", "unavailable"):
                        detail = (detail + "; " if detail else "") + "an entry value, fetched " + \
                            got.get("#%s.fetch" % vname, "?")
                    elif cat == "skipped":
                        extra = "; vtrace's CFA %#x, gdb's %s; fetched %s" % (
                            entry_info(got["!" + vname])["cfa"], "%#x" % gcfa if gcfa else "unknown",
                            got.get("#%s.fetch" % vname, "?"))
                elif cat == "vtonly":
                    cat, detail = view_check(got.get("#" + vname, ""), got.get("#%s.fetch" % vname, ""), have)
                if cat == "refused":
                    detail = ""
                isfloat = g is not None and g[0] == "float"
                c["vars"] += 1
                if isfloat and cat in ("agree", "disagree"):
                    c["float_" + cat] += 1
                else:
                    c[cat] += 1
                if cat == "refused":
                    r = reason_of(have)
                    c["reasons"][r] = c["reasons"].get(r, 0) + 1
                    c["examples"].setdefault(r, "%s %s (%s at %#x) %s: vtrace %s; gdb %s" % (
                        LABEL, head, fname, a, vname, have, show_gdb(g)))
                elif cat == "skipped":
                    c["skips"][detail] = c["skips"].get(detail, 0) + 1
                if cat in ("agree", "unavailable") or (cat == "skipped" and "!" + vname not in got):
                    continue
                key = (cat, ik, vname)
                if key in seen:
                    continue
                seen.add(key)
                out.write("%s%s\t%s\t%s\t%#x\t%s\t%s\t%s\t%s\t%s\n" % (
                    "float-" if isfloat else "entry-" if cat == "skipped" else "", cat, name, head, a, fname,
                    vname, tname, show_gdb(g), have + (" (%s%s)" % (detail, extra) if detail else "")))
                if cat in ("refused", "skipped"):
                    continue
                notes[cat].append("# %s: %s %s (%s at %#x): %s [%s]: gdb %s, vtrace %s%s" % (
                    cat, LABEL, head, fname, a, vname, tname, show_gdb(g), have,
                    " (%s)" % detail if detail else ""))
        if all(hits.get(ik, 0) >= MAXHITS for ik in by_addr[a]) and a in bps:
            bps.pop(a).delete()   # enough hits here: let the command run free
            for f in [f for f, users in entry_users.items() if users & set(by_addr[a])]:
                entry_users[f] -= set(by_addr[a])
                if not entry_users[f] and f in savers:
                    savers.pop(f).delete()  # no instance left to read its entry values
    srv.close()
    out.close()
    c["entry_saves"] = ENTRIES.hits
    for kind, lines in notes.items():
        for n in lines[:NOTES]:
            say(n)
        if len(lines) > NOTES:
            say("# ... %d more %s lines in %s" % (len(lines) - NOTES, kind, os.environ["ORACLE_OUT"]))
    with open(os.environ["ORACLE_COUNTS"], "w") as f:
        f.write(repr(c) + "\n")


try:
    if os.environ.get("ORACLE_MODE") == "dump":
        dump()
    elif os.environ.get("ORACLE_MODE") == "vars":
        vars_mode()
    else:
        main()
finally:
    try:
        gdb.execute("kill", to_string=True)
    except gdb.error:
        pass

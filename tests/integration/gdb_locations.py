# Runs inside gdb (gdb -batch -nx -x gdb_locations.py BIN): for each function
# in LOC_FUNCS, the locations of gdb's "break FUNC", and whether each address
# in LOC_ADDRS_DIR/FUNC (vtrace's instances, one hex address a line) is in
# a block of that function as gdb reads the DWARF.  Prints, per function:
#   FUNC LOCATIONS INSIDE OUTSIDE [outside addresses...]
# For a FILE:LINE in LOC_FUNCS, of gdb's locations for it those that gdb's
# line table puts on that line, and how many of them vtrace lacks:
#   FILE:LINE LOCATIONS ON-LINE MISSING [missing addresses...]
# gdb reads a unit's DWARF only when a lookup needs it, and an inlined copy
# whose abstract origin is in another unit (LTO) is not found through its
# name: every unit is read first so that "break FUNC" sees all copies.
# gcc's clones that carry a linkage name (FUNC.constprop.N, FUNC.isra.N)
# are their own functions to gdb: their locations are counted with FUNC's.
import os
import re

import gdb

gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("set debuginfod enabled off")
gdb.execute("maint expand-symtabs")


def locations(name):
    try:
        bp = gdb.Breakpoint(name, internal=True)
    except gdb.error:
        return set()
    addrs = set(loc.address for loc in bp.locations)
    bp.delete()
    return addrs


def clones(func):
    out = gdb.execute("info functions ^%s\\." % func, to_string=True)
    return sorted(set(re.findall(r"\b(%s\.(?:constprop|isra)\.[0-9]+)\b" % re.escape(func), out)))


def base(name):
    return name.split(".")[0]


def in_function(addr, func):
    try:
        b = gdb.block_for_pc(addr)
    except RuntimeError:
        return False
    while b is not None and not b.is_global:
        if b.function is not None and base(b.function.name) == func:
            return True
        b = b.superblock
    return False


def on_line(addr, path, line):
    sal = gdb.find_pc_line(addr)
    return sal.symtab is not None and sal.symtab.filename.endswith(path) and sal.line == line


for func in os.environ["LOC_FUNCS"].split():
    if ":" in func:
        path, line = func.rsplit(":", 1)
        addrs = locations(func)
        rows = [a for a in addrs if on_line(a, path, int(line))]
        mine = set(int(x, 16) for x in open(os.path.join(os.environ["LOC_ADDRS_DIR"], func)) if x.strip())
        missing = sorted(a for a in rows if a not in mine)
        print("%s %d %d %d %s" % (func, len(addrs), len(rows), len(missing),
                                  " ".join("%#x" % a for a in missing)), flush=True)
        continue
    addrs = locations(func)
    for c in clones(func):
        addrs |= locations(c)
    mine = [int(line, 16) for line in open(os.path.join(os.environ["LOC_ADDRS_DIR"], func)) if line.strip()]
    outside = [a for a in mine if not in_function(a, func)]
    print("%s %d %d %d %s" % (func, len(addrs), len(mine) - len(outside), len(outside),
                              " ".join("%#x" % a for a in outside)), flush=True)

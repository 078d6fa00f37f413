# Runs inside gdb (gdb -batch -nx -x stacks_cxx.py --args BIN ARGS...): stops
# at VT_BREAK (a C++ function, as gdb spells it) VT_HITS times and prints
# each hit's frames up to main as "frame HIT PC NAME inline|normal", NAME
# the function's demangled name with its parameters (gdb's own demangler).
import os
import gdb

gdb.execute("set pagination off")
gdb.execute("break *'%s'" % os.environ["VT_BREAK"])
gdb.execute("run", to_string=True)
for hit in range(int(os.environ.get("VT_HITS", "1"))):
    if hit:
        gdb.execute("continue", to_string=True)
    f = gdb.newest_frame()
    while f is not None:
        kind = "inline" if f.type() == gdb.INLINE_FRAME else "normal"
        name = f.function().name if f.function() else f.name()
        print("frame %d %x %s %s" % (hit, f.pc(), name, kind))
        if f.name() == "main":
            break
        f = f.older()
gdb.execute("kill")

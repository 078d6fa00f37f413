# Runs inside gdb (gdb -batch -nx -x stacks.py --args BIN ARGS...): stops
# at the entry of leaf and prints every frame up to main as gdb unwinds
# it: "frame PC NAME inline|normal", the oracle for record -g's stacks.
import gdb

gdb.execute("set pagination off")
gdb.execute("break *leaf")
gdb.execute("run", to_string=True)
f = gdb.newest_frame()
while f is not None:
    kind = "inline" if f.type() == gdb.INLINE_FRAME else "normal"
    print("frame %x %s %s" % (f.pc(), f.name(), kind))
    if f.name() == "main":
        break
    f = f.older()
gdb.execute("kill")

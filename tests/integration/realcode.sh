#!/bin/sh
# Real code, variable by variable: at every probe point gdb stops at, each
# variable gdb can read in the innermost scope is compared with what vtrace's
# fetch ops read at the same stop (gdb_oracle.py's vars mode, fetch-eval
# serve).  The code: Debian's glibc (DWARF from libc6-dbg) driven by
# tests/targets/libcdrive.c, Debian's LTO + PGO python3.11 (DWARF from
# python3.11-dbg) running realcode/python-loop.py, Debian's liblua5.4
# (DWARF from liblua5.4-0-dbg, compressed by dwz) running
# realcode/lua-loop.lua through realcode/luadrive.c, Debian's libstdc++
# (the debug build of libstdc++6-12-dbg, in /usr/lib/x86_64-linux-gnu/debug:
# its strings, streams, locale facets, exception runtime, dynamic_cast)
# driven by realcode/cxxdrive.cpp, a C++ program
# (tests/targets-cxx/shop.cpp) and the project's own targets, each built by
# gcc/g++ and clang/clang++ at -O0 and -O2.
#
# Each comparison is agree, disagree (a bug: "not ok"), refused (gdb reads
# it, vtrace will not: a "# gap:" line, and "not ok" with REALCODE_STRICT=1),
# unavailable in both, or skipped with a counted reason.  Entry values
# (DW_OP_entry_value) are compared too: gdb also stops at the entries of the
# functions they need and saves the registers there, which fetch-eval finds
# by vtrace's CFA rule (see gdb_oracle.py); where one is a single entry
# register at gdb's own frame's CFA and gdb's reading (from call-site info)
# differs, the registers are trusted ("gdb's call-site reading differs").
# Where vtrace reads a variable gdb says is optimized out from a location
# list entry gdb 13 cannot take (an empty address range at pc, in force
# between GCC's location views, which gdb ignores), it counts as "view",
# apart from the disagreements, once gdb reads vtrace's location the same.  Every disagreement
# and refusal is listed in build/realcode/LABEL.txt (tab-separated: kind,
# point, spec, address, function, variable, type, gdb's value, vtrace's).
. "$(dirname "$0")/../lib.sh"

EVAL=$TOP/build/tests/tools/fetch-eval
ORACLE=$TOP/tests/tools/gdb_oracle.py
DATA=$TOP/tests/integration/realcode
OUT=$TOP/build/realcode
MAXHITS=${REALCODE_MAXHITS:-2}
# at most this many copies of one inlined function in Debian's binaries
MAXINSTS=${REALCODE_MAXINSTS:-8}
LIBC=/lib/x86_64-linux-gnu/libc.so.6
PYTHON=/usr/bin/python3.11
LUA=/usr/lib/x86_64-linux-gnu/liblua5.4.so.0
# libstdc++6-12-dbg's build of libstdc++ (src/ at -O0, libsupc++ at -O2)
STDCXX_DIR=/usr/lib/x86_64-linux-gnu/debug
STDCXX=$STDCXX_DIR/libstdc++.so.6.0.30
# listings are not what is tested here: the unsanitized build makes them
LISTER=$TOP/build/vtrace
[ -x "$LISTER" ] || LISTER=$VTRACE
VARIANTS="gcc-O0 gcc-O2 clang-O0 clang-O2"
CXX_VARIANTS="g++-O0 g++-O2 clang++-O0 clang++-O2"
start=$(date +%s)
rm -rf "$OUT"
mkdir -p "$OUT"

# compare LABEL BIN POINTS CMD...: one gdb session running CMD, stopping at
# POINTS ("NAME SPEC-POINT" lines) in BIN (the command or a library it loads)
compare() {
	label=$1 bin=$2 points=$3
	shift 3
	case "$bin" in "$TARGETS"/*) maxinsts=1000000 ;; *) maxinsts=$MAXINSTS ;; esac
	ORACLE_MODE=vars ORACLE_MAXINSTS=$maxinsts ORACLE_BIN=$bin ORACLE_POINTS=$points ORACLE_EVAL=$EVAL \
		ORACLE_LABEL=$label ORACLE_OUT=$OUT/$label.txt ORACLE_COUNTS=$OUT/$label.counts \
		ORACLE_MAXHITS=$MAXHITS ORACLE_NOTES=3 ASAN_OPTIONS=detect_leaks=0 \
		timeout 900 gdb -batch -nx -q -x "$ORACLE" --args "$@" > "$OUT/$label.log" 2>&1
	grep -E '^(not ok|# (disagree|vtonly|view|gdb_callsite|scope):)' "$OUT/$label.log"
	[ -s "$OUT/$label.counts" ] ||
		not_ok "realcode $label: gdb and vtrace compared" "$(tail -5 "$OUT/$label.log")"
}

# own_points BIN SRC: the entry of every function vtrace lists in BIN, and
# every line of the functions defined in SRC
own_points() {
	# C++ names as qualified names without their parameter lists (all overloads)
	"$LISTER" probe --funcs -x "$1" '*' | sed 's/(.*$//' | grep -E '^[A-Za-z_][A-Za-z0-9_:~]*$' | sort -u |
		while read -r f; do
			echo "$f ev=$f"
			"$LISTER" probe --lines "$f" -x "$1" 2>/dev/null |
				awk -v src="$2" '/^[^ ]/ { mine = index($0, "@" src " ") > 0 }
					mine && $1 ~ /:/ { print $1, "ev=" $1 }'
		done | sort -u
}

# The arguments each own target runs with (none for a target not listed).
target_args() {
	case "$1" in
	vars) echo 3 ;;
	args) echo 4 ;;
	args64) echo 2 ;;
	syscalls) echo count 3 x ;;
	libcdrive) echo 2 "$T" ;;
	shop) echo 2 ;;
	busy) echo 3 ;;
	esac
}

for pkg in libc6-dbg python3.11-dbg liblua5.4-0-dbg liblua5.4-dev libstdc++6-12-dbg; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" ||
		not_ok "realcode: $pkg is installed (scripts/install-deps)"
done

# The project's own targets, C and C++, at every variant
for src in tests/targets/*.c tests/targets-cxx/*.cpp; do
	name=${src##*/}
	name=${name%.*}
	case "$src" in *.cpp) variants=$CXX_VARIANTS ;; *) variants=$VARIANTS ;; esac
	for v in $variants; do
		bin=$TARGETS/$name-$v
		[ -x "$bin" ] || { not_ok "realcode $name-$v: $bin is built"; continue; }
		own_points "$bin" "$src" > "$OUT/$name-$v.points"
		# shellcheck disable=SC2046
		compare "$name-$v" "$bin" "$OUT/$name-$v.points" "$bin" $(target_args "$name")
	done
done

# Debian's glibc, through libcdrive's calls
compare glibc "$LIBC" "$DATA/glibc.points" "$TARGETS/libcdrive-gcc-O2" 3 "$T"
# Debian's python3.11 (LTO + PGO), through a loop of dicts, lists, strings, classes
compare python3.11 "$PYTHON" "$DATA/python.points" "$PYTHON" -S "$DATA/python-loop.py"
# Debian's liblua5.4 (dwz), through a loop of tables, strings, metatables, coroutines
if gcc -O2 -g -I/usr/include/lua5.4 -o "$T/luadrive" "$DATA/luadrive.c" -llua5.4 2> "$T/luadrive.err"; then
	compare lua5.4 "$LUA" "$DATA/lua.points" "$T/luadrive" "$DATA/lua-loop.lua"
else
	not_ok "realcode lua5.4: luadrive builds against liblua5.4-dev" "$(cat "$T/luadrive.err")"
fi

# Debian's libstdc++ (the debug build), through cxxdrive's strings, streams, exceptions, casts
# (its run path loads the debug build: gdb itself keeps the plain one)
if g++ -O0 -g -Wl,-rpath,"$STDCXX_DIR" -o "$T/cxxdrive" "$DATA/cxxdrive.cpp" 2> "$T/cxxdrive.err"; then
	compare libstdc++ "$STDCXX" "$DATA/libstdcxx.points" "$T/cxxdrive" 2
else
	not_ok "realcode libstdc++: cxxdrive builds" "$(cat "$T/cxxdrive.err")"
fi

# The counts: a summary per target, ok/not ok per target, the total.
REALCODE_SECONDS=$(($(date +%s) - start)) OUT=$OUT python3 - <<'EOF'
import glob
import os

out = os.environ["OUT"]
strict = os.environ.get("REALCODE_STRICT") == "1"
keys = ["specs", "unresolved", "instances_left_out", "points", "stops", "scope_differs", "vars", "agree", "disagree",
        "vtonly", "refused", "unavailable", "skipped", "float_agree", "float_disagree", "gdb_callsite",
        "entry_vtonly", "entry_saves", "view"]
ENTRY = ["agree", "disagree", "gdb_callsite", "entry_vtonly", "refused", "unavailable", "skipped"]
entry_total = {k: 0 for k in ENTRY}
total = {k: 0 for k in keys}
reasons, examples, unresolved_by = {}, {}, {}
families = {"glibc": 0, "python3.11": 0, "lua5.4": 0, "libstdc++": 0, "C++": 0}


def by(d, n=None):
    items = sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return "; ".join("%d %s" % (v, k) for k, v in items) or "none"


for path in sorted(glob.glob(os.path.join(out, "*.counts"))):
    label = os.path.basename(path)[:-len(".counts")]
    c = eval(open(path).read())
    for k in keys:
        total[k] += c.get(k, 0)
    e = c.get("entry", {})
    for k in ENTRY:
        entry_total[k] += e.get(k, 0)
    for r, n in c["reasons"].items():
        reasons[r] = reasons.get(r, 0) + n
        examples.setdefault(r, c["examples"][r])
    for r, n in c["unresolved_by"].items():
        unresolved_by[r] = unresolved_by.get(r, 0) + n
    fam = label if label in families else "C++" if "++" in label else None
    if fam:
        families[fam] += c["vars"]
    bad = c["disagree"] + c["vtonly"] + c["float_disagree"]
    print("# realcode %s: %d points (%d specs, %d vtrace cannot resolve, %d inlined copies left out), "
          "%d stops, %d variables: "
          "%d agree, %d disagree, %d vtrace reads where gdb says optimized out, %d refused, "
          "%d unavailable in both, %d skipped (%s), floating point %d agree %d disagree; "
          "%d stops where gdb's scope is another function's"
          % (label, c["points"], c["specs"], c["unresolved"], c["instances_left_out"], c["stops"], c["vars"], c["agree"],
             c["disagree"], c["vtonly"], c["refused"], c["unavailable"], c["skipped"],
             by(c["skips"]), c["float_agree"], c["float_disagree"], c["scope_differs"]))
    if c.get("view"):
        print("# realcode %s: %d vtrace reads where gdb says optimized out from a location list entry "
              "in force only between location views, which gdb ignores (see build/realcode/%s.txt)"
              % (label, c["view"], label))
    if e:
        print("# realcode %s: entry values: %d agree, %d disagree, %d where gdb's call-site reading differs "
              "from the entry's register, %d vtrace reads where gdb says optimized out, %d refused, "
              "%d unavailable in both, %d skipped (%d entry stops)"
              % (label, e.get("agree", 0), e.get("disagree", 0), e.get("gdb_callsite", 0),
                 e.get("entry_vtonly", 0), e.get("refused", 0), e.get("unavailable", 0),
                 e.get("skipped", 0), c.get("entry_saves", 0)))
    if bad:
        print("not ok - realcode %s: 0 disagreements (%d; see build/realcode/%s.txt)" % (label, bad, label))
    else:
        print("ok - realcode %s: 0 disagreements (%d agree)" % (label, c["agree"] + c["float_agree"]))
    if c["refused"] and strict:
        print("not ok - realcode %s: 0 refused (%d: %s)" % (label, c["refused"], by(c["reasons"], 3)))
    elif c["refused"]:
        print("# gap: realcode %s: %d refused (%s)" % (label, c["refused"], by(c["reasons"], 3)))
    elif strict:
        print("ok - realcode %s: 0 refused" % label)
    if c["unresolved"] and label in ("glibc", "python3.11", "lua5.4", "libstdc++"):
        print("# gap: realcode %s: %d points vtrace cannot resolve (%s)"
              % (label, c["unresolved"], by(c["unresolved_by"])))

t = total
print("# realcode: %d points, %d variables: %d agree, %d disagree (%d of them vtrace reading where "
      "gdb says optimized out), %d refused (by reason: %s), %d unavailable in both, %d skipped; "
      "floating point %d agree, %d disagree; %d points vtrace cannot resolve (%s); %s s"
      % (t["points"], t["vars"], t["agree"], t["disagree"] + t["vtonly"], t["vtonly"], t["refused"],
         by(reasons), t["unavailable"], t["skipped"], t["float_agree"], t["float_disagree"],
         t["unresolved"], by(unresolved_by), os.environ["REALCODE_SECONDS"]))
print("# realcode: %d vtrace reads from location views where gdb says optimized out" % t["view"])
print("# realcode: entry values: %d agree, %d disagree, %d where gdb's call-site reading differs, "
      "%d vtrace reads (at gdb's frame) where gdb says optimized out, %d refused, %d unavailable in both, "
      "%d skipped" % tuple(entry_total[k] for k in ENTRY))
for r, n in sorted(reasons.items(), key=lambda kv: -kv[1])[:8]:
    print("# gap: refused %d: %s, e.g. %s" % (n, r, examples[r]))
ok = "ok" if t["points"] >= 300 else "not ok"
print("%s - realcode: at least 300 probe points compared (%d)" % (ok, t["points"]))
for fam, n in families.items():
    print("%s - realcode: %s's variables compared (%d)" % ("ok" if n else "not ok", fam, n))
EOF

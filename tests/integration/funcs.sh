#!/bin/sh
# Functions found in real binaries as gdb finds them, checked against
# independent sources (readelf, ldconfig, the shell, gdb, what the target
# printed): glibc's public names, which are ELF aliases of its internal
# functions (malloc is __libc_malloc's DWARF), and library names found as
# the dynamic loader finds them; Debian's LTO+PGO python3.11, whose
# inlined copies live in other units than their abstract origins; and a
# function gcc -O2 split into a hot part and a .cold part.
. "$(dirname "$0")/../lib.sh"

EVAL=$TOP/build/tests/tools/fetch-eval
ORACLE=$TOP/tests/tools/gdb_oracle.py
LOCS=$TOP/tests/integration/gdb_locations.py
LIBC=$(ldconfig -p | sed -n 's/^\tlibc\.so\.6 (libc6,x86-64) => //p' | head -1)
PY=/usr/bin/python3.11
CALLS=$TARGETS/libcalls-gcc-O2

# hex without leading zeros, as vtrace prints addresses
addr_of() { sed -n "s/^  $1+[0-9]* at 0x\([0-9a-f]*\) .*/\1/p"; }
sym_addr() { readelf -sW "$1" | awk -v n="$2" '$4 == "FUNC" && $8 == n { sub(/^0+/, "", $2); print $2; exit }'; }
gdb_break() { gdb -batch -nx -q -iex 'set debuginfod enabled off' "$1" -ex "break $2" 2>&1 |
	sed -n 's/^Breakpoint 1 at 0x\([0-9a-f]*\).*/\1/p'; }
instances() { "$VTRACE" probe --dry-run -x "$1" "ev=$2" 2>&1 | sed -n 's/^  .* at 0x\([0-9a-f]*\) .*/0x\1/p'; }

# vars mode of the gdb oracle: every variable gdb reads at each stop on
# POINTS (in BIN, the command's binary or a library it loads) against
# vtrace's fetch ops there; the counts go to $T/$LABEL.counts.
oracle_vars() {
	label=$1 bin=$2 points=$3
	shift 3
	ORACLE_MODE=vars ORACLE_BIN=$bin ORACLE_EVAL=$EVAL ORACLE_POINTS=$points ORACLE_LABEL=$label \
		ORACLE_OUT=$T/$label.out ORACLE_COUNTS=$T/$label.counts ASAN_OPTIONS=detect_leaks=0 \
		gdb -batch -nx -q -x "$ORACLE" --args "$@" > "$T/$label.log" 2>&1
	[ -s "$T/$label.counts" ] || { not_ok "$label: the gdb oracle ran" "$(tail -5 "$T/$label.log")"; return; }
	# fetch-eval reads a stop, not the function's entry: an entry value
	# (DW_OP_entry_value, which vtrace's prologue reads at the entry)
	# cannot be compared at one stop, and is left out
	entry=$(grep -c '	(entry)' "$T/$label.out")
	python3 - "$T/$label.counts" "$points" "$entry" "$label" <<'PY' || not_ok "$label: the oracle's counts read"
import ast, sys
c = ast.literal_eval(open(sys.argv[1]).read())
names = [l.split()[0] for l in open(sys.argv[2]) if l.split() and not l.startswith("#")]
entry, label = int(sys.argv[3]), sys.argv[4]
if "hit" in c:
    missed = [n for n in names if n not in c["hit"]]
else:   # an oracle that does not name the points hit: at least as many (point, address) pairs
    missed = [] if c["points"] >= len(names) else ["(%d of %d)" % (c["points"], len(names))]
print(("ok - " if not missed else "not ok - ") + "%s: every point was stopped at (%d stops at %d of %d addresses)"
      % (label, c["stops"], c["points"], c["addrs"]) + ("\n#   never: " + " ".join(missed) if missed else ""))
bad = c["disagree"] - entry + c["vtonly"] + c["float_disagree"]
print(("ok - " if bad == 0 and c["agree"] > 0 else "not ok - ") +
      "%s: gdb and vtrace read the same values (%d agree, %d disagree, %d vtrace-only; %d entry values "
      "not comparable at a stop; %d refused, %d unavailable to both; %d stops in another scope)"
      % (label, c["agree"], c["disagree"] - entry, c["vtonly"], entry, c["refused"], c["unavailable"],
         c["scope_differs"]))
PY
	grep -v '	(entry)' "$T/$label.out" | grep -E '^(disagree|vtonly|float-disagree)' | head -5 | sed 's/^/#   /'
}

# --- library names, as the dynamic loader finds them ---------------------

"$VTRACE" probe --dry-run -x libc.so.6 'ev=malloc bytes' > "$T/malloc" 2>&1
expect_eq "-x libc.so.6 is the file ldconfig -p names" "ev: 1 instance in $LIBC" "$(head -1 "$T/malloc")"
"$VTRACE" probe --dry-run 'exec=libc.so.6;ev=malloc bytes' > "$T/malloc2" 2>&1
expect_eq "exec=libc.so.6 is that file too" "ev: 1 instance in $LIBC" "$(head -1 "$T/malloc2")"
want=$(PATH=/usr/bin:/bin sh -c 'command -v python3.11')
expect_eq "exec=python3.11 is the command the shell runs" "ev: 10 instances in $want" \
	"$(PATH=/usr/bin:/bin "$VTRACE" probe --dry-run 'exec=python3.11;ev=PyList_New' 2>&1 | head -1)"
"$VTRACE" probe --dry-run 'exec=libvtrace-nothing.so.3;ev=f' > "$T/err" 2>&1
expect_grep "a library not found: what was searched" \
	"no library 'libvtrace-nothing.so.3' in /etc/ld.so.cache and /lib/x86_64-linux-gnu:" "$T/err"
PATH=/nonexistent "$VTRACE" probe --dry-run 'exec=vtrace-nothing;ev=f' > "$T/err" 2>&1
expect_grep "a command not found: what was searched" \
	"no command 'vtrace-nothing' in PATH (/nonexistent), nor in the current directory" "$T/err"

# --- glibc: ELF symbols name the DWARF function at their address --------

# each public name is an alias (or a versioned name) of an internal one;
# vtrace probes the address readelf gives the name, where gdb breaks
for f in malloc free calloc realloc fopen fopen64 fclose fgets puts printf qsort strtol; do
	want=$(sym_addr "$LIBC" "$f@@GLIBC_2.2.5")
	got=$("$VTRACE" probe --dry-run -x libc.so.6 "ev=$f" 2>&1 | sed -n 's/^  [^ ]*+0 at 0x\([0-9a-f]*\) .*/\1/p')
	gdbat=$(gdb_break "$LIBC" "$f")
	if [ -n "$want" ] && [ "$got" = "$want" ] && [ "$gdbat" = "$want" ]; then
		ok "libc $f: at 0x$want, readelf's and gdb's address"
	else
		not_ok "libc $f: probed where readelf and gdb put it" "readelf: $want" "gdb: $gdbat" "vtrace: $got"
	fi
done
"$VTRACE" probe --funcs -x libc.so.6 > "$T/funcs" 2>&1
missing=
for f in malloc __libc_malloc fopen fopen64 _IO_new_fopen printf; do
	grep -qx "$f" "$T/funcs" || missing="$missing $f"
done
expect_eq "--funcs lists the aliases and the DWARF names" "" "$missing"
expect_eq "--funcs lists each name once" "" "$(sort "$T/funcs" | uniq -d | head -3)"

# a real recording: the sample carries what the target passed
cat > "$T/libc.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("exec=libc.so.6;alloc=malloc bytes")
int alloc(struct pt_regs *ctx, int err, long bytes)
{
	return bytes >= 12345 && bytes < 12345 + 100;
}
SEC("exec=libc.so.6;open=fopen filename:string mode:string")
int open(struct pt_regs *ctx, int err)
{
	return 1;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/libc.c" -- "$CALLS" /etc/hostname 2 > "$T/out" 2> "$T/err"
{
	sed -n 's/^malloc \([0-9]*\)$/alloc: bytes=\1/p; s/^fopen \([^ ]*\) \([^ ]*\)$/open: filename="\1" mode="\2"/p' "$T/out"
} > "$T/want"
sed -n 's/.* \(alloc: .*\)/\1/p; s/.* \(open: .*\)/\1/p' "$T/out" > "$T/got"
if grep -q "bytes=12345" "$T/got" && cmp -s "$T/want" "$T/got"; then
	ok "record exec=libc.so.6: malloc's bytes and fopen's filename, as the target passed them"
else
	not_ok "record exec=libc.so.6" "want: $(cat "$T/want")" "got: $(cat "$T/got")" "$(tail -3 "$T/err")"
fi

# gdb agrees with every value vtrace reads at every address, in the library
cat > "$T/libc.points" <<'POINTS'
malloc ev=malloc
__libc_malloc ev=__libc_malloc
fopen ev=fopen
_IO_new_fopen ev=_IO_new_fopen
fclose ev=fclose
POINTS
oracle_vars libc "$LIBC" "$T/libc.points" "$CALLS" /etc/hostname 2

# --- python3.11: LTO, inlined copies in other units ----------------------

# every copy gdb breaks at (with every unit read, and gcc's .constprop
# clones, which gdb names apart), and each of vtrace's addresses is in a
# block of that function as gdb reads it
FUNCS="PyErr_Occurred PyType_IsSubtype PyDict_SetItem PyObject_GetAttr PyTuple_New PyObject_Malloc _Py_NewRef"
mkdir -p "$T/addrs"
for f in $FUNCS; do
	instances "$PY" "$f" > "$T/addrs/$f"
done
LOC_FUNCS=$FUNCS LOC_ADDRS_DIR=$T/addrs gdb -batch -nx -q -x "$LOCS" "$PY" 2>&1 |
while read -r f gdbn inside outside rest; do
	case $f in Py*|_Py*) ;; *) continue ;; esac
	if [ "$gdbn" = "$inside" ] && [ "$outside" = 0 ] && [ "$gdbn" -gt 1 ]; then
		ok "python3.11 $f: $inside instances, gdb's $gdbn locations, each in $f as gdb reads it"
	else
		not_ok "python3.11 $f: gdb's locations" "gdb: $gdbn, vtrace: $((inside + outside))" \
			"vtrace's outside $f: $rest"
	fi
done

# a source line of a function inlined all over LTO units: every copy gdb
# breaks at on that line (gdb moves some of its locations off the line,
# and drops rows another row at the same address follows; vtrace does not)
line=tupleobject.c:69
instances "$PY" "$line" > "$T/addrs/$line"
LOC_FUNCS=$line LOC_ADDRS_DIR=$T/addrs gdb -batch -nx -q -x "$LOCS" "$PY" 2>&1 | grep "^$line " > "$T/line"
read -r _ gdbn rows missing rest < "$T/line"
n=$(wc -l < "$T/addrs/$line")
if [ -n "$rows" ] && [ "$rows" -gt 10 ] && [ "$missing" = 0 ]; then
	ok "python3.11 $line: $n addresses, gdb's $rows locations on that line among them (of its $gdbn)"
else
	not_ok "python3.11 $line: gdb's locations on the line" "gdb: $gdbn ($rows on the line), vtrace: $n" \
		"vtrace lacks: $rest"
fi

cat > "$T/py.points" <<'POINTS'
PyTuple_New ev=PyTuple_New
PyLong_FromLong ev=PyLong_FromLong
PyType_IsSubtype ev=PyType_IsSubtype
PyDict_SetItem ev=PyDict_SetItem
PyErr_Occurred ev=PyErr_Occurred
POINTS
oracle_vars python3.11 "$PY" "$T/py.points" "$PY" -S -c '
d = {}
for i in range(300):
    d[str(i)] = (i, -i * 7, float(i))
print(len(d), isinstance(d, dict), sum(t[1] for t in d.values()))'

# --- partial units (dwz), type units, DWARF 4 and 5 ----------------------

# twice()'s abstract DIE in a partial unit the three units import (dwz),
# or its types in .debug_types: each copy gdb breaks at, in twice
UNITS=$TOP/tests/integration/units
for v in dwarf-4-dwz dwarf-5-dwz dwarf-4-types; do
	bin=$T/units-$v
	case $v in
	*-types) flags="-gdwarf-4 -fdebug-types-section" ;;
	dwarf-4*) flags=-gdwarf-4 ;;
	*) flags=-gdwarf-5 ;;
	esac
	# shellcheck disable=SC2086
	gcc $flags -O2 -o "$bin" "$UNITS/a.c" "$UNITS/b.c" "$UNITS/c.c" || { not_ok "$v: built"; continue; }
	case $v in
	*-dwz)
		if ! command -v dwz > /dev/null; then
			ok "$v: # SKIP dwz is not installed (apt-get install dwz)"
			continue
		fi
		dwz "$bin" || { not_ok "$v: dwz ran"; continue; }
		readelf --debug-dump=info "$bin" | awk '/DW_TAG_partial_unit/ { pu = 1 } /DW_TAG_compile_unit/ { pu = 0 }
			pu && /DW_AT_name.*: twice$/ { found = 1 } END { exit !found }' ||
			{ not_ok "$v: dwz moved twice's abstract DIE to a partial unit"; continue; }
		;;
	*)
		readelf -SW "$bin" | grep -q '\.debug_types' || { not_ok "$v: gcc wrote .debug_types"; continue; }
		;;
	esac
	mkdir -p "$T/addrs-$v"
	instances "$bin" twice > "$T/addrs-$v/twice"
	LOC_FUNCS=twice LOC_ADDRS_DIR=$T/addrs-$v gdb -batch -nx -q -x "$LOCS" "$bin" 2>&1 |
		grep '^twice ' > "$T/locs-$v"
	read -r _ gdbn inside outside rest < "$T/locs-$v"
	if [ "$gdbn" = 3 ] && [ "$inside" = 3 ] && [ "$outside" = 0 ]; then
		ok "$v: twice's 3 inlined copies, gdb's locations, each in twice as gdb reads it"
	else
		not_ok "$v: twice's copies" "gdb: $gdbn, vtrace: $inside in twice, $outside outside ($rest)"
	fi
done

# --- a function split into a hot and a .cold part ------------------------

SPLIT=$TARGETS/splitfn-gcc-O2
if readelf -sW "$SPLIT" | grep -q ' checksum\.cold$' &&
	readelf --debug-dump=info "$SPLIT" | grep -A12 'DW_AT_name.*: checksum$' | grep -q DW_AT_ranges; then
	ok "gcc -O2 split checksum: a .cold symbol, DW_AT_ranges in its DWARF"
else
	not_ok "gcc -O2 split checksum into a .cold part" "$(readelf -sW "$SPLIT" | grep checksum)"
fi
"$VTRACE" probe --funcs -x "$SPLIT" 'checksum*' > "$T/funcs" 2>&1
expect_eq "--funcs lists checksum, once" "checksum" "$(cat "$T/funcs")"
for v in gcc-O0 gcc-O2 clang-O0; do
	bin=$TARGETS/splitfn-$v
	expect_eq "$v checksum: probed where gdb's break checksum is" "$(gdb_break "$bin" checksum)" \
		"$("$VTRACE" probe --dry-run -x "$bin" 'ev=checksum' 2>&1 | addr_of checksum)"
done
expect_eq "gcc-O2 checksum: at its symbol, the hot part's entry" "$(sym_addr "$SPLIT" checksum)" \
	"$("$VTRACE" probe --dry-run -x "$SPLIT" 'ev=checksum' 2>&1 | addr_of checksum)"
for v in gcc-O0 gcc-O2 clang-O0 clang-O2; do
	bin=$TARGETS/splitfn-$v
	ORACLE_BIN=$bin ORACLE_SPEC="ev=checksum buf=buf:string len=len seed=seed" ORACLE_EVAL=$EVAL \
		ORACLE_LABEL="splitfn $v" ASAN_OPTIONS=detect_leaks=0 \
		gdb -batch -nx -q -x "$ORACLE" --args "$bin" 4 2>&1 | grep -E '^(ok|not ok|#)' ||
		not_ok "splitfn $v: gdb ran" "no output"
done

#!/bin/sh
# Robustness, inputs: wrong input gets an error (one line, the documented
# exit status, no sanitizer or leak report from the sanitized build,
# nothing attached), never a wrong value.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/robust/lib.sh"
BUSY=$TARGETS/busy-gcc-O2
n=0

# case NAME WANT_RC WANT_MSG -- vtrace args
run() {
	name=$1 want=$2 msg=$3
	shift 4
	n=$((n + 1))
	t0=$(now_ms)
	timeout 30 $VTRACE "$@" > "$T/out" 2> "$T/err" < /dev/null
	rc=$?
	el=$(($(now_ms) - t0))
	# argp adds its "Try ..." line to a usage error
	grep -v "^Try \`vtrace" "$T/err" > "$T/err1"
	check "$name" "$want" $rc "$msg" "$T/err1" $el 15000 "$(attached_left "ri$n" "")"
}
spec() { echo "exec=$BUSY;ri$((n + 1))=tick i"; }

# -p: a number that fits a pid, else a usage error (2), as vtrace(1) says
for p in $((4294967296 + $$)) $((18446744073709551616)) -1 0 abc "$$x" ""; do
	run "-p '$p' is refused as a usage error" 2 "-p takes a process id, not '$p'" -- \
		record -e "$(spec)" -p "$p" --duration 1
done
run "-p of no process" 1 "no such process" -- record -e "$(spec)" -p 2147483647 --duration 1
# usage errors exit 2 in every command (vtrace(1), EXIT STATUS)
for c in record list script probe; do
	run "vtrace $c --no-such-option: usage error, status 2" 2 "unrecognized option" -- $c --no-such-option
done
run "vtrace no-such-command: status 2" 2 "no-such-command" -- no-such-command
run "record without -e: status 2" 2 "no programs" -- record -- "$BUSY" 1
# -o where nothing can be written: one line, status 1, no leak report
mkdir -p "$T/adir"
for o in "$T/adir" "$T/missing/dir/f" /proc/nonexistent/x; do
	for fmt in data text; do
		[ $fmt = text ] && f=--text || f=
		run "-o $o ($fmt): one line, status 1" 1 "vtrace: $o" -- record $f -o "$o" -e "$(spec)" -- "$BUSY" 5
	done
done
# -e of a file that is not there, or not a BPF object
run "-e a missing .c file" 1 "No such file or directory" -- record -e "$T/none.c" -- "$BUSY" 1
echo "not elf" > "$T/junk.o"
run "-e a .o that is not ELF" 1 "not a BPF object" -- record -e "$T/junk.o" -- "$BUSY" 1
cp "$BUSY" "$T/busy.o"
run "-e an x86-64 ELF object, not BPF" 1 "not a BPF object" -- record -e "$T/busy.o" -- "$BUSY" 1

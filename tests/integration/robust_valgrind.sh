#!/bin/sh
# Robustness, leaks under valgrind (the plain build: valgrind and ASan do
# not mix): a record to the terminal, a record -o and its script, and an
# error path each end with no definitely lost block, and record what the
# target did.  (libbpf hands the kernel bpf_attr unions it zeroed only up
# to the fields it uses, which valgrind reports as uninitialised syscall
# params: leaks, not those, are what is asserted.)
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/robust/lib.sh"
BUSY=$TARGETS/busy-gcc-O2
PLAIN=$TOP/build/vtrace
if ! command -v valgrind > /dev/null; then
	not_ok "valgrind installed" "scripts/install-deps installs it"
	exit 0
fi
n=0

# vg NAME WANT_RC -- vtrace args: one run under valgrind (programs named rvN)
vg() {
	name=$1 want=$2
	shift 3
	n=$((n + 1))
	t0=$(now_ms)
	timeout 300 valgrind --leak-check=full --show-leak-kinds=definite --log-file="$T/vg" \
		"$PLAIN" "$@" > "$T/out" 2> "$T/err" < /dev/null
	rc=$?
	el=$(($(now_ms) - t0))
	lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$T/vg")
	if grep -q 'All heap blocks were freed' "$T/vg"; then
		lost=0
	fi
	left=$(attached_left "rv$n" "")
	if [ "$rc" = "$want" ] && [ "$lost" = 0 ] && [ "$left" = none ]; then
		ok "$name: status $rc, no definite leak (valgrind, ${el} ms)"
	else
		not_ok "$name" "status $rc (want $want), definitely lost: '${lost:-no summary}' bytes, left: $left" \
			"$(grep -A12 'definitely lost in' "$T/vg" | head -30)" "$(head -3 "$T/err")"
	fi
}
spec() { echo "exec=$BUSY;rv$((n + 1))=tick i"; }

vg "record to the terminal" 0 -- record -e "$(spec)" -- "$BUSY" 3
expect_eq "record under valgrind: busy's three calls, i=0..2" "i=0 i=1 i=2" \
	"$(sed -n 's/.*: rv1: //p' "$T/out" | tr '\n' ' ' | sed 's/ $//')"
vg "record -o" 0 -- record -o "$T/vg.data" -e "$(spec)" -- "$BUSY" 3
vg "script of that file" 0 -- script -i "$T/vg.data"
expect_eq "script under valgrind: the three samples" "i=0 i=1 i=2" \
	"$(sed -n 's/.*: rv2: //p' "$T/out" | tr '\n' ' ' | sed 's/ $//')"
mkdir -p "$T/adir"
vg "record -o into a directory (an error path)" 1 -- record -o "$T/adir" -e "$(spec)" -- "$BUSY" 3

#!/bin/sh
# The resolver checked by value: for targets built by gcc and clang at -O0
# and -O2, gdb stops at every address vtrace resolves a spec to, and the
# values gdb prints must be what vtrace's fetch operations read there.
. "$(dirname "$0")/../lib.sh"

EVAL=$TOP/build/tests/tools/fetch-eval
ORACLE=$TOP/tests/tools/gdb_oracle.py
SRC=$TOP/tests/targets/vars.c
weigh_line=$(grep -n 'vars.c:WEIGH_LINE' "$SRC" | cut -d: -f1)
handle_decl=$(grep -n '^__attribute__((noinline)) int handle' "$SRC" | cut -d: -f1)
handle_line=$(grep -n 'handle:RELLINE' "$SRC" | cut -d: -f1)
rel=$((handle_line - handle_decl))

oracle() {
	label=$1 bin=$2 spec=$3
	ORACLE_BIN=$bin ORACLE_SPEC=$spec ORACLE_EVAL=$EVAL ORACLE_LABEL=$label \
		ASAN_OPTIONS=detect_leaks=0 \
		gdb -batch -nx -q -x "$ORACLE" --args "$bin" 3 2>&1 |
		grep -E '^(ok|not ok|#)' || not_ok "$label: gdb ran" "no output"
}

for v in gcc-O0 gcc-O2 clang-O0 clang-O2; do
	bin=$TARGETS/vars-$v
	# parameters, struct chains through pointers, bitfields (signed too),
	# strings, char arrays, array elements, anonymous unions, globals
	oracle "$v entry" "$bin" "ev=handle len=r->hdr.len kind=r->hdr.kind urgent=r->hdr.urgent prio=r->hdr.prio path=r->path:string method=r->method y2=r->in.y[2] x=r->in.x status=status bytes=bytes code=r->code total=r->total counter=@counter gtotal=@global_req.total glen=@global_req.hdr.len"
	# two pointers deep
	oracle "$v next" "$bin" "ev=handle nlen=r->next->hdr.len npath=r->next->path:string"
	# an always-inline function: two copies with their own layouts
	oracle "$v inlined" "$bin" "ev=weigh len=r->hdr.len factor=factor y2=r->in.y[2]"
	# a source line inside the inlined copies
	oracle "$v line" "$bin" "ev=vars.c:$weigh_line w=w len=r->hdr.len c=@counter"
	# a line relative to the function, with locals
	oracle "$v relline" "$bin" "ev=handle:$rel score=score adjusted=adjusted bytes=bytes"
done

# FUNC+OFF: the offset of handle:RELLINE, probed as an offset
bin=$TARGETS/vars-gcc-O0
off=$("$VTRACE" probe --dry-run "ev=handle:$rel" -x "$bin" | sed -n 's/^  handle+\([0-9]*\) .*/\1/p')
oracle "gcc-O0 +$off" "$bin" "ev=handle+$off score=score adjusted=adjusted r=r"

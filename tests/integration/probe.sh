#!/bin/sh
# vtrace probe: listings checked against gdb and the source, and the
# resolver's errors (each names the spec with a caret under the culprit).
. "$(dirname "$0")/../lib.sh"
SRC=$TOP/tests/targets/vars.c
BIN=$TARGETS/vars-gcc-O0
O2=$TARGETS/vars-gcc-O2

"$VTRACE" probe --funcs -x "$BIN" > "$T/out"
expect_eq "--funcs lists the target's functions" "handle main weigh" "$(grep -xE 'handle|main|weigh' "$T/out" | tr '\n' ' ' | sed 's/ $//')"
"$VTRACE" probe --funcs -x "$BIN" 'h*' > "$T/out"
expect_eq "--funcs GLOB filters" "handle" "$(cat "$T/out")"

# --lines: the address of a line is the one gdb gives for it
line=$(grep -n 'handle:RELLINE' "$SRC" | cut -d: -f1)
"$VTRACE" probe --lines handle -x "$BIN" > "$T/out"
ours=$(awk -v l="$line" '$3 == l {print $4}' "$T/out")
gdbs=$(gdb -batch -nx -ex "info line vars.c:$line" "$BIN" 2>/dev/null | sed -n 's/.*starts at address \(0x[0-9a-f]*\).*/\1/p')
if [ -n "$ours" ] && [ "$((ours))" = "$((gdbs))" ]; then
	ok "--lines: line $line at $ours, as gdb says"
else
	not_ok "--lines: line $line's address matches gdb" "vtrace: $ours" "gdb: $gdbs" "$(cat "$T/out")"
fi

# --lines of a function split into a hot part and checksum.cold: every line
# gdb places code for, at gdb's address, the cold part's lines included
SPLIT=$TARGETS/splitfn-gcc-O2
"$VTRACE" probe --lines checksum -x "$SPLIT" > "$T/out"
want= have=
for l in $(seq 16 27); do
	a=$(gdb -batch -nx -ex "info line splitfn.c:$l" "$SPLIT" 2>/dev/null | sed -n 's/.*starts at address \(0x[0-9a-f]*\).*/\1/p')
	[ -n "$a" ] && want="$want $l@$((a))"
	b=$(awk -v l="$l" '$3 == l {print $4}' "$T/out")
	[ -n "$b" ] && [ -n "$a" ] && have="$have $l@$((b))"
done
expect_eq "--lines of a hot/cold function: gdb's lines and addresses" "$want" "$have"
cold=$(gdb -batch -nx -ex "info line splitfn.c:$(grep -n 'complain(buf' tests/targets/splitfn.c | cut -d: -f1)" "$SPLIT" 2>/dev/null |
	sed -n 's/.*starts at address \(0x[0-9a-f]*\) <checksum.cold>.*/\1/p')
"$VTRACE" probe --dry-run "ev=checksum:5 len" -x "$SPLIT" > "$T/out" 2>&1
if [ -n "$cold" ] && grep -q " at $cold " "$T/out"; then
	ok "checksum:5 is in checksum.cold at $cold, as gdb says"
else
	not_ok "checksum:5 is in checksum.cold" "gdb: ${cold:-no cold address}" "$(cat "$T/out")"
fi

# --vars: names and types at a point
"$VTRACE" probe --vars handle -x "$BIN" > "$T/out"
for v in "struct req \* *r" "int *status" "long int *bytes" "int *score" "long int *adjusted"; do
	if grep -Eq "^ +$v\$" "$T/out"; then ok "--vars handle: $v"; else not_ok "--vars handle: $v" "$(cat "$T/out")"; fi
done

# --dry-run on all instances of an inlined function
"$VTRACE" probe --dry-run "ev=weigh len=r->hdr.len" -x "$BIN" > "$T/out"
expect_eq "--dry-run: both inlined copies of weigh" 2 "$(grep -c 'inlined' "$T/out")"

# errors: one line naming the culprit, then the spec with a caret
# expect_error NAME MESSAGE COL:LEN|"" -- vtrace probe args
expect_error() {
	name=$1 msg=$2 caret=$3
	shift 3
	"$VTRACE" probe "$@" > /dev/null 2> "$T/err"
	rc=$?
	want=
	if [ -n "$caret" ]; then
		want=$(printf '%*s' $((4 + ${caret%:*})) '')$(printf '%*s' "${caret#*:}" '' | tr ' ' '^')
	fi
	if [ $rc != 0 ] && grep -qF -- "$msg" "$T/err" && { [ -z "$want" ] || tail -1 "$T/err" | grep -qxF -- "$want"; }; then
		ok "$name"
	else
		not_ok "$name" "rc=$rc" "want caret: '$want'" "$(cat "$T/err")"
	fi
}
expect_error "unknown function" "no function 'nosuch' in $BIN's debug info" \
	"3:6" --dry-run "ev=nosuch" -x "$BIN"
expect_error "no variable in scope lists the ones that are" \
	"no variable 'zz' in scope at handle+0x0; in scope: r, status, bytes, score, adjusted" \
	"12:2" --dry-run "ev=handle r zz" -x "$O2"
expect_error "member not in the struct lists the members" \
	"struct req has no member 'nope'; it has: hdr, path, method, in, next, code, ratio, total" \
	"13:4" --dry-run "ev=handle r->nope" -x "$BIN"
expect_error "'->' on a struct says to use '.'" "'->' needs a pointer, and this is struct hdr: use '.'" \
	"16:2" --dry-run "ev=handle r->hdr->len" -x "$BIN"
expect_error "'.' on a pointer says to use '->'" "'.' needs a struct, and this is struct req *: use '->'" \
	"11:1" --dry-run "ev=handle r.hdr" -x "$BIN"
expect_error "an offset that is not an instruction boundary" "+2 is not at an instruction boundary in handle" \
	"9:2" --dry-run "ev=handle+2" -x "$BIN"
expect_error "an offset past the end" "is past the end of handle" "" --dry-run "ev=handle+100000" -x "$BIN"
expect_error "optimized out: says where it is available" "'adjusted' is optimized out at 0x" "10:8" \
	--dry-run "ev=handle adjusted" -x "$O2"
expect_error "no debug info says how to get it" "has no debug info: rebuild it with -g, or install its -dbgsym package" \
	"" --dry-run "ev=main argc" -x /bin/true
expect_error "a line without code" "no code for vars.c:1 in" "" --dry-run "ev=vars.c:1" -x "$BIN"
expect_error "unknown key lists the valid ones" "unknown key 'colour'; the keys are exec=PATH, module=NAME, inlines=yes|no, force=yes|no and via=kprobe|fentry" \
	"0:6" --dry-run "colour=red;ev=handle"
expect_error "%return with a local" "at %return the function's locals are gone" "" \
	--dry-run "ev=handle%return score" -x "$BIN"
expect_error "%return with \$params (the entry's, gone at the return)" \
	"at %return the function's locals are gone" "" --dry-run "ev=handle%return \$retval \$params" -x "$BIN"
expect_error "\$retval without %return" "add %return" "" --dry-run "ev=handle \$retval" -x "$BIN"
expect_error "only-inlined function with %return" "'weigh' is only inlined in" "" \
	--dry-run "ev=weigh%return \$retval" -x "$BIN"

# Without DWARF for the function, the symbol table places it (checked with nm)
LIBC=$(ldd "$BIN" | sed -n 's/.*libc.so.6 => \([^ ]*\).*/\1/p')
want=$(nm -D --defined-only "$LIBC" | awk '$3 == "malloc" || $3 ~ /^malloc@/ {print $1; exit}')
got=$("$VTRACE" probe --dry-run "exec=$LIBC;ev=malloc %di" | sed -n 's/.* at 0x\([0-9a-f]*\) .*/\1/p')
if [ -n "$want" ] && [ "$((0x$want))" = "$((0x${got:-0}))" ]; then
	ok "a library function without DWARF: the symbol's address (nm says 0x$want)"
else
	not_ok "a library function without DWARF: the symbol's address" "nm: $want" "vtrace: $got"
fi

# The kernel, through BTF, without -x
if [ -r /sys/kernel/btf/vmlinux ]; then
	"$VTRACE" probe --funcs 'vfs_rea*' > "$T/out"
	expect_grep "--funcs without -x lists kernel functions" "vfs_read" "$T/out"
	"$VTRACE" probe --vars vfs_read > "$T/out"
	expect_eq "--vars of a kernel function: its parameters from BTF" "file buf count pos" \
		"$(awk 'NR > 1 {print $NF}' "$T/out" | tr '\n' ' ' | sed 's/ $//')"
	expect_grep "--vars of a kernel function: typedef names kept" "loff_t *" "$T/out"
fi
expect_error "module not found by name" "no module 'nosuchmod' under /lib/modules/" "7:9" \
	--dry-run "module=nosuchmod;ev=f x"
expect_error "a global at %return is refused with the reason" \
	"'counter' is found relative to the probe address, which a return probe does not have" "" \
	--dry-run "ev=handle%return \$retval @counter" -x "$BIN"

# Debug info in a separate file: through .gnu_debuglink, and by build id
cp "$O2" "$T/linked"
objcopy --only-keep-debug "$T/linked" "$T/linked.debug"
objcopy --strip-debug --add-gnu-debuglink="$T/linked.debug" "$T/linked"
"$VTRACE" probe --dry-run "ev=handle len=r->hdr.len" -x "$T/linked" > "$T/out" 2> "$T/err"
expect_grep "debug info through .gnu_debuglink" "len = *(u16 *)(%rdi)" "$T/out"
id=$(readelf -n "$O2" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p')
dir=/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)
if [ -n "$id" ] && mkdir -p "$dir" 2>/dev/null; then
	objcopy --only-keep-debug "$O2" "$dir/$(echo "$id" | cut -c3-).debug"
	objcopy --strip-debug "$O2" "$T/stripped"
	"$VTRACE" probe --dry-run "ev=handle len=r->hdr.len" -x "$T/stripped" > "$T/out" 2> "$T/err"
	expect_grep "debug info by build id under /usr/lib/debug/.build-id" "len = *(u16 *)(%rdi)" "$T/out"
	rm -f "$dir/$(echo "$id" | cut -c3-).debug"
	rmdir "$dir" 2>/dev/null
fi

# --vars at %return lists what a return probe can fetch: $retval, typed
# as the function returns it (vars.c: int handle(...)), and it fetches
"$VTRACE" probe --vars='handle%return' -x "$BIN" > "$T/retvars" 2>&1
if grep -q '^handle%return ' "$T/retvars" && grep -qE '^ +int +\$retval$' "$T/retvars" &&
	! grep -qE '^ +[a-z].* (r|status|bytes|score)$' "$T/retvars" &&
	"$VTRACE" probe --dry-run 'ev=handle%return $retval' -x "$BIN" > /dev/null 2>&1; then
	ok "--vars at %return lists \$retval (int), which fetches, and no params or locals"
else
	not_ok "--vars at %return" "$(cat "$T/retvars")"
fi

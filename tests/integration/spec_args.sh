#!/bin/sh
# A spec fetching the most args an event takes (64): it loads (fault checks
# do not multiply the verifier's states), every arg is what the target
# received, a fault lands on exactly its arg; one arg more is refused.
. "$(dirname "$0")/../lib.sh"

# a0 .. a63 of many() in tests/targets/args64.c: s20 a string, v40 and v63
# member chains through a pointer the target sets to NULL on calls 1 and 2.
spec_args() {
	i=0
	while [ $i -lt "$1" ]; do
		case $i in
		20) printf ' s20:string' ;;
		40) printf ' v40=n40->next->v' ;;
		63) printf ' v63=n63->next->v' ;;
		*) printf ' a%d' $i ;;
		esac
		i=$((i + 1))
	done
}

# clang -O2 places stack parameters relative to %rsp after the prologue
# (DW_OP_fbreg with DW_AT_frame_base %rsp), which at the entry is wrong
# (gdb's `break *many` reads the same wrong slots): it is probed at the
# function's first line instead.
for v in gcc-O0 gcc-O2 clang-O0 clang-O2; do
	point=many
	[ $v = clang-O2 ] && point=args64.c:88
	cat > "$T/p.c" <<PROG
#include <vtrace.h>
SEC("exec=$TARGETS/args64-$v;ev=$point$(spec_args 64)")
int prog(struct pt_regs *ctx, int err)
{
	vtrace_printf("err=%d", err);
	return 1;
}
char _license[] SEC("license") = "GPL";
PROG
	"$VTRACE" record -e "$T/p.c" -- "$TARGETS/args64-$v" 4 > "$T/out" 2> "$T/err"
	rc=$?
	sed -n 's/^many //p' "$T/out" > "$T/want"
	sed -n 's/.* ev: \(a0=.*\)/\1/p' "$T/out" > "$T/got"
	if [ $rc = 0 ] && [ "$(wc -l < "$T/want")" = 4 ] && cmp -s "$T/want" "$T/got"; then
		ok "$v: 64 args load and each is what the target received"
	else
		not_ok "$v: 64 args" "rc=$rc" "$(tail -3 "$T/err")" \
			"$(diff "$T/want" "$T/got" | tr ' ' '\n' | grep '^[<>]\|^ *[a-z]' | head -20)"
	fi
	# the target's own lines say where the faults are: v40 on call 1, v63 on call 2
	expect_eq "$v: a NULL in the chain faults exactly that arg (40, then 63)" \
		"v40=(fault)|v63=(fault)" \
		"$(grep -o '[a-z][0-9]*=(fault)' "$T/got" | tr '\n' '|' | sed 's/|$//')"
	expect_eq "$v: the error flag (r2) is set on the two calls with a fault" \
		"err=0|err=1|err=1|err=0" \
		"$(sed -n 's/.* ev: \(err=.*\)/\1/p' "$T/out" | tr '\n' '|' | sed 's/|$//')"
done

# 65: refused when the spec is parsed, with the limit named and the caret
# under the arg past it
cat > "$T/p65.c" <<PROG
#include <vtrace.h>
SEC("exec=$TARGETS/args64-gcc-O0;ev=many$(spec_args 64) a64")
int prog(struct pt_regs *ctx, int err) { return 1; }
char _license[] SEC("license") = "GPL";
PROG
before=$(prog_count)
"$VTRACE" record -e "$T/p65.c" -- "$TARGETS/args64-gcc-O0" 1 > /dev/null 2> "$T/err"
rc=$?
# the caret line's column, in the spec line above it
under=$(awk 'prev != "" && /^ *\^+$/ { match($0, /\^+/); print substr(prev, RSTART, RLENGTH) }
	     { prev = $0 }' "$T/err")
if [ $rc = 1 ] && grep -q "too many args: an event fetches at most 64" "$T/err" &&
	[ "$under" = a64 ] && [ "$(prog_count_settled "$before")" -le "$before" ]; then
	ok "65 args: refused at parse time, the limit named, the caret under the 65th"
else
	not_ok "65 args refused" "rc=$rc, underlined: '$under'" "$(cut -c1-200 "$T/err")"
fi
"$VTRACE" probe --dry-run "exec=$TARGETS/args64-gcc-O0;ev=many$(spec_args 64) a64" > /dev/null 2> "$T/err"
rc=$?
# a spec on the command line that does not parse is a usage error (2), as for record -e SPEC
if [ $rc = 2 ] && grep -q "at most 64" "$T/err"; then
	ok "65 args: vtrace probe --dry-run refuses them too"
else
	not_ok "65 args in a dry run" "rc=$rc" "$(cut -c1-200 "$T/err")"
fi

# $params makes 64 here, one more arg 65: refused at record time, the
# caret under the expansion
cat > "$T/pp.c" <<PROG
#include <vtrace.h>
SEC("exec=$TARGETS/args64-gcc-O0;ev=many \$params a0")
int prog(struct pt_regs *ctx, int err) { return 1; }
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -e "$T/pp.c" -- "$TARGETS/args64-gcc-O0" 1 > /dev/null 2> "$T/err"
rc=$?
under=$(awk 'prev != "" && /^ *\^+$/ { match($0, /\^+/); print substr(prev, RSTART, RLENGTH) }
	     { prev = $0 }' "$T/err")
if [ $rc = 1 ] && grep -q "too many args: these make 65, and an event fetches at most 64" "$T/err" &&
	[ "$under" = '$params' ]; then
	ok "\$params past the limit: refused, the caret under \$params"
else
	not_ok "\$params past the limit" "rc=$rc, underlined: '$under'" "$(cut -c1-200 "$T/err")"
fi

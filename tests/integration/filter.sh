#!/bin/sh
# record --filter: compiled into the spec program, it keeps exactly the
# hits whose args make it true.  The target prints every call; the test
# picks the calls itself (awk, the same predicate) and compares values.
. "$(dirname "$0")/../lib.sh"

# check LABEL BIN 'FILTER' 'AWK PREDICATE over a b c s d'
check() {
	label=$1 bin=$2 filter=$3 pred=$4
	"$VTRACE" record -e "exec=$bin;ev=compute a b c s:string d" --filter "$filter" -- "$bin" 8 \
		> "$T/out" 2> "$T/err"
	rc=$?
	awk -F'[ ]' '/^compute / {
		a = substr($2, 3); b = substr($3, 3); c = substr($4, 3); s = substr($5, 3); d = substr($6, 3)
		a += 0; b += 0; c += 0; d += 0
		if ('"$pred"') { gsub(/\t/, "\\t", s); printf "a=%d b=%s c=%d s=\"%s\" d=%d\n", a, substr($3, 3), c, s, d }
	}' "$T/out" > "$T/want"
	sed -n 's/.* ev: //p' "$T/out" > "$T/got"
	calls=$(grep -c '^compute ' "$T/out")
	if [ $rc = 0 ] && [ "$calls" = 8 ] && [ "$(cat "$T/want")" = "$(cat "$T/got")" ]; then
		ok "filter $label: $filter keeps $(wc -l < "$T/want") of $calls calls"
	else
		not_ok "filter $label: $filter" "rc $rc, $calls calls" "want:" "$(cat "$T/want")" "got:" \
			"$(cat "$T/got")" "$(head -5 "$T/err")"
	fi
}

for v in gcc-O0 clang-O2; do
	bin=$TARGETS/args-$v
	check "$v" "$bin" 'a > 0 && s != "beta" || d == -50' '(a > 0 && s != "beta") || d == -50'
	check "$v" "$bin" 'd < 0' 'd < 0'
	check "$v" "$bin" '!(d < 0) && !(a == 1074)' '!(d < 0) && a != 1074'
	check "$v" "$bin" 'c >= 65533' 'c >= 65533'
	check "$v" "$bin" 'c == 0xfffe || c == 0xFFF9' 'c == 65534 || c == 65529'
	check "$v" "$bin" 'b < -370370367036' 'b < -370370367036'
	check "$v" "$bin" 'b <= -370370367036 && b > -864197523084' 'b <= -370370367036 && b > -864197523084'
	check "$v" "$bin" 's == "gamma\tdelta"' 's == "gamma\tdelta"'
	check "$v" "$bin" 's == "alph"' '0'
	check "$v" "$bin" 'a != -1037 && (s == "alpha" || s == "beta")' 'a != -1037 && (s == "alpha" || s == "beta")'
	# two args compared (as C compares them: c, unsigned short, is promoted), & bits, ~ globs
	check "$v" "$bin" 'b < a' 'b < a'
	check "$v" "$bin" 'a < d || d == a' 'a <= d'
	check "$v" "$bin" 'c > d && d != 0' 'c > d && d != 0'
	check "$v" "$bin" 'c & 1' 'c % 2 == 1'
	check "$v" "$bin" 'c & 0xff == 0xfa || c & 6 == 4' 'c % 256 == 250 || int(c / 2) % 4 == 2'
	check "$v" "$bin" 'a & 0x8000000000000000 && !(c & 2)' 'a < 0 && int(c / 2) % 2 == 0'
	check "$v" "$bin" 's ~ "b*"' 's ~ /^b/'
	check "$v" "$bin" 's ~ "*ta"' 's ~ /ta$/'
	check "$v" "$bin" 's !~ "*l*"' 's !~ /l/'
	check "$v" "$bin" 's ~ "?e[a-t]*"' 's ~ /^.e[a-t]/'
	check "$v" "$bin" 's ~ "*l*h*" || s ~ "[!ab]*a"' 's ~ /l.*h/ || s ~ /^[^ab].*a$/'
	check "$v" "$bin" 's ~ "alpha" && a > 0' 's == "alpha" && a > 0'
	check "$v" "$bin" 's ~ "*a*a*" && s ~ "*[	]*"' 's ~ /a.*a/ && s ~ /\t/'
done

# two string args: equal, prefixes of each other, empty (the target prints its calls)
for v in gcc-O2 clang-O0; do
	bin=$TARGETS/pairs-$v
	for f in 'x == y' 'x != y' 'x != y && m < n' 'x ~ "*b*" && m >= n'; do
		case $f in
		'x == y') pred='x == y' ;;
		'x != y') pred='x != y' ;;
		'x != y && m < n') pred='x != y && m < n' ;;
		*) pred='x ~ /b/ && m >= n' ;;
		esac
		"$VTRACE" record -x "$bin" -e 'pair x:string y:string m n' --filter "$f" -- "$bin" \
			> "$T/p" 2> "$T/p.err"
		rc=$?
		awk '/^pair / { x = substr($2, 3); y = substr($3, 3); m = substr($4, 3) + 0; n = substr($5, 3) + 0
			if ('"$pred"') printf "x=\"%s\" y=\"%s\" m=%d n=%d\n", x, y, m, n }' "$T/p" > "$T/want"
		sed -n 's/.* pair: //p' "$T/p" > "$T/got"
		if [ $rc = 0 ] && [ "$(grep -c '^pair ' "$T/p")" = 6 ] && [ "$(cat "$T/want")" = "$(cat "$T/got")" ]; then
			ok "filter pairs-$v: $f keeps $(wc -l < "$T/want") of 6 calls"
		else
			not_ok "filter pairs-$v: $f" "rc $rc" "want:" "$(cat "$T/want")" "got:" "$(cat "$T/got")" \
				"$(head -5 "$T/p.err")"
		fi
	done
done

bin=$TARGETS/args-gcc-O2
# a char array (comm) compares as a string; a raw tracepoint's args by name
for want in args-gcc-O2 args-gcc-O; do
	"$VTRACE" record -e 'raw_tp/sched_process_exec p->pid p->comm' --filter "comm == \"$want\"" \
		-- "$bin" 1 > "$T/rt" 2> "$T/rt.err"
	pid=$(sed -n 's/^pid=//p' "$T/rt")
	n=$(grep -c "sched_process_exec: pid=$pid comm=\"args-gcc-O2\"" "$T/rt")
	expect_eq "filter: raw_tp comm == \"$want\"" "$([ $want = args-gcc-O2 ] && echo 1 || echo 0)" "$n"
done

# the filter applies to the -e before it only
"$VTRACE" record -e "exec=$bin;one=compute a" --filter 'a > 0' -e "exec=$bin;two=compute a" \
	-- "$bin" 4 > "$T/two" 2> "$T/two.err"
expect_eq "filter: applies to the preceding -e only" "one: a=1000 one: a=1074 two: a=1000 two: a=-1037 two: a=1074 two: a=-1111" \
	"$(sed -n 's/.* \(one\|two\): /\1: /p' "$T/two" | sort -s -k1,1 | tr '\n' ' ' | sed 's/ $//')"

# a file of spec programs takes --filter too
spec_program "$T/f.c" "exec=$bin;ev=compute a d"
"$VTRACE" record -e "$T/f.c" --filter 'd == 0 || d == 100' -- "$bin" 6 > "$T/f" 2> "$T/f.err"
expect_eq "filter: a C file's spec program" "a=1074 d=0 a=1148 d=100" \
	"$(sed -n 's/.* ev: //p' "$T/f" | tr '\n' ' ' | sed 's/ $//')"

# errors: one message, the filter, a caret under the bad part
# bad LABEL STATUS 'FILTER' CARET-COLUMN CARET-LENGTH MESSAGE-PART
bad() {
	"$VTRACE" record -e "exec=$bin;ev=compute a s:string" --filter "$3" -- "$bin" 1 > "$T/bad" 2> "$T/bad.err"
	rc=$?
	want_caret="$(printf "%$(($4 + 4))s" "")$(printf "%$5s" "" | tr ' ' '^')"
	if [ $rc = "$2" ] && [ "$(wc -l < "$T/bad.err")" = 3 ] && grep -qF -- "$6" "$T/bad.err" &&
	   [ "$(sed -n 2p "$T/bad.err")" = "    $3" ] && [ "$(sed -n 3p "$T/bad.err")" = "$want_caret" ] &&
	   ! grep -q '^compute' "$T/bad"; then
		ok "filter: $1 refused (status $2, caret)"
	else
		not_ok "filter: $1 refused (status $2, caret)" "rc $rc" "$(cat "$T/bad.err")" \
			"want caret: '$want_caret'"
	fi
}
bad "an unknown arg" 1 'a > 0 && nosuch == 3' 9 6 "no arg 'nosuch'; it has: a, s"
bad "a string compared with a number" 1 's == 3' 5 1 "'s' is a string"
bad "a number compared with a string" 1 'a != "x"' 5 3 "'a' is an integer"
bad "a string ordered" 1 's < "x"' 2 1 "== and != (and match a glob with ~) only"
bad "= for ==" 2 'a = 1' 2 1 "use =="
bad "an unclosed (" 2 '(a == 1 || a == 2' 0 1 "not closed"
bad "a trailing &&" 2 'a == 1 &&' 9 1 "the filter ends"
"$VTRACE" record --filter 'a == 1' -e "exec=$bin;ev=compute a" -- "$bin" 1 > /dev/null 2> "$T/nof.err"
rc=$?
if [ $rc != 0 ] && grep -q -- "--filter applies to the -e before it" "$T/nof.err"; then
	ok "filter: --filter before any -e is refused"
else
	not_ok "filter: --filter before any -e is refused" "rc $rc" "$(cat "$T/nof.err")"
fi

# the names as the output prints them: a second 'a' (after $params) is a_2
"$VTRACE" record -e "exec=$bin;ev=compute \$params a" --filter 'a_2 < 0' -- "$bin" 6 > "$T/p" 2> "$T/p.err"
expect_eq "filter: by the printed name a_2 (after \$params)" \
	"$(sed -n 's/^compute a=\(-[0-9]*\) .*/a_2=\1/p' "$T/p" | tr '\n' ' ')" \
	"$(sed -n 's/.* ev: .* \(a_2=[-0-9]*\)$/\1/p' "$T/p" | tr '\n' ' ')"

#!/bin/sh
# Robustness, hostile data files (vtrace script): every count, width, index
# and size is checked before it is allocated or looped over, and what a
# terminal would obey is escaped.  The files are written by
# robust/mkdata.py from vtrace-data(5), not by vtrace.  Each case: the exit
# status, the one-line message, the time to stop (5 s on a loaded machine;
# these spun forever or took 2 GB), the peak memory, and text and JSON output alike.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/robust/lib.sh"
MK="python3 $TOP/tests/integration/robust/mkdata.py"

# run NAME WANT_RC WANT_MSG FILE [script options]: one timed run (script
# loads no program: nothing can stay attached, which check() is told)
run() {
	name=$1 want=$2 msg=$3 file=$4
	shift 4
	t0=$(now_ms)
	/usr/bin/time -f %M -o "$T/rss" timeout 60 $VTRACE script -i "$file" "$@" > "$T/out" 2> "$T/err" < /dev/null
	rc=$?
	el=$(($(now_ms) - t0))
	rss=$(tail -1 "$T/rss")
	[ -n "$msg" ] || echo >> "$T/err"	# a run that prints: no message expected
	check "$name" "$want" $rc "$msg" "$T/err" $el 5000 none "$([ "$rss" -lt 300000 ] && echo 1 || echo 0)" \
		"peak memory ${rss} KB"
}

# bounded: refused where the bad record is, quickly, in every output mode,
# the message naming the record and what in it is wrong
# (run() and check() set variables of their own: the case's are df_*)
while IFS=: read -r df_case df_off df_why; do
	$MK "$df_case" "$T/$df_case.data" < /dev/null
	for df_mode in text --json --folded; do
		[ $df_mode = text ] && opt= || opt=$df_mode
		run "$df_case ($df_mode): refused at its record, saying what is wrong" 1 \
			"$T/$df_case.data is corrupted at offset $df_off ($df_why)" "$T/$df_case.data" $opt
	done
done <<'CASES'
printf-width:64:a printf format record: a printf format with a conversion vtrace does not print, or a width or precision over 4,096
printf-precision:64:a printf format record: a printf format with a conversion vtrace does not print, or a width or precision over 4,096
array-zero-elems:128:a type record: an array's elements have no size, or more of them than its size holds
array-4g:128:a type record: a type with more than 262,144 members and elements to print
probe-id:64:a probe record: a probe number over 65,535
fields-count:128:a type record: a type's member count is more than the record holds
args-count:64:a probe record: a probe of more than 64 args
sample-before-probe:128:a sample record: a sample that does not decode: no probe record before it, or not of its probe's layout
lhist-range:64:an aggregation record: a linear histogram's bounds or step are out of range: int bounds, a positive step, at most 65,536 buckets
umap-cpus:64:a map record: a per-CPU map of more than 65,536 CPUs, or of values without a size
CASES
$MK type-ids "$T/ids.data"
for mode in text --json; do
	[ $mode = text ] && opt= || opt=$mode
	run "type ids of 16M in 16 objects ($mode): the tables' budget, not 2 GB" 1 \
		"(a type record asks for more than the 64 MB a file's tables may take)" "$T/ids.data" $opt
done
# what came before the bad record is printed: the sample before its probe's record is the first
expect_eq "sample-before-probe: nothing printed for the sample without a probe" 0 \
	"$($VTRACE script -i "$T/sample-before-probe.data" --json 2> /dev/null | wc -l)"

# escaped: a name or text with a terminal's escape sequences (ESC [, ESC ], BEL, C1 CSI)
esc=$(printf '\033')
for c in esc-event:'ev\x1b[31mred\x1b]0;title\x07' esc-meta:'# host=h\x1b[31mred\x1b]0;title\x07' \
	esc-printf:'lit\x1b[31mred\x1b]0;title\x07 c=\x1b' esc-field:'f\x1b[31mred\x1b]0;title\x07=16843009' \
	esc-c1:'ev\xc2\x9b31m: hi'; do
	case=${c%%:*} want=${c#*:}
	$MK "$case" "$T/$case.data" < /dev/null
	run "$case: printed" 0 "" "$T/$case.data" --header
	if grep -q "$esc" "$T/out" || grep -q "$(printf '\302\233')" "$T/out" || ! grep -qF -- "$want" "$T/out"; then
		not_ok "$case: escaped in the text, as $want" "$(cat -A "$T/out" | head -5)"
	else
		ok "$case: no escape sequence reaches the terminal; shown as $want"
	fi
	$VTRACE script -i "$T/$case.data" --json > "$T/json" 2> "$T/err"
	if python3 -c 'import json, sys
for l in open(sys.argv[1]): json.loads(l)' "$T/json" 2> "$T/perr" && ! grep -q "$esc" "$T/json"; then
		ok "$case: --json is valid JSON, with no raw ESC"
	else
		not_ok "$case: --json" "$(cat "$T/perr")" "$(cat -A "$T/json" | head -3)"
	fi
done

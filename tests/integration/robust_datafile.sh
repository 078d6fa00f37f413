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

# bounded: refused where the bad record is, quickly, in every output mode
for c in printf-width:64:3 printf-precision:64:3 array-zero-elems:128:5 array-4g:128:5 \
	probe-id:64:4 fields-count:128:5 args-count:64:4 sample-before-probe:128:6 \
	lhist-range:64:10 umap-cpus:64:11; do
	case=${c%%:*} off=${c#*:}
	type=${off#*:} off=${off%:*}
	$MK "$case" "$T/$case.data"
	for mode in text --json --folded; do
		[ $mode = text ] && opt= || opt=$mode
		run "$case ($mode): refused at its record" 1 \
			"$T/$case.data is corrupted at offset $off (a record of type $type does not parse)" "$T/$case.data" $opt
	done
done
$MK type-ids "$T/ids.data"
for mode in text --json; do
	[ $mode = text ] && opt= || opt=$mode
	run "type ids of 16M in 16 objects ($mode): the tables' budget, not 2 GB" 1 \
		"asks for more than the 64 MB a file's tables may take" "$T/ids.data" $opt
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
	$MK "$case" "$T/$case.data"
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

#!/bin/sh
# Aggregations (vtrace.h's VTRACE_COUNT() ... VTRACE_LHIST()) and the
# program's own maps, printed at exit and every --interval: every count,
# sum, min, max, average and bucket against what the target itself
# computed from the values it passed (tests/integration/aggs_check.py).
. "$(dirname "$0")/../lib.sh"

CHECK="python3 $TOP/tests/integration/aggs_check.py"
for v in gcc-O2 clang-O0; do
	bin=$TARGETS/aggs-$v
	prog=$(instantiate aggs "$bin")
	"$VTRACE" record -e "$prog" -- "$bin" 400 > "$T/text.$v" 2> "$T/err.$v"
	$CHECK text "$T/text.$v" | sed "s/^\(not \)\{0,1\}ok - /&$v: /"
	"$VTRACE" record --json -e "$prog" -- "$bin" 400 > "$T/json.$v" 2>> "$T/err.$v"
	$CHECK json "$T/json.$v" | sed "s/^\(not \)\{0,1\}ok - /&$v: /"
done

# -o FILE --json: the aggregations go into the file with the samples, not to the command's stdout
bin=$TARGETS/aggs-gcc-O2
prog=$(instantiate aggs "$bin")
"$VTRACE" record -o "$T/agg.json" --json -e "$prog" -- "$bin" 200 > "$T/cmd.out" 2> "$T/err.o"
if grep -q '"type":"aggregation"' "$T/cmd.out"; then
	not_ok "-o FILE --json: aggregations kept out of the command's output" "$(grep aggregation "$T/cmd.out" | head -3)"
else
	ok "-o FILE --json: aggregations kept out of the command's output"
fi
cat "$T/cmd.out" "$T/agg.json" > "$T/both"
$CHECK json "$T/both" | sed 's/^\(not \)\{0,1\}ok - /&-o FILE: /'

prog=$(instantiate maps "$bin")
"$VTRACE" record -e "$prog" -- "$bin" 300 > "$T/maps.text" 2> "$T/maps.err"
$CHECK maps-text "$T/maps.text"
"$VTRACE" record --json -e "$prog" -- "$bin" 300 > "$T/maps.json" 2>> "$T/maps.err"
$CHECK maps-json "$T/maps.json"
if python3 -m json.tool --json-lines < "$(grep '^{' "$T/maps.json" > "$T/maps.only"; echo "$T/maps.only")" > /dev/null; then
	ok "maps: python3 -m json.tool reads every line"
else
	not_ok "maps: python3 -m json.tool reads every line"
fi

# --interval 1 over a 3-second run: printed more than once, then the totals
prog=$(instantiate aggs "$bin")
"$VTRACE" record --interval 1 -e "$prog" -- "$bin" 60 3 > "$T/iv.text" 2> "$T/iv.err"
n=$(grep -c '^@hits: ' "$T/iv.text")
if [ "$n" -ge 3 ]; then ok "interval: @hits printed $n times in 3 s"; else
	not_ok "interval: @hits printed at least 3 times in 3 s (twice or more at intervals, once at exit)" "$(cat "$T/iv.text" "$T/iv.err" | head -40)"; fi
expect_eq "interval: the last print is the total" "@hits: 60" "$(grep '^@hits: ' "$T/iv.text" | tail -1)"
first=$(grep '^@hits: ' "$T/iv.text" | head -1 | cut -d' ' -f2)
if [ "${first:-0}" -gt 0 ] && [ "$first" -lt 60 ]; then ok "interval: the first print is part way ($first of 60)"; else
	not_ok "interval: the first print is part way" "first=$first"; fi
"$VTRACE" record --json --interval 1 -e "$prog" -- "$bin" 60 3 > "$T/iv.json" 2>> "$T/iv.err"
n=$(grep -c '"name":"hits","kind":"count","interval":' "$T/iv.json")
if [ "$n" -ge 2 ]; then ok "interval: JSON prints carry their interval number ($n)"; else
	not_ok "interval: JSON prints carry their interval number" "$(head -20 "$T/iv.json")"; fi
$CHECK json "$T/iv.json" | sed 's/^\(not \)\{0,1\}ok - /&interval: /'

# no drops, no complaints
if grep -q "dropped\|malformed\|ERROR\|runtime error" "$T"/err.* "$T/maps.err" "$T/iv.err"; then
	not_ok "aggs: nothing dropped, no sanitizer findings" "$(cat "$T"/err.* "$T/maps.err" "$T/iv.err" | head -20)"
else
	ok "aggs: nothing dropped, no sanitizer findings"
fi

# From the command line, no C: -e SPEC with --count, --hist=ARG, --lhist=ARG:MIN:MAX:STEP, --sum ...
sp="exec=$bin;ARG=work key value"
"$VTRACE" record -e "$(echo "$sp" | sed s/ARG/work/)" --hist value -e "$(echo "$sp" | sed s/ARG/lin/)" \
	--lhist value:-100:1000:100 -e "$(echo "$sp" | sed s/ARG/hits/)" --count \
	-e "$(echo "$sp" | sed s/ARG/total/)" --sum value -e "$(echo "$sp" | sed s/ARG/lo/)" --min value \
	-e "$(echo "$sp" | sed s/ARG/hi/)" --max=value -e "$(echo "$sp" | sed s/ARG/mean/)" --avg value \
	-- "$bin" 300 > "$T/cli.text" 2> "$T/cli.err"
$CHECK cli "$T/cli.text"
expect_grep "cli: no samples recorded, only aggregated" "[ vtrace: 0 samples, 0 lost ]" "$T/cli.err"
"$VTRACE" record -e "$sp" --hist nope -- "$bin" 1 > /dev/null 2> "$T/cli.bad"
expect_grep "cli: an arg the spec lacks is named" "--hist=nope: the spec has no such arg" "$T/cli.bad"
"$VTRACE" record -e "$prog" --count -- "$bin" 1 > /dev/null 2> "$T/cli.bad2"
expect_grep "cli: a C file is told to call vtrace_count()" "apply to a spec; in a program, call vtrace_count()" "$T/cli.bad2"

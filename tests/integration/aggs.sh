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

# -o DATA: the file keeps the aggregations and maps; script prints them as record printed them
"$VTRACE" record -o "$T/agg.data" -e "$prog" -- "$bin" 200 > "$T/rec.out" 2> "$T/err.d"
"$VTRACE" script -i "$T/agg.data" > "$T/script.out" 2>> "$T/err.d"
if [ -s "$T/script.out" ] && [ "$(grep -v '^call ' "$T/rec.out")" = "$(cat "$T/script.out")" ]; then
	ok "data file: script prints the aggregations record printed ($(grep -c '^@' "$T/script.out") lines)"
else
	not_ok "data file: script prints the aggregations record printed" "$(diff "$T/rec.out" "$T/script.out" | head)"
fi
grep '^call ' "$T/rec.out" | cat - "$T/script.out" > "$T/both"
$CHECK text "$T/both" | sed 's/^\(not \)\{0,1\}ok - /&script -i DATA: /'
"$VTRACE" script -i "$T/agg.data" --json > "$T/script.json" 2>> "$T/err.d"
grep '^call ' "$T/rec.out" | cat - "$T/script.json" > "$T/both"
$CHECK json "$T/both" | sed 's/^\(not \)\{0,1\}ok - /&script -i DATA --json: /'
mprog=$(instantiate maps "$bin")
"$VTRACE" record -w -e "$mprog" -- "$bin" 300 > "$T/mrec.out" 2> "$T/err.d2"
"$VTRACE" script > "$T/mscript.out" 2>> "$T/err.d2"
rm -f vtrace.data vtrace.data.old
grep '^call ' "$T/mrec.out" | cat - "$T/mscript.out" > "$T/both"
$CHECK maps-text "$T/both" | sed 's/^\(not \)\{0,1\}ok - /&record -w, script: /'
expect_eq "data file: a map prints the same from the file" "$(grep -v '^call ' "$T/mrec.out")" "$(cat "$T/mscript.out")"

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
# --by KEY, and args past the third (the spec's 5th and 6th here)
sp="exec=$bin;ARG=work v0=value k0=key v1=value key value"
"$VTRACE" record -e "$(echo "$sp" | sed s/ARG/calls/)" --count --by key \
	-e "$(echo "$sp" | sed s/ARG/total/)" --sum value --by key \
	-e "$(echo "$sp" | sed s/ARG/lo/)" --min value --by key \
	-e "$(echo "$sp" | sed s/ARG/hi/)" --max value --by key \
	-e "$(echo "$sp" | sed s/ARG/mean/)" --avg value --by key \
	-e "$(echo "$sp" | sed s/ARG/sizes/)" --hist value --by key \
	-- "$bin" 300 > "$T/by.text" 2> "$T/by.err"
$CHECK cli-by "$T/by.text"
# --by comm, pid: the process's own (bpftrace's builtins), when the spec has no such arg
"$VTRACE" record -x "$bin" -e 'work key value' --count --by comm -e 'work value' --sum value --by comm \
	-- "$bin" 150 > "$T/byc.text" 2> "$T/byc.err"
want=$(awk '/^call / {n++; s += $3} END {printf "@work[%s]: %d\n\n@work_1[%s]: %.0f", c, n, c, s}' \
	c="$(basename "$bin" | cut -c1-15)" "$T/byc.text")
expect_eq "cli: --by comm counts and sums per command name (as the target's calls)" "$want" \
	"$(grep -v '^call ' "$T/byc.text")"
"$VTRACE" record -e 'raw_tp/sched_process_exec p->pid' --count --by comm \
	-- sh -c 'ls > /dev/null; /bin/true; /bin/true' > "$T/byx.text" 2> "$T/byx.err"
expect_eq "cli: --count --by comm of a process tree's execs" \
	"$(printf '@sched_process_exec[ls]: 1\n@sched_process_exec[sh]: 1\n@sched_process_exec[true]: 2')" \
	"$(grep '^@' "$T/byx.text" | sort)"
"$VTRACE" record -x "$bin" -e 'work key' --count --by nope -- "$bin" 1 > /dev/null 2> "$T/by.bad"
expect_grep "cli: --by an arg the spec lacks is named" "--by nope: the spec has no such arg" "$T/by.bad"
"$VTRACE" record -x "$bin" -e 'work key' --by key -- "$bin" 1 > /dev/null 2> "$T/by.bad"
rc=$?
if [ $rc = 2 ] && grep -q -- "--by keys an aggregation" "$T/by.bad"; then
	ok "cli: --by without an aggregation is a usage error"
else
	not_ok "cli: --by without an aggregation is a usage error" "rc $rc" "$(cat "$T/by.bad")"
fi
"$VTRACE" record -e "$prog" --count -- "$bin" 1 > /dev/null 2> "$T/cli.bad2"
expect_grep "cli: a C file is told to call vtrace_count()" "apply to a spec; in a program, call vtrace_count()" "$T/cli.bad2"

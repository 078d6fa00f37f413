#!/bin/sh
# record -g: user stacks of a known call chain (main -> outer -> middle,
# inlined -> leaf) equal gdb's backtrace at the same address, frame for
# frame (pc, function, inlined or not); JSON carries the same frames; a
# data file replays them after the process exited; --folded counts equal
# the calls the target says it made.
. "$(dirname "$0")/../lib.sh"

for v in gcc-O2 clang-O2; do
	BIN=$TARGETS/stacks-$v
	spec_program "$T/leaf.c" "exec=$BIN;ev=leaf x"
	# no address randomization, as under gdb: the same addresses in both
	setarch -R "$BIN" 2 1 > /dev/null
	"$VTRACE" record -g -e "$T/leaf.c" -- setarch -R "$BIN" 4 3 > "$T/live" 2> "$T/err"
	gdb -batch -nx -x "$TOP/tests/integration/stacks.py" --args "$BIN" 4 3 > "$T/gdb" 2>&1
	grep '^frame ' "$T/gdb" | awk '{print $2, $3, $4}' > "$T/gdb.frames"
	# the first sample's frames up to main: PC NAME inline|normal
	awk '/^ / && n++ {exit} /^\t/ {
		sym = $2; sub(/\+0x[0-9a-f]+$/, "", sym)
		print $1, sym, ($3 == "(inlined)" ? "inline" : "normal")
		if (sym == "main") exit }' "$T/live" > "$T/vt.frames"
	if [ "$(wc -l < "$T/gdb.frames")" = 4 ] && cmp -s "$T/gdb.frames" "$T/vt.frames"; then
		ok "$v: -g frames equal gdb's bt at leaf (pc, function, inlined): $(awk '{printf "%s%s ", $2, ($3 == "inline" ? "(inlined)" : "")}' "$T/vt.frames")"
	else
		not_ok "$v: -g frames equal gdb's bt" "gdb:" "$(cat "$T/gdb.frames")" "vtrace:" "$(cat "$T/vt.frames")" "$(head -5 "$T/err")"
	fi
	# the target exits right after its last call: its mappings came from the kernel's mmap records
	n=$(grep -c '^	' "$T/live"); u=$(grep -c 'unknown' "$T/live")
	if [ "$n" -gt 0 ] && [ "$u" = 0 ]; then
		ok "$v: every frame of every sample symbolized ($n frame lines), though the target exits at once"
	else
		not_ok "$v: every frame symbolized" "$(grep -m3 unknown "$T/live")"
	fi
	expect_grep "$v: frame lines are perf script's: tab, address, symbol+offset, DSO" \
		"$(printf '\t')$(awk 'NR==1 {printf "%16s", $1}' "$T/vt.frames") leaf+0x0 ($BIN)" "$T/live"

	# a plain program sending through vtrace.h: the same stack
	cat > "$T/plain.c" <<PROG
#include <vtrace.h>
struct hit { int x; };
SEC("uprobe/$BIN:leaf")
int BPF_KPROBE(lf, int x)
{
	struct hit h = { x };

	vtrace_printf("x=%d", x);
	vtrace_emit(&h);
	return 0;
}
char _license[] SEC("license") = "GPL";
PROG
	"$VTRACE" record -g -e "$T/plain.c" -- setarch -R "$BIN" 4 3 > "$T/plain" 2> "$T/err"
	for kind in printf emit; do
		[ $kind = printf ] && pat=' lf: x=3$' || pat=' lf: x=3$'
		awk -v skip=$([ $kind = printf ] && echo 0 || echo 1) -v pat="$pat" '
			$0 ~ pat && !on { if (skip-- > 0) next; on = 1; next }
			on && /^$/ {exit}
			on { sym = $2; sub(/\+0x[0-9a-f]+$/, "", sym)
			     print $1, sym, ($3 == "(inlined)" ? "inline" : "normal")
			     if (sym == "main") exit }' "$T/plain" > "$T/plain.frames"
		if cmp -s "$T/gdb.frames" "$T/plain.frames"; then
			ok "$v: vtrace_$kind with -g: the same frames as gdb's bt"
		else
			not_ok "$v: vtrace_$kind with -g: gdb's frames" "$(cat "$T/plain.frames")" "$(head -20 "$T/plain")"
		fi
	done

	# JSON: the same frames in a "stack" array
	"$VTRACE" record -g --json -e "$T/leaf.c" -- setarch -R "$BIN" 4 3 > "$T/json" 2> /dev/null
	grep '^{' "$T/json" | python3 -c '
import json, sys
s = json.loads(sys.stdin.readline())
for f in s["stack"]:
    print("%x" % int(f["addr"], 16), f["symbol"], "inline" if f["inlined"] else "normal")
    if f["symbol"] == "main":
        break' > "$T/json.frames" 2>&1
	if cmp -s "$T/gdb.frames" "$T/json.frames"; then
		ok "$v: --json's stack array equals gdb's bt"
	else
		not_ok "$v: --json's stack array equals gdb's bt" "$(cat "$T/json.frames")"
	fi

	# a data file: the process has exited when script symbolizes
	"$VTRACE" record -g -o "$T/g.data" -e "$T/leaf.c" -- setarch -R "$BIN" 4 3 > "$T/out" 2> "$T/err"
	"$VTRACE" script -i "$T/g.data" > "$T/replay" 2> "$T/err"
	grep '^	' "$T/live" > "$T/live.f"
	grep '^	' "$T/replay" > "$T/replay.f"
	if [ -s "$T/live.f" ] && cmp -s "$T/live.f" "$T/replay.f"; then
		ok "$v: script prints the stacks live mode printed ($(wc -l < "$T/replay.f") frame lines)"
	else
		not_ok "$v: script prints live mode's stacks" "$(diff "$T/live.f" "$T/replay.f" | head)"
	fi

	# --folded: one line per stack, counted
	"$VTRACE" script -i "$T/g.data" --folded > "$T/folded" 2> "$T/err"
	calls=$(sed -n 's/^outer=\([0-9]*\) direct=\([0-9]*\)$/\1 \2/p' "$T/out")
	got=$(awk '/;main;outer;middle;leaf / {o = $NF} /;main;leaf / {d = $NF} END {print o, d}' "$T/folded")
	if [ "$calls" = "4 3" ] && [ "$got" = "$calls" ] && [ "$(wc -l < "$T/folded")" = 2 ] &&
		grep -q "^stacks-$v;_start;" "$T/folded"; then
		ok "$v: --folded counts equal the target's calls ($got)"
	else
		not_ok "$v: --folded counts" "target: $calls" "folded:" "$(cat "$T/folded")"
	fi
done

# Old data files (no stacks) still print, and --folded says they have none
spec_program "$T/plain.c" "exec=$TARGETS/stacks-gcc-O2;ev=leaf x"
"$VTRACE" record -o "$T/p.data" -e "$T/plain.c" -- "$TARGETS/stacks-gcc-O2" 2 1 > /dev/null 2>&1
"$VTRACE" script -i "$T/p.data" --folded > "$T/pf" 2> "$T/err"
expect_grep "--folded on samples without stacks says so" "3 samples have no stack" "$T/err"

# C++ frames are demangled, with their parameters, as gdb and perf show them:
# text, JSON and --folded; an inlined member (operator+=) by its linkage name
for v in g++-O2 clang++-O2; do
	BIN=$TARGETS/names-$v
	VT_BREAK='market::Cart::add(int)' VT_HITS=2 setarch -R gdb -batch -nx \
		-x "$TOP/tests/integration/stacks_cxx.py" --args "$BIN" 1 > "$T/cgdb" 2>&1
	# gdb names main by its DWARF prototype; its ELF symbol (perf's name) is "main"
	grep '^frame 1 ' "$T/cgdb" | awk '{ $1 = $2 = ""; print }' | sed -e 's/^  //' \
		-e 's/ main(int, char\*\*) / main /' > "$T/cgdb.frames"
	"$VTRACE" record -g -o "$T/c.data" -x "$BIN" -e 'market::Cart::add(int) qty' -- setarch -R "$BIN" 1 \
		> /dev/null 2> "$T/cerr"
	"$VTRACE" script -i "$T/c.data" > "$T/clive" 2>> "$T/cerr"
	# the second sample (qty=5, through operator+=), frames up to main: PC NAME inline|normal
	awk '/qty=5$/ {on = 1; next} on && /^\t/ {
		line = $0; sub(/^\t */, "", line); pc = line; sub(/ .*/, "", pc); sub(/^[^ ]* /, "", line)
		inl = line ~ / \(inlined\)$/; sub(/ \([^()]*\)$/, "", line); sub(/\+0x[0-9a-f]+$/, "", line)
		print pc, line, (inl ? "inline" : "normal"); if (line == "main") exit }' "$T/clive" > "$T/cvt.frames"
	if [ "$(wc -l < "$T/cgdb.frames")" = 3 ] && cmp -s "$T/cgdb.frames" "$T/cvt.frames"; then
		ok "$v: C++ frames demangled as gdb names them: $(cut -d' ' -f2- "$T/cvt.frames" | tr '\n' ';')"
	else
		not_ok "$v: C++ frames demangled as gdb names them" "gdb:" "$(cat "$T/cgdb.frames")" \
			"vtrace:" "$(cat "$T/cvt.frames")" "$(head -5 "$T/cerr")"
	fi
	"$VTRACE" script -i "$T/c.data" --json 2> /dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    s = json.loads(line)
    if s.get("type") == "sample" and s["args"]["qty"] == 5:
        print(";".join(f["symbol"] for f in s["stack"][:3]))' > "$T/cjson"
	expect_eq "$v: C++ frames demangled in JSON's stack" \
		"$(cut -d' ' -f2 "$T/cvt.frames" | head -3 | tr '\n' ';' | sed 's/;$//')" "$(cat "$T/cjson")"
	"$VTRACE" script -i "$T/c.data" --folded > "$T/cfold" 2> /dev/null
	expect_grep "$v: C++ frames demangled in --folded" \
		";main;market::Cart::operator+=(int);market::Cart::add(int) 1" "$T/cfold"
done

#!/bin/sh
# Robustness, signals: every stop signal at every stage of vtrace record
# (compiling, resolving, loading, attaching, starting the command,
# streaming, writing), with text and data-file output; readers that do not
# keep up or go away.  Each case: the exit status, the one-line message,
# stopped within 2 s of the signal, nothing left attached, no
# /run/vtrace entry, the command not started when it had not started.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/robust/lib.sh"
BUSY=$TARGETS/busy-gcc-O2
LIMIT=2000
n=0

# A clang that takes its time: vtrace must kill it (and its children).
cat > "$T/slowclang" <<EOF2
#!/bin/sh
echo \$\$ >> "$T/clang.pids"
sleep 30
exec clang "\$@"
EOF2
chmod +x "$T/slowclang"

signum() {
	case $1 in INT) echo 2 ;; TERM) echo 15 ;; HUP) echo 1 ;; PIPE) echo 13 ;; esac
}

# stage_case SIG STAGE OUT: vtrace held in STAGE (a slow clang, or
# VTRACE_TEST_STALL), signalled there; out: text or data.
stage_case() {
	sig=$1 stage=$2 out=$3
	n=$((n + 1))
	ev=rs$n
	rm -f "$T/out" "$T/err" "$T/d.data" "$T/clang.pids" "$T/mark"
	if [ "$out" = data ]; then set -- -o "$T/d.data"; else set --; fi
	if [ "$stage" = compiling ]; then
		# a program of its own: not in the compile cache
		spec_program "$T/p$n.c" "exec=$BUSY;$ev=tick i"
		VTRACE_CLANG=$T/slowclang $VTRACE record -e "$T/p$n.c" "$@" -- "$BUSY" 0 > "$T/out" 2> "$T/err" &
	else
		VTRACE_TEST_STALL=$stage VTRACE_TEST_STALL_MARK=$T/mark \
			$VTRACE record -e "exec=$BUSY;$ev=tick i" "$@" -- "$BUSY" 0 > "$T/out" 2> "$T/err" &
	fi
	vp=$!
	if [ "$stage" = compiling ]; then wait_for "$T/clang.pids" ""; else wait_for "$T/mark" ""; fi
	sleep 0.3
	t0=$(now_ms)
	kill -"$sig" $vp
	wait $vp
	rc=$?
	el=$(($(now_ms) - t0))
	extra=1 xwhy=""
	if grep -q pid= "$T/out"; then extra=0 xwhy="the command started"; fi
	# a data file, once created, holds no sample
	if [ -e "$T/d.data" ] && { [ "$stage" != "starting the command" ] ||
		[ "$($VTRACE script -i "$T/d.data" 2>&1 | grep -c ": $ev: ")" != 0 ]; }; then
		extra=0 xwhy="$xwhy; $T/d.data was created"
	fi
	if [ -s "$T/clang.pids" ] && kill -0 "$(cat "$T/clang.pids")" 2>/dev/null; then
		extra=0 xwhy="$xwhy; clang still runs"
	fi
	check "SIG$sig while $stage, $out output" $((128 + $(signum "$sig"))) $rc \
		"vtrace: interrupted by SIG$sig while $stage; the command was not started" "$T/err" \
		$el $LIMIT "$(attached_left "$ev" "" $vp)" $extra "$xwhy"
}

# Samples recorded, from the summary line.
summary_samples() { sed -n 's/^\[ vtrace: \([0-9]*\) samples.*/\1/p' "$1"; }
summary_lost() { sed -n 's/^\[ vtrace: .*, \([0-9]*\) lost.*/\1/p' "$1"; }

# What reached the output: lines of text, samples of the data file.
written() {
	if [ "$1" = data ]; then
		$VTRACE script -i "$T/d.data" 2>/dev/null | grep -c ": $2: "
	else
		grep -c ": $2: " "$T/out"
	fi
}

# stream_case SIG STAGE OUT: signalled while streaming (samples flowing),
# or held in writing (after --duration) and signalled there.
stream_case() {
	sig=$1 stage=$2 out=$3
	n=$((n + 1))
	ev=rs$n
	rm -f "$T/out" "$T/err" "$T/d.data"
	if [ "$out" = data ]; then set -- -o "$T/d.data"; else set --; fi
	if [ "$stage" = writing ]; then
		VTRACE_TEST_STALL=writing $VTRACE record --duration 1 -e "exec=$BUSY;$ev=tick i" "$@" \
			-- "$BUSY" 0 > "$T/out" 2> "$T/err" &
	else
		$VTRACE record -e "exec=$BUSY;$ev=tick i" "$@" -- "$BUSY" 0 > "$T/out" 2> "$T/err" &
	fi
	vp=$!
	wait_for "$T/out" "pid="
	[ -e "/run/vtrace/$vp" ] || sleep 0.5
	ids=$(prog_ids "$ev")
	sleep 1
	[ "$stage" = writing ] && sleep 1.5
	t0=$(now_ms)
	kill -"$sig" $vp
	wait $vp
	rc=$?
	el=$(($(now_ms) - t0))
	got=$(summary_samples "$T/err")
	lost=$(summary_lost "$T/err")
	w=$(written "$out" "$ev")
	extra=1 xwhy=""
	if [ -z "$got" ] || [ "$got" = 0 ] || [ "$w" != $((got - ${lost:-0})) ]; then
		extra=0 xwhy="the summary says ${got:-no} samples, ${lost:-?} lost; $w were written"
	fi
	if [ -z "$ids" ]; then extra=0 xwhy="$xwhy; no program named $ev was loaded"; fi
	# the command got SIGTERM (143), as vtrace-record(1) says
	check "SIG$sig while $stage, $out output: $w samples written" 143 $rc "[ vtrace: " "$T/err" \
		$el $LIMIT "$(attached_left "$ev" "$ids" $vp)" $extra "$xwhy"
}

for sig in INT TERM HUP PIPE; do
	for out in text data; do
		for stage in compiling resolving loading attaching "starting the command"; do
			stage_case $sig "$stage" $out
		done
		for stage in streaming writing; do
			stream_case $sig $stage $out
		done
	done
done

# ---- readers that do not keep up, or go away --------------------------

# slow_reader NAME READER: text to a pipe whose reader is READER; SIGINT after 2 s.
slow_reader() {
	n=$((n + 1))
	ev=rs$n
	rm -f "$T/out" "$T/err"
	( $VTRACE record -e "exec=$BUSY;$ev=tick i" -- "$BUSY" 0 2> "$T/err"; echo $? > "$T/rc" ) | sh -c "$2" > "$T/out" &
	sleep 0.5
	vp=$(pgrep -f "record -e exec=$BUSY;$ev=" | head -1)
	i=0
	while [ ! -e "/run/vtrace/$vp" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 2
	ids=$(prog_ids "$ev")
	t0=$(now_ms)
	kill -INT "$vp"
	while kill -0 "$vp" 2>/dev/null && [ $(($(now_ms) - t0)) -lt 10000 ]; do sleep 0.05; done
	el=$(($(now_ms) - t0))
	wait
	got=$(summary_samples "$T/err")
	lost=$(summary_lost "$T/err")
	w=$(grep -c ": $ev: " "$T/out")
	# a line the stop cut off is a sample counted as lost (outq.h), when
	# the cut left enough of it to be counted above
	[ -n "$(tail -c 1 "$T/out")" ] && tail -n 1 "$T/out" | grep -q ": $ev: " && w=$((w - 1))
	extra=1 xwhy=""
	if [ -z "$got" ] || [ "$w" != $((got - lost)) ] || [ "$lost" = 0 ]; then
		extra=0 xwhy="summary: ${got:-?} samples, ${lost:-?} lost; the reader got $w"
	fi
	check "$1: stops in time, $lost of $got samples counted as not written" 143 "$(cat "$T/rc")" \
		"not written: the output was not read fast enough" "$T/err" $el $LIMIT \
		"$(attached_left "$ev" "$ids" "$vp")" $extra "$xwhy"
}
slow_reader "a reader that sleeps 5 s before reading" "sleep 5; cat"
slow_reader "a reader of 20 KB/s" "while dd bs=2k count=1 2>/dev/null > $T/chunk && [ -s $T/chunk ]; do cat $T/chunk; sleep 0.1; done"

# A stopped reader of a named pipe.
n=$((n + 1)); ev=rs$n
rm -f "$T/fifo" "$T/err"; mkfifo "$T/fifo"
sh -c "exec cat '$T/fifo' > '$T/out'" &
cp=$!
$VTRACE record -e "exec=$BUSY;$ev=tick i" -- "$BUSY" 0 > "$T/fifo" 2> "$T/err" &
vp=$!
sleep 1
kill -STOP $cp
sleep 1.5
ids=$(prog_ids "$ev")
t0=$(now_ms); kill -INT $vp; wait $vp; rc=$?; el=$(($(now_ms) - t0))
kill -CONT $cp; wait $cp
lost=$(summary_lost "$T/err")
check "a stopped reader of a named pipe: stops in time, $lost samples not written" 143 $rc \
	"not written: the output was not read fast enough" "$T/err" $el $LIMIT \
	"$(attached_left "$ev" "$ids" $vp)" "$([ "${lost:-0}" -gt 0 ] && echo 1 || echo 0)" "no sample counted as lost"

# Ctrl-C to the process group while clang runs: clang and vtrace stop.
n=$((n + 1)); ev=rs$n
rm -f "$T/clang.pids" "$T/err" "$T/vp" "$T/rc" "$T/out"
spec_program "$T/pg.c" "exec=$BUSY;$ev=tick i"
setsid sh -c "trap '' INT; VTRACE_CLANG='$T/slowclang' $VTRACE record -e '$T/pg.c' -- '$BUSY' 0 > '$T/out' 2> '$T/err' &
	echo \$! > '$T/vp'; wait \$!; echo \$? > '$T/rc'" &
wait_for "$T/clang.pids" ""
wait_for "$T/vp" ""
sleep 0.3
vp=$(cat "$T/vp")
t0=$(now_ms)
kill -INT -"$(ps -o pgid= "$vp" | tr -d ' ')"
while kill -0 "$vp" 2>/dev/null && [ $(($(now_ms) - t0)) -lt 10000 ]; do sleep 0.05; done
el=$(($(now_ms) - t0))
sleep 0.2
check "Ctrl-C to the process group while clang runs" 130 "$(cat "$T/rc")" \
	"interrupted by SIGINT while compiling; the command was not started" "$T/err" $el $LIMIT \
	"$(attached_left "$ev" "" "$vp")" "$(kill -0 "$(cat "$T/clang.pids")" 2>/dev/null && echo 0 || echo 1)" "clang still runs"

# | head -1: the reader goes away after one line; the run ends, the command gets SIGTERM.
for out in text json; do
	n=$((n + 1)); ev=rs$n
	[ $out = json ] && j=--json || j=
	rm -f "$T/rc" "$T/err" "$T/out"
	i=0
	while pgrep -f "$BUSY 0" > /dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
	t0=$(now_ms)
	( $VTRACE record $j -e "exec=$BUSY;$ev=tick i" -- "$BUSY" 0 2> "$T/err"; echo $? > "$T/rc" ) | head -1 > "$T/out"
	el=$(($(now_ms) - t0))
	busy_left=$(pgrep -f "$BUSY 0" | wc -l)
	check "| head -1 ($out): the run and the command end" 143 "$(cat "$T/rc")" \
		"not written: the output was closed" "$T/err" $el 5000 "$(attached_left "$ev" "")" \
		"$([ "$busy_left" = 0 ] && echo 1 || echo 0)" "the traced command still runs"
done

# A command that ignores SIGTERM gets SIGKILL a second later.
n=$((n + 1)); ev=rs$n
rm -f "$T/out" "$T/err" "$T/d.data"
$VTRACE record -e "exec=$BUSY;$ev=tick i" -o "$T/d.data" -- "$BUSY" 0 ignore-term > "$T/out" 2> "$T/err" &
vp=$!
wait_for "$T/out" pid=
sleep 1
ids=$(prog_ids "$ev")
t0=$(now_ms); kill -INT $vp; wait $vp; rc=$?; el=$(($(now_ms) - t0))
check "a command that ignores SIGTERM is killed a second later" 137 $rc "[ vtrace: " "$T/err" \
	$el 2500 "$(attached_left "$ev" "$ids" $vp)" "$([ "$el" -ge 900 ] && echo 1 || echo 0)" "stopped in $el ms, before the second's grace"

# (in a folder of its own: tests/run runs every tests/integration/*.sh)
# Shared by tests/integration/robust_*.sh: one case = a run of vtrace that
# is made to stop; each asserts the exit status, the one-line message, the
# time it took to stop and that nothing it loaded stayed attached.

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# The ids of the loaded programs named $1.
prog_ids() {
	bpftool prog show 2>/dev/null | sed -n "s/^\([0-9]*\): .* name $1 .*/\1/p"
}

# attached_left NAME IDS: what is still there of programs named NAME
# (IDS: the ids they had while vtrace ran): a program, or a link to one.
attached_left() {
	wait_gone "$1"
	left=$(progs_named "$1")
	[ "$left" != 0 ] && { echo "$left program(s) named $1"; return; }
	for id in $2; do
		bpftool link show 2>/dev/null | grep -q "prog $id\b" && { echo "a link to prog $id"; return; }
	done
	[ -n "$3" ] && [ -e "/run/vtrace/$3" ] && { echo "/run/vtrace/$3"; return; }
	echo none
}

# check NAME WANT_RC RC WANT_MSG MSG_FILE ELAPSED_MS LIMIT_MS LEFT [EXTRA_OK EXTRA_WHY]
check() {
	why=""
	[ "$2" = "$3" ] || why="exit status $3, expected $2;"
	grep -qF -- "$4" "$5" || why="$why message not '$4' ($(head -c 300 "$5" | tr '\n' '|'));"
	[ "$(grep -c . "$5")" -le 2 ] || why="$why $(grep -c . "$5") lines on stderr;"
	[ "$6" -le "$7" ] || why="$why took $6 ms to stop (limit $7);"
	[ "$8" = none ] || why="$why left attached: $8;"
	[ "${9:-1}" = 1 ] || why="$why ${10};"
	if [ -z "$why" ]; then
		ok "$1 (status $3, ${6} ms)"
	else
		not_ok "$1" "$why"
	fi
}

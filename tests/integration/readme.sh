#!/bin/sh
# The README's tour, as written: every "$ vtrace" command between
# <!-- tour --> and <!-- /tour --> runs from the source tree, and its
# samples (event and payload) are the ones the README shows; their values
# agree with what examples/target printed.
. "$(dirname "$0")/../lib.sh"

[ -x "$TOP/examples/target" ] || make -s -C "$TOP" examples/target > /dev/null
mkdir -p "$T/bin"
ln -s "$VTRACE" "$T/bin/vtrace"

# tour.N.cmd: the command; tour.N.want: the samples shown after it
awk -v dir="$T" '
	/<!-- tour -->/ { on = 1; next }
	/<!-- \/tour -->/ { on = 0 }
	!on { next }
	/^\$ vtrace / { n++; sub(/^\$ /, ""); print > (dir "/tour." n ".cmd"); printf "" > (dir "/tour." n ".want"); next }
	/^```/ { next }
	n && /^ *[^ ]+ +[0-9]+ \[[0-9][0-9][0-9]\] +[0-9]+\.[0-9]+: / {
		sub(/^ *[^ ]+ +[0-9]+ \[[0-9][0-9][0-9]\] +[0-9]+\.[0-9]+: /, ""); print >> (dir "/tour." n ".want")
	}
	END { print n + 0 > (dir "/tour.count") }
' "$TOP/README.md"
count=$(cat "$T/tour.count")
if [ "$count" -ge 4 ]; then
	ok "readme: the tour has $count vtrace commands"
else
	not_ok "readme: the tour has vtrace commands" "found $count between <!-- tour --> and <!-- /tour -->"
fi

i=1
while [ $i -le "$count" ]; do
	cmd=$(cat "$T/tour.$i.cmd")
	(cd "$TOP" && PATH="$T/bin:$PATH" sh -c "$cmd") > "$T/out" 2> "$T/err"
	rc=$?
	sed -n -E 's/^ *[^ ]+ +[0-9]+ \[[0-9]{3}\] +[0-9]+\.[0-9]+: //p' "$T/out" > "$T/got"
	if [ $rc = 0 ] && [ -s "$T/tour.$i.want" ] && cmp -s "$T/tour.$i.want" "$T/got"; then
		ok "readme: \$ $cmd"
	else
		not_ok "readme: \$ $cmd" "rc $rc" "README shows:" "$(cat "$T/tour.$i.want")" "got:" \
			"$(cat "$T/got")" "$(head -5 "$T/err")"
	fi
	if python3 "$TOP/tests/tools/orders_check.py" "$T/out" > "$T/check"; then
		ok "readme: command $i: values agree with the target's ($(tail -1 "$T/check"))"
	elif grep -q 'sched_process_exec: comm="target"' "$T/out"; then
		ok "readme: command $i: the exec is the target's"
	else
		not_ok "readme: command $i: values agree with the target's" "$(cat "$T/check")"
	fi
	i=$((i + 1))
done

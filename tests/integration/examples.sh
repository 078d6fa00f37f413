#!/bin/sh
# examples/oneliners.sh as shipped: every one-liner runs, every sample
# agrees with what examples/target printed, and each filter ("# keeps
# EVENT: EXPR" above it) keeps exactly the calls EXPR picks.
. "$(dirname "$0")/../lib.sh"

[ -x "$TOP/examples/target" ] || make -s -C "$TOP" examples/target > /dev/null
mkdir -p "$T/bin"
ln -s "$VTRACE" "$T/bin/vtrace"
PATH="$T/bin:$PATH" sh "$TOP/examples/oneliners.sh" > "$T/all" 2> "$T/err"
rc=$?
expect_eq "examples: oneliners.sh runs (exit status)" 0 "$rc"

# the "# keeps" of each command, in order (empty: every call)
awk '/^# keeps / { k = substr($0, 9); next } /^run vtrace/ { print k; k = "" }' \
	"$TOP/examples/oneliners.sh" > "$T/keeps"
# one file per command's output
awk -v dir="$T" '/^\$ vtrace / { n++ } n { print > (dir "/cmd." n) }' "$T/all"
n=$(grep -c '^run vtrace' "$TOP/examples/oneliners.sh")
got=$(grep -c '^\$ vtrace' "$T/all")
expect_eq "examples: every one-liner ran" "$n" "$got"
i=1
while [ $i -le "$n" ]; do
	keeps=$(sed -n "${i}p" "$T/keeps")
	cmd=$(head -1 "$T/cmd.$i" 2>/dev/null | cut -c3-)
	samples=$(grep -cE '^ *[^ ]+ +[0-9]+ \[[0-9]{3}\] ' "$T/cmd.$i" 2>/dev/null)
	# a command without "# keeps" records every call: each event's samples name every order
	if [ -n "$keeps" ]; then
		set -- "${keeps%%:*}:${keeps#*: }"
	else
		set --
		for ev in $(sed -n -E 's/^ *[^ ]+ +[0-9]+ \[[0-9]{3}\] +[0-9.]+: ([^:]+): .*/\1/p' "$T/cmd.$i" | sort -u); do
			[ "$ev" = odd ] && set -- "$@" "odd:quantity % 2 == 1" || set -- "$@" "$ev:True"
		done
	fi
	if [ "$samples" -gt 0 ] && python3 "$TOP/tests/tools/orders_check.py" "$T/cmd.$i" "$@" > "$T/check"; then
		ok "examples: $cmd: $samples samples ($(tail -1 "$T/check"))"
	else
		not_ok "examples: $cmd" "$samples samples" "$(cat "$T/check" 2>/dev/null)" "$(head -20 "$T/cmd.$i")"
	fi
	i=$((i + 1))
done

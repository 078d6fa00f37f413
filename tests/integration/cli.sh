#!/bin/sh
# CLI habits: -h on every subcommand, -V, help CMD, -q, exit statuses as
# vtrace(1) says (0, 1 an error, 2 a usage error, 127 a command that cannot
# run, the command's own status).
. "$(dirname "$0")/../lib.sh"

# status CMD...: runs it, prints its exit status
status() { "$@" > "$T/out" 2> "$T/err"; echo $?; }

for c in record script list probe; do
	rc=$(status "$VTRACE" $c -h)
	if [ "$rc" = 0 ] && grep -q "^Usage: vtrace $c " "$T/out" && grep -q -- "-q, --quiet" "$T/out"; then
		ok "$c -h prints its usage on stdout, exit 0"
	else
		not_ok "$c -h" "rc=$rc" "$(head -3 "$T/out" "$T/err")"
	fi
	rc=$(status "$VTRACE" $c --no-such-option)
	expect_eq "$c with an unknown option exits 2 (a usage error)" 2 "$rc"
	rc=$(status "$VTRACE" $c -V)
	expect_eq "$c -V prints the version" "0 vtrace $(sed -n 's/^VERSION := //p' Makefile)" "$rc $(cat "$T/out")"
done
rc=$(status "$VTRACE" -V)
expect_eq "vtrace -V" "0 vtrace $(sed -n 's/^VERSION := //p' Makefile)" "$rc $(cat "$T/out")"
rc=$(status "$VTRACE" --version)
expect_eq "vtrace --version" "0 vtrace $(sed -n 's/^VERSION := //p' Makefile)" "$rc $(cat "$T/out")"
expect_eq "vtrace with no command exits 2" 2 "$(status "$VTRACE")"
expect_eq "an unknown command exits 2" 2 "$(status "$VTRACE" frobnicate)"
expect_eq "record without -e exits 2" 2 "$(status "$VTRACE" record -- true)"
expect_eq "a command that cannot be executed exits 127" 127 \
	"$(status "$VTRACE" record -e "$PROGS/getppid.c" -- /nonexistent/cmd)"

# the man page says all of this
man -l Documentation/vtrace.1 2>/dev/null > "$T/man"
if grep -q "2 *A usage error" "$T/man" && grep -Eq "127 +The +command" "$T/man"; then
	ok "vtrace(1) lists the exit statuses"
else
	not_ok "vtrace(1) lists the exit statuses" "$(sed -n '/EXIT STATUS/,/^[A-Z]/p' "$T/man")"
fi

# help CMD: the man page (from the source tree: man has no vtrace pages here), else --help
"$VTRACE" help record > "$T/out" 2> "$T/err"
if grep -q "^VTRACE-RECORD(1)" "$T/out" || grep -q "vtrace-record - " "$T/out"; then
	ok "help record opens vtrace-record(1)"
else
	not_ok "help record opens vtrace-record(1)" "$(head -5 "$T/out" "$T/err")"
fi
PATH=/nonexistent "$VTRACE" help script > "$T/out" 2> "$T/err"
expect_eq "help script without man prints script --help" "0 Usage: vtrace script [OPTION...]" \
	"$? $(head -1 "$T/out")"
expect_eq "help on an unknown command exits 2" 2 "$(status "$VTRACE" help frobnicate)"

# bash completion: subcommands, options from --help, -x BIN's functions
if command -v bash > /dev/null; then
	cat > "$T/comp.sh" <<'COMP'
. "$1"
comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vtrace; echo "${COMPREPLY[*]}"; }
comp vtrace pr
comp vtrace record --js
comp vtrace help sc
comp vtrace record -x "$2" -e ev=gr
comp vtrace record -x "$2" -e gr
comp vtrace probe --funcs -x "$2" he
comp vtrace record -F comm,ti
COMP
	mkdir -p "$T/bin" && ln -sf "$VTRACE" "$T/bin/vtrace"
	PATH=$T/bin:$PATH bash "$T/comp.sh" scripts/completion/vtrace.bash "$TARGETS/strings-gcc-O2" > "$T/out" 2>&1
	expect_eq "bash completion: subcommands, options, help's commands, -x BIN's functions in -e and probe, -F fields" \
		"$(printf 'probe\n--json\nscript\nev=greet\ngreet\nhex\ncomm,tid comm,time')" "$(cat "$T/out")"
fi
rm -rf "$T/root"
make -s install DESTDIR="$T/root" PREFIX=/usr > "$T/out" 2>&1
if [ -x "$T/root/usr/bin/vtrace" ] && [ -f "$T/root/usr/share/man/man1/vtrace-record.1" ] &&
	cmp -s scripts/completion/vtrace.bash "$T/root/usr/share/bash-completion/completions/vtrace"; then
	ok "make install puts the binary, the man pages and the bash completion in place"
else
	not_ok "make install" "$(cat "$T/out")" "$(find "$T/root" | head)"
fi

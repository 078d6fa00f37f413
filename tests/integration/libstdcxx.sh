#!/bin/sh
# Debian's libstdc++ (the debug build of libstdc++6-12-dbg, its DWARF in
# the library) end to end: --funcs lists it (a transactional clone's DWARF
# name, 83 characters of mangled name, stopped the listing), and a real
# recording (BPF uprobes) of realcode/cxxdrive.cpp gets the values the
# driver passed and printed: basic_string<char>::_M_append's characters,
# length and this->_M_string_length, each call once (two units describe
# its one copy), std::__pad::_S_pad's fill and lengths and its
# std::ios_base & (declared in that unit, defined in ios.cc) through
# __io._M_width and __io._M_flags, as gdb reads them, _Hash_bytes' bytes,
# length and result, out_of_range's std::string const & message; and a
# class declared in one file of our own and defined in another.
. "$(dirname "$0")/../lib.sh"

DIR=/usr/lib/x86_64-linux-gnu/debug
LIB=$DIR/libstdc++.so.6.0.30
if [ ! -f "$LIB" ]; then
	not_ok "libstdc++6-12-dbg is installed (scripts/install-deps)"
	exit 0
fi
if ! g++ -O0 -g -Wl,-rpath,"$DIR" -o "$T/cxxdrive" tests/integration/realcode/cxxdrive.cpp 2> "$T/cc.err"; then
	not_ok "cxxdrive builds" "$(cat "$T/cc.err")"
	exit 0
fi

# --- the listing --------------------------------------------------------
"$VTRACE" probe --funcs -x "$LIB" > "$T/funcs" 2> "$T/funcs.err"
expect_eq "--funcs -x libstdc++ (debug build) succeeds" "0 " "$? $(head -c 300 "$T/funcs.err")"
nm --defined-only "$LIB" | awk '$3 ~ /^_ZGTtNSt15underflow_errorC1ERKNSt7__cxx11/ { print $1, $3; exit }' > "$T/tm"
read -r tmaddr tm < "$T/tm"
expect_eq "--funcs lists the transactional clone nm names ($tm)" "1" "$(grep -c -F -- "$tm(" "$T/funcs")"
# its entry, past the prologue: nm's address plus the offset vtrace prints
"$VTRACE" probe --dry-run -x "$LIB" "ev=$tm" 2>&1 | sed -n 's/^  .*)+\([0-9]*\) at 0x\([0-9a-f]*\) .*/\1 \2/p' > "$T/tmat"
read -r off at < "$T/tmat"
expect_eq "ev=$tm is at nm's address" "$(printf %x "$((0x$tmaddr + off))")" "$at"
expect_grep "--funcs lists basic_string<char>::_M_create" \
	"std::__cxx11::basic_string<char,std::char_traits<char>,std::allocator<char>>::_M_create(unsigned long&, unsigned long)" \
	"$T/funcs"

# --- a recording ---------------------------------------------------------
STR='std::__cxx11::basic_string<char,std::char_traits<char>,std::allocator<char>>'
"$VTRACE" record -e "exec=$LIB;app=$STR::_M_append __s:string __n this->_M_string_length" \
	-e "exec=$LIB;pad=std::__pad<char,std::char_traits<char>>::_S_pad __fill __newlen __oldlen __io._M_width __io._M_flags" \
	-e "exec=$LIB;hash=std::_Hash_bytes ptr:string len seed" \
	-e "exec=$LIB;hashret=std::_Hash_bytes%return \$retval" \
	-e "exec=$LIB;oor=std::out_of_range::out_of_range(std::string const&) __arg" \
	-- "$T/cxxdrive" 2 > "$T/out" 2> "$T/err"
sed -n 's/^.*: \(app\|pad\|hash\|hashret\|oor\): /\1: /p' "$T/out" > "$T/got"
# what the driver did, from its own output: s starts as "libstdc++ drive"
# (15), gets " round " (7) and its round number; the message is built from
# "value N" (10) and " over the limit" (15); setw(8) and setfill('*') pad
# "-42" (3)
{
	for i in 0 1; do
		echo "app: __s=\" round \" __n=7 _M_string_length=15"
		echo "app: __s=\"$i\" __n=1 _M_string_length=22"
		echo "pad: __fill='*' __newlen=8 __oldlen=3 _M_width=8 _M_flags=@FLAGS@"
		echo "app: __s=\" over the limit\" __n=15 _M_string_length=10"
		sed -n "s/^caught \(.*\)$/oor: __arg=\"\1\"/p" "$T/out" | sed -n "$((i + 1))p"
		echo "hash: ptr=\"$(sed -n 's/^substr //p' "$T/out" | sed -n "$((i + 1))p")\" len=5 seed=3339675911"
		sed -n 's/^hash \(.*\)$/hashret: retval=\1/p' "$T/out" | sed -n "$((i + 1))p"
	done
} > "$T/want0"
# __io._M_flags as gdb reads it there (ios_base's definition is another unit's)
flags=$(gdb -batch -nx -q -iex 'set debuginfod enabled off' -ex 'set breakpoint pending on' \
	-ex 'break std::__pad<char, std::char_traits<char> >::_S_pad' -ex run -ex 'print (int)__io._M_flags' \
	--args "$T/cxxdrive" 1 2>&1 | sed -n 's/^\$1 = //p')
sed "s/@FLAGS@/$flags/" "$T/want0" > "$T/want"
if [ -n "$flags" ] && grep -q 'caught value 1001' "$T/out" && cmp -s "$T/want" "$T/got"; then
	ok "record on libstdc++: _M_append, _S_pad's ios_base &, _Hash_bytes, out_of_range as the driver passed them ($(wc -l < "$T/got") hits)"
else
	not_ok "record on libstdc++" "want:" "$(cat "$T/want")" "got:" "$(cat "$T/got")" "$(tail -3 "$T/err")"
fi

# --- a class one unit only declares, another defines ----------------------
# (the ios_base case in two files of our own: a.cpp passes an ns::Box & it
# only declares; b.cpp defines Box and prints what it holds.  A C struct is
# not completed by its name: that stays refused.)
cat > "$T/a.cpp" <<'SRC'
namespace ns { class Box; }
long other(ns::Box &b);
long peek(ns::Box &b) { return other(b); }
SRC
cat > "$T/b.cpp" <<'SRC'
#include <cstdio>
namespace ns { class Box { public: long w, h; }; }
long peek(ns::Box &b);
long other(ns::Box &b) { return b.w * b.h; }
int main() { ns::Box b{6, 7}; std::printf("w=%ld h=%ld\n", b.w, b.h); peek(b); return 0; }
SRC
printf 'struct hidden;\nlong peek(struct hidden *h) { return h != 0; }\n' > "$T/a.c"
printf 'struct hidden { long w, h; };\nlong peek(struct hidden *h);\nint main(void) { struct hidden b = { 6, 7 }; return !peek(&b); }\n' > "$T/b.c"
g++ -g -O0 -o "$T/box" "$T/a.cpp" "$T/b.cpp" && gcc -g -O0 -o "$T/boxc" "$T/a.c" "$T/b.c"
"$VTRACE" record -e "exec=$T/box;peek=peek b.w b.h" -- "$T/box" > "$T/box.out" 2> "$T/box.err"
expect_eq "record: a declared class's members, laid out as the unit defining it says" \
	"peek: w=6 h=7 = peek: $(grep '^w=' "$T/box.out")" \
	"$(sed -n 's/^.*: \(peek: .*\)/\1/p' "$T/box.out") = peek: w=6 h=7"
"$VTRACE" probe --dry-run -x "$T/boxc" 'ev=peek h->w' > "$T/boxc.out" 2>&1
expect_grep "a C struct only declared stays refused" "struct hidden has no member 'w'" "$T/boxc.out"

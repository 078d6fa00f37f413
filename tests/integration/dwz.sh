#!/bin/sh
# DWARF compressed by dwz, as nearly every distribution ships its debug
# info: shared types move into partial units (in the file, or with -m into
# a supplementary file named by .gnu_debugaltlink), and partial units have
# no DW_AT_language, by which libdw sizes an array.  vtrace must size,
# list and read them as in the same program's uncompressed DWARF (which
# the gdb comparison checks), and read the values the target prints.
. "$(dirname "$0")/../lib.sh"

if ! command -v dwz > /dev/null; then
	not_ok "dwz: dwz is installed (scripts/install-deps)"
	exit 0
fi
ORIG=$TARGETS/vars-gcc-O2
cp "$ORIG" "$T/a"
cp "$TARGETS/vars-gcc-O0" "$T/b"
# the two builds share their types: -m moves them into $T/common.debug
if ! dwz -m "$T/common.debug" -M "$T/common.debug" "$T/a" "$T/b" 2> "$T/dwz.err"; then
	not_ok "dwz: compresses the two vars builds" "$(cat "$T/dwz.err")"
	exit 0
fi
alt=$(readelf -S "$T/a" | grep -c gnu_debugaltlink)
partial=$(readelf --debug-dump=info "$T/common.debug" | grep -c DW_TAG_partial_unit)
if [ "$alt" -ge 1 ] && [ "$partial" -ge 1 ]; then
	ok "dwz: vars' types are in partial units of a supplementary file ($partial units)"
else
	not_ok "dwz: vars' types are in partial units of a supplementary file" "altlink=$alt partial=$partial"
fi

spec='ev=handle r->method r->in.y r->in r->path:string r->hdr.len status'
$VTRACE probe --dry-run "exec=$T/a;$spec" 2>&1 | sed "s|$T/a|BIN|" > "$T/dwz.dry"
$VTRACE probe --dry-run "exec=$ORIG;$spec" 2>&1 | sed "s|$ORIG|BIN|" > "$T/orig.dry"
if cmp -s "$T/dwz.dry" "$T/orig.dry" && grep -q 'method = bytes\[8\]' "$T/dwz.dry" &&
	grep -q 'y = bytes\[16\]' "$T/dwz.dry"; then
	ok "dwz: arrays in partial units have their sizes (char[8] 8 bytes, int[4] 16), the whole resolution as without dwz"
else
	not_ok "dwz: arrays in partial units have their sizes" "$(diff "$T/orig.dry" "$T/dwz.dry")"
fi

for what in vars lines funcs; do
	case $what in
	vars) a=handle; b=--vars ;;
	lines) a=handle; b=--lines ;;
	funcs) a='*'; b=--funcs ;;
	esac
	$VTRACE probe $b "$a" -x "$T/a" 2>&1 | sed "s|$T/a|BIN|" > "$T/dwz.$what"
	$VTRACE probe $b "$a" -x "$ORIG" 2>&1 | sed "s|$ORIG|BIN|" > "$T/orig.$what"
	if cmp -s "$T/dwz.$what" "$T/orig.$what" && [ -s "$T/dwz.$what" ]; then
		ok "dwz: probe $b lists what it lists without dwz"
	else
		not_ok "dwz: probe $b lists what it lists without dwz" "$(diff "$T/orig.$what" "$T/dwz.$what" | head -5)"
	fi
done

# The values, against what vars prints for each request (vars.c's main)
$VTRACE record -e "exec=$T/a;$spec" -- "$T/a" 2 > "$T/out" 2> "$T/err"
exp='ev: method="GET" y=[0,1,2,3] in={x=-7,y=[0,1,2,3]} path="/index.html" len=100 status=200
ev: method="POST" y=[10,11,12,13] in={x=-14,y=[10,11,12,13]} path="/upload" len=110 status=-201'
got=$(sed -n 's/^.*: \(ev: \)/\1/p' "$T/out")
expect_eq "dwz: the arrays and members read from a dwz'd binary are what vars sets" "$exp" "$got"

# Arrays of 129 to 256 elements: GCC writes their upper bound in one byte
# (199 as 0xc7), which read as signed would make them empty
cat > "$T/arr.c" <<'EOF2'
#include <stdio.h>
#include <string.h>
struct big {
	char name[200];
	short wide[256];
	int tail[3];
};
__attribute__((noinline)) int fill(struct big *b, int k)
{
	return b->wide[k] + b->tail[2];
}
int main(void)
{
	static struct big b;

	strcpy(b.name, "two hundred");
	for (int i = 0; i < 256; i++)
		b.wide[i] = i * 3;
	b.tail[2] = 7;
	printf("%d\n", fill(&b, 255));
	return 0;
}
EOF2
gcc -g -O0 -o "$T/arr0" "$T/arr.c" && gcc -g -O2 -o "$T/arr2" "$T/arr.c" && cp "$T/arr0" "$T/arr0.orig" &&
	dwz -m "$T/arr.debug" -M "$T/arr.debug" "$T/arr0" "$T/arr2"
aspec='ev=fill b->name b->wide[255] b->tail b->wide'
for bin in arr0.orig arr0; do
	$VTRACE probe --dry-run "exec=$T/$bin;$aspec" 2>&1 | sed "s|$T/$bin|BIN|" > "$T/$bin.dry"
done
if cmp -s "$T/arr0.dry" "$T/arr0.orig.dry" && grep -q 'name = bytes\[200\]' "$T/arr0.dry" &&
	grep -q 'wide = bytes\[512\]' "$T/arr0.dry"; then
	ok "dwz: char[200] and short[256] are 200 and 512 bytes, with and without dwz"
else
	not_ok "dwz: char[200] and short[256] have their sizes" "$(cat "$T/arr0.dry")"
fi
for bin in arr0.orig arr0; do
	$VTRACE record -e "exec=$T/$bin;ev=fill b->name b->wide[255] b->tail" -- "$T/$bin" 2>&1 |
		sed -n 's/^.*: \(ev: \)/\1/p' > "$T/$bin.out"
	expect_eq "dwz: $bin: the 200-char string, the 256th short, the int[3] as arr.c set them" \
		'ev: name="two hundred" wide[255]=765 tail=[0,0,7]' "$(cat "$T/$bin.out")"
done

# C++: types in partial units are named with their scopes (std::allocator<char>)
CXX=$TARGETS/shop-g++-O2
# many listings: the unsanitized build makes them
LISTER=$TOP/build/vtrace
[ -x "$LISTER" ] || LISTER=$VTRACE
cp "$CXX" "$T/c"
cp "$TARGETS/shop-g++-O0" "$T/d"
if dwz -m "$T/cxx.debug" -M "$T/cxx.debug" "$T/c" "$T/d" 2> "$T/dwz.err"; then
	$LISTER probe --funcs -x "$T/c" '*' | sed 's/(.*//' | grep -E '^(shop|std::__cxx11)::' | sort -u > "$T/cxx.funcs"
	: > "$T/dwz.cxx"
	: > "$T/orig.cxx"
	while read -r f; do
		$LISTER probe --vars "$f" -x "$T/c" >> "$T/dwz.cxx" 2>&1
		$LISTER probe --vars "$f" -x "$CXX" >> "$T/orig.cxx" 2>&1
	done < "$T/cxx.funcs"
	n=$(wc -l < "$T/cxx.funcs")
	if [ "$n" -gt 20 ] && cmp -s "$T/dwz.cxx" "$T/orig.cxx" && grep -q 'std::allocator<char> &&' "$T/dwz.cxx"; then
		ok "dwz: C++ (shop, g++ -O2): the variables of $n qualified functions, types named as without dwz"
	else
		not_ok "dwz: C++ types named as without dwz ($n functions)" "$(diff "$T/orig.cxx" "$T/dwz.cxx" | head -5)"
	fi
else
	not_ok "dwz: compresses the two shop builds" "$(cat "$T/dwz.err")"
fi

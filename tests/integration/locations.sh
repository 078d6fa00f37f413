#!/bin/sh
# Locations that need more than a register or a stack slot, each checked by
# value against what the target printed: a shared library's global copied
# into the executable (R_X86_64_COPY), computed locations with memory
# reads, typed DWARF ops, C++ classes and references, and the refusals
# that keep a wrong value from printing.
. "$(dirname "$0")/../lib.sh"

# record NAME BIN "SPEC" [ARGS...]: vtrace's " ev: ..." lines into $T/NAME
record() {
	name=$1 bin=$2 spec=$3
	shift 3
	spec_program "$T/$name.c" "$spec"
	"$VTRACE" record -e "$T/$name.c" -- "$bin" "$@" > "$T/$name.out" 2> "$T/$name.err"
	echo $? > "$T/$name.rc"
	sed -n 's/.* ev: //p' "$T/$name.out" > "$T/$name.got"
}

# --- a copy-relocated global: the library reads the executable's copy
mkdir -p "$T/cr"
cat > "$T/cr/lib.c" <<'EOF'
int shared_counter;
struct conf { int a; long b; } shared_conf = { 5, 6 };
__attribute__((noinline)) int bump(int by) { shared_counter += by; shared_conf.a += by; return shared_counter; }
EOF
cat > "$T/cr/main.c" <<'EOF'
#include <stdio.h>
extern int shared_counter;
extern struct conf { int a; long b; } shared_conf;
int bump(int by);
int main(void)
{
	for (int i = 0; i < 3; i++) {
		printf("before c=%d a=%d b=%ld\n", shared_counter, shared_conf.a, shared_conf.b);
		bump(1);
	}
	return 0;
}
EOF
gcc -g -O2 -shared -fPIC -o "$T/cr/libcr.so" "$T/cr/lib.c" &&
	gcc -g -O2 -o "$T/cr/main" "$T/cr/main.c" -L"$T/cr" -lcr -Wl,-rpath,"$T/cr"
if readelf -r "$T/cr/main" | grep -q 'R_X86_64_COPY.*shared_counter'; then
	record copy "$T/cr/main" "exec=$T/cr/libcr.so;ev=bump c=@shared_counter a=@shared_conf.a b=@shared_conf.b"
	sed -n 's/^before //p' "$T/copy.out" > "$T/copy.want"
	if [ "$(cat "$T/copy.rc")" = 0 ] && [ -s "$T/copy.want" ] && cmp -s "$T/copy.want" "$T/copy.got"; then
		ok "a copy-relocated global reads the executable's copy, as the library's code does ($(tr '\n' ' ' < "$T/copy.got"))"
	else
		not_ok "a copy-relocated global reads the executable's copy" "want: $(cat "$T/copy.want")" \
			"got: $(cat "$T/copy.got")" "$(cat "$T/copy.err")"
	fi
else
	not_ok "the test's executable has a copy relocation for shared_counter"
fi

# --- structs in registers and pieces (DW_OP_piece): each field the target printed
for v in gcc-O0 gcc-O2 clang-O0 clang-O2; do
	bin=$TARGETS/pieces-$v
	keep=
	for f in p.a p.b s.x s.y s.c; do
		"$VTRACE" probe --dry-run "ev=use $f" -x "$bin" > /dev/null 2>&1 && keep="$keep $f"
	done
	record pieces "$bin" "exec=$bin;ev=use$keep"
	want=
	for f in $keep; do
		want="$want $(grep -o "$f=[^ ]*" "$T/pieces.out" | head -1 | sed 's/^[ps]\.//')"
	done
	got=" $(cat "$T/pieces.got")"
	if [ "$(cat "$T/pieces.rc")" = 0 ] && [ -n "$keep" ] && [ "$want" = "$got" ]; then
		ok "$v: fields of structs in registers and pieces read what use() printed:$got"
	else
		not_ok "$v: fields of structs in registers and pieces" "want:$want" "got:$got" "$(cat "$T/pieces.err")"
	fi
done
# the whole struct, assembled from two register pieces (gcc -O2)
record whole "$TARGETS/pieces-gcc-O2" "exec=$TARGETS/pieces-gcc-O2;ev=use p s"
expect_eq "gcc-O2: whole structs assembled from register pieces" "p={a=10,b=-20} s={x=6,y=-3,c='q'}" \
	"$(cat "$T/whole.got")"

# --- a pointer the optimizer removed (DW_OP_implicit_pointer): what it points
# to, wherever that lives, against gdb's *p at each copy's stop
U=$TOP/tests/integration/units
gcc -g -O2 -o "$T/units" "$U/a.c" "$U/b.c" "$U/c.c"
if "$VTRACE" probe --dry-run "ev=twice p" -x "$T/units" 2>&1 | grep -q DW_OP_implicit_pointer; then
	record implicit "$T/units" "exec=$T/units;ev=twice k a=p->a b=p[0].b"
	gdb -batch -nx -ex 'break twice' -ex run -ex 'printf "k=%d a=%d b=%d\n", k, p->a, p->b' \
		-ex c -ex 'printf "k=%d a=%d b=%d\n", k, p->a, p->b' \
		-ex c -ex 'printf "k=%d a=%d b=%d\n", k, p->a, p->b' "$T/units" 2>/dev/null |
		grep '^k=' > "$T/implicit.want"
	if [ -s "$T/implicit.want" ] && cmp -s "$T/implicit.want" "$T/implicit.got"; then
		ok "through an optimized-out pointer: p->a and p[0].b read its target, as gdb's *p ($(tr '\n' ' ' < "$T/implicit.got"))"
	else
		not_ok "through an optimized-out pointer" "gdb: $(cat "$T/implicit.want")" \
			"vtrace: $(cat "$T/implicit.got")" "$(cat "$T/implicit.err")"
	fi
	out=$("$VTRACE" probe --dry-run "ev=twice p" -x "$T/units" 2>&1)
	case "$out" in
	*"has no value, but what it points to can be read"*) ok "the removed pointer itself is refused, saying what can be read" ;;
	*) not_ok "the removed pointer itself is refused" "$out" ;;
	esac
else
	not_ok "gcc -O2 describes twice()'s p as DW_OP_implicit_pointer"
fi

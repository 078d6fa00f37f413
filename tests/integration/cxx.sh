#!/bin/sh
# C++ names, checked against gdb 13 on tests/targets-cxx/names.cpp built by
# g++ and clang++ at -O0 and -O2: for each name the addresses vtrace
# probes are gdb's breakpoint locations for `break NAME` (qualified names
# and their "::" suffixes, template arguments given or left out,
# overloads by their parameter types and const, destructors, members
# inlined into their callers, an anonymous namespace, a mangled name);
# spellings gdb does not take but vtrace does ("const Item&", a typedef
# without its scope) land on the same addresses; --funcs lists what gdb's
# info functions lists, every name it prints is one ev= takes, and a
# recorded program on Cart::add(int) gets what the target was passed.
. "$(dirname "$0")/../lib.sh"

VARIANTS="g++-O0 g++-O2 clang++-O0 clang++-O2"

# addresses, one a line, hex without leading zeros
gdb_locs() {
	gdb -batch -nx -q -iex 'set debuginfod enabled off' "$1" -ex "break $2" -ex 'info breakpoints' 2>&1 |
		sed -n 's/.* 0x0*\([0-9a-f][0-9a-f]*\) in .*/\1/p' | sort -u
}
vt_locs() {
	"$VTRACE" probe --dry-run -x "$1" "ev=$2" 2>/dev/null |
		sed -n 's/^  .* at 0x\([0-9a-f]*\) (file offset .*/\1/p' | sort -u
}
flat() { tr '\n' ' ' | sed 's/ $//'; }

# Runs in gdb: for each "NAME<tab>ADDRS" line of $LOC_IN, whether vtrace's
# addresses and gdb's locations for "break NAME" are one a function block
# each, the same blocks: where in a block the probe goes is not compared
# (gdb 13 enters an inlined copy at its first range, not at its
# DW_AT_entry_pc, and skips clang -O2 prologues, where vtrace probes the
# entry: the resolver's policy, tested in funcs.sh and locations.sh).
cat > "$T/locs.py" <<'PY'
import os
import gdb

gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("maint expand-symtabs")


def key(b):
    return (b.start, b.end, str(b.function), b.function.linkage_name)


def chain(addr):
    """The function blocks (inlined copies, the function) holding addr, innermost first."""
    out = []
    try:
        b = gdb.block_for_pc(addr)
    except RuntimeError:
        return out
    while b is not None and not b.is_global:
        if b.function is not None:
            out.append(key(b))
        b = b.superblock
    return out


def unparams(s):
    depth = 0
    for i, c in enumerate(s):
        depth += c in "<" and 1 or c in ">" and -1 or 0
        if c == "(" and depth == 0 and i and not s.startswith("(anonymous", i):
            return s[:i]
    return s


def untemplate(s):
    out, depth = "", 0
    for c in s:
        depth += c == "<"
        if not depth:
            out += c
        depth -= c == ">" and depth > 0
    return out


def named(b, name):
    if name.startswith("_Z"):
        return b[3] == name
    want, have = unparams(name), unparams(b[2])
    if "<" not in want:
        have = untemplate(have)
    return have == want or have.endswith("::" + want)


for line in open(os.environ["LOC_IN"]):
    name, _, mine = line.rstrip("\n").partition("\t")
    try:
        bp = gdb.Breakpoint(name, internal=True)
        # a location is the block of the function it names (another may be inlined at its start)
        theirs = sorted(set((loc.address, loc.function) for loc in bp.locations))
        bp.delete()
    except gdb.error:
        theirs = []
    mine = sorted(int(a, 16) for a in mine.split())
    # the innermost block of a function so named (loc.function names the outer one)
    blocks = [next((b for b in chain(a) if named(b, name)), None) for a, f in theirs]
    blocks = [b for b in blocks if b is not None]
    theirs = [a for a, f in theirs]
    covered = [[b for b in blocks if b in chain(a)] for a in mine]
    same = len(blocks) == len(theirs) == len(mine) and all(len(c) == 1 for c in covered) and \
        len(set(c[0] for c in covered)) == len(mine)
    print("%s\t%s\t%d\t%s\t%s" % ("same" if same else "differ", name, len(theirs),
                                  " ".join("%#x" % a for a in theirs), " ".join("%#x" % a for a in mine)),
          flush=True)
PY

# names gdb's break takes, one a line
cat > "$T/names" <<'EOF'
add
Cart::add
market::Cart::add
Cart::add(int)
Cart::add(market::Item const&)
Cart::add(const market::Item &)
Cart::add(std::string, int)
market::Cart::credit(long)
Cart::credit(market::cents_t)
Box::get
Box<int>::get
market::Box<double>::get
get
scaled
Cart::scaled<int>
Cart::~Cart
~Cart
Cart::count
Cart::count()const
Cart::slot
Cart::slot(int)
Cart::slot(int)const
detail::add
market::detail::add(int, int)
tally
(anonymous namespace)::tally
_ZN6market4Cart3addEi
Cart::Cart
Item::Item
EOF

for v in $VARIANTS; do
	bin=$TARGETS/names-$v
	[ -x "$bin" ] || { not_ok "names-$v is built"; continue; }
	while read -r name; do
		printf '%s\t%s\n' "$name" "$(vt_locs "$bin" "$name" | sed 's/^/0x/' | flat)"
	done < "$T/names" > "$T/in"
	LOC_IN=$T/in gdb -batch -nx -q -x "$T/locs.py" "$bin" > "$T/locs" 2>&1
	n=$(grep -c '^same	' "$T/locs")
	multi=$(awk -F'\t' '$1 == "same" && $3 > 1' "$T/locs" | wc -l)
	if [ "$n" = "$(wc -l < "$T/names")" ]; then
		ok "names-$v: $n names, each at gdb's breakpoint locations' blocks ($multi with several)"
	else
		not_ok "names-$v: each name at gdb's breakpoint locations' blocks" \
			"$(awk -F'\t' '$1 == "differ" { print $2 ": gdb " $4 ", vtrace " $5 }' "$T/locs")"
	fi
	# and where gdb and vtrace agree on the policy (gcc -O0: the prologue
	# skipped, no inlined copies), the very addresses
	if [ "$v" = g++-O0 ]; then
		bad=
		while read -r name; do
			[ "$(gdb_locs "$bin" "$name" | flat)" = "$(vt_locs "$bin" "$name" | flat)" ] || bad="$bad [$name]"
		done < "$T/names"
		expect_eq "names-$v: each name at gdb's very addresses" "" "$bad"
	fi
done

# what vtrace takes beyond gdb: the same addresses as gdb's spelling
for v in $VARIANTS; do
	bin=$TARGETS/names-$v
	for pair in 'Cart::add(const Item&)=Cart::add(market::Item const&)' \
		'Cart::add(Item const &)=Cart::add(market::Item const&)' \
		'Cart::credit(cents_t)=Cart::credit(long)' \
		'market::Cart::add(std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, int)=Cart::add(std::string, int)'; do
		mine=${pair%%=*} theirs=${pair#*=}
		want=$(gdb_locs "$bin" "$theirs" | flat)
		expect_eq "names-$v '$mine' is '$theirs'" "$want" "$(vt_locs "$bin" "$mine" | flat)"
	done
done

bin=$TARGETS/names-g++-O0
"$VTRACE" probe --dry-run -x "$bin" 'ev=Cart::add(char)' > "$T/out" 2> "$T/err"
expect_grep "an overload that does not exist: the ones that do" \
	"no overload 'Cart::add(char)' in $bin; there are market::Cart::add(" "$T/err"
expect_grep "... each of them" "market::Cart::add(market::Item const&)" "$T/err"
"$VTRACE" probe --dry-run -x "$bin" 'ev=Cart::count()' > "$T/out" 2> "$T/err"
expect_grep "a const member without const: the one there is" \
	"no overload 'Cart::count()' in $bin; there is market::Cart::count()const" "$T/err"
"$VTRACE" probe --dry-run -x "$bin" 'ev=art::add' > "$T/out" 2> "$T/err"
expect_grep "a scope matches whole: art:: is not Cart::" "no function 'art::add'" "$T/err"
"$VTRACE" probe --dry-run -x "$bin" 'ev=Cart::add(int) qty' > "$T/out" 2>&1
expect_grep "--dry-run names the instance as gdb does" "  market::Cart::add(int)+" "$T/out"
"$VTRACE" probe --vars 'Cart::add(int)' -x "$bin" > "$T/out" 2>&1
expect_grep "--vars takes a C++ name" "market::Cart::add(int)+" "$T/out"
"$VTRACE" probe --lines 'Cart::add(int)' -x "$bin" > "$T/out" 2>&1
expect_grep "--lines takes a C++ name" "Cart::add(int)@" "$T/out"

# --- the listing -----------------------------------------------------------

for v in $VARIANTS; do
	bin=$TARGETS/names-$v
	"$VTRACE" probe --funcs -x "$bin" > "$T/funcs" 2>&1
	# every name listed is one ev= takes, and lands somewhere
	n=0 bad=
	while read -r f; do
		n=$((n + 1))
		"$VTRACE" probe --dry-run -x "$bin" "ev=$f" > /dev/null 2>&1 || bad="$bad [$f]"
	done < "$T/funcs"
	expect_eq "names-$v: each of the $n names --funcs lists resolves" "" "$bad"
	# gdb's info functions for names.cpp: each line ends with a name vtrace
	# lists (after the return type; spaces aside, mangled ones demangled)
	c++filt < "$T/funcs" > "$T/mine"
	gdb -batch -nx -q -iex 'set debuginfod enabled off' "$bin" -ex 'info functions .' 2>&1 |
		awk '/^File / { mine = /names\.cpp:$/ } mine && /^[0-9]+:/' | sed 's/^[0-9]*:[ 	]*//; s/;$//' > "$T/gdb"
	python3 - "$T/mine" "$T/gdb" "names-$v" <<'PY'
import sys
squash = lambda s: "".join(s.split())
mine = set(squash(l) for l in open(sys.argv[1]))
gdb = [l.rstrip("\n") for l in open(sys.argv[2]) if l.strip()]
# the name starts after the return type: at a space, '*' or '&'
missing = [g for g in gdb if not any(squash(g[i:]) in mine for i in range(len(g)) if i == 0 or g[i - 1] in " *&")]
print(("ok - " if gdb and not missing else "not ok - ") +
      "%s: --funcs lists each of gdb's %d functions of names.cpp as info functions names it" % (sys.argv[3], len(gdb)))
for m in missing:
    print("#   missing: " + m)
PY
done
"$VTRACE" probe --funcs -x "$TARGETS/names-g++-O0" 'Cart::add*' > "$T/out" 2>&1
expect_eq "--funcs GLOB matches a qualified name's '::' suffix" \
	"market::Cart::add(int) market::Cart::add(market::Item const&) market::Cart::add(std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, int)" \
	"$(flat < "$T/out")"
"$VTRACE" probe --funcs -x "$TARGETS/names-g++-O0" '*tally*' > "$T/out" 2>&1
expect_eq "--funcs: an anonymous namespace as gdb spells it" \
	"(anonymous namespace)::tally(market::Cart const&)" "$(flat < "$T/out")"

# --- a recording on one overload ------------------------------------------

for v in g++-O0 clang++-O2; do
	bin=$TARGETS/names-$v
	cat > "$T/add.c" <<PROG
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("exec=$bin;add=Cart::add(int) qty this->count_")
int add(struct pt_regs *ctx, int err)
{
	return 1;
}
char _license[] SEC("license") = "GPL";
PROG
	"$VTRACE" record -e "$T/add.c" -- "$bin" 3 > "$T/out" 2> "$T/err"
	sed -n 's/^add(int) \([0-9]*\)$/add: qty=\1/p' "$T/out" > "$T/want"
	sed -n 's/.* \(add: qty=[0-9]*\) .*/\1/p' "$T/out" > "$T/got"
	if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then
		ok "record $v on Cart::add(int): qty as the target printed it ($(wc -l < "$T/got") calls, no other overload)"
	else
		not_ok "record $v on Cart::add(int)" "want: $(flat < "$T/want")" "got: $(flat < "$T/got")" \
			"$(tail -3 "$T/err")"
	fi
done

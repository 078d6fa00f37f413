#!/bin/sh
# Arrays as C declares them: int m[3][4] is 3 rows of 4 ints (an index
# steps by a row, then by an element), a struct's last member declared [1]
# is the flexible-array idiom (indexed past its bound, as gdb does), and a
# constant index past a bound or a row left unindexed is refused.  Values
# against what the program sets (m[i][j] = 10 i + j).
. "$(dirname "$0")/../lib.sh"

cat > "$T/md.c" <<'EOF2'
#include <stdio.h>
struct flex { int n; int item[1]; };
struct grid { int m[3][4]; char names[2][8]; struct flex *f; };
__attribute__((noinline)) int look(struct grid *g, int k)
{
	return g->m[k][2] + g->f->item[k];
}
int main(void)
{
	static struct grid g = { .names = { "first", "second" } };
	static int store[8];
	struct flex *f = (struct flex *)store;

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 4; j++)
			g.m[i][j] = i * 10 + j;
	f->n = 3;
	f->item[0] = 100;
	f->item[1] = 101;
	f->item[2] = 102;
	g.f = f;
	printf("%d\n", look(&g, 1));
	return 0;
}
EOF2
for opt in O0 O2; do
	gcc -g -$opt -o "$T/md-$opt" "$T/md.c" || { not_ok "arrays: md.c builds at -$opt"; continue; }
	$VTRACE record -e "exec=$T/md-$opt;ev=look g->m[1][2] g->m[2][3] g->names[1][0] g->f->item[2] g->m g->names" \
		-- "$T/md-$opt" > "$T/out" 2> "$T/err"
	expect_eq "arrays -$opt: m[1][2], m[2][3], names[1][0], a [1] member's item[2], m and names by rows" \
		"ev: m[1][2]=12 m[2][3]=23 names[1][0]='s' item[2]=102 m=[[0,1,2,3],[10,11,12,13],[20,21,22,23]] names=[\"first\",\"second\"]" \
		"$(sed -n 's/^.*: \(ev: \)/\1/p' "$T/out")"
done

$VTRACE record --json -e "exec=$T/md-O0;ev=look g->m g->names" -- "$T/md-O0" > "$T/out" 2> "$T/err"
expect_grep "arrays: --json has the rows as nested arrays" \
	'"args":{"m":[[0,1,2,3],[10,11,12,13],[20,21,22,23]],"names":["first","second"]}' "$T/out"
$VTRACE record -o "$T/md.data" -e "exec=$T/md-O0;ev=look g->m g->names" -- "$T/md-O0" > /dev/null 2>&1
expect_eq "arrays: a data file keeps the rows" \
	'ev: m=[[0,1,2,3],[10,11,12,13],[20,21,22,23]] names=["first","second"]' \
	"$($VTRACE script -i "$T/md.data" | sed -n 's/^.*: \(ev: \)/\1/p')"

# refused, each with a caret under the step
refuse() {
	spec=$1 msg=$2 col=$3
	$VTRACE probe --dry-run "exec=$T/md-O0;ev=look $spec" > "$T/out" 2> "$T/err"
	rc=$?
	caret=$(sed -n 3p "$T/err" | awk '{ print index($0, "^") }')
	want=$((${#T} + 24 + col))
	if [ $rc = 1 ] && grep -qF -- "$msg" "$T/err" && [ "$caret" = "$want" ]; then
		ok "arrays: '$spec' is refused: $msg"
	else
		not_ok "arrays: '$spec' is refused: $msg" "status $rc, caret at $caret (want $want)" "$(cat "$T/err")"
	fi
}
refuse 'g->m[1]' 'this is a row of int[3][4]: index each dimension' 5
refuse 'g->m[3][0]' '[3] is out of bounds of int[3][4] (indexes 0 to 2)' 5
refuse 'g->m[1][4]' '[4] is out of bounds of int[3][4] (indexes 0 to 3)' 8
refuse 'g->m[1].x' 'index every dimension of int[3][4] before this' 8
refuse 'g->names[2][0]' '[2] is out of bounds of char[2][8]' 9

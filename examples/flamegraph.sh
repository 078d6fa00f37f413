#!/bin/sh
# A flame graph from record -g: the stacks examples/target calls
# process_order from, folded (one line per stack with its count) for
# flamegraph.pl or speedscope.
#
#   examples/flamegraph.sh [N]      # N orders; writes target.data, target.folded
#   flamegraph.pl target.folded > target.svg    # github.com/brendangregg/FlameGraph
#
# VTRACE (default ./vtrace) and OUT (default .) may be set.
set -e
cd "$(dirname "$0")/.."
VTRACE=${VTRACE:-./vtrace}
OUT=${OUT:-.}
N=${1:-5}
"$VTRACE" record -g -o "$OUT/target.data" -e 'exec=examples/target;order=process_order quantity' \
	-- examples/target "$N" > /dev/null
"$VTRACE" script -i "$OUT/target.data" --folded > "$OUT/target.folded"
if command -v flamegraph.pl > /dev/null 2>&1; then
	flamegraph.pl "$OUT/target.folded" > "$OUT/target.svg"
fi
cat "$OUT/target.folded"

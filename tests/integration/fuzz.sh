#!/bin/sh
# The spec parser under libFuzzer (ASan, UBSan) for a bounded number of
# runs: a crash, leak or abort fails the test.
. "$(dirname "$0")/../lib.sh"
FUZZ=$TOP/build/fuzz/fuzz_spec
if [ ! -x "$FUZZ" ]; then
	not_ok "spec fuzzer built" "missing $FUZZ (needs libclang-rt-14-dev)"
	exit 0
fi
mkdir -p "$T/corpus"
cp "$TOP"/tests/fuzz/corpus-spec/* "$T/corpus/"
if "$FUZZ" -runs=200000 -max_len=256 -seed=1 "$T/corpus" > "$T/log" 2>&1; then
	ok "spec parser: 200000 fuzzed inputs, no crash, leak or bad caret ($(grep -o 'cov: [0-9]*' "$T/log" | tail -1))"
else
	not_ok "spec parser fuzzing" "$(tail -30 "$T/log")"
fi

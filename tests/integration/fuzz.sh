#!/bin/sh
# The spec parser under libFuzzer (ASan, UBSan) for a bounded number of
# runs, then the data-file reader for a bounded time (VTRACE_FUZZ_SECS,
# 60 s): a crash, leak or abort fails the test.
# (their reports go to their own logs: tests/run sends other reports to files)
. "$(dirname "$0")/../lib.sh"
FUZZ=$TOP/build/fuzz/fuzz_spec
if [ ! -x "$FUZZ" ]; then
	not_ok "spec fuzzer built" "missing $FUZZ (needs libclang-rt-14-dev)"
	exit 0
fi
mkdir -p "$T/corpus"
cp "$TOP"/tests/fuzz/corpus-spec/* "$T/corpus/"
if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$FUZZ" -runs=200000 -max_len=256 -seed=1 "$T/corpus" > "$T/log" 2>&1; then
	ok "spec parser: 200000 fuzzed inputs, no crash, leak or bad caret ($(grep -o 'cov: [0-9]*' "$T/log" | tail -1))"
else
	not_ok "spec parser fuzzing" "$(tail -30 "$T/log")"
fi

# The data-file reader and vtrace script's printers (text, -F, --json,
# --folded, stacks) for a bounded time from real `vtrace record -o` files
# and past findings (tests/fuzz/corpus-datafile/, made by
# tests/fuzz/make-datafile-seeds): a crash, leak, timeout, runaway
# allocation or a control byte in the text fails the test.
FUZZ=$TOP/build/fuzz/fuzz_datafile
if [ ! -x "$FUZZ" ]; then
	not_ok "data-file fuzzer built" "missing $FUZZ (needs libclang-rt-14-dev)"
	exit 0
fi
mkdir -p "$T/dcorpus" "$T/art"
cp "$TOP"/tests/fuzz/corpus-datafile/* "$T/dcorpus/"
secs=${VTRACE_FUZZ_SECS:-60}
if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=suppressions=$TOP/tests/fuzz/lsan.supp:print_suppressions=0 "$FUZZ" -max_total_time="$secs" \
	-max_len=65536 -seed=1 -close_fd_mask=2 -rss_limit_mb=2048 -timeout=30 -artifact_prefix="$T/art/" \
	"$T/dcorpus" > "$T/dlog" 2>&1; then
	ok "data-file reader: ${secs} s fuzzed, $(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$T/dlog") inputs, no crash, leak, hang or raw control byte ($(grep -o 'cov: [0-9]*' "$T/dlog" | tail -1))"
else
	not_ok "data-file reader fuzzing" "$(grep -v '^#\|^"\|NEW_FUNC' "$T/dlog" | tail -30)" \
		"input: $(ls "$T"/art/* 2> /dev/null | head -1) (kept in $T: copy it to tests/fuzz/corpus-datafile/)"
	trap - EXIT
fi

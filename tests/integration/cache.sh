#!/bin/sh
# The compile cache: a hit skips clang; a changed header is noticed.
. "$(dirname "$0")/../lib.sh"
export XDG_CACHE_HOME=$T/cache
SYS=$TARGETS/syscalls-gcc-O2

mkdir "$T/src"
cat > "$T/src/local.h" <<'EOF2'
#define GREETING "first"
EOF2
cat > "$T/src/prog.c" <<'EOF2'
#include <vtrace.h>
#include "local.h"
SEC("raw_tp/sys_enter")
int greet(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == 110)
		vtrace_printf("%s", GREETING);
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF2

"$VTRACE" record -v -e "$T/src/prog.c" -- "$SYS" count 1 > "$T/out" 2> "$T/err"
expect_grep "first run compiles" "debug: compiling $T/src/prog.c" "$T/err"
expect_grep "first run's program works" "greet: first" "$T/out"
if ls "$T"/cache/vtrace/btf/*/vmlinux.h > /dev/null 2>&1 && [ -f "$T/cache/vtrace/include/vtrace.h" ]; then
	ok "vmlinux.h and vtrace.h are in the cache"
else
	not_ok "vmlinux.h and vtrace.h are in the cache" "$(find "$T/cache")"
fi
grep -q 'struct task_struct {' "$T"/cache/vtrace/btf/*/vmlinux.h
expect_eq "vmlinux.h holds the kernel's types" 0 $?

"$VTRACE" record -v -e "$T/src/prog.c" -- "$SYS" count 1 > "$T/out" 2> "$T/err"
expect_grep "second run hits the cache" "debug: $T/src/prog.c: cached object" "$T/err"
if grep -q "debug: compiling" "$T/err"; then not_ok "second run does not run clang"; else ok "second run does not run clang"; fi
expect_grep "cached program works" "greet: first" "$T/out"

echo '#define GREETING "second"' > "$T/src/local.h"
"$VTRACE" record -v -e "$T/src/prog.c" -- "$SYS" count 1 > "$T/out" 2> "$T/err"
expect_grep "a changed header recompiles" "debug: compiling $T/src/prog.c" "$T/err"
expect_grep "and the new header is used" "greet: second" "$T/out"

# The same source next to a different header elsewhere must not be confused.
cp -r "$T/src" "$T/src2"
echo '#define GREETING "third"' > "$T/src2/local.h"
"$VTRACE" record -v -e "$T/src2/prog.c" -- "$SYS" count 1 > "$T/out" 2> "$T/err"
expect_grep "same source, other directory, other header: its own header is used" "greet: third" "$T/out"
"$VTRACE" record -v -e "$T/src/prog.c" -- "$SYS" count 1 > "$T/out" 2> "$T/err"
expect_grep "and the first directory still gets its own" "greet: second" "$T/out"

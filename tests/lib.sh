# Helpers for integration tests: each check prints "ok - NAME" or
# "not ok - NAME" with "#" lines saying why.  Sourced by tests/*/*.sh.
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
VTRACE=${VTRACE:-$TOP/build/san/vtrace}
TARGETS=$TOP/build/targets
PROGS=$TOP/tests/integration/progs
T=$(mktemp -d /tmp/vtrace-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
# One compile cache for the whole run, kept apart from the user's.
export XDG_CACHE_HOME=${VTRACE_TEST_CACHE:-$TOP/build/test-cache}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

ok() { echo "ok - $1"; }
not_ok() {
	echo "not ok - $1"
	shift
	for l in "$@"; do printf '#   %s\n' "$l"; done
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}

# expect_grep NAME PATTERN FILE: a line of FILE matches the fixed string
expect_grep() {
	if grep -qF -- "$2" "$3"; then ok "$1"; else not_ok "$1" "no line with: $2" "in:" "$(head -c 2000 "$3")"; fi
}

# Fills a .c.in template for one target binary.
instantiate() {
	sed "s|@TARGET@|$2|g" "$PROGS/$1.c.in" > "$T/$1.c"
	echo "$T/$1.c"
}

# Programs currently loaded in the kernel whose name matches.
progs_named() {
	bpftool prog show 2>/dev/null | grep -c " name $1 " || true
}

# The kernel frees a program shortly after its last link and fd close
# (RCU): wait, bounded, until none named $1 is left.
wait_gone() {
	i=0
	while [ "$(progs_named "$1")" != 0 ] && [ $i -lt 50 ]; do
		i=$((i + 1))
		sleep 0.1
	done
}

# All loaded BPF programs (to check that a failure left nothing behind).
prog_count() {
	bpftool prog show 2>/dev/null | grep -c '^[0-9]*:' || true
}

# The count once the kernel has freed what an exited vtrace closed (RCU, as
# wait_gone): waits, bounded, until it is at most $1, and prints it.
prog_count_settled() {
	i=0
	n=$(prog_count)
	while [ "$n" -gt "$1" ] && [ $i -lt 50 ]; do
		i=$((i + 1))
		sleep 0.1
		n=$(prog_count)
	done
	echo "$n"
}

# Waits (bounded, not timed as a test) until FILE contains STRING.
wait_for() {
	i=0
	while ! grep -qF -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 600 ] && return 1
		sleep 0.1
	done
	return 0
}

# spec_program FILE "SPEC": a spec program that records every hit with all its args
spec_program() {
	cat > "$1" <<EOF2
#define SEC(NAME) __attribute__((section(NAME), used))
struct pt_regs;
SEC("$2")
int prog(struct pt_regs *ctx, int err) { return 1; }
char _license[] SEC("license") = "GPL";
EOF2
}

#!/bin/sh
# Bad input: each case gets a clear one-line error naming the culprit, a
# non-zero exit, and leaves no BPF program loaded.
. "$(dirname "$0")/../lib.sh"

SYS=$TARGETS/syscalls-gcc-O2
ARGS=$TARGETS/args-gcc-O2

# expect_fail NAME EXPECTED_STATUS MESSAGE -- vtrace args...
# EXPECTED_STATUS "nz" accepts any non-zero status.
expect_fail() {
	name=$1 want=$2 msg=$3
	shift 4
	before=$(prog_count)
	"$VTRACE" "$@" > "$T/out" 2> "$T/err"
	rc=$?
	after=$(prog_count_settled "$before")
	if { [ "$want" = nz ] && [ $rc != 0 ]; } || [ "$rc" = "$want" ]; then
		if grep -qF -- "$msg" "$T/err"; then
			ok "$name"
		else
			not_ok "$name" "no '$msg' in stderr:" "$(cat "$T/err")"
		fi
	else
		not_ok "$name" "status $rc, wanted $want" "$(cat "$T/err")"
	fi
	if [ "$after" -le "$before" ]; then
		ok "$name: nothing left loaded"
	else
		not_ok "$name: nothing left loaded" "programs before: $before, after: $after"
	fi
}

prog() {
	cat > "$T/$1.c"
	echo "$T/$1.c"
}

expect_fail "missing program file" 1 "vtrace: /nonexistent/prog.c: No such file or directory" -- \
	record -e /nonexistent/prog.c -- "$SYS" exit 0

p=$(prog syntax <<'EOF'
#include <vtrace.h>
SEC("raw_tp/sys_enter") int f(void *ctx) { return undefined_thing; }
EOF
)
expect_fail "compile error: clang's diagnostics" 1 "use of undeclared identifier 'undefined_thing'" -- \
	record -e "$p" -- "$SYS" exit 0
expect_fail "compile error: vtrace's summary" 1 "syntax.c: compile failed" -- \
	record -e "$p" -- "$SYS" exit 0

expect_fail "not a BPF object (an x86 ELF)" 1 "/bin/true: not a BPF object;" -- \
	record -e /bin/true -- "$SYS" exit 0
echo "hello" > "$T/text.o"
expect_fail "not a BPF object (not ELF)" 1 "text.o: not a BPF object (not an ELF file)" -- \
	record -e "$T/text.o" -- "$SYS" exit 0

p=$(prog xdp <<'EOF'
#include <vtrace.h>
SEC("xdp") int f(void *ctx) { return 2; }
char _license[] SEC("license") = "GPL";
EOF
)
expect_fail "a section vtrace cannot attach" 1 "program 'f' is in section \"xdp\", which vtrace cannot attach" -- \
	record -e "$p" -- "$SYS" exit 0

p=$(prog fentry <<'EOF'
#include <vtrace.h>
SEC("fentry/vfs_read") int f(void *ctx) { return 0; }
char _license[] SEC("license") = "GPL";
EOF
)
expect_fail "fentry on a kernel that refuses trampolines says so" 1 "this kernel refuses BPF trampolines" -- \
	record -e "$p" -- "$SYS" exit 0

p=$(prog kprobe <<'EOF'
#include <vtrace.h>
SEC("kprobe/do_sys_openat2") int f(void *ctx) { return 0; }
char _license[] SEC("license") = "GPL";
EOF
)
if [ ! -e /sys/bus/event_source/devices/kprobe ]; then
	expect_fail "kprobe on a kernel without CONFIG_KPROBES" 1 \
		"this kernel has no kprobes (it was built without CONFIG_KPROBES)" -- \
		record -e "$p" -- "$SYS" exit 0
fi

p=$(prog nofunc <<EOF
#include <vtrace.h>
SEC("uprobe/$ARGS:no_such_function") int f(void *ctx) { return 0; }
char _license[] SEC("license") = "GPL";
EOF
)
expect_fail "uprobe on a missing function" 1 "no function 'no_such_function' in $ARGS" -- \
	record -e "$p" -- "$ARGS" 1

p=$(prog nobin <<'EOF'
#include <vtrace.h>
SEC("uprobe//no/such/binary:main") int f(void *ctx) { return 0; }
char _license[] SEC("license") = "GPL";
EOF
)
expect_fail "uprobe on a missing binary" 1 "/no/such/binary: No such file or directory" -- \
	record -e "$p" -- "$SYS" exit 0

p=$(prog badoff <<EOF
#include <vtrace.h>
SEC("uprobe/$ARGS:compute+zz") int f(void *ctx) { return 0; }
char _license[] SEC("license") = "GPL";
EOF
)
expect_fail "malformed section: caret under the bad part" 1 "^" -- \
	record -e "$p" -- "$SYS" exit 0

p=$(prog norawtp <<'EOF'
#include <vtrace.h>
SEC("raw_tp/no_such_tracepoint") int f(void *ctx) { return 0; }
char _license[] SEC("license") = "GPL";
EOF
)
expect_fail "missing raw tracepoint" 1 "no raw tracepoint 'no_such_tracepoint' in this kernel" -- \
	record -e "$p" -- "$SYS" exit 0

p=$(prog notp <<'EOF'
#include <vtrace.h>
SEC("tp/syscalls/no_such_event") int f(void *ctx) { return 0; }
char _license[] SEC("license") = "GPL";
EOF
)
expect_fail "missing tracepoint" 1 "no tracepoint syscalls:no_such_event in this kernel" -- \
	record -e "$p" -- "$SYS" exit 0

p=$(prog verifier <<'EOF'
#include <vtrace.h>
SEC("raw_tp/sys_enter")
int deref(struct bpf_raw_tracepoint_args *ctx)
{
	int *p = (int *)ctx->args[0];
	return *p;
}
char _license[] SEC("license") = "GPL";
EOF
)
expect_fail "verifier rejection is summarised with the source line" 1 \
	"verifier.c: the BPF verifier rejected program 'deref' at verifier.c:6 (\`return *p;\`): R1 invalid mem access 'scalar'" -- \
	record -e "$p" -- "$SYS" exit 0
"$VTRACE" record -v -e "$p" -- "$SYS" exit 0 > /dev/null 2> "$T/err"
expect_grep "-v shows the verifier's log" "processed " "$T/err"

expect_fail "command that cannot be executed" 127 "cannot execute '/no/such/command': No such file or directory" -- \
	record -e "$PROGS/getppid.c" -- /no/such/command
expect_fail "command not on PATH" 127 "cannot execute 'no-such-command-xyz'" -- \
	record -e "$PROGS/getppid.c" -- no-such-command-xyz
expect_fail "a PID that does not exist" 1 "-p 4194303: no such process" -- \
	record -e "$PROGS/getppid.c" -p 4194303
expect_fail "no -e at all" nz "no programs: give one or more with -e FILE" -- \
	record -- "$SYS" exit 0
expect_fail "COMMAND and -p together" 2 "a COMMAND, -p and -a exclude each other" -- \
	record -p 1 -e "$PROGS/getppid.c" -- "$SYS" exit 0
expect_fail "-p and -a together" 2 "a COMMAND, -p and -a exclude each other" -- \
	record -p 1 -a -e "$PROGS/getppid.c"
expect_fail "unknown subcommand" 2 "'frobnicate' is not a vtrace command" -- frobnicate

if command -v setpriv > /dev/null; then
	cp "$VTRACE" "$T/vtrace-nobody"
	chmod 755 "$T" "$T/vtrace-nobody"
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$T/vtrace-nobody" record -e "$PROGS/getppid.c" -- "$SYS" exit 0 > /dev/null 2> "$T/err"
	rc=$?
	if [ $rc = 1 ] && grep -qF "tracing needs root, or the CAP_BPF and CAP_PERFMON capabilities" "$T/err"; then
		ok "not root: says what is needed"
	else
		not_ok "not root: says what is needed" "rc=$rc" "$(cat "$T/err")"
	fi
fi

# Kernel points that need DWARF: vtrace reads the kernel through BTF only,
# so they are refused when the spec is resolved (before kprobes are asked
# for: the same on this host as in the VM), the culprit underlined.
# kernel_point SPEC UNDERLINED MESSAGE
kernel_point() {
	printf '#define SEC(NAME) __attribute__((section(NAME), used))\nSEC("%s")\n%s\n%s\n' "$1" \
		'int prog(void *ctx) { return 1; }' 'char _license[] SEC("license") = "GPL";' > "$T/kp.c"
	for how in record dry-run; do
		if [ $how = record ]; then
			"$VTRACE" record -e "$T/kp.c" -- "$SYS" exit 0 > /dev/null 2> "$T/err"
		else
			"$VTRACE" probe --dry-run "$1" > /dev/null 2> "$T/err"
		fi
		rc=$?
		under=$(awk 'prev != "" && /^ *\^+$/ { match($0, /\^+/); print substr(prev, RSTART, RLENGTH) }
			     { prev = $0 }' "$T/err")
		if [ $rc = 1 ] && grep -qF -- "$3" "$T/err" && [ "$under" = "$2" ] &&
			[ "$(grep -c '^vtrace: ' "$T/err")" = 1 ]; then
			ok "kernel '$1' ($how): refused, one line, '$2' underlined"
		else
			not_ok "kernel '$1' ($how)" "rc=$rc, underlined '$under'" "$(cat "$T/err")"
		fi
	done
}
if [ -r /sys/kernel/btf/vmlinux ]; then
	kernel_point 'ev=vfs_read:10 count' ':10' \
		"':10' is a line of vfs_read, and vtrace reads the kernel through BTF (no line table"
	kernel_point 'ev=fs/read_write.c:450 count' 'fs/read_write.c:450' \
		"a source line needs the kernel's DWARF"
	kernel_point 'ev=vfs_read@fs/read_write.c count' '@fs/read_write.c' \
		"'@fs/read_write.c' picks vfs_read by its source file, which needs the kernel's DWARF"
	kernel_point 'ev=vfs_read+4 count' 'count' \
		"without DWARF the parameters are only known at the function's entry, not at +4"
	kernel_point 'ev=vfs_read+4 $params' '$params' \
		"without DWARF the parameters are only known at the function's entry, not at +4"
fi

# Every error above is one line (a caret line may follow a spec).

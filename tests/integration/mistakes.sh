#!/bin/sh
# A newcomer's first mistakes in a BPF program: each one gets a short
# message (a bounded number of lines) that names the culprit and its
# source line, exit status 1 (vtrace-record(1) EXIT STATUS), and leaves no
# program loaded.  -v still shows everything.
. "$(dirname "$0")/../lib.sh"

SYS=$TARGETS/syscalls-gcc-O2

prog() {
	cat > "$T/$1.c"
	echo "$T/$1.c"
}

# The -e files among vtrace's arguments.
prog_files() {
	while [ $# -gt 0 ]; do
		[ "$1" = -e ] && echo "$2"
		shift
	done
}

# mistake NAME MAX_LINES "WORD|WORD|..." [NOT_WORD] -- vtrace args...
# stderr has at most MAX_LINES lines, contains every WORD, not NOT_WORD;
# the status is 1; nothing stays loaded.
mistake() {
	name=$1 max=$2 words=$3 notword=${4:-}
	shift 4
	[ "$1" = -- ] && shift
	"$VTRACE" "$@" > "$T/out" 2> "$T/err"
	rc=$?
	left=0
	for n in $(sed -n 's/^int \(mistake_[a-z_0-9]*\)(.*/\1/p' $(prog_files "$@")); do
		wait_gone "$n"
		left=$((left + $(progs_named "$n")))
	done
	lines=$(wc -l < "$T/err")
	why=""
	[ $rc = 1 ] || why="status $rc, wanted 1"
	[ "$lines" -le "$max" ] || why="$why; $lines lines of stderr, wanted at most $max"
	old_ifs=$IFS
	IFS='|'
	for w in $words; do
		grep -qF -- "$w" "$T/err" || why="$why; no '$w'"
	done
	IFS=$old_ifs
	if [ -n "$notword" ] && grep -qF -- "$notword" "$T/err"; then
		why="$why; '$notword' is there"
	fi
	if [ -z "$why" ]; then
		ok "$name"
	else
		not_ok "$name" "$why" "$(head -c 3000 "$T/err")"
	fi
	if [ "$left" = 0 ]; then
		ok "$name: nothing left loaded"
	else
		not_ok "$name: nothing left loaded" "$left of its programs are loaded"
	fi
}

# --- CO-RE relocations that find nothing in the running kernel ---
p=$(prog core <<'EOF'
#include <vtrace.h>

struct task_struct___old {
	int no_such_field;
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_enter")
int mistake_f(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct___old *t = (void *)bpf_get_current_task();
	int x = 0;

	x = BPF_CORE_READ(t, no_such_field);
	vtrace_printf("x=%d", x);
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF
)
# clang puts the relocated instruction on line 10: the message must not
# follow it there, nor print libbpf's poison number.
mistake "CO-RE: a missing field is named, with the line that reads it" 1 \
	"core.c: program 'mistake_f' at core.c:13 (\`x = BPF_CORE_READ(t, no_such_field);\`)|the running kernel's struct task_struct has no field no_such_field|CO-RE relocation #0: <byte_off> [|struct task_struct___old.no_such_field|bpf_core_field_exists()" \
	"195896080" -- record -e "$p" -- "$SYS" exit 0
# -a: no process filter goes in front, the instructions keep their indices
mistake "CO-RE, system-wide (no code in front of the program)" 1 \
	"at core.c:13|has no field no_such_field|CO-RE relocation #0" "195896080" -- \
	record -a --duration 1 -e "$p"

# Two missing fields: which relocation the verifier reached decides the message.
p=$(prog core2 <<'EOF'
#include <vtrace.h>

struct task_struct___old {
	int first_missing;
	int second_missing;
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_enter")
int mistake_f(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct___old *t = (void *)bpf_get_current_task();
	int a = 0, b;

	if (bpf_core_field_exists(t->first_missing))
		a = BPF_CORE_READ(t, first_missing);
	b = BPF_CORE_READ(t, second_missing);
	vtrace_printf("%d %d", a, b);
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF
)
mistake "CO-RE: a guarded field is passed over, the unguarded one named" 1 \
	"at core2.c:16 (|has no field second_missing" "first_missing" -- record -e "$p" -- "$SYS" exit 0
sed 's/if (bpf_core_field_exists(t->first_missing))/if (1)/' "$p" > "$T/core3.c"
mistake "CO-RE: unguarded, the first one the program reaches" 1 \
	"at core3.c:15 (|has no field first_missing" "second_missing" -- \
	record -e "$T/core3.c" -- "$SYS" exit 0

p=$(prog coretype <<'EOF'
#include <vtrace.h>

struct no_such_kernel_type {
	int x;
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_enter")
int mistake_f(struct bpf_raw_tracepoint_args *ctx)
{
	struct no_such_kernel_type *t = (void *)ctx->args[0];

	vtrace_printf("%d", BPF_CORE_READ(t, x));
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF
)
mistake "CO-RE: a type the kernel does not have" 1 \
	"at coretype.c:12 (|the running kernel has no struct no_such_kernel_type|bpf_core_type_exists()" \
	"195896080" -- record -e "$p" -- "$SYS" exit 0

p=$(prog coreenum <<'EOF'
#include <vtrace.h>

enum pid_type___mine { PIDTYPE_NOPE___mine = 7 };

SEC("raw_tp/sys_enter")
int mistake_f(struct bpf_raw_tracepoint_args *ctx)
{
	long v = bpf_core_enum_value(enum pid_type___mine, PIDTYPE_NOPE___mine);

	vtrace_printf("%ld", v);
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF
)
mistake "CO-RE: an enum value the kernel does not have" 1 \
	"at coreenum.c:8 (|the running kernel's enum pid_type has no value PIDTYPE_NOPE___mine|<enumval_value>" \
	"195896080" -- record -e "$p" -- "$SYS" exit 0

p=$(prog coresub <<'EOF'
#include <vtrace.h>

struct task_struct___old {
	int gone;
} __attribute__((preserve_access_index));

static __noinline int helper(struct task_struct___old *t)
{
	return BPF_CORE_READ(t, gone);
}

SEC("raw_tp/sys_enter")
int mistake_f(struct bpf_raw_tracepoint_args *ctx)
{
	vtrace_printf("%d", helper((void *)bpf_get_current_task()));
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF
)
mistake "CO-RE: in a subprogram" 1 "at coresub.c:9 (|has no field gone" "195896080" -- \
	record -e "$p" -- "$SYS" exit 0

# --- the compiler ---
p=$(prog sdiv <<'EOF'
#include <vtrace.h>

SEC("raw_tp/sys_enter")
int mistake_f(struct bpf_raw_tracepoint_args *ctx)
{
	long id = ctx->args[1];
	long half = id / 2;

	vtrace_printf("half=%ld", half);
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF
)
clang_major=$(${VTRACE_CLANG:-clang} --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
if [ "$clang_major" = 14 ]; then
	ls /tmp/sdiv-*.c /tmp/sdiv-*.sh > "$T/crash-before" 2> /dev/null
	mistake "clang 14, signed division: one line, the place and what to do" 1 \
		"sdiv.c:7:17: signed division or modulo|make the operands unsigned" "PLEASE submit" -- \
		record -e "$p" -- "$SYS" exit 0
	ls /tmp/sdiv-*.c /tmp/sdiv-*.sh > "$T/crash-after" 2> /dev/null
	expect_eq "clang's crash leaves no reproducer in /tmp" "$(cat "$T/crash-before")" \
		"$(cat "$T/crash-after")"
	sed -i 's|long id = ctx->args\[1\];|int id = ctx->args[1];|; s|long half = id / 2;|int half = 3;|' "$p"
	printf '%s\n' 'SEC("raw_tp/sys_exit")' 'int g(struct bpf_raw_tracepoint_args *ctx)' \
		'{ int r = ctx->args[1]; vtrace_printf("%d", r % 10); return 0; }' >> "$p"
	mistake "clang 14, signed modulo (32-bit, in vtrace_printf)" 1 \
		"sdiv.c:15:|signed division or modulo" "PLEASE submit" -- record -e "$p" -- "$SYS" exit 0
else
	mistake "signed division: a short message" 6 "sdiv.c:7:" "PLEASE submit" -- \
		record -e "$p" -- "$SYS" exit 0
fi

p=$(prog undecl <<'EOF'
#include <vtrace.h>

SEC("raw_tp/sys_enter")
int mistake_f(struct bpf_raw_tracepoint_args *ctx)
{
	long id = ctx->args[1];

	vtrace_printf("id=%ld", idd);
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF
)
mistake "an undeclared name in vtrace_printf: reported once, no macro backtrace" 5 \
	"undecl.c:8:26: error: use of undeclared identifier 'idd'|undecl.c: compile failed" \
	"expanded from macro" -- record -e "$p" -- "$SYS" exit 0
expect_eq "... and its caret is there" 1 "$(grep -c '^ *\^~~$' "$T/err")"
expect_eq "... once" 1 "$(grep -c 'error:' "$T/err")"
"$VTRACE" record -v -e "$p" -- "$SYS" exit 0 > /dev/null 2> "$T/err"
expect_grep "-v: all of clang's output" "note: expanded from macro 'vtrace_printf'" "$T/err"

p=$(prog three <<'EOF'
#include <vtrace.h>
static int helper(int x) { return x + 1 }
SEC("raw_tp/sys_enter")
int mistake_f(struct bpf_raw_tracepoint_args *ctx)
{
	unsigned long x = 3
	return nope;
}
char _license[] SEC("license") = "GPL";
EOF
)
"$VTRACE" record -v -e "$p" -- "$SYS" exit 0 > /dev/null 2> "$T/err"
n=$(sed -n 's/^\([0-9]*\) errors generated\.$/\1/p' "$T/err")
mistake "several errors: the first and a count of the others" 5 \
	"three.c:2:40: error: expected ';' after return statement|three.c: compile failed, $((n - 1)) more error" \
	"three.c:6:" -- record -e "$p" -- "$SYS" exit 0

# --- vtrace_printf's format, checked when the program is compiled ---
p=$(prog fewargs <<'EOF'
#include <vtrace.h>

SEC("raw_tp/sys_enter")
int mistake_f(struct bpf_raw_tracepoint_args *ctx)
{
	vtrace_printf("%d %s", 1);
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF
)
mistake "vtrace_printf(\"%d %s\", 1) does not compile" 5 \
	"fewargs.c:6:21: error: more '%' conversions than data arguments|fewargs.c: compile failed" \
	"expanded from macro" -- record -e "$p" -- "$SYS" exit 0
sed -i 's|vtrace_printf("%d %s", 1);|vtrace_printf("%d", 1, 2);|' "$p"
mistake "vtrace_printf(\"%d\", 1, 2) does not compile" 5 \
	"fewargs.c:6:25: error: data argument not used by format string" "" -- \
	record -e "$p" -- "$SYS" exit 0

p=$(prog wrongtype <<'EOF'
#include <vtrace.h>

SEC("raw_tp/sys_enter")
int mistake_f(struct bpf_raw_tracepoint_args *ctx)
{
	long id = ctx->args[1];

	if (id == 39)	/* getpid */
		vtrace_printf("id=%d", id);
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF
)
"$VTRACE" record -e "$p" -- "$SYS" getpid 1 > "$T/out" 2> "$T/err"
rc=$?
if [ $rc = 0 ] && grep -qF "wrongtype.c:9:26: warning: format specifies type 'int' but the argument has type 'long'" "$T/err" &&
	[ "$(grep -c 'id=39$' "$T/out")" -ge 1 ]; then
	ok "a mismatched type is a warning, and the program runs"
else
	not_ok "a mismatched type is a warning, and the program runs" "rc=$rc" "$(cat "$T/err")" "$(head -5 "$T/out")"
fi

# --- the verifier ---
p=$(prog nullchk <<'EOF'
#include <vtrace.h>
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("raw_tp/sys_enter")
int mistake_f(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 key = ctx->args[1];
	__u64 *v = bpf_map_lookup_elem(&counts, &key);

	*v += 1;
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF
)
mistake "verifier: an unchecked map lookup, its line and what to do" 1 \
	"at nullchk.c:15 (\`*v += 1;\`): R0 invalid mem access 'map_value_or_null'; compare the pointer with NULL" \
	"" -- record -e "$p" -- "$SYS" exit 0
"$VTRACE" record -v -e "$p" -- "$SYS" exit 0 > /dev/null 2> "$T/err"
if grep -qF "processed " "$T/err" && grep -qF "at nullchk.c:15" "$T/err"; then
	ok "verifier, -v: the whole log and the summary"
else
	not_ok "verifier, -v: the whole log and the summary" "$(tail -5 "$T/err")"
fi

p=$(prog nolicense <<'EOF'
#include <vtrace.h>

SEC("raw_tp/sys_enter")
int mistake_f(struct bpf_raw_tracepoint_args *ctx)
{
	char comm[16];

	bpf_probe_read_kernel(comm, sizeof(comm), (void *)ctx->args[0]);
	return 0;
}
EOF
)
mistake "verifier: no license" 1 "at nolicense.c:8|GPL-restricted|char _license[] SEC(\"license\") = \"GPL\";" \
	"" -- record -e "$p" -- "$SYS" exit 0

# Two programs, the second rejected: the message names the second.
p=$(prog second <<'EOF'
#include <vtrace.h>

SEC("raw_tp/sys_enter")
int mistake_good(struct bpf_raw_tracepoint_args *ctx) { return 0; }

SEC("raw_tp/sys_exit")
int mistake_bad(struct bpf_raw_tracepoint_args *ctx)
{
	int *p = (int *)ctx->args[0];
	return *p;
}

SEC("raw_tp/sys_exit")
int mistake_later(struct bpf_raw_tracepoint_args *ctx) { return 0; }
char _license[] SEC("license") = "GPL";
EOF
)
mistake "verifier: the program that was rejected is the one named" 1 \
	"rejected program 'mistake_bad' at second.c:10" "" -- record -e "$p" -- "$SYS" exit 0

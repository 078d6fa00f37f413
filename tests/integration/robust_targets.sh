#!/bin/sh
# Robustness, wrong targets and limits: code vtrace cannot probe (a 32-bit
# or non-x86-64 ELF), an index past an array's bound, a raw uprobe section
# inside an instruction, a program over the kernel's size limit, more args
# than the fault word has bits.  Each is refused with its one-line message
# (and the spec's caret, where there is a spec), the documented status,
# quickly, with nothing attached; the neighbouring right input is taken
# and records the values an independent source says.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/robust/lib.sh"
BUSY=$TARGETS/busy-gcc-O2
VARS=$TARGETS/vars-gcc-O0
n=0

# run NAME WANT_RC WANT_MSG LINES [EXTRA_OK EXTRA_WHY] -- vtrace args (programs named rwN)
run() {
	name=$1 want=$2 msg=$3 lines=$4 xok=1 xwhy=
	shift 4
	[ "$1" = -- ] || { xok=$1 xwhy=$2; shift 2; }
	shift
	n=$((n + 1))
	t0=$(now_ms)
	timeout 60 $VTRACE "$@" > "$T/out" 2> "$T/err" < /dev/null
	rc=$?
	el=$(($(now_ms) - t0))
	# a spec's message is its line, the spec and the caret under it
	if [ "$lines" = 3 ] && [ "$(grep -c . "$T/err")" = 3 ] && tail -1 "$T/err" | grep -q '^ *\^'; then
		head -1 "$T/err" > "$T/err1"
	else
		cp "$T/err" "$T/err1"
	fi
	check "$name" "$want" $rc "$msg" "$T/err1" $el 30000 "$(attached_left "rw$n" "")" "$xok" "$xwhy"
}
# section FILE SEC: a raw section program named rwN (N: the next case's) that prints each hit
section() {
	cat > "$1" <<EOF2
#include <vtrace.h>
SEC("$2")
int rw$((n + 1))(void *ctx) { vtrace_printf("hit"); return 0; }
char _license[] SEC("license") = "GPL";
EOF2
}

# ---- a 32-bit ELF, and a 64-bit one for another machine ----------------
cat > "$T/t32.c" <<'EOF2'
volatile int total;
__attribute__((noinline)) void tick(int i) { total += i; }
void _start(void) { for (int i = 0; i < 3; i++) tick(i); for (;;) ; }
EOF2
if gcc -m32 -g -O1 -nostdlib -static -fno-pie -no-pie -o "$T/t32" "$T/t32.c" 2> "$T/cc"; then
	msg="$T/t32 is a 32-bit ELF for i386; vtrace probes 64-bit x86-64 code only"
	run "a 32-bit ELF (spec): refused, not recorded with wrong values" 1 "$msg" 3 -- \
		record -e "exec=$T/t32;rw$((n + 1))=tick i" -- "$BUSY" 3
	section "$T/s32.c" "uprobe/$T/t32:tick"
	run "a 32-bit ELF (uprobe/ section): refused" 1 "$msg" 1 -- record -e "$T/s32.c" -- "$BUSY" 3
else
	not_ok "a 32-bit test ELF built" "$(head -3 "$T/cc")"
fi
# e_machine (2 bytes at 18) of a copy of busy made aarch64's (183)
cp "$BUSY" "$T/arm64"
printf '\267\000' | dd of="$T/arm64" bs=1 seek=18 conv=notrunc 2> /dev/null
[ "$(od -An -tu2 -j18 -N2 "$T/arm64" | tr -d ' ')" = 183 ] || not_ok "e_machine patched" "$(od -An -tu2 -j18 -N2 "$T/arm64")"
msg="$T/arm64 is a 64-bit ELF for aarch64; vtrace probes 64-bit x86-64 code only"
run "an aarch64 ELF (spec): refused" 1 "$msg" 3 -- record -e "exec=$T/arm64;rw$((n + 1))=tick i" -- "$BUSY" 3
section "$T/sarm.c" "uprobe/$T/arm64:tick"
run "an aarch64 ELF (uprobe/ section): refused" 1 "$msg" 1 -- record -e "$T/sarm.c" -- "$BUSY" 3

# ---- constant indexes: int y[4] (vars.c: r->in.y[k] = i * 10 + k, i = 0 for the first request)
for i in 4 5 1000 -1; do
	run "r->in.y[$i] of int y[4]: refused with a caret" 1 "[$i] is out of bounds of int[4] (indexes 0 to 3)" 3 -- \
		record -e "exec=$VARS;rw$((n + 1))=handle r->in.y[$i]" -- "$VARS" 1
	col=$(($(sed -n 2p "$T/err" | grep -bo "y\[$i\]" | cut -d: -f1) + 1))
	caret=$(sed -n 3p "$T/err" | grep -bo '\^' | head -1 | cut -d: -f1)
	expect_eq "r->in.y[$i]: the caret is under the index" "$col" "$caret"
done
for i in 0 3; do
	run "r->in.y[$i] of int y[4]: taken" 0 "[ vtrace: 1 samples, 0 lost ]" 1 -- \
		record -e "exec=$VARS;rw$((n + 1))=handle r->in.y[$i]" -- "$VARS" 1
	expect_grep "r->in.y[$i]: the value vars.c stored ($i)" "y[$i]=$i" "$T/out"
done

# ---- a raw uprobe/ section at every offset into tick(): objdump says where instructions start
start=$(nm "$BUSY" | awk '$3 == "tick" { print $1 }')
size=$((0x$(nm -S "$BUSY" | awk '$4 == "tick" { print $2 }')))
objdump -d "$BUSY" --start-address=0x$start --stop-address=$(printf '0x%x' $((0x$start + size))) |
	sed -n 's/^ *\([0-9a-f]*\):.*/\1/p' | while read -r a; do echo $((0x$a)); done > "$T/starts"
if [ "$(wc -l < "$T/starts")" -lt 3 ]; then
	not_ok "objdump lists tick()'s instructions" "$(cat "$T/starts")"
fi
off=1
while [ $off -lt "$size" ]; do
	section "$T/off.c" "uprobe/$BUSY:tick+$off"
	if grep -qx $((0x$start + off)) "$T/starts"; then
		run "uprobe/ section at tick+$off (an instruction's start, objdump): attached" 0 \
			"[ vtrace: 3 samples, 0 lost ]" 1 -- record -e "$T/off.c" -- "$BUSY" 3
		expect_eq "uprobe/ section at tick+$off: a hit line for each of busy's 3 calls" 3 \
			"$(grep -c ": rw$n: hit\$" "$T/out")"
	else
		run "uprobe/ section at tick+$off (inside an instruction): refused" 1 \
			"tick+$off is inside an instruction, not at its start" 1 -- record -e "$T/off.c" -- "$BUSY" 3
	fi
	off=$((off + 1))
done

# ---- a program over the kernel's 1,000,000 instructions
cat > "$T/big.c" <<EOF2
#include <vtrace.h>
SEC("uprobe/$BUSY:tick")
int rw$((n + 1))(void *ctx)
{
	asm volatile(".rept 1000001\n r0 = 0\n .endr" ::: "r0");
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF2
run "a program of 1,000,001 instructions: the kernel's limit named" 1 \
	"BPF instructions, more than the kernel loads (1000000, the verifier's BPF_COMPLEXITY_LIMIT_INSNS)" 1 -- \
	record -e "$T/big.c" -- "$BUSY" 3

# ---- args past the fault word's 64 bits
for k in 65 1000; do
	args=$(i=0; while [ $i -lt $k ]; do printf 'i '; i=$((i + 1)); done)
	run "$k args: refused at the 65th, the limit named (a usage error)" 2 "too many args: an event fetches at most 64" 3 -- \
		record -e "exec=$BUSY;rw$((n + 1))=tick $args" -- "$BUSY" 3
done

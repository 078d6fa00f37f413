#!/bin/sh
# Tracepoint fields by their declared type: the syscall tracepoints store
# every argument as an unsigned long ("int dfd; size:8; signed:0"), and
# the field still prints, compares and replays as the int it is declared.
. "$(dirname "$0")/../lib.sh"
OPENAT=$TARGETS/openat-gcc-O2
echo "some bytes" > "$T/file.txt"

# the program sees dfd in r3 and offset in r4 as signed values: only the
# target's own calls (AT_FDCWD, offset -1) are recorded
cat > "$T/tp.c" <<'PROG'
#define SEC(NAME) __attribute__((section(NAME), used))
SEC("tp/syscalls/sys_enter_openat dfd filename:string flags")
int open_at(void *ctx, int err, long dfd)
{
	return dfd == -100;
}
SEC("tp/syscalls/sys_enter_lseek fd offset whence")
int seek(void *ctx, int err, long fd, long offset)
{
	return offset == -1;
}
char _license[] SEC("license") = "GPL";
PROG
"$VTRACE" record -o "$T/run.data" -e "$T/tp.c" -- "$OPENAT" "$T/file.txt" > "$T/out" 2> "$T/err"
rc=$?
"$VTRACE" script -i "$T/run.data" > "$T/samples" 2>> "$T/err"
want=$(sed -n 's/^openat //p' "$T/out")
if [ $rc = 0 ] && [ -n "$want" ] && grep -qF " open_at: $want" "$T/samples"; then
	ok "tp: an int field stored in 8 unsigned bytes prints as the int (dfd=-100), r3 compares signed"
else
	not_ok "tp: int dfd" "rc=$rc" "want: $want" "$(grep -F "$T/file.txt" "$T/samples")" "$(cat "$T/err")"
fi
want=$(sed -n 's/^lseek //p' "$T/out")
if [ -n "$want" ] && grep -qF " seek: $want" "$T/samples"; then
	ok "tp: an off_t field prints signed (offset=-1), r4 compares signed"
else
	not_ok "tp: off_t offset" "want: $want" "$(grep ' seek: ' "$T/samples")"
fi
"$VTRACE" script -i "$T/run.data" --json > "$T/json" 2>> "$T/err"
expect_grep "tp: JSON says -100 too" '"dfd":-100,' "$T/json"

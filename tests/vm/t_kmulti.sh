#!/bin/sh
# A kernel spec on several function entries: two static vt_step()s of one
# module (tests/kmod/vt_twin_a.c).  Where the kernel has kprobe multi links
# (fprobe: the 6.12 kernel, not 6.1) they go on one link; with
# VTRACE_NO_KPROBE_MULTI=1, or without fprobe, one kprobe each, placed by
# address (the two share a name).  Either way the samples are the values
# the module passed, in the order it made the calls, and the same.
. "$(dirname "$0")/../lib.sh"
TWINS=$(dirname "$VTRACE_KMOD")/vtrace_twins.ko
command -v insmod > /dev/null || insmod() { busybox insmod "$@"; }
command -v rmmod > /dev/null || rmmod() { busybox rmmod "$@"; }
# what the kernel was built with, from its package (on the host's disk)
config=$TOP/build/vm/kernel-$(uname -r)/boot/config-$(uname -r)
if grep -q '^CONFIG_FPROBE=y' "$config" 2>/dev/null; then fprobe=1; else fprobe=0; fi

if ! insmod "$TWINS" 2> "$T/err"; then
	not_ok "the twins module loads" "$(cat "$T/err")"
	exit 0
fi
# vt_step(t, 1) returns 0 + n*1, then the other vt_step(t, 2) returns n - n*2
printf 'st: k=1 n=%s\nret: retval=%s\nst: k=2 n=%s\nret: retval=%s\n' \
	5 5 5 -5 6 6 6 -6 > "$T/want"
run() {
	"$VTRACE" record -v -F event,args -e "module=$TWINS;st=vt_step k n=t->n" \
		-e "module=$TWINS;ret=vt_step%return \$retval" -- \
		sh -c 'echo 5 > /proc/vtrace_twins; bpftool link show > '"$T/links$1"' 2>&1; echo 6 > /proc/vtrace_twins' \
		> "$T/out$1" 2> "$T/err$1"
	sed 's/^ *//' "$T/out$1" > "$T/got$1"
}
run multi
VTRACE_NO_KPROBE_MULTI=1 run single

expect_eq "kprobes at both vt_step entries: each call's k and t->n, each return's value" \
	"$(cat "$T/want")" "$(cat "$T/gotsingle")"
if cmp -s "$T/gotmulti" "$T/gotsingle"; then
	ok "kprobe multi link or one kprobe per place (fprobe built in: $fprobe): the same samples"
else
	not_ok "kprobe multi link and per-place kprobes record the same" \
		"$(diff "$T/gotmulti" "$T/gotsingle"; tail -5 "$T/errmulti")"
fi
expect_eq "-v says one kprobe multi link for each spec where the kernel has fprobe" \
	"$((fprobe * 2))" "$(grep -c 'one kprobe multi link' "$T/errmulti")"
expect_eq "VTRACE_NO_KPROBE_MULTI=1: no multi link" 0 "$(grep -c 'kprobe multi link' "$T/errsingle")"
expect_eq "the kernel lists kprobe_multi links only where it has fprobe (bpftool link show)" \
	"$((fprobe * 2)) 0" \
	"$(grep -c 'kprobe_multi' "$T/linksmulti") $(grep -c 'kprobe_multi' "$T/linkssingle")"
rmmod vtrace_twins

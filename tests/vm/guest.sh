#!/bin/sh
# Runs inside the VM (tests/run boots it once through scripts/vm-run):
# every tests/vm/t_*.sh (or the ones named), their ok/not ok lines on the console.
cd "$(dirname "$0")/../.." || exit 1
export VTRACE=${VTRACE_VM_BIN:-$PWD/build/vtrace} VTRACE_TEST_CACHE=/tmp/cache
# the test module built for this kernel (scripts/build-kmod)
export VTRACE_KMOD=$PWD/build/kmod/$(uname -r)/vtrace_test.ko
echo "# kernel: $(uname -r), kprobes: $(ls /sys/bus/event_source/devices/ | tr '\n' ' ')"
[ $# -gt 0 ] || set -- tests/vm/t_*.sh
for t in "$@"; do
	echo "# $t"
	sh "$t"
done

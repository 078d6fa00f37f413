#!/bin/sh
# Runs inside the VM (tests/run boots it once through scripts/vm-run):
# every tests/vm/t_*.sh, their ok/not ok lines on the console.
cd "$(dirname "$0")/../.." || exit 1
export VTRACE=${VTRACE_VM_BIN:-$PWD/build/vtrace} VTRACE_TEST_CACHE=/tmp/cache
echo "# kernel: $(uname -r), kprobes: $(ls /sys/bus/event_source/devices/ | tr '\n' ' ')"
for t in tests/vm/t_*.sh; do
	echo "# $t"
	sh "$t"
done

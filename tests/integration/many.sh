#!/bin/sh
# A spec that lands on thousands of places: the inlined copies of CPython's
# Py_DECREF in Debian's LTO build (8,164 of them).  Places whose fetch code
# is the same share it in one program, dispatched by the attach cookie
# (bpf/prologue.c); on kernels with uprobe multi links (6.6) all of them go
# on one link.  The same spec on one perf event per place
# (VTRACE_NO_UPROBE_MULTI=1) must record exactly the same hits and values.
. "$(dirname "$0")/../lib.sh"

# one link or one perf event per place: the same samples, in the same order
for v in gcc-O2 clang-O2; do
	bin=$TARGETS/vars-$v
	spec_program "$T/w.c" "exec=$bin;ev=weigh len=r->hdr.len factor=factor y2=r->in.y[2]"
	"$VTRACE" record -F event,args -e "$T/w.c" -- "$bin" > "$T/multi.out" 2> "$T/multi.err"
	VTRACE_NO_UPROBE_MULTI=1 "$VTRACE" record -F event,args -e "$T/w.c" -- "$bin" \
		> "$T/single.out" 2> "$T/single.err"
	n=$(grep -c '^ *ev: ' "$T/multi.out")
	if [ "$n" -ge 2 ] && cmp -s "$T/multi.out" "$T/single.out"; then
		ok "$v: inlined copies on one multi link record what one perf event each does ($n hits)"
	else
		not_ok "$v: multi link and perf events record the same" "$(diff "$T/multi.out" "$T/single.out" | head -5; cat "$T/multi.err" "$T/single.err")"
	fi
done

# a uprobe program fetches into its thread's sample (task storage), not the
# CPU's: on a multi link the kernel runs it with only migration disabled, so
# on a preemptible kernel another thread on this CPU could fill the CPU's
# sample between its fetch and its send.  Register args only (the fast
# path) go straight into a reserved ring record, which is the event's own.
bin=$TARGETS/vars-gcc-O2
for spec in "tsample=main argv[0]" "tsample=main argc"; do
	"$VTRACE" record -a -e "exec=$bin;$spec" > /dev/null 2> "$T/a.err" &
	vt=$!
	calls=
	for _ in $(seq 50); do
		id=$(bpftool prog show 2>/dev/null | awk -F: '/ name tsample / { print $1; exit }')
		[ -n "$id" ] && calls=$(bpftool prog dump xlated id "$id" 2>/dev/null |
			grep -o 'call [a-z_]*task_storage_get[a-z_]*\|call [a-z_]*ringbuf_reserve[a-z_]*\|call [a-z_]*ringbuf_output[a-z_]*' |
			sort -u | tr '\n' ' ')
		[ -n "$calls" ] && break
		sleep 0.2
	done
	kill -INT $vt 2>/dev/null
	wait $vt
	case "$spec:$calls" in
	*argv*:*task_storage_get*ringbuf_output*|*argv*:*ringbuf_output*task_storage_get*)
		ok "a uprobe spec's program fetches into its thread's sample ($calls)" ;;
	*argc:*ringbuf_reserve*)
		case "$calls" in
		*task_storage_get*|*ringbuf_output*) not_ok "register args: straight into the ring" "calls: $calls" ;;
		*) ok "a uprobe spec's register args go straight into a reserved ring record ($calls)" ;;
		esac ;;
	*) not_ok "a uprobe spec's program: its own sample ($spec)" "calls: ${calls:-no program seen}" "$(cat "$T/a.err")" ;;
	esac
done

PYTHON=/usr/bin/python3.11
if ! [ -x $PYTHON ] || ! "$VTRACE" probe -x $PYTHON --funcs 'Py_DECREF' 2>/dev/null | grep -q Py_DECREF; then
	echo "ok - # SKIP python3.11 with python3.11-dbg's DWARF is not installed"
	exit 0
fi
"$VTRACE" probe --dry-run "exec=$PYTHON;d=Py_DECREF op->ob_refcnt" > "$T/dry" 2>&1
places=$(sed -n 's/^d: \([0-9]*\) instances.*/\1/p' "$T/dry")
if [ "${places:-0}" -ge 1000 ]; then
	ok "Py_DECREF resolves to every inlined copy ($places places)"
else
	not_ok "Py_DECREF resolves to its inlined copies" "$(head -3 "$T/dry")"
fi

spec_program "$T/d.c" "exec=$PYTHON;d=Py_DECREF op->ob_refcnt"
# a guard against a hang, not a benchmark: one perf event per place took ten minutes here
timeout 300 "$VTRACE" record -v -F event,args -e "$T/d.c" -- $PYTHON -S -c 'x = [str(i) for i in range(1000)]' \
	> "$T/d.out" 2> "$T/d.err"
rc=$?
hits=$(grep -c '^ *d: ' "$T/d.out")
lost=$(sed -n 's/.*samples, \([0-9]*\) lost.*/\1/p' "$T/d.err")
if [ $rc = 0 ] && [ "$hits" -ge 10000 ] && [ "${lost:-x}" = 0 ]; then
	ok "every copy of Py_DECREF attached in one run: $hits hits, 0 lost"
else
	not_ok "every copy of Py_DECREF attached in one run" "rc=$rc hits=$hits lost=$lost: $(tail -3 "$T/d.err")"
fi
# a reference count at a Py_DECREF is never negative; where op is optimized out it says so
bad=$(sed -n 's/^ *d: ob_refcnt=//p' "$T/d.out" | grep -vc -e '^[0-9][0-9]*$' -e '^(unavailable)$')
if [ "$bad" = 0 ]; then
	ok "every Py_DECREF reads a reference count >= 0 or (unavailable)"
else
	not_ok "Py_DECREF's reference counts" "$(sed -n 's/^ *d: ob_refcnt=//p' "$T/d.out" | grep -v -e '^[0-9][0-9]*$' -e '^(unavailable)$' | sort | uniq -c | head -3)"
fi
# the 1000 strings the list comprehension made are freed with the list at exit:
# each of their last references is dropped at a Py_DECREF that sees ob_refcnt 1
ones=$(grep -c '^ *d: ob_refcnt=1$' "$T/d.out")
if [ "$ones" -ge 1000 ]; then
	ok "Py_DECREF sees the last reference of at least the 1000 strings ($ones with ob_refcnt=1)"
else
	not_ok "Py_DECREF sees the 1000 strings' last references" "$ones"
fi
expect_grep "the places share a few fetch codes (-v says how many)" "places share" "$T/d.err"

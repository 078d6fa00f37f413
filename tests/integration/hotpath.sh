#!/bin/sh
# The hot path's targets (issue 12), each as a count or a ratio within one
# run, never a wall-clock threshold: the reader is not woken per sample
# (context switches per sample), every sample of a system-call storm is
# delivered, and the warm start of a user-space session reads no vmlinux
# BTF.  make bench measures the times.
. "$(dirname "$0")/../lib.sh"
BT=$T/target
gcc -g -O2 -o "$BT" bench/target.c || { not_ok "build bench/target.c"; exit 0; }

# vtrace's voluntary context switches (its children's included) and its
# closing line, as "VCS SAMPLES LOST"
measure() {
	python3 - "$@" <<'PY'
import os, re, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = p.stderr.read().decode()
_, status, ru = os.wait4(p.pid, 0)
m = re.search(r"\[ vtrace: (\d+) samples.*?, (\d+) lost", err)
print(ru.ru_nvcsw, m.group(1) if m else -1, m.group(2) if m else -1)
if not m:
    sys.stderr.write(err)
PY
}

# --- every uprobe hit recorded: the reader drains in batches
N=20000
spec_program "$T/w.c" "exec=$BT;ev=work o->in->a k m"
for out in text data json; do
	case $out in
	text) set -- ;;
	data) set -- -o "$T/w.data" ;;
	json) set -- --json ;;
	esac
	set -- $(measure "$VTRACE" record "$@" -e "$T/w.c" -- "$BT" work $N)
	vcs=$1 samples=$2
	if [ "$samples" = $N ] && [ "$vcs" -lt $((N / 50)) ]; then
		ok "$out: $N samples with $vcs voluntary context switches (under 1 in 50 samples)"
	else
		not_ok "$out: wakeups per sample" "samples $samples of $N, $vcs voluntary context switches"
	fi
done

# --- the reader's own CPU time (polled from /proc, the target's apart) for
# the same 200,000 samples (the least of three runs of each): a data file costs no more than text, JSON not
# much more (make bench has the precise ratios; these bounds leave room for
# a 10 ms tick and a busy machine).  The product's costs, not the
# sanitizer's: the plain build, which make check builds too.
python3 - "${VTRACE_PLAIN:-$TOP/build/vtrace}" "$T/w.c" "$BT" 200000 "$T" > "$T/cpu" <<'PY'
import os, subprocess, sys, time
vtrace, prog, bt, n, tmp = sys.argv[1:]
tick = os.sysconf("SC_CLK_TCK")
def cpu(extra, out):
    p = subprocess.Popen([vtrace, "record"] + extra + ["-e", prog, "--", bt, "work", n],
                         stdout=open(out, "w"), stderr=subprocess.DEVNULL)
    last = 0
    while p.poll() is None:
        try:
            f = open("/proc/%d/stat" % p.pid).read().rsplit(")", 1)[1].split()
            last = (int(f[11]) + int(f[12])) / tick
        except OSError:
            pass
        time.sleep(0.01)
    return last
# the least of three runs each, interleaved: a run's CPU time is a few 10 ms
# ticks, and one stray tick or page-fault burst is 15% of it
text, data, js = [], [], []
for _ in range(3):
    text.append(cpu([], tmp + "/c.txt"))
    data.append(cpu(["-o", tmp + "/c.data"], os.devnull))
    js.append(cpu(["--json"], tmp + "/c.json"))
text, data, js = min(text), min(data), min(js)
lines = sum(1 for _ in open(tmp + "/c.txt")), sum(1 for _ in open(tmp + "/c.json"))
print("%.2f %.2f %.2f %d %d" % (text, data, js, lines[0], lines[1]))
PY
read text data json tl jl < "$T/cpu"
# (two clock ticks of slack: times are counted in 10 ms ticks)
if [ "$tl" = 200000 ] && [ "$jl" = 200000 ] &&
   python3 -c "import sys; t, d, j = map(float, sys.argv[1:]); sys.exit(not (t > 0 and d <= t * 1.15 + 0.02 and j <= t * 1.3 + 0.02))" \
	"$text" "$data" "$json"; then
	ok "reader CPU for 200,000 samples: data file ${data} s, text ${text} s, JSON ${json} s"
else
	not_ok "reader CPU: data file <= 1.15x text, JSON <= 1.3x text" \
		"text $text s ($tl lines), data $data s, JSON $json s ($jl lines)"
fi

# --- a system-call storm: nothing lost with the default ring buffer
N=500000
cat > "$T/storm.c" <<'EOF'
#define SEC(NAME) __attribute__((section(NAME), used))
SEC("raw_tp/sys_enter id")
int storm(void *ctx, int err, long id)
{
	return id == 110;	/* getppid */
}
char _license[] SEC("license") = "GPL";
EOF
cat > "$T/storm_printf.c" <<'EOF'
#include <vtrace.h>
SEC("raw_tp/sys_enter")
int BPF_PROG(storm, struct pt_regs *regs, long id)
{
	if (id == 110)
		vtrace_printf("id=%ld", id);
	return 0;
}
EOF
cat > "$T/storm_tp.c" <<'EOF'
#define SEC(NAME) __attribute__((section(NAME), used))
SEC("tp/syscalls/sys_enter_getppid")
int storm(void *ctx)
{
	return 1;
}
char _license[] SEC("license") = "GPL";
EOF
# the product's reader (the sanitized one decodes 3x slower than a storm
# comes); a kernel probe's default ring holds what the reader has not
# formatted yet (the 8M one lost up to half of a storm of 2M on a quiet
# machine: text is formatted at about the rate getppid() comes)
for prog in storm storm_printf storm_tp; do
	set -- $(measure "${VTRACE_PLAIN:-$TOP/build/vtrace}" record -e "$T/$prog.c" -- "$BT" storm $N)
	expect_eq "storm ($prog): $N getppid() calls, every one delivered, none lost" "$N 0" "$2 $3"
done

# --- start-up: a warm user-space session parses no vmlinux BTF; the
# kernel facts cost one stat and one read of the cache
spec_program "$T/s.c" "exec=$BT;ev=work o->in->a k m"
"$VTRACE" record -e "$T/s.c" -- "$BT" start > /dev/null 2>&1	# the caches
# (LeakSanitizer cannot run under ptrace: it would fail the test with a
# report of its own, so this one run is not leak-checked)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
strace -f -e trace=openat,read -o "$T/strace" "$VTRACE" record -e "$T/s.c" -- "$BT" start \
	> "$T/start.out" 2> "$T/err"
opened=$(grep -c 'openat(.*"/sys/kernel/btf/vmlinux"' "$T/strace")
facts=$(grep -c 'openat(.*/kernel/[0-9a-f]*\.facts"' "$T/strace")
if [ "$opened" = 0 ] && [ "$facts" = 1 ] && grep -q ": ev: a=7 k=1 m=2" "$T/start.out"; then
	ok "start-up: a warm uprobe session opens no vmlinux BTF, reads the cached facts once"
else
	not_ok "start-up reads" "vmlinux BTF opened $opened times, facts file $facts times" \
		"$(cat "$T/start.out" "$T/err")"
fi

# --- the process tree is still followed (the tracking programs read
# task_struct at the cached offsets): a child of a child is traced
"$VTRACE" record -e "$T/s.c" -- sh -c "sh -c '$BT start'" > "$T/tree.out" 2> "$T/err"
expect_grep "start-up: a grandchild's hit is traced (fork tracking with the cached offsets)" \
	": ev: a=7 k=1 m=2" "$T/tree.out"

# --- the ring's data area is mapped once (libbpf's reader maps it twice,
# and the kernel maps every page at mmap time): a 64M ring adds 64M to the
# reader's peak RSS over a 64K one, not 128M.  And its records, 80 bytes in
# a 4K ring, wrap around its end every pass: each one read whole (a=7,
# m=3k, k rising), read plus lost the calls made.  (The RSS is the plain
# build's: the sanitizer's shadow memory would blur it.)
rss() {
	python3 - "$@" <<'PY'
import os, re, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
print(ru.ru_maxrss)
PY
}
small=$(rss "${VTRACE_PLAIN:-$TOP/build/vtrace}" record --buffer-size 64K -e "$T/w.c" -- "$BT" work 10)
big=$(rss "${VTRACE_PLAIN:-$TOP/build/vtrace}" record --buffer-size 64M -e "$T/w.c" -- "$BT" work 10)
if [ $((big - small)) -gt $((56 * 1024)) ] && [ $((big - small)) -lt $((80 * 1024)) ]; then
	ok "ring mapped once: a 64M ring adds $(((big - small) / 1024)) MB to the peak RSS"
else
	not_ok "ring mapped once" "peak RSS $small KB with a 64K ring, $big KB with 64M (want +64 MB)"
fi
N=20000
"$VTRACE" record --buffer-size 4K -e "$T/w.c" -- "$BT" work $N > "$T/wrap.out" 2> "$T/err"
awk -v n=$N -v err="$T/err" '
	/: ev: / { split($0, f, /: ev: /); split(f[2], kv, / /)
		   a = kv[1]; k = kv[2]; m = kv[3]; sub(/a=/, "", a); sub(/k=/, "", k); sub(/m=/, "", m)
		   a += 0; k += 0; m += 0
		   if (a != 7 || m != 3 * k || (seen && k <= last)) bad++
		   last = k; seen++ }
	END { while ((getline l < err) > 0) if (l ~ /vtrace: [0-9]+ samples/) {
		  match(l, /[0-9]+ samples/); s = substr(l, RSTART, RLENGTH) + 0
		  match(l, /[0-9]+ lost/); lost = substr(l, RSTART, RLENGTH) + 0 }
	      printf "%d %d %d %d\n", seen, bad, s, lost }' "$T/wrap.out" > "$T/wrap"
read seen bad s lost < "$T/wrap"
if [ "$seen" -gt 100 ] && [ "$bad" = 0 ] && [ "$seen" = "$s" ] && [ $((s + lost)) = $N ]; then
	ok "4K ring: $seen records through a ring they wrap around, every one whole ($lost lost)"
else
	not_ok "4K ring, wrapping records" "read $seen, malformed $bad, reported $s read $lost lost of $N" \
		"$(head -3 "$T/wrap.out")"
fi

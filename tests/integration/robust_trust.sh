#!/bin/sh
# Robustness, trust: what an unprivileged user (created here) controls is
# not trusted by root's vtrace: caches and registry directories it owns or
# can write, objects it planted, symlinks in /tmp, named pipes given as
# programs, registry files it made.  Each case: the exit status, the
# one-line message, the time it took, that nothing stayed attached, and
# that the planted thing was not used.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/robust/lib.sh"
BUSY=$TARGETS/busy-gcc-O2
U=vtrace-robust
if ! id $U > /dev/null 2>&1 && ! useradd -M -r -s /bin/sh $U 2> "$T/useradd"; then
	not_ok "an unprivileged user for the trust cases" "$(cat "$T/useradd")"
	exit 0
fi
UID_U=$(id -u $U)
as_user() { setpriv --reuid=$U --regid=$U --clear-groups -- "$@"; }
chmod 755 "$T"
n=0

# run NAME WANT_RC WANT_MSG [EXTRA_OK EXTRA_WHY] -- vtrace args: one timed run
run() {
	name=$1 want=$2 msg=$3 xok=$4 xwhy=$5
	shift 6
	n=$((n + 1))
	t0=$(now_ms)
	timeout 20 $VTRACE "$@" > "$T/out" 2> "$T/err"
	rc=$?
	el=$(($(now_ms) - t0))
	check "$name" "$want" $rc "$msg" "$T/err" $el 15000 "$(attached_left "rt$n" "")" "$xok" "$xwhy"
}

# ---- cache directories -------------------------------------------------
spec() { echo "exec=$BUSY;rt$((n + 1))=tick i"; }

# The user's own cache (sudo -E keeps XDG_CACHE_HOME): root does not use it.
mkdir -p "$T/ucache" "$T/roothome"
chown $U "$T/ucache"
HOME=$T/roothome XDG_CACHE_HOME=$T/ucache run "XDG_CACHE_HOME owned by a user: root uses its own cache" 0 \
	"[ vtrace: 100 samples, 0 lost ]" "$([ -z "$(ls -A "$T/ucache")" ] && echo 1 || echo 0)" "files written into the user's cache" \
	-- record -e "$(spec)" -- "$BUSY" 100
[ -d "$T/roothome/.cache/vtrace/obj" ] && ok "root's cache is under its own HOME" || not_ok "root's cache is under its own HOME" "$(ls -R "$T/roothome" | head)"

# A cache root the user owns inside root's: refused.
for what in obj include spec btf; do
	mkdir -p "$T/c-$what/vtrace/$what"
	chown $U "$T/c-$what/vtrace/$what"
	XDG_CACHE_HOME=$T/c-$what run "a cache subdirectory '$what' owned by uid $UID_U is refused" 1 \
		"is owned by uid $UID_U: refused" 1 "" -- record -e "$(spec)" -- "$BUSY" 10
done
# ... or that every user can write, or its group.
for mode in 777 775; do
	mkdir -p "$T/m$mode/vtrace"
	chmod $mode "$T/m$mode/vtrace"
	case $mode in 775) says="writable by its group" ;; *) says="writable by every user" ;; esac
	XDG_CACHE_HOME=$T/m$mode run "a cache directory of mode $mode is refused" 1 "$says: refused" 1 "" \
		-- record -e "$(spec)" -- "$BUSY" 10
done
# A sticky one of root's is fine: what a user makes in it is the user's, and refused.
mkdir -p "$T/m1777/vtrace"
chmod 1777 "$T/m1777/vtrace"
XDG_CACHE_HOME=$T/m1777 run "a sticky cache directory of root's (1777) is used" 0 "[ vtrace: 10 samples, 0 lost ]" 1 "" \
	-- record -e "$(spec)" -- "$BUSY" 10
# A symlink from root's cache into the user's.
mkdir -p "$T/l/vtrace" "$T/uobj"
chown $U "$T/uobj"
ln -s "$T/uobj" "$T/l/vtrace/obj"
XDG_CACHE_HOME=$T/l run "a cache directory that is a symlink is refused" 1 "is a symbolic link" \
	"$([ -z "$(ls -A "$T/uobj")" ] && echo 1 || echo 0)" "wrote into the user's directory" -- record -e "$(spec)" -- "$BUSY" 10
# The directory above the cache is the user's.
mkdir -p "$T/up/x"
chown $U "$T/up"
XDG_CACHE_HOME=$T/up/x run "a cache below a directory uid $UID_U owns is refused" 1 "the directory above it" 1 "" \
	-- record -e "$(spec)" -- "$BUSY" 10

# An object planted in the cache (a file of the user's, where the program's object goes) is not loaded.
spec_program "$T/planted.c" "exec=$BUSY;rtp=tick i"
XDG_CACHE_HOME=$T/pc timeout 20 $VTRACE record -e "$T/planted.c" -- "$BUSY" 5 > /dev/null 2>&1
obj=$(ls "$T"/pc/vtrace/obj/*.o | head -1)
spec_program "$T/evil.c" "exec=$BUSY;evil=tick i"
XDG_CACHE_HOME=$T/pc $VTRACE record -e "$T/evil.c" -- "$BUSY" 1 > /dev/null 2>&1
evil=$(ls -t "$T"/pc/vtrace/obj/*.o | head -1)
cp "$evil" "$obj"
chown $U "$obj"
XDG_CACHE_HOME=$T/pc timeout 20 $VTRACE record -e "$T/planted.c" -- "$BUSY" 5 > "$T/out" 2> "$T/err"
rc=$?
if [ $rc = 0 ] && grep -q ": rtp: " "$T/out" && ! grep -q ": evil: " "$T/out" && [ "$(stat -c %u "$obj")" = 0 ]; then
	ok "an object of uid $UID_U planted in the cache is not loaded (recompiled, now root's)"
else
	not_ok "an object planted in the cache is not loaded" "rc=$rc owner=$(stat -c %u "$obj")" "$(head -3 "$T/out")"
fi

# ---- the registry ------------------------------------------------------
# /run unusable (a read-only tmpfs in a mount namespace): /tmp/vtrace-run, if it is root's.
# (the results go to $R: the namespace's /tmp is its own)
R=$TOP/build/robust-ns
rm -rf "$R"
mkdir -p "$R"
ns() {
	unshare -m --propagation private sh -c "mount -t tmpfs -o ro none /run && mount -t tmpfs none /tmp && $1"
}
for plant in "mkdir /tmp/vtrace-run && chown $U /tmp/vtrace-run" \
	     "mkdir -m 777 /tmp/vtrace-run" \
	     "ln -s /etc /tmp/vtrace-run"; do
	n=$((n + 1))
	t0=$(now_ms)
	ns "$plant; timeout 20 $VTRACE record -e 'exec=$BUSY;rt$n=tick i' -- $BUSY 10 > $R/out 2> $R/err; echo \$? > $R/rc; ls -A /tmp/vtrace-run/ | grep -E '^[0-9]+' > $R/ls 2>&1"
	el=$(($(now_ms) - t0))
	case $plant in *ln*) says="is a symbolic link" ;; *chown*) says="is owned by uid $UID_U" ;; *) says="writable by every user" ;; esac
	check "registry fallback /tmp/vtrace-run planted ($plant): not used" 0 "$(cat "$R/rc")" "$says" "$R/err" $el 15000 \
		"$(attached_left rt$n "")" "$([ -s "$R/ls" ] && echo 0 || echo 1)" "written into it: $(cat "$R/ls")"
done
n=$((n + 1))
ns "timeout 20 $VTRACE record -e 'exec=$BUSY;rt$n=tick i' -- $BUSY 10 > $R/out 2> $R/err; echo \$? > $R/rc; stat -c '%u %a' /tmp/vtrace-run > $R/ls"
expect_eq "registry fallback: /tmp/vtrace-run made by root's vtrace, 755" "0 755" "$(cat "$R/ls")"

# vtrace list reads only regular files of root's, bounded: planted entries under a live pid.
sleep 60 &
live=$!
plant_list() {
	name=$1
	shift
	rm -f "/run/vtrace/$live"
	"$@"
	n=$((n + 1))
	t0=$(now_ms)
	timeout 20 $VTRACE list > "$T/out" 2> "$T/err"
	rc=$?
	el=$(($(now_ms) - t0))
	echo "(nothing said)" >> "$T/err"
	check "vtrace list with $name in /run/vtrace: not read" 0 $rc "(nothing said)" "$T/err" $el 5000 none \
		"$(grep -q planted "$T/out" && echo 0 || echo 1)" "its content was listed"
	rm -f "/run/vtrace/$live"
}
mkdir -p /run/vtrace
plant_list "a FIFO" mkfifo "/run/vtrace/$live"
plant_list "a symlink to /dev/zero" ln -s /dev/zero "/run/vtrace/$live"
plant_list "a file of uid $UID_U" sh -c "printf 'link\t1\t1\t0\tuprobe\tplanted\tx\ty\n' > /run/vtrace/$live; chown $U /run/vtrace/$live"
plant_list "a 2 MB file" sh -c "{ printf 'link\t1\t1\t0\tuprobe\tplanted\tx\ty\n'; head -c 2000000 /dev/zero | tr '\0' x; } > /run/vtrace/$live"
kill $live

# ---- paths given on the command line ------------------------------------
# -o through a symlink a user planted in /tmp (sticky, world-writable).
echo precious > "$T/precious"
for out in data text json; do
	l=/tmp/vtrace-robust-link.$$
	rm -f "$l"
	as_user ln -s "$T/precious" "$l"
	case $out in data) o= ;; text) o=--text ;; json) o=--json ;; esac
	run "-o a symlink of uid $UID_U in /tmp ($out): not followed" 1 "a symbolic link of uid $UID_U in a directory every user can write" \
		"$([ "$(cat "$T/precious")" = precious ] && echo 1 || echo 0)" "the file it points to was written" \
		-- record $o -o "$l" -e "$(spec)" -- "$BUSY" 10
	rm -f "$l"
done
f=/tmp/vtrace-robust-file.$$
as_user sh -c "echo theirs > $f"
run "-o a file of uid $UID_U in /tmp: not overwritten" 1 "a file of uid $UID_U in a directory every user can write" \
	"$([ "$(cat $f)" = theirs ] && echo 1 || echo 0)" "overwritten" -- record -o "$f" -e "$(spec)" -- "$BUSY" 10
rm -f "$f" "$f.old"
# -o root's own file in /tmp is fine.
run "-o a file of root's in /tmp is written" 0 "samples written to" 1 "" -- record -o "$T/mine.data" -e "$(spec)" -- "$BUSY" 10

# -e a named pipe nobody writes to: refused at once, not a hang.
mkfifo "$T/fifo.c" "$T/fifo"
run "-e a named pipe (.c): refused" 1 "not a regular file" 1 "" -- record -e "$T/fifo.c" -- "$BUSY" 10
run "-e a named pipe: refused" 1 "not a regular file" 1 "" -- record -e "$T/fifo" -- "$BUSY" 10
run "-e a device (/dev/zero): refused" 1 "not a regular file" 1 "" -- record -e /dev/zero -- "$BUSY" 10
# a program through a pipe still works
n=$((n + 1))
spec_program "$T/pipe.c" "exec=$BUSY;rt$n=tick i"
timeout 20 $VTRACE record -e /dev/stdin -- "$BUSY" 7 < "$T/pipe.c" > "$T/out" 2> "$T/err"
expect_eq "-e /dev/stdin from a pipe is still read" "0 7" "$? $(grep -c ": rt$n: " "$T/out")"
# A program named like an option is compiled as a file.
n=$((n + 1))
mkdir -p "$T/dash"
spec_program "$T/dash/-x.c" "exec=$BUSY;rt$n=tick i"
(cd "$T/dash" && timeout 20 $VTRACE record -e -x.c -- "$BUSY" 4 > "$T/out" 2> "$T/err")
expect_eq "-e -x.c: a file named like a clang option is compiled as a file" "0 4" "$? $(grep -c ": rt$n: " "$T/out")"

# ---- an unprivileged user running vtrace --------------------------------
for c in "record -e $(spec) -- $BUSY 1" "list"; do
	n=$((n + 1))
	t0=$(now_ms)
	(cd / && as_user env HOME=/ $VTRACE $c > "$T/out" 2> "$T/err")
	rc=$?
	el=$(($(now_ms) - t0))
	check "vtrace ${c%% *} as uid $UID_U: refused, saying why" 1 $rc "needs root, or the CAP_BPF and CAP_PERFMON capabilities" "$T/err" $el 5000 none
done

#!/bin/sh
# list --events where the kernel has kprobes (the VM): kernel functions in
# spec syntax with btf_dump's types, and a listed spec taken back by record.
. "$(dirname "$0")/../lib.sh"
"$VTRACE" list --events vfs_read > "$T/ev" 2> "$T/err"
expect_grep "list --events: a kernel function as FUNC=FUNC with btf_dump's types" \
	"vfs_read=vfs_read" "$T/ev"
expect_grep "list --events: vfs_read's buf is char * (the __user tag left out)" "char *buf" "$T/ev"
spec="$(cut -d' ' -f1 "$T/ev") count"
"$VTRACE" record --json -e "$spec" -- dd if=/dev/zero of=/dev/null bs=4321 count=3 > "$T/rec" 2> "$T/err"
if python3 -c 'import json,sys
s = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
assert sum(x["args"]["count"] == 4321 and x["comm"] == "dd" for x in s) == 3, s[:3]' "$T/rec" 2> "$T/py"; then
	ok "record -e '$spec' (from list --events) reads count=4321 at each of dd's 3 reads"
else
	not_ok "list's kernel spec back into record" "$(head -5 "$T/rec" "$T/err" "$T/py")"
fi

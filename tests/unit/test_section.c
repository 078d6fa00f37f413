// SPDX-License-Identifier: GPL-2.0
#include "bpf/attach.h"
#include "test.h"

/* A section's kind and its one-instance plan (bpf/attach.h's table). */
static int plan(const char *sec, const struct sec_def **d, struct probe_resolved *r, int *col)
{
	memset(r, 0, sizeof(*r));
	return sec_plan(sec, d, r, col);
}

int main(void)
{
	const struct sec_def *d;
	struct probe_resolved r;
	int col;

	CHECK_INT(plan("kprobe/do_sys_openat2", &d, &r, &col), 0, "kprobe parses");
	CHECK(d && d->target == TARGET_KERNEL && !d->ret && r.ninsts == 1 && !r.insts[0].nargs &&
	      !strcmp(r.insts[0].func, "do_sys_openat2") && !r.insts[0].func_offset, "kprobe fields");
	probe_resolved_free(&r);
	CHECK_INT(plan("kprobe/vfs_read+0x10", &d, &r, &col), 0, "kprobe+off parses");
	CHECK_INT(r.insts[0].func_offset, 16, "hex offset");
	probe_resolved_free(&r);
	CHECK_INT(plan("kretprobe/vfs_read+4", &d, &r, &col), -22, "kretprobe with offset is refused");
	CHECK_INT(col, 18, "caret at the offset");
	CHECK_INT(plan("uprobe//usr/bin/x:main+8", &d, &r, &col), 0, "uprobe absolute path");
	CHECK(d && d->target == TARGET_USER && !d->ret && !r.ret && !strcmp(r.binary, "/usr/bin/x") &&
	      !strcmp(r.insts[0].func, "main") && r.insts[0].func_offset == 8, "uprobe fields");
	probe_resolved_free(&r);
	CHECK_INT(plan("uretprobe/./t:f", &d, &r, &col), 0, "uretprobe relative path");
	CHECK(d && d->target == TARGET_USER && d->ret && r.ret && !strcmp(r.binary, "./t") &&
	      !strcmp(d->kind, "uretprobe"), "uretprobe fields");
	probe_resolved_free(&r);
	CHECK_INT(plan("uprobe/nofunc", &d, &r, &col), -22, "uprobe without :FUNC is refused");
	CHECK_INT(plan("uprobe/x:f+zz", &d, &r, &col), -22, "bad offset is refused");
	CHECK_INT(col, 11, "caret at the bad offset");
	CHECK_INT(plan("raw_tp/sys_enter", &d, &r, &col), 0, "raw_tp parses");
	CHECK(d && d->target == TARGET_RAW_TP && d->prog_type == BPF_PROG_TYPE_RAW_TRACEPOINT &&
	      !strcmp(r.insts[0].func, "sys_enter"), "raw_tp fields");
	probe_resolved_free(&r);
	CHECK_INT(plan("raw_tracepoint/sched_switch", &d, &r, &col), 0, "raw_tracepoint alias");
	CHECK(d && !strcmp(d->kind, "raw_tp") && !strcmp(r.insts[0].func, "sched_switch"),
	      "raw_tracepoint is raw_tp");
	probe_resolved_free(&r);
	CHECK_INT(plan("tp/syscalls/sys_enter_write", &d, &r, &col), 0, "tp parses");
	CHECK(!d && !r.ninsts, "a tracepoint program is a spec (perf semantics, the raw record)");
	CHECK_INT(plan("tracepoint/sched/sched_switch", &d, &r, &col), 0, "tracepoint/ too");
	CHECK(!d, "tracepoint/ is a spec");
	CHECK_INT(plan("exec=./app;name=func+4 a b", &d, &r, &col), 0, "a spec is recognised");
	CHECK(!d, "spec kind");
	CHECK_INT(plan("raw_tp/sys_enter id", &d, &r, &col), 0, "raw_tp with args");
	CHECK(!d, "raw_tp with args is a spec");
	CHECK_INT(plan("xdp", &d, &r, &col), -2, "other sections are not ours");
	CHECK_INT(plan("fentry/vfs_read", &d, &r, &col), 0, "fentry/FUNC");
	CHECK(d && d->target == TARGET_FENTRY && !d->ret && !strcmp(d->kind, "fentry") &&
	      d->prog_type == BPF_PROG_TYPE_TRACING && d->attach_type == BPF_TRACE_FENTRY &&
	      r.ninsts == 1 && !strcmp(r.insts[0].func, "vfs_read"), "fentry: a tracing program at vfs_read");
	probe_resolved_free(&r);
	CHECK_INT(plan("fexit/vfs_read", &d, &r, &col), 0, "fexit/FUNC");
	CHECK(d && d->target == TARGET_FENTRY && d->ret && r.ret && d->attach_type == BPF_TRACE_FEXIT &&
	      !strcmp(d->kind, "fexit"), "fexit: FEXIT, a return");
	probe_resolved_free(&r);
	CHECK_INT(plan("fentry/vfs_read+4", &d, &r, &col), -22, "fentry takes no offset");
	CHECK_INT(col, 15, "caret at the offset");
	CHECK_INT(plan("tp_btf/sched_switch", &d, &r, &col), 0, "tp_btf/NAME");
	CHECK(d && d->target == TARGET_TP_BTF && d->attach_type == BPF_TRACE_RAW_TP &&
	      !strcmp(d->kind, "tp_btf") && !strcmp(r.insts[0].func, "sched_switch"),
	      "tp_btf: a BTF raw tracepoint");
	probe_resolved_free(&r);
	CHECK_INT(plan("fentry/vfs_read file->f_pos", &d, &r, &col), 0, "fentry with args");
	CHECK(!d, "fentry with args is a spec");

	/* a resolved plan's row: its program type, its kind's name */
	d = sec_def_of(TARGET_USER, true);
	CHECK(d && !strcmp(d->kind, "uretprobe") && d->prog_type == BPF_PROG_TYPE_KPROBE, "uretprobe row");
	d = sec_def_of(TARGET_KERNEL, false);
	CHECK(d && !strcmp(d->kind, "kprobe"), "kprobe row");
	d = sec_def_of(TARGET_TP, false);
	CHECK(d && !strcmp(d->kind, "tp") && d->prog_type == BPF_PROG_TYPE_TRACEPOINT, "tp row");
	d = sec_def_of(TARGET_RAW_TP, false);
	CHECK(d && !strcmp(d->prefix, "raw_tp/"), "raw_tp row is raw_tp/'s");
	d = sec_def_of(TARGET_FENTRY, true);
	CHECK(d && !strcmp(d->kind, "fexit") && d->attach_type == BPF_TRACE_FEXIT, "fexit row");
	d = sec_def_of(TARGET_TP_BTF, false);
	CHECK(d && !strcmp(d->kind, "tp_btf") && d->prog_type == BPF_PROG_TYPE_TRACING, "tp_btf row");
	return TEST_DONE();
}

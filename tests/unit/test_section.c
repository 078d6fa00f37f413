// SPDX-License-Identifier: GPL-2.0
#include "probe/section.h"
#include "test.h"

int main(void)
{
	struct probe_point pp;
	int col;

	CHECK_INT(section_parse("kprobe/do_sys_openat2", &pp, &col), 0, "kprobe parses");
	CHECK(pp.kind == PROBE_KPROBE && !strcmp(pp.func, "do_sys_openat2") && !pp.offset, "kprobe fields");
	probe_point_free(&pp);
	CHECK_INT(section_parse("kprobe/vfs_read+0x10", &pp, &col), 0, "kprobe+off parses");
	CHECK_INT(pp.offset, 16, "hex offset");
	probe_point_free(&pp);
	CHECK_INT(section_parse("kretprobe/vfs_read+4", &pp, &col), -22, "kretprobe with offset is refused");
	CHECK_INT(col, 18, "caret at the offset");
	CHECK_INT(section_parse("uprobe//usr/bin/x:main+8", &pp, &col), 0, "uprobe absolute path");
	CHECK(pp.kind == PROBE_UPROBE && !strcmp(pp.binary, "/usr/bin/x") && !strcmp(pp.func, "main") &&
	      pp.offset == 8, "uprobe fields");
	probe_point_free(&pp);
	CHECK_INT(section_parse("uretprobe/./t:f", &pp, &col), 0, "uretprobe relative path");
	CHECK(pp.kind == PROBE_URETPROBE && !strcmp(pp.binary, "./t"), "uretprobe fields");
	probe_point_free(&pp);
	CHECK_INT(section_parse("uprobe/nofunc", &pp, &col), -22, "uprobe without :FUNC is refused");
	CHECK_INT(section_parse("uprobe/x:f+zz", &pp, &col), -22, "bad offset is refused");
	CHECK_INT(col, 11, "caret at the bad offset");
	CHECK_INT(section_parse("raw_tp/sys_enter", &pp, &col), 0, "raw_tp parses");
	CHECK(pp.kind == PROBE_RAW_TP && !strcmp(pp.name, "sys_enter"), "raw_tp fields");
	probe_point_free(&pp);
	CHECK_INT(section_parse("raw_tracepoint/sched_switch", &pp, &col), 0, "raw_tracepoint alias");
	probe_point_free(&pp);
	CHECK_INT(section_parse("tp/syscalls/sys_enter_write", &pp, &col), 0, "tp parses");
	CHECK(pp.kind == PROBE_SPEC, "a tracepoint program is a spec (perf semantics, the raw record)");
	CHECK_INT(section_parse("tracepoint/sched/sched_switch", &pp, &col), 0, "tracepoint/ too");
	CHECK(pp.kind == PROBE_SPEC, "tracepoint/ is a spec");
	CHECK_INT(section_parse("exec=./app;name=func+4 a b", &pp, &col), 0, "a spec is recognised");
	CHECK(pp.kind == PROBE_SPEC, "spec kind");
	CHECK_INT(section_parse("xdp", &pp, &col), -2, "other sections are not ours");
	CHECK_INT(section_parse("fentry/vfs_read", &pp, &col), -2, "fentry is not ours (yet)");
	return TEST_DONE();
}

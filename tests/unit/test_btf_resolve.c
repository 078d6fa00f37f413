// SPDX-License-Identifier: GPL-2.0
/*
 * BTF resolution against this host's /sys/kernel/btf/vmlinux.  Expected
 * offsets are looked up here directly with libbpf, independently of the
 * resolver's walk.
 */
#include <stdlib.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "probe/resolve.h"
#include "btf_fixture.h"
#include "test.h"

int main(void)
{
	struct probe_resolved r;
	struct spec_error e;
	struct fetch_arg *a;

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		printf("ok - no kernel BTF here: skipped\n");
		return 0;
	}
	btf = btf__load_vmlinux_btf();

	CHECK_INT(resolve("ev=vfs_read file->f_pos count buf", &r, &e), 0, "vfs_read params by name");
	CHECK(r.target == TARGET_KERNEL && r.ninsts == 1 && r.insts[0].nargs == 3, "one instance, three args");
	a = &r.insts[0].args[0];
	CHECK(a->base == FETCH_MEM_REG && a->reg == DREG_RDI && a->offset == member_off("file", "f_pos") &&
	      a->size == 8 && a->is_signed, "file->f_pos: first arg in rdi, f_pos's offset, s64");
	a = &r.insts[0].args[1];
	CHECK(a->base == FETCH_REG && a->reg == DREG_RDX && a->size == 8 && !a->is_signed,
	      "count: third arg in rdx, size_t");
	CHECK(r.insts[0].args[2].reg == DREG_RSI, "buf: second arg in rsi");
	probe_resolved_free(&r);

	CHECK_INT(resolve("ev=vfs_read file->f_inode->i_ino", &r, &e), 0, "two pointers deep");
	a = &r.insts[0].args[0];
	CHECK(a->base == FETCH_MEM_REG && a->reg == DREG_RDI && a->offset == member_off("file", "f_inode") &&
	      a->nderefs == 1 && a->derefs[0] == member_off("inode", "i_ino"), "f_inode then i_ino");
	probe_resolved_free(&r);

	CHECK_INT(resolve("ev=vfs_read%return $retval", &r, &e), 0, "%return $retval");
	a = &r.insts[0].args[0];
	CHECK(r.ret && a->base == FETCH_REG && a->reg == DREG_RAX && a->is_signed && a->size == 8,
	      "ssize_t in rax");
	probe_resolved_free(&r);

	CHECK_INT(resolve("raw_tp/sched_switch prev->pid next->comm prev_state", &r, &e), 0,
		  "raw tracepoint args by name");
	a = &r.insts[0].args[0];
	CHECK(r.target == TARGET_RAW_TP && a->base == FETCH_MEM_REG && a->reg == DREG_CTX && a->offset == 8 &&
	      a->nderefs == 1 && a->derefs[0] == member_off("task_struct", "pid") && a->size == 4,
	      "prev is args[1] (after preempt), then task_struct.pid");
	a = &r.insts[0].args[1];
	CHECK(a->offset == 16 && a->final == FINAL_BYTES && a->size == 16 &&
	      a->derefs[0] == member_off("task_struct", "comm"), "next is args[2], comm is 16 bytes");
	CHECK(r.insts[0].args[2].offset == 24, "prev_state is args[3]");
	probe_resolved_free(&r);

	CHECK_INT(resolve("ev=vfs_read file->nope", &r, &e), -22, "unknown member refused");
	CHECK(strstr(e.msg, "struct file has no member 'nope'; it has: ") && e.col == 18, "names the members, caret at it");
	CHECK_INT(resolve("ev=vfs_read count->x", &r, &e), -22, "-> on an integer refused");
	CHECK(strstr(e.msg, "'->' needs a pointer"), "says why");
	CHECK_INT(resolve("ev=vfs_read file.f_pos", &r, &e), -22, ". on a pointer refused");
	CHECK(strstr(e.msg, "use '->'"), "says to use ->");
	CHECK_INT(resolve("ev=vfs_read nosuch", &r, &e), -2, "unknown parameter refused");
	CHECK(strstr(e.msg, "vfs_read has no parameter 'nosuch'; it has: file, buf, count, pos"), "lists the parameters");
	CHECK_INT(resolve("ev=no_such_function_xyz", &r, &e), -22, "unknown function refused");
	CHECK_INT(resolve("ev=vfs_read+8 count", &r, &e), -22, "params past the entry refused without DWARF");
	CHECK(strstr(e.msg, "only known at the function's entry"), "says why");
	btf__free(btf);
	return TEST_DONE();
}

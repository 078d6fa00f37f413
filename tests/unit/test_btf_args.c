// SPDX-License-Identifier: GPL-2.0
/*
 * Trampoline specs (fentry/, fexit/, tp_btf/) against this host's
 * /sys/kernel/btf/vmlinux: each arg's ctx slot, its chain, and how many of
 * its reads are plain BTF-typed loads.  Offsets and slots are looked up
 * here with libbpf directly, not through the resolver's walk.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "probe/resolve.h"
#include "btf_fixture.h"
#include "test.h"

/* The number of parameters of a kernel function, from its prototype. */
static int nparams(const char *func)
{
	int id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	const struct btf_type *proto = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);

	return btf_vlen(proto);
}

int main(void)
{
	struct probe_resolved r;
	struct spec_error e;
	struct spec s;
	struct fetch_arg *a;

	/* the grammar, no kernel needed */
	CHECK_INT(spec_parse("fexit/vfs_read $retval count", &s, &e), 0, "fexit/FUNC with $retval and an arg");
	CHECK(s.point == POINT_FENTRY && s.ret && !strcmp(s.func, "vfs_read") && s.nargs == 2 &&
	      spec_point_is_section(&s), "fexit: a return point, named like its section");
	spec_free(&s);
	CHECK_INT(spec_parse("fentry/vfs_read $retval", &s, &e), -EINVAL, "fentry refuses $retval");
	CHECK(strstr(e.msg, "probe fexit/vfs_read") != NULL, "and says fexit/");
	CHECK_INT(spec_parse("fentry/vfs_read%return count", &s, &e), -EINVAL, "fentry/F%return refused");
	CHECK(strstr(e.msg, "fexit/FUNC probes the return") != NULL && e.col == 15, "pointing at %return");
	CHECK_INT(spec_parse("tp_btf/sched_switch prev->pid", &s, &e), 0, "tp_btf/NAME ARGS");
	CHECK(s.point == POINT_TP_BTF && !s.ret && !strcmp(s.func, "sched_switch"), "tp_btf: the tracepoint");
	spec_free(&s);
	CHECK_INT(spec_parse("tp_btf/sched_switch $retval", &s, &e), -EINVAL, "a tracepoint has no $retval");

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		printf("ok - no kernel BTF here: the rest skipped\n");
		return 0;
	}
	btf = btf__load_vmlinux_btf();

	CHECK_INT(resolve("fentry/vfs_read file->f_inode->i_ino count buf[0] "
			  "file->f_inode->i_sb->s_id", &r, &e), 0, "fentry args");
	CHECK(r.target == TARGET_FENTRY && !r.ret && r.ninsts == 1 && r.insts[0].nargs == 4, "one instance, four args");
	a = &r.insts[0].args[0];
	CHECK(a->base == FETCH_MEM_REG && a->reg == DREG_CTX && a->offset == 0 && a->nderefs == 2 &&
	      a->derefs[0] == member_off("file", "f_inode") && a->derefs[1] == member_off("inode", "i_ino") &&
	      a->direct == 3, "file->f_inode->i_ino: ctx slot 0, two pointers, all three reads plain loads");
	a = &r.insts[0].args[1];
	CHECK(a->offset == 16 && !a->nderefs && a->direct == 1 && a->size == 8, "count: ctx slot 2, one load");
	a = &r.insts[0].args[2];
	CHECK(a->offset == 8 && a->nderefs == 1 && a->direct == 1 && a->size == 1,
	      "buf[0]: the char pointer is a load, the char a probe read (not a struct)");
	a = &r.insts[0].args[3];
	CHECK(a->final == FINAL_BYTES && a->nderefs == 3 && a->direct == 3 &&
	      a->derefs[2] == member_off("super_block", "s_id"),
	      "file->f_inode->i_sb->s_id: three pointers are loads (the char[32] a probe read)");
	probe_resolved_free(&r);

	CHECK_INT(resolve("tp_btf/sched_process_exec bprm->filename:string", &r, &e), 0, "a string member");
	a = &r.insts[0].args[0];
	CHECK(a->final == FINAL_STRING && a->offset == 16 && a->nderefs == 1 && a->direct == 2,
	      "bprm->filename:string: bprm and the char pointer are loads (the string a helper)");
	probe_resolved_free(&r);

	/* i_nlink sits in a union of struct inode: the last read is a probe read */
	CHECK_INT(resolve("fentry/vfs_read n=file->f_inode->i_nlink", &r, &e), 0, "a member in a union");
	a = &r.insts[0].args[0];
	CHECK(a->nderefs == 2 && a->direct == 2, "file->f_inode->i_nlink: two loads, then a probe read");
	probe_resolved_free(&r);

	CHECK_INT(resolve("fexit/vfs_read $retval count pos=file->f_pos", &r, &e), 0, "fexit args");
	CHECK(r.target == TARGET_FENTRY && r.ret, "fexit: a return probe");
	a = &r.insts[0].args[0];
	CHECK(a->offset == 8 * nparams("vfs_read") && a->direct == 1 && a->is_signed && a->size == 8,
	      "$retval: the slot after the parameters, ssize_t");
	CHECK(r.insts[0].args[1].offset == 16, "count at fexit: still its entry slot");
	probe_resolved_free(&r);

	CHECK_INT(resolve("tp_btf/sched_switch prev->pid next->comm prev_state", &r, &e), 0, "tp_btf args");
	CHECK(r.target == TARGET_TP_BTF, "a BTF-typed tracepoint");
	a = &r.insts[0].args[0];
	CHECK(a->offset == 8 && a->nderefs == 1 && a->derefs[0] == member_off("task_struct", "pid") &&
	      a->direct == 2 && a->size == 4 && a->is_signed, "prev->pid: slot 1 (after preempt), two loads");
	a = &r.insts[0].args[1];
	CHECK(a->final == FINAL_BYTES && a->size == 16 && a->direct == 1,
	      "next->comm: the pointer a load, the char[16] copied by a probe read");
	CHECK(r.insts[0].args[2].offset == 24, "prev_state: slot 3");
	probe_resolved_free(&r);

	CHECK_INT(resolve("fentry/vfs_read nosuch", &r, &e), -ENOENT, "an unknown parameter");
	CHECK(strstr(e.msg, "vfs_read has no parameter 'nosuch'; it has: file, buf, count, pos") != NULL,
	      "lists the parameters");
	CHECK_INT(resolve("fentry/no_such_function_here x", &r, &e), -ENOENT, "an unknown function (not there: -ENOENT)");
	CHECK(strstr(e.msg, "no kernel function 'no_such_function_here'") != NULL, "says so");
	CHECK_INT(resolve("fentry/vfs_read file:u32", &r, &e), -EINVAL, "a struct pointer narrowed");
	CHECK(strstr(e.msg, "use :x64") != NULL, "refused: the verifier does not narrow a typed pointer");
	btf__free(btf);
	return TEST_DONE();
}

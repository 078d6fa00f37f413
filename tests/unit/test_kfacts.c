// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel facts vtrace caches (bpf/kfacts.h): found in a BTF built
 * here with known offsets, written and read back, a damaged file refused;
 * and on the running kernel, the cached facts equal a fresh parse of
 * /sys/kernel/btf/vmlinux with offsetof() as libbpf's own BTF API reads it.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "bpf/kfacts.h"
#include "tests/unit/test.h"

static struct btf *fake_kernel(bool lazy_buffer)
{
	struct btf *b = btf__new_empty();
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int task, buf, p1, p2, proto;

	task = btf__add_struct(b, "task_struct", 4096);
	btf__add_field(b, "state", i32, 0, 0);
	btf__add_field(b, "pid", i32, 1240 * 8, 0);
	btf__add_field(b, "tgid", i32, 1244 * 8, 0);
	buf = btf__add_struct(b, "uprobe_cpu_buffer", 8);
	p1 = btf__add_ptr(b, buf);
	p2 = btf__add_ptr(b, p1);
	proto = btf__add_func_proto(b, i32);
	btf__add_func_param(b, "tu", i32);
	btf__add_func_param(b, "ucbp", lazy_buffer ? p2 : p1);
	btf__add_func(b, "__uprobe_perf_func", BTF_FUNC_STATIC, proto);
	proto = btf__add_func_proto(b, i32);
	btf__add_func(b, "bpf_copy_from_user_str", BTF_FUNC_GLOBAL, proto);
	(void)task;
	return b;
}

int main(void)
{
	struct kernel_facts kf, back;
	char text[256], dir[] = "/tmp/vtrace-kfacts.XXXXXX";
	struct btf *b = fake_kernel(true);

	kernel_facts_from_btf(&kf, b, "6.1.0");
	CHECK_INT(kf.task_pid_off, 1240, "task_struct's pid offset from BTF");
	CHECK_INT(kf.task_tgid_off, 1244, "task_struct's tgid offset from BTF");
	CHECK(kf.uprobes_may_sleep, "__uprobe_perf_func taking the buffer by reference: uprobes may sleep, "
	      "whatever the release");
	CHECK_INT(kf.str_kfunc, btf__find_by_name_kind(b, "bpf_copy_from_user_str", BTF_KIND_FUNC),
		  "the kfunc's BTF id");
	btf__free(b);
	b = fake_kernel(false);
	kernel_facts_from_btf(&kf, b, "6.18.0");
	CHECK(!kf.uprobes_may_sleep, "the buffer by value: uprobes hold it while programs run");
	btf__free(b);
	kernel_facts_from_btf(&kf, NULL, "6.10.2");
	CHECK(kf.uprobes_may_sleep && !kf.task_pid_off, "no BTF: 6.10 says by its release");
	kernel_facts_from_btf(&kf, NULL, "6.9.12");
	CHECK(!kf.uprobes_may_sleep, "no BTF: 6.9 by its release");

	kf = (struct kernel_facts){ true, 4711, 2500, 2504 };
	CHECK_INT(kernel_facts_format(&kf, text, sizeof(text)), 0, "facts formatted");
	memset(&back, 0, sizeof(back));
	CHECK_INT(kernel_facts_parse(&back, text), 0, "and parsed back");
	CHECK(back.uprobes_may_sleep && back.str_kfunc == 4711 && back.task_pid_off == 2500 &&
	      back.task_tgid_off == 2504, "the same facts");
	text[strlen(text) / 2] = 0;
	CHECK_INT(kernel_facts_parse(&back, text), -EINVAL, "a cut file is refused");
	CHECK_INT(kernel_facts_parse(&back, "vtrace-kfacts 99\n"), -EINVAL, "another version is refused");
	CHECK(kernel_facts_format(&kf, text, 20) < 0, "a short buffer is said");

	/* the running kernel: the facts (then in the cache) equal a fresh parse */
	if (mkdtemp(dir) && !setenv("XDG_CACHE_HOME", dir, 1) && !access("/sys/kernel/btf/vmlinux", R_OK)) {
		struct btf *v = btf__load_vmlinux_btf();
		struct kernel_facts fresh;
		int id = v ? btf__find_by_name_kind(v, "task_struct", BTF_KIND_STRUCT) : -1;
		const struct btf_type *t = id > 0 ? btf__type_by_id(v, id) : NULL;
		long want_tgid = -1;

		for (int i = 0; t && i < btf_vlen(t); i++)
			if (!strcmp(btf__name_by_offset(v, btf_members(t)[i].name_off), "tgid"))
				want_tgid = btf_member_bit_offset(t, i) / 8;
		kernel_facts_from_btf(&fresh, v, NULL);
		CHECK_INT(kernel_facts_get(&kf), 0, "running kernel: facts found");
		CHECK_INT(kf.task_tgid_off, want_tgid, "running kernel: tgid's offset as BTF has it");
		CHECK(!memcmp(&kf, &fresh, sizeof(kf)), "running kernel: the facts equal a fresh parse");
		snprintf(text, sizeof(text), "grep -q '^task_tgid_off %ld$' %s/vtrace/kernel/*.facts",
			 want_tgid, dir);
		CHECK(!system(text), "running kernel: and are cached");
		btf__free(v);
		snprintf(text, sizeof(text), "rm -rf %s", dir);
		if (system(text))
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return TEST_DONE();
}

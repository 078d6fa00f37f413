// SPDX-License-Identifier: GPL-2.0
/* The running kernel's BTF facts, cached: see kfacts.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "bpf/kfacts.h"
#include "lib/error.h"
#include "lib/fs.h"
#include "lib/sha256.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define FACTS_VERSION 1

/* Is type id a pointer to a pointer to struct uprobe_cpu_buffer? */
static bool is_buffer_ref(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	for (int level = 0; level < 2; level++) {
		while (t && btf_is_mod(t))
			t = btf__type_by_id(btf, t->type);
		if (!t || !btf_is_ptr(t))
			return false;
		t = btf__type_by_id(btf, t->type);
	}
	while (t && btf_is_mod(t))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_struct(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "uprobe_cpu_buffer");
}

/*
 * Before Linux 6.10 ("uprobes: prepare uprobe args buffer lazily"), a
 * uprobe ran its BPF programs holding its CPU's uprobe buffer mutex (see
 * features.h).  Since then the buffer is made after the programs ran, on
 * demand, which BTF shows: __uprobe_perf_func() takes it by reference.
 * Without the function in BTF (inlined), the release says.
 */
static bool uprobes_may_sleep(const struct btf *btf, const char *release)
{
	int id = btf ? btf__find_by_name_kind(btf, "__uprobe_perf_func", BTF_KIND_FUNC) : -ENOENT;
	const struct btf_type *proto = id > 0 ? btf__type_by_id(btf, btf__type_by_id(btf, id)->type) : NULL;
	int major = 0, minor = 0;

	if (proto && btf_is_func_proto(proto)) {
		for (int i = 0; i < btf_vlen(proto); i++)
			if (is_buffer_ref(btf, btf_params(proto)[i].type))
				return true;
		return false;
	}
	return release && sscanf(release, "%d.%d", &major, &minor) == 2 &&
	       (major > 6 || (major == 6 && minor >= 10));
}

static uint32_t member_off(const struct btf *btf, const struct btf_type *t, const char *name)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
			return btf_member_bit_offset(t, i) / 8;
	return 0;
}

void kernel_facts_from_btf(struct kernel_facts *kf, const struct btf *btf, const char *release)
{
	int id;

	memset(kf, 0, sizeof(*kf));
	kf->uprobes_may_sleep = uprobes_may_sleep(btf, release);
	if (!btf)
		return;
	id = btf__find_by_name_kind(btf, "bpf_copy_from_user_str", BTF_KIND_FUNC);
	kf->str_kfunc = id > 0 ? id : 0;
	id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	if (id > 0) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		kf->task_pid_off = member_off(btf, t, "pid");
		kf->task_tgid_off = member_off(btf, t, "tgid");
	}
}

int kernel_facts_format(const struct kernel_facts *kf, char *buf, size_t size)
{
	int n = snprintf(buf, size, "vtrace-kfacts %d\nuprobes_may_sleep %d\nstr_kfunc %d\n"
			 "task_pid_off %u\ntask_tgid_off %u\n", FACTS_VERSION, kf->uprobes_may_sleep,
			 kf->str_kfunc, kf->task_pid_off, kf->task_tgid_off);

	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

int kernel_facts_parse(struct kernel_facts *kf, const char *text)
{
	int version, sleep, kfunc;
	unsigned pid, tgid;

	if (sscanf(text, "vtrace-kfacts %d\nuprobes_may_sleep %d\nstr_kfunc %d\ntask_pid_off %u\n"
		   "task_tgid_off %u\n", &version, &sleep, &kfunc, &pid, &tgid) != 5 ||
	    version != FACTS_VERSION || kfunc < 0)
		return -EINVAL;
	kf->uprobes_may_sleep = sleep;
	kf->str_kfunc = kfunc;
	kf->task_pid_off = pid;
	kf->task_tgid_off = tgid;
	return 0;
}

/* The cache file for this kernel and boot: one stat. */
static int facts_path(char *path, size_t size)
{
	char root[PATH_MAX], hex[65], key[512];
	struct sha256 h;
	struct utsname u;
	struct stat st;
	int err;

	if (uname(&u))
		return -errno;
	if (stat(VMLINUX_BTF, &st))
		memset(&st, 0, sizeof(st));
	snprintf(key, sizeof(key), "%s\n%s\n%lld\n%lld.%09ld\n", u.release, u.version,
		 (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	sha256_init(&h);
	sha256_update(&h, key, strlen(key));
	sha256_hex(&h, hex);
	err = cache_root(root, sizeof(root));
	if (err)
		return err;
	if ((size_t)snprintf(path, size, "%s/kernel/%.32s.facts", root, hex) >= size)
		return -ENAMETOOLONG;
	return 0;
}

int kernel_facts_get(struct kernel_facts *kf)
{
	static struct kernel_facts known;	/* asked once a run */
	static bool have;
	char path[PATH_MAX], dir[PATH_MAX], text[256], *data = NULL;
	struct utsname u;
	struct btf *btf;
	size_t len;
	int err;

	if (have) {
		*kf = known;
		return 0;
	}
	err = facts_path(path, sizeof(path));
	if (!err && !read_file(path, &data, &len) && !kernel_facts_parse(kf, data)) {
		free(data);
		known = *kf;
		have = true;
		return 0;
	}
	free(data);
	btf = btf__load_vmlinux_btf();
	kernel_facts_from_btf(kf, btf, uname(&u) ? NULL : u.release);
	btf__free(btf);
	if (!err && (cache_subdir("kernel", dir, sizeof(dir)) ||
		     kernel_facts_format(kf, text, sizeof(text)) ||
		     write_file_atomic(path, text, strlen(text))))
		pr_debug("cannot cache the kernel's BTF facts in %s", path);
	known = *kf;
	have = true;
	return 0;
}

int kernel_facts_apply_own(const struct kernel_facts *kf, struct bpf_object *own)
{
	struct bpf_map *m;

	if (!kf->task_pid_off || !kf->task_tgid_off)
		return -ENOENT;		/* no task_struct in this kernel's BTF */
	bpf_object__for_each_map(m, own) {
		const char *name = bpf_map__name(m);
		uint32_t off[2] = { kf->task_pid_off, kf->task_tgid_off };
		size_t len = strlen(name), size;

		if (len < 7 || strcmp(name + len - 7, ".rodata"))
			continue;
		/* own.bpf.c's vtrace_task_off[], its only constant */
		if (!bpf_map__initial_value(m, &size) || size != sizeof(off))
			return -EINVAL;
		return bpf_map__set_initial_value(m, off, sizeof(off));
	}
	return -ENOENT;
}

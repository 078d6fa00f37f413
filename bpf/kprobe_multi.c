// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel spec's places on one link (BPF_TRACE_KPROBE_MULTI): the kernel
 * registers one fprobe for all of them instead of one kprobe each.  The
 * program and its cookies are the ones per-place kprobes get, so the
 * samples are the same either way.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "lib/env.h"
#include "bpf/insn.h"
#include "bpf/kprobe_multi.h"

/*
 * As libbpf asks it (newer libbpf has the probe, 1.1 not): a program of
 * the attach type loads everywhere, a link on a symbol that does not exist
 * is refused with ESRCH where fprobe is built in, EOPNOTSUPP where not.
 */
static bool probe_kernel(void)
{
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };
	LIBBPF_OPTS(bpf_prog_load_opts, po, .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
	const char *sym = "vtrace_no_such_function_probe";
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	int prog, link, err;

	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, 2, &po);
	if (prog < 0)
		return false;
	lo.kprobe_multi.syms = &sym;
	lo.kprobe_multi.cnt = 1;
	link = bpf_link_create(prog, 0, BPF_TRACE_KPROBE_MULTI, &lo);
	err = link < 0 ? -errno : 0;
	if (link >= 0)
		close(link);
	close(prog);
	return err == -ESRCH || err == -ENOENT;
}

bool kprobe_multi_supported(void)
{
	static int known = -1;

	if (env_switch_on(VTRACE_NO_KPROBE_MULTI_ENV))
		return false;
	if (known < 0)
		known = probe_kernel();
	return known;
}

bool kprobe_multi_fits(const struct probe_resolved *res)
{
	if (res->target != TARGET_KERNEL || res->ninsts < 2 || res->ninsts > UINT32_MAX)
		return false;
	for (size_t i = 0; i < res->ninsts; i++)
		if (res->insts[i].func_offset || res->insts[i].inlined)
			return false;
	return true;
}

/* The module a .ko file builds: its name with '-' as '_', as the kernel keeps it. */
static void module_name(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		name[i] = base[i] == '-' ? '_' : base[i];
	name[n] = 0;
}

int kernel_instance_addr(const struct probe_resolved *res, size_t i, uint64_t *addr)
{
	const struct probe_instance *in = &res->insts[i];
	char mod[64], path[PATH_MAX], buf[32];
	unsigned long long base;
	FILE *f;
	int ok;

	*addr = 0;
	if (!res->binary || !in->section[0])
		return 0;
	module_name(res->binary, mod, sizeof(mod));
	snprintf(path, sizeof(path), "/sys/module/%s/sections/%s", mod, in->section);
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	ok = fgets(buf, sizeof(buf), f) && sscanf(buf, "%llx", &base) == 1 && base;
	fclose(f);
	if (!ok)
		return -EPERM;	/* not root: the kernel shows 0 */
	*addr = base + in->file_offset;
	return 0;
}

int kprobe_multi_attach(int prog_fd, const struct probe_resolved *res, const uint64_t *cookies)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	size_t n = res->ninsts;
	const char **syms = NULL;
	unsigned long *addrs = NULL;
	int fd, err = 0;

	if (!kprobe_multi_fits(res))
		return -EINVAL;
	if (res->binary) {
		addrs = calloc(n, sizeof(*addrs));
		for (size_t i = 0; addrs && !err && i < n; i++) {
			uint64_t a;

			err = kernel_instance_addr(res, i, &a);
			addrs[i] = a;
			if (!err && !a)
				err = -ENOENT;
		}
		lo.kprobe_multi.addrs = addrs;
	} else {
		syms = calloc(n, sizeof(*syms));
		for (size_t i = 0; syms && i < n; i++)
			syms[i] = res->insts[i].func;
		lo.kprobe_multi.syms = syms;
	}
	if (!addrs && !syms)
		return -ENOMEM;
	if (err) {
		free(addrs);
		return err;
	}
	lo.kprobe_multi.cnt = n;
	lo.kprobe_multi.cookies = (const __u64 *)cookies;
	lo.kprobe_multi.flags = res->ret ? BPF_F_KPROBE_MULTI_RETURN : 0;
	fd = bpf_link_create(prog_fd, 0, BPF_TRACE_KPROBE_MULTI, &lo);
	err = fd < 0 ? -errno : 0;
	free(addrs);
	free(syms);
	return err ? err : fd;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * One link for every place of a user spec (BPF_TRACE_UPROBE_MULTI, Linux
 * 6.6).  Attached one perf event at a time, the 8,164 inlined copies of
 * CPython's Py_DECREF took ten minutes to attach and detach; the kernel
 * registers a multi link's uprobes in one call and releases them in one.
 *
 * libbpf 1.1 (Debian 12) predates the link kind, and so do the 6.1 uapi
 * headers: the attach type and the link_create attribute are spelled here,
 * as the kernel's uapi defines them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "lib/env.h"
#include "bpf/insn.h"
#include "bpf/uprobe_multi.h"

/* BPF_LINK_CREATE's attribute for this link kind (include/uapi/linux/bpf.h) */
struct link_create_uprobe_multi {
	uint32_t prog_fd;
	uint32_t target_fd;
	uint32_t attach_type;
	uint32_t flags;
	uint64_t path;
	uint64_t offsets;
	uint64_t ref_ctr_offsets;
	uint64_t cookies;
	uint32_t cnt;
	uint32_t multi_flags;	/* BPF_F_UPROBE_MULTI_RETURN */
	uint32_t pid;
	uint32_t pad;
};

#define F_UPROBE_MULTI_RETURN 1

static int link_create(int prog_fd, const char *path, const uint64_t *offsets,
		       const uint64_t *cookies, size_t n, bool ret)
{
	/* a bpf_attr's size: what the kernel reads must be zero past our part */
	union {
		struct link_create_uprobe_multi um;
		char bytes[128];
	} attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.um.prog_fd = prog_fd;
	attr.um.attach_type = VTRACE_TRACE_UPROBE_MULTI;
	attr.um.path = (uint64_t)(uintptr_t)path;
	attr.um.offsets = (uint64_t)(uintptr_t)offsets;
	attr.um.cookies = (uint64_t)(uintptr_t)cookies;
	attr.um.cnt = n;
	attr.um.multi_flags = ret ? F_UPROBE_MULTI_RETURN : 0;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

int uprobe_multi_attach(int prog_fd, const char *path, const uint64_t *offsets,
			const uint64_t *cookies, size_t n, bool ret)
{
	if (!n || n > UINT32_MAX)
		return -EINVAL;
	return link_create(prog_fd, path, offsets, cookies, n, ret);
}

/*
 * As libbpf asks it: a program of the attach type loads, and a link on a
 * path that is no regular file is refused with EBADF (an older kernel
 * refuses the attach type itself, with EINVAL).
 */
static bool probe_kernel(void)
{
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };
	LIBBPF_OPTS(bpf_prog_load_opts, po, .expected_attach_type = VTRACE_TRACE_UPROBE_MULTI);
	uint64_t offset = 0;
	int prog, link;

	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, 2, &po);
	if (prog < 0)
		return false;
	link = link_create(prog, "/", &offset, NULL, 1, false);
	if (link >= 0)
		close(link);
	close(prog);
	return link == -EBADF;
}

bool uprobe_multi_supported(void)
{
	static int known = -1;

	if (env_switch_on(VTRACE_NO_UPROBE_MULTI_ENV))
		return false;
	if (known < 0)
		known = probe_kernel();
	return known;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Entry values (DW_OP_entry_value): what a register held when the function
 * was entered, which optimized code often no longer keeps.  A companion
 * probe at each such function's entry saves the registers in a map keyed
 * by thread, frame and function; the spec's own probe, later in the same
 * call, finds them again with its own CFA (from CFI), which is the same
 * value for the whole call.  Recursion and threads have keys of their own;
 * a call that began before the probes were attached has no entry, and the
 * arg prints as unavailable.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpf/entry.h"
#include "bpf/insn.h"
#include "bpf/prologue.h"
#include "lib/fs.h"

/* How many live frames the map remembers; an evicted one reads as unavailable. */
#define ENTRY_MAX 16384

int entry_map_create(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, none);
	int fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "vtrace_entry", sizeof(struct entry_key),
				sizeof(struct entry_regs), ENTRY_MAX, &none);

	return fd < 0 ? -errno : fd;
}

/*
 * The saver: key { tid, rsp + 8 (the CFA at a function's first
 * instruction), the attach cookie (the function) }, value the first 16
 * registers by DWARF number.
 */
static int saver_insns(struct bpf_insn *v, size_t cap, int map_fd, int pids_fd)
{
	size_t n = 0;
	const int key = -(int)sizeof(struct entry_key), val = key - (int)sizeof(struct entry_regs);

#define E(x) do { if (n < cap) v[n] = (x); n++; } while (0)
	E(MOV64_REG(BPF_REG_6, BPF_REG_1));
	E(CALL_HELPER(BPF_FUNC_get_current_pid_tgid));
	E(STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, key));
	if (pids_fd >= 0) {
		/* only the traced processes: their tgid in vtrace's set */
		E(ALU64_IMM(BPF_RSH, BPF_REG_0, 32));
		E(STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, val));
		E(LD_IMM64_LO(BPF_REG_1, BPF_PSEUDO_MAP_FD, pids_fd));
		E(LD_IMM64_HI(0));
		E(MOV64_REG(BPF_REG_2, BPF_REG_10));
		E(ALU64_IMM(BPF_ADD, BPF_REG_2, val));
		E(CALL_HELPER(BPF_FUNC_map_lookup_elem));
		E(JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2));
		E(MOV64_IMM(BPF_REG_0, 0));
		E(EXIT_INSN());
	}
	/* the thread id alone: the low half */
	E(ST_MEM(BPF_W, BPF_REG_10, key + 4, 0));
	E(LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_6, pt_regs_offset(DREG_RSP)));
	E(ALU64_IMM(BPF_ADD, BPF_REG_1, 8));
	E(STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, key + 8));
	E(MOV64_REG(BPF_REG_1, BPF_REG_6));
	E(CALL_HELPER(BPF_FUNC_get_attach_cookie));
	E(STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, key + 16));
	for (int r = 0; r < ENTRY_REGS; r++) {
		E(LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_6, pt_regs_offset(r)));
		E(STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, val + 8 * r));
	}
	E(LD_IMM64_LO(BPF_REG_1, BPF_PSEUDO_MAP_FD, map_fd));
	E(LD_IMM64_HI(0));
	E(MOV64_REG(BPF_REG_2, BPF_REG_10));
	E(ALU64_IMM(BPF_ADD, BPF_REG_2, key));
	E(MOV64_REG(BPF_REG_3, BPF_REG_10));
	E(ALU64_IMM(BPF_ADD, BPF_REG_3, val));
	E(MOV64_IMM(BPF_REG_4, BPF_ANY));
	E(CALL_HELPER(BPF_FUNC_map_update_elem));
	E(MOV64_IMM(BPF_REG_0, 0));
	E(EXIT_INSN());
#undef E
	return n;
}

int entry_saver_load(int map_fd, int pids_fd)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	struct bpf_insn insns[128];
	int n = saver_insns(insns, 128, map_fd, pids_fd), fd;

	if (n > 128)
		return -E2BIG;
	fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "vtrace_entry", "GPL", insns, n, &opts);
	return fd < 0 ? -errno : fd;
}

/* The uprobe PMU's type, from sysfs (as perf and libbpf find it). */
static int uprobe_pmu_type(void)
{
	char *text;
	int type;

	if (read_file("/sys/bus/event_source/devices/uprobe/type", &text, NULL))
		return -ENOENT;
	type = atoi(text);
	free(text);
	return type;
}

int entry_saver_attach(int prog_fd, const char *binary, uint64_t file_offset, uint64_t cookie,
		       struct entry_link *out)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .perf_event.bpf_cookie = cookie);
	struct perf_event_attr attr = { 0 };
	int type = uprobe_pmu_type();

	out->pfd = out->link_fd = -1;
	if (type < 0)
		return type;
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config1 = (uint64_t)(uintptr_t)binary;
	attr.config2 = file_offset;
	/* every process (pid -1) needs a cpu; the program runs on any */
	out->pfd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (out->pfd < 0)
		return -errno;
	out->link_fd = bpf_link_create(prog_fd, out->pfd, BPF_PERF_EVENT, &lo);
	if (out->link_fd < 0) {
		int err = -errno;

		close(out->pfd);
		out->pfd = -1;
		return err;
	}
	return 0;
}

void entry_link_close(struct entry_link *l)
{
	if (l->link_fd >= 0)
		close(l->link_fd);
	if (l->pfd >= 0)
		close(l->pfd);
	l->link_fd = l->pfd = -1;
}

void entry_probes_init(struct entry_probes *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->map_fd = ep->prog_fd = -1;
}

bool entry_probes_needed(const struct probe_resolved *r)
{
	for (size_t i = 0; i < r->ninsts; i++)
		for (size_t j = 0; j < r->insts[i].nargs; j++)
			if (r->insts[i].args[j].uses_entry)
				return true;
	return false;
}

/* One saver per function entry, however many args and instances use it. */
int entry_probes_attach(struct entry_probes *ep, const struct probe_resolved *r, int pids_fd)
{
	if (ep->map_fd < 0 || r->target != TARGET_USER)
		return 0;
	if (ep->prog_fd < 0) {
		ep->prog_fd = entry_saver_load(ep->map_fd, pids_fd);
		if (ep->prog_fd < 0)
			return ep->prog_fd;
	}
	for (size_t i = 0; i < r->ninsts; i++)
		for (size_t j = 0; j < r->insts[i].nargs; j++) {
			const struct fetch_arg *a = &r->insts[i].args[j];
			struct entry_link *nl;
			bool seen = false;
			int err;

			if (!a->uses_entry)
				continue;
			for (size_t k = 0; k < ep->n && !seen; k++)
				seen = ep->links[k].func == a->entry_func && !strcmp(ep->links[k].binary, r->binary);
			if (seen)
				continue;
			nl = realloc(ep->links, (ep->n + 1) * sizeof(*nl));
			if (!nl)
				return -ENOMEM;
			ep->links = nl;
			err = entry_saver_attach(ep->prog_fd, r->binary, a->entry_file_offset, a->entry_func,
						 &ep->links[ep->n]);
			if (err)
				return err;
			ep->links[ep->n].func = a->entry_func;
			ep->links[ep->n].binary = r->binary;
			ep->n++;
		}
	return 0;
}

void entry_probes_close(struct entry_probes *ep)
{
	for (size_t i = 0; i < ep->n; i++)
		entry_link_close(&ep->links[i]);
	free(ep->links);
	if (ep->prog_fd >= 0)
		close(ep->prog_fd);
	if (ep->map_fd >= 0)
		close(ep->map_fd);
	entry_probes_init(ep);
}

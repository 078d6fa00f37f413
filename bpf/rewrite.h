/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_REWRITE_H
#define VTRACE_REWRITE_H

#include <stddef.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

/*
 * A program as vtrace hands it to the kernel: code vtrace generated
 * (prologue) in front of the user's relocated instructions.  The func_info
 * and line_info the load options point at describe the user's code; they
 * are shifted so that they keep describing it, and the prologue counts as
 * part of the main function (the kernel wants line info at offset 0).
 */
struct rewrite {
	struct bpf_insn *insns;
	size_t cnt;
	void *func_info;
	void *line_info;
};

/*
 * Builds pre + user into rw (allocated; free with rewrite_free()) and points
 * opts at the shifted BTF info.  Every ld_imm64 of VTRACE_PROBE_ID_MAGIC in
 * the user's code becomes probe_id.  0 or -errno.
 */
int rewrite_program(struct rewrite *rw, const struct bpf_insn *pre, size_t npre,
		    const struct bpf_insn *user, size_t nuser, __u32 probe_id,
		    struct bpf_prog_load_opts *opts);
void rewrite_free(struct rewrite *rw);

/*
 * Builds wrapper + user: the wrapper becomes the entry function (sharing
 * the user's function's BTF type) and the user's function a subprogram
 * right after it.  func_info and line_info gain an entry at 0 and shift.
 */
int rewrite_wrap(struct rewrite *rw, const struct bpf_insn *wrap, size_t nwrap,
		 const struct bpf_insn *user, size_t nuser, __u32 probe_id,
		 struct bpf_prog_load_opts *opts);

/* Replaces every ld_imm64 of magic by value; returns how many were found. */
int rewrite_patch_const(struct bpf_insn *insns, size_t cnt, __u64 magic, __u64 value);

/* Replaces the probe-id constant; returns how many were found. */
int rewrite_patch_probe_id(struct bpf_insn *insns, size_t cnt, __u32 probe_id);

/* Filter: return 0 at once unless the current tgid is a key of map pids_fd. */
size_t prologue_pid_filter(struct bpf_insn *out, int pids_fd);
#define PROLOGUE_PID_FILTER_LEN 13

#endif

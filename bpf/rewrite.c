// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/insn.h"
#include "bpf/rewrite.h"
#include "vtrace_sample.h"

int rewrite_patch_const(struct bpf_insn *insns, size_t cnt, __u64 magic, __u64 value)
{
	int found = 0;

	for (size_t i = 0; i + 1 < cnt; i++) {
		if (!insn_is_ld_imm64(&insns[i]))
			continue;
		if (insns[i].src_reg == 0 && (__u32)insns[i].imm == (__u32)magic &&
		    (__u32)insns[i + 1].imm == (__u32)(magic >> 32)) {
			insns[i].imm = (__u32)value;
			insns[i + 1].imm = (__u32)(value >> 32);
			found++;
		}
		i++;	/* the second half of an ld_imm64 is not an instruction */
	}
	return found;
}

int rewrite_patch_probe_id(struct bpf_insn *insns, size_t cnt, __u32 probe_id)
{
	const __u32 lo = (__u32)VTRACE_PROBE_ID_MAGIC, hi = VTRACE_PROBE_ID_MAGIC >> 32;
	int found = 0;

	for (size_t i = 0; i + 1 < cnt; i++) {
		if (!insn_is_ld_imm64(&insns[i]))
			continue;
		if (insns[i].src_reg == 0 && (__u32)insns[i].imm == lo &&
		    (__u32)insns[i + 1].imm == hi) {
			insns[i].imm = probe_id;
			insns[i + 1].imm = 0;
			found++;
		}
		i++;	/* the second half of an ld_imm64 is not an instruction */
	}
	return found;
}

size_t prologue_pid_filter(struct bpf_insn *out, int pids_fd)
{
	size_t n = 0;

	out[n++] = MOV64_REG(BPF_REG_6, BPF_REG_1);
	out[n++] = CALL_HELPER(BPF_FUNC_get_current_pid_tgid);
	out[n++] = ALU64_IMM(BPF_RSH, BPF_REG_0, 32);
	out[n++] = STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, -4);
	out[n++] = MOV64_REG(BPF_REG_2, BPF_REG_10);
	out[n++] = ALU64_IMM(BPF_ADD, BPF_REG_2, -4);
	out[n++] = LD_IMM64_LO(BPF_REG_1, BPF_PSEUDO_MAP_FD, pids_fd);
	out[n++] = LD_IMM64_HI(0);
	out[n++] = CALL_HELPER(BPF_FUNC_map_lookup_elem);
	out[n++] = JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2);
	out[n++] = MOV64_IMM(BPF_REG_0, 0);
	out[n++] = EXIT_INSN();
	out[n++] = MOV64_REG(BPF_REG_1, BPF_REG_6);
	return n;
}

/* Shifts every record but the first (at 0, the main function) by delta. */
static void *shift_info(const void *info, __u32 cnt, __u32 rec_size, __u32 delta)
{
	char *copy;

	if (!info || !cnt)
		return NULL;
	copy = malloc((size_t)cnt * rec_size);
	if (!copy)
		return NULL;
	memcpy(copy, info, (size_t)cnt * rec_size);
	for (__u32 i = 0; i < cnt; i++) {
		/* insn_off is the first field of bpf_func_info and bpf_line_info */
		__u32 *off = (__u32 *)(copy + (size_t)i * rec_size);

		if (*off)
			*off += delta;
	}
	return copy;
}

int rewrite_program(struct rewrite *rw, const struct bpf_insn *pre, size_t npre,
		    const struct bpf_insn *user, size_t nuser, __u32 probe_id,
		    struct bpf_prog_load_opts *opts)
{
	memset(rw, 0, sizeof(*rw));
	rw->cnt = npre + nuser;
	rw->insns = malloc(rw->cnt * sizeof(*rw->insns));
	if (!rw->insns)
		return -ENOMEM;
	if (npre)
		memcpy(rw->insns, pre, npre * sizeof(*pre));
	memcpy(rw->insns + npre, user, nuser * sizeof(*user));
	rewrite_patch_probe_id(rw->insns + npre, nuser, probe_id);
	if (!npre || !opts)
		return 0;

	if (opts->func_info_cnt) {
		rw->func_info = shift_info(opts->func_info, opts->func_info_cnt,
					   opts->func_info_rec_size, npre);
		if (!rw->func_info)
			goto nomem;
		opts->func_info = rw->func_info;
	}
	if (opts->line_info_cnt) {
		rw->line_info = shift_info(opts->line_info, opts->line_info_cnt,
					   opts->line_info_rec_size, npre);
		if (!rw->line_info)
			goto nomem;
		opts->line_info = rw->line_info;
	}
	return 0;
nomem:
	rewrite_free(rw);
	return -ENOMEM;
}

void rewrite_free(struct rewrite *rw)
{
	free(rw->insns);
	free(rw->func_info);
	free(rw->line_info);
	memset(rw, 0, sizeof(*rw));
}

/* Prepends a copy of the first record (at 0) and shifts every original record. */
static void *wrap_info(const void *info, __u32 cnt, __u32 rec_size, __u32 delta)
{
	char *copy;

	if (!info || !cnt)
		return NULL;
	copy = malloc((size_t)(cnt + 1) * rec_size);
	if (!copy)
		return NULL;
	memcpy(copy, info, rec_size);
	memcpy(copy + rec_size, info, (size_t)cnt * rec_size);
	for (__u32 i = 1; i <= cnt; i++)
		*(__u32 *)(copy + (size_t)i * rec_size) += delta;
	*(__u32 *)copy = 0;
	return copy;
}

int rewrite_wrap(struct rewrite *rw, const struct bpf_insn *wrap, size_t nwrap,
		 const struct bpf_insn *user, size_t nuser, __u32 probe_id,
		 struct bpf_prog_load_opts *opts)
{
	memset(rw, 0, sizeof(*rw));
	rw->cnt = nwrap + nuser;
	rw->insns = malloc(rw->cnt * sizeof(*rw->insns));
	if (!rw->insns)
		return -ENOMEM;
	memcpy(rw->insns, wrap, nwrap * sizeof(*wrap));
	memcpy(rw->insns + nwrap, user, nuser * sizeof(*user));
	rewrite_patch_probe_id(rw->insns + nwrap, nuser, probe_id);
	if (opts->func_info_cnt) {
		rw->func_info = wrap_info(opts->func_info, opts->func_info_cnt,
					  opts->func_info_rec_size, nwrap);
		if (!rw->func_info)
			goto nomem;
		opts->func_info = rw->func_info;
		opts->func_info_cnt++;
	}
	if (opts->line_info_cnt) {
		rw->line_info = wrap_info(opts->line_info, opts->line_info_cnt,
					  opts->line_info_rec_size, nwrap);
		if (!rw->line_info)
			goto nomem;
		opts->line_info = rw->line_info;
		opts->line_info_cnt++;
	}
	return 0;
nomem:
	rewrite_free(rw);
	return -ENOMEM;
}

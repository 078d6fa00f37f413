// SPDX-License-Identifier: GPL-2.0
/*
 * record -g in a spec program's wrapper: the kernel's return addresses
 * (bpf_get_stack) for kernel probes, and for every probe the user
 * registers and up to VTRACE_USTACK_MAX bytes of the user stack, unwound
 * later in user space with the binaries' CFI (probe/stack.c).
 *
 * Why a copy and not bpf_get_stack(BPF_F_USER_STACK): the kernel walks user
 * stacks by frame pointers, which -O2 code does not keep; the copy unwinds
 * as gdb does.  Why inline in the sample and not a stack map: a sample is
 * then complete on its own (a data file needs no map drained at exit, and
 * no stack id is lost to a hash collision).
 */
#include <stddef.h>

#include "bpf/emit.h"
#include "bpf/insn.h"
#include "bpf/stack_emit.h"
#include "vtrace_sample.h"

unsigned stack_wanted(enum probe_target t)
{
	return t == TARGET_USER ? WRAP_STACK_USER : WRAP_STACK_USER | WRAP_STACK_KERNEL;
}

uint32_t stack_sample_max(uint32_t sample_size, unsigned stacks)
{
	uint32_t n = (sample_size + 7) & ~7u;

	if (!stacks)
		return sample_size;
	n += sizeof(struct vtrace_stack_block);
	if (stacks & WRAP_STACK_KERNEL)
		n += VTRACE_KSTACK_MAX;
	n += VTRACE_UREGS_SIZE + VTRACE_USTACK_MAX + 8;	/* the copy rounded up to 8 */
	return n + sizeof(struct vtrace_stack_trailer);
}

/* r1 = r7 + off */
static void scratch_ptr(struct insn_buf *b, int reg, int off)
{
	emit(b, MOV64_REG(reg, R_SCRATCH));
	emit(b, ALU64_IMM(BPF_ADD, reg, off));
}

/* One try at copying r2 bytes from the saved sp; jumps to *done on success (r9 = size). */
static size_t copy_try(struct insn_buf *b, int ustk)
{
	scratch_ptr(b, BPF_REG_1, ustk);
	emit(b, MOV64_REG(BPF_REG_2, BPF_REG_9));
	emit(b, LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, FP_TMP));
	emit(b, CALL_HELPER(BPF_FUNC_probe_read_user));
	return jump_fwd(b, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
}

void emit_stack(struct insn_buf *b, const struct wrapper *w)
{
	int blk = (w->layout->total + 7) & ~7u;
	int koff = blk + sizeof(struct vtrace_stack_block);
	int uregs = koff + ((w->stacks & WRAP_STACK_KERNEL) ? VTRACE_KSTACK_MAX : 0);
	int ustk = uregs + VTRACE_UREGS_SIZE;
	size_t ok[3], no_regs = 0;

	for (int i = 0; i < 3; i++)
		emit(b, ST_MEM(BPF_W, R_SCRATCH, blk + 4 * i, 0));
	emit(b, ST_MEM(BPF_W, R_SCRATCH, blk + offsetof(struct vtrace_stack_block, kern_room),
		       (w->stacks & WRAP_STACK_KERNEL) ? VTRACE_KSTACK_MAX : 0));
	if (w->stacks & WRAP_STACK_KERNEL) {
		emit(b, MOV64_REG(BPF_REG_1, R_CTX));
		scratch_ptr(b, BPF_REG_2, koff);
		emit(b, MOV64_IMM(BPF_REG_3, VTRACE_KSTACK_MAX));
		emit(b, MOV64_IMM(BPF_REG_4, 0));
		emit(b, CALL_HELPER(BPF_FUNC_get_stack));
		emit(b, JMP_IMM(BPF_JSGE, BPF_REG_0, 0, 1));
		emit(b, MOV64_IMM(BPF_REG_0, 0));
		emit(b, STX_MEM(BPF_W, R_SCRATCH, BPF_REG_0, blk + offsetof(struct vtrace_stack_block, kern_bytes)));
	}

	/* the user registers: the uprobe's own, or the task's saved at kernel entry */
	if (w->target == TARGET_USER) {
		for (int i = 0; i < VTRACE_UREGS_SIZE / 8; i++) {
			emit(b, LDX_MEM(BPF_DW, BPF_REG_0, R_CTX, 8 * i));
			emit(b, STX_MEM(BPF_DW, R_SCRATCH, BPF_REG_0, uregs + 8 * i));
		}
	} else {
		emit(b, CALL_HELPER(BPF_FUNC_get_current_task_btf));
		emit(b, MOV64_REG(BPF_REG_1, BPF_REG_0));
		emit(b, CALL_HELPER(BPF_FUNC_task_pt_regs));
		emit(b, MOV64_REG(BPF_REG_3, BPF_REG_0));
		scratch_ptr(b, BPF_REG_1, uregs);
		emit(b, MOV64_IMM(BPF_REG_2, VTRACE_UREGS_SIZE));
		emit(b, CALL_HELPER(BPF_FUNC_probe_read_kernel));
		no_regs = jump_fwd(b, JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0));
	}
	emit(b, ST_MEM(BPF_W, R_SCRATCH, blk + offsetof(struct vtrace_stack_block, regs_bytes),
		       VTRACE_UREGS_SIZE));
	emit(b, LDX_MEM(BPF_DW, BPF_REG_0, R_SCRATCH, uregs + pt_regs_offset(DREG_RSP)));
	emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, FP_TMP));

	/*
	 * The copy: VTRACE_USTACK_MAX bytes, or (near the top of the stack,
	 * where a read past its end faults whole) to the end of sp's next
	 * page, or of its own page.
	 */
	emit(b, MOV64_IMM(BPF_REG_9, VTRACE_USTACK_MAX));
	ok[0] = copy_try(b, ustk);
	for (int i = 1; i < 3; i++) {
		emit(b, LDX_MEM(BPF_DW, BPF_REG_9, BPF_REG_10, FP_TMP));
		emit(b, ALU64_IMM(BPF_AND, BPF_REG_9, 4095));
		emit(b, MOV64_IMM(BPF_REG_1, i == 1 ? 8192 : 4096));
		emit(b, ALU64_REG(BPF_SUB, BPF_REG_1, BPF_REG_9));
		emit(b, MOV64_REG(BPF_REG_9, BPF_REG_1));
		ok[i] = copy_try(b, ustk);
	}
	if (no_regs)
		patch(b, no_regs);
	emit(b, MOV64_IMM(BPF_REG_9, 0));
	for (int i = 0; i < 3; i++)
		patch(b, ok[i]);
	emit(b, STX_MEM(BPF_W, R_SCRATCH, BPF_REG_9, blk + offsetof(struct vtrace_stack_block, stack_bytes)));

	/* the trailer after the copy, rounded up to 8; r9 = the sample's size */
	emit(b, ALU64_IMM(BPF_ADD, BPF_REG_9, 7));
	emit(b, ALU64_IMM(BPF_AND, BPF_REG_9, ~7));
	emit(b, ALU64_IMM(BPF_ADD, BPF_REG_9, ustk));
	emit(b, MOV64_REG(BPF_REG_1, R_SCRATCH));
	emit(b, ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_9));
	emit(b, ST_MEM(BPF_W, BPF_REG_1, offsetof(struct vtrace_stack_trailer, block_off), blk));
	emit(b, ST_MEM(BPF_W, BPF_REG_1, offsetof(struct vtrace_stack_trailer, magic), VTRACE_STACK_MAGIC));
	emit(b, ALU64_IMM(BPF_ADD, BPF_REG_9, sizeof(struct vtrace_stack_trailer)));
}

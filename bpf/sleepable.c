// SPDX-License-Identifier: GPL-2.0
/*
 * The prologue of a sleepable uprobe program (bpf/features.h): its user
 * reads may take page faults, so memory that is not paged in is read as
 * gdb reads it, and it fetches into a sample of its own thread.
 */
#include "bpf/emit.h"
#include "bpf/features.h"
#include "bpf/insn.h"

/* A one-byte read at r3 into fp + FP_TOUCH: faults its page in; the result does not count. */
static void touch(struct insn_buf *b)
{
	emit(b, MOV64_REG(BPF_REG_1, BPF_REG_10));
	emit(b, ALU64_IMM(BPF_ADD, BPF_REG_1, FP_TOUCH));
	emit(b, MOV64_IMM(BPF_REG_2, 1));
	emit(b, CALL_HELPER(BPF_FUNC_copy_from_user));
}

/*
 * A read of r2 bytes at r3 (already r3 | r8) to r1, leaving r0 and the
 * destination as the probe-read helpers do (emit_read() relies on it): 0
 * or -errno, for a string the length with its NUL or -errno, and a zeroed
 * destination when the read fails.
 *
 * bpf_copy_from_user() returns 0 or -EFAULT and zeroes its destination
 * when it fails.  bpf_copy_from_user_str() returns the length with the NUL
 * or -errno, and with BPF_F_PAD_ZEROS zeroes its destination when it fails
 * (without, it leaves it as it was).  It is a kfunc returning an int: only
 * the low half of r0 is defined (nothing extends it), so its sign is
 * spread over the upper half.
 *
 * Without the kfunc (before 6.12) a string is read by
 * bpf_probe_read_user_str() after one-byte copies at its first and its
 * last possible address have faulted in the pages it can lie on (two at
 * most: SPEC_STR_MAX is less than a page).  Those copies fail harmlessly
 * where the string ends before its mapping does; only the read counts.
 */
void emit_user_copy(struct insn_buf *b, const struct wrapper *w, bool str)
{
	if (!str) {
		emit(b, CALL_HELPER(BPF_FUNC_copy_from_user));
		return;
	}
	if (w->str_kfunc) {
		emit(b, MOV64_IMM(BPF_REG_4, VTRACE_F_PAD_ZEROS));
		emit(b, KFUNC_CALL(w->str_kfunc));
		emit(b, ALU64_IMM(BPF_LSH, BPF_REG_0, 32));
		emit(b, ALU64_IMM(BPF_ARSH, BPF_REG_0, 32));
		return;
	}
	emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_SPILL(0)));
	emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, FP_SPILL(1)));
	emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_3, FP_SPILL(2)));
	touch(b);
	emit(b, LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, FP_SPILL(2)));
	emit(b, LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, FP_SPILL(1)));
	emit(b, ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_2));
	emit(b, ALU64_IMM(BPF_ADD, BPF_REG_3, -1));
	touch(b);
	emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_SPILL(0)));
	emit(b, LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, FP_SPILL(1)));
	emit(b, LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, FP_SPILL(2)));
	emit(b, CALL_HELPER(BPF_FUNC_probe_read_user_str));
}

/*
 * The thread's sample, made at its first hit.  Not the per-CPU one: this
 * program may sleep in a read, and another thread hitting a probe on this
 * CPU meanwhile would fill that one under it.  The kernel gives kprobe-type
 * programs the recursion-safe task_storage_get: it makes no new sample
 * while another program on this CPU is inside a task-storage call (a first
 * hit that sleeps allocating its sample); the event is then counted lost.
 */
void emit_task_scratch(struct insn_buf *b, const struct wrapper *w)
{
	emit(b, CALL_HELPER(BPF_FUNC_get_current_task_btf));
	emit(b, MOV64_REG(BPF_REG_2, BPF_REG_0));
	emit_ld_imm64(b, BPF_REG_1, BPF_PSEUDO_MAP_FD, w->task_scratch_fd);
	emit(b, MOV64_IMM(BPF_REG_3, 0));
	emit(b, MOV64_IMM(BPF_REG_4, BPF_LOCAL_STORAGE_GET_F_CREATE));
	emit(b, CALL_HELPER(BPF_FUNC_task_storage_get));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * bpf/trampoline.c without a kernel: the code a member chain becomes under
 * fentry (plain loads, a NULL test per pointer, no probe-read call while
 * the verifier types the chain), and whether a user's function reads its
 * ctx (then a kernel function spec stays a kprobe).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "bpf/emit.h"
#include "bpf/insn.h"
#include "bpf/trampoline.h"
#include "test.h"

static int count(const struct insn_buf *b, int code, int helper)
{
	int n = 0;

	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].code == code && (code != (BPF_JMP | BPF_CALL) || b->v[i].imm == helper) &&
		    (BPF_CLASS(code) != BPF_LDX || b->v[i].src_reg != R_SCRATCH))
			n++;
	return n;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

int main(void)
{
	struct wrapper w = { .target = TARGET_FENTRY, .pids_fd = -1, .entry_fd = -1 };
	/* file->f_inode->i_ino at fentry/vfs_read: slot 0, then +32 (f_inode), then +64 (i_ino) */
	int64_t derefs[] = { 32, 64 };
	struct fetch_arg a = { .name = "ino", .base = FETCH_MEM_REG, .reg = DREG_CTX, .offset = 0,
			       .derefs = derefs, .nderefs = 1, .final = FINAL_INT, .size = 8, .direct = 3 };
	struct insn_buf b = { 0 };

	/* ctx slot, f_inode, i_ino: three plain loads, two NULL tests, no helper */
	a.nderefs = 2;
	CHECK_INT(tramp_fetch_one(&b, &w, &a, 0, 16, 8), 0, "a two-level chain emits");
	CHECK_INT(count(&b, BPF_LDX | BPF_MEM | BPF_DW, 0), 3, "three plain 8-byte loads");
	{
		bool faulted_const = false;

		/* the NULL path's fault bit reaches r9 from memory, not as a constant (2^N paths) */
		for (size_t i = 0; i < b.n; i++)
			if (b.v[i].code == (BPF_ALU64 | BPF_OR | BPF_X) && b.v[i].dst_reg == R_FAULTS && i > 0 &&
			    b.v[i - 1].code != (BPF_ST | BPF_MEM | BPF_DW))
				faulted_const = true;
		CHECK(!faulted_const, "the fault bit is ORed in right after it is read back from the slot");
	}
	CHECK_INT(count(&b, BPF_JMP | BPF_JEQ | BPF_K, 0), 2, "a NULL test before each pointer is followed");
	CHECK_INT(count(&b, BPF_JMP | BPF_CALL, BPF_FUNC_probe_read_kernel), 0, "no probe-read call");
	CHECK(b.v[0].code == (BPF_LDX | BPF_MEM | BPF_DW) && b.v[0].src_reg == BPF_REG_6 && b.v[0].off == 0,
	      "the first load is the ctx's u64 slot (r6)");
	insn_buf_free(&b);

	/* the verifier types only the slot and f_inode (direct 2): the last read is a probe read */
	memset(&b, 0, sizeof(b));
	a.direct = 2;
	CHECK_INT(tramp_fetch_one(&b, &w, &a, 1, 16, 8), 0, "a chain that leaves BTF emits");
	CHECK_INT(count(&b, BPF_JMP | BPF_CALL, BPF_FUNC_probe_read_kernel), 1, "one probe read beyond");
	insn_buf_free(&b);

	a.direct = 0;
	memset(&b, 0, sizeof(b));
	CHECK_INT(tramp_fetch_one(&b, &w, &a, 0, 16, 8), -EINVAL, "not a trampoline arg: refused");
	insn_buf_free(&b);

	/* what a spec program's function does with r1 */
	{
		struct bpf_insn none[] = { MOV64_IMM(BPF_REG_0, 0), JMP_IMM(BPF_JNE, BPF_REG_2, 0, 1),
					   MOV64_IMM(BPF_REG_0, 1), EXIT_INSN() };
		struct bpf_insn load[] = { LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 112), EXIT_INSN() };
		struct bpf_insn killed[] = { MOV64_REG(BPF_REG_1, BPF_REG_10), ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
					     CALL_HELPER(BPF_FUNC_get_current_comm), EXIT_INSN() };
		struct bpf_insn call[] = { MOV64_IMM(BPF_REG_2, 8), CALL_HELPER(BPF_FUNC_probe_read_kernel),
					   EXIT_INSN() };
		struct bpf_insn late[] = { JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 1), MOV64_IMM(BPF_REG_1, 0),
					   MOV64_REG(BPF_REG_0, BPF_REG_1), EXIT_INSN() };

		CHECK(!tramp_reads_ctx(none, N(none)), "r1 untouched: the trampoline can take it");
		CHECK(tramp_reads_ctx(load, N(load)), "a load through r1 (pt_regs->ax) reads the ctx");
		CHECK(!tramp_reads_ctx(killed, N(killed)), "r1 written before the first read: not the ctx");
		CHECK(tramp_reads_ctx(call, N(call)), "a call before r1 is written may take the ctx");
		CHECK(tramp_reads_ctx(late, N(late)), "written on one path only: the other reads the ctx");
	}
	return TEST_DONE();
}

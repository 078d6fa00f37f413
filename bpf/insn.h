/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_INSN_H
#define VTRACE_INSN_H

#include <linux/bpf.h>

/* BPF instruction builders, as compound literals (the kernel's filter.h shape). */
#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

#define MOV64_REG(d, s)		INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i)		INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ALU64_IMM(op, d, i)	INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define ALU64_REG(op, d, s)	INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define LDX_MEM(sz, d, s, o)	INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX_MEM(sz, d, s, o)	INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST_MEM(sz, d, o, i)	INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
#define JMP_IMM(op, d, i, o)	INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define JMP_A(o)		INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define CALL_HELPER(f)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT_INSN()		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
/* A 64-bit immediate takes two instruction slots. */
#define LD_IMM64_LO(d, src, v)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, src, 0, (__s32)(__u32)(v))
#define LD_IMM64_HI(v)		INSN(0, 0, 0, 0, (__s32)(__u32)((__u64)(v) >> 32))

static inline int insn_is_ld_imm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_DW | BPF_IMM);
}

#endif

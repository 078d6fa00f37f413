// SPDX-License-Identifier: GPL-2.0
/*
 * A computed location's fetch ops (probe/fetch.h) as BPF: DWARF's stack
 * machine kept on the wrapper's stack, one 8-byte slot per entry.
 */
#include <errno.h>
#include <stddef.h>

#include "bpf/emit.h"
#include "bpf/insn.h"
#include "vtrace_sample.h"

/* The arg's bit in the sample's unavailable word (read, OR, write: r0, r1). */
void mark_unavailable(struct insn_buf *b, size_t idx)
{
	emit(b, LDX_MEM(BPF_DW, BPF_REG_0, R_SCRATCH, SAMPLE_UNAVAIL_OFF));
	if (idx < 31) {
		emit(b, ALU64_IMM(BPF_OR, BPF_REG_0, 1 << idx));
	} else {
		emit_ld_imm64(b, BPF_REG_1, 0, 1ULL << idx);
		emit(b, ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_1));
	}
	emit(b, STX_MEM(BPF_DW, R_SCRATCH, BPF_REG_0, SAMPLE_UNAVAIL_OFF));
}

/*
 * DW_OP_entry_value(reg): the value reg had when the function the probe is
 * in was entered.  vtrace's entry probe saved the registers there, keyed
 * by thread, frame (the CFA: at the entry rsp + 8, here the CFI's rule)
 * and function.  Not found (the call began before vtrace attached, or the
 * entry was evicted): the arg is unavailable for this hit, never stale.
 */
static int emit_entry_reg(struct insn_buf *b, const struct wrapper *w, const struct fetch_arg *a, int reg,
			  size_t idx, int slot)
{
	size_t miss, done;

	if (w->target != TARGET_USER || w->entry_fd < 0 || !a->uses_entry || reg < 0 || reg >= 16 ||
	    pt_regs_offset(a->cfa_reg) < 0)
		return -EINVAL;
	emit(b, CALL_HELPER(BPF_FUNC_get_current_pid_tgid));
	emit(b, ALU64_IMM(BPF_LSH, BPF_REG_0, 32));
	emit(b, ALU64_IMM(BPF_RSH, BPF_REG_0, 32));
	emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, FP_ENTRY_KEY));
	emit(b, LDX_MEM(BPF_DW, BPF_REG_1, R_CTX, pt_regs_offset(a->cfa_reg)));
	emit_ld_imm64(b, BPF_REG_2, 0, a->cfa_off);
	emit(b, ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_2));
	emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_ENTRY_KEY + 8));
	emit_ld_imm64(b, BPF_REG_1, 0, a->entry_func);
	emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_ENTRY_KEY + 16));
	emit_ld_imm64(b, BPF_REG_1, BPF_PSEUDO_MAP_FD, w->entry_fd);
	emit(b, MOV64_REG(BPF_REG_2, BPF_REG_10));
	emit(b, ALU64_IMM(BPF_ADD, BPF_REG_2, FP_ENTRY_KEY));
	emit(b, CALL_HELPER(BPF_FUNC_map_lookup_elem));
	miss = jump_fwd(b, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
	emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 8 * reg));
	done = jump_fwd(b, JMP_A(0));
	patch(b, miss);
	mark_unavailable(b, idx);
	emit(b, MOV64_IMM(BPF_REG_1, 0));
	patch(b, done);
	emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, slot));
	return 0;
}

/*
 * A computed location: DWARF's stack machine on the BPF stack, the result
 * left in r3.  A deref that faults pushes 0 (and marks the arg).
 */
/*
 * DWARF divides signed, BPF (before cpu v4) unsigned: divide the
 * magnitudes, then give the result its sign: the operands' signs make the
 * quotient's, the dividend's is the remainder's (as C and gdb).  The two
 * entries on top of the stack at depth d become one.
 */
static void signed_divmod(struct insn_buf *b, int d, bool div)
{
	emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_EXPR(d - 2)));
	emit(b, LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, FP_EXPR(d - 1)));
	emit(b, MOV64_REG(BPF_REG_4, BPF_REG_1));
	if (div)
		emit(b, ALU64_REG(BPF_XOR, BPF_REG_4, BPF_REG_2));
	emit(b, JMP_IMM(BPF_JSGE, BPF_REG_1, 0, 1));
	emit(b, INSN(BPF_ALU64 | BPF_NEG, BPF_REG_1, 0, 0, 0));
	emit(b, JMP_IMM(BPF_JSGE, BPF_REG_2, 0, 1));
	emit(b, INSN(BPF_ALU64 | BPF_NEG, BPF_REG_2, 0, 0, 0));
	emit(b, ALU64_REG(div ? BPF_DIV : BPF_MOD, BPF_REG_1, BPF_REG_2));
	emit(b, JMP_IMM(BPF_JSGE, BPF_REG_4, 0, 1));
	emit(b, INSN(BPF_ALU64 | BPF_NEG, BPF_REG_1, 0, 0, 0));
	emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d - 2)));
}

int emit_expr(struct insn_buf *b, const struct wrapper *w, const struct fetch_arg *a, size_t idx,
	      size_t *nreads)
{
	static const int alu[] = {
		[FOP_ADD] = BPF_ADD, [FOP_SUB] = BPF_SUB, [FOP_MUL] = BPF_MUL, [FOP_DIV] = BPF_DIV,
		[FOP_MOD] = BPF_MOD, [FOP_AND] = BPF_AND, [FOP_OR] = BPF_OR, [FOP_XOR] = BPF_XOR,
		[FOP_SHL] = BPF_LSH, [FOP_SHR] = BPF_RSH, [FOP_SHRA] = BPF_ARSH, [FOP_UDIV] = BPF_DIV,
	};
	int d = 0;
	/* forward branches: the jumps landing at each op, and the depth they bring */
	size_t jumps[40], njumps = 0, jump_to[40];
	int jump_depth[40];

	/* registers exist at kprobes and uprobes; a constant (a kernel global's address) anywhere */
	for (size_t i = 0; i < a->nops; i++)
		if ((a->ops[i].kind == FOP_REG || a->ops[i].kind == FOP_ENTRY_REG) &&
		    w->target != TARGET_USER && w->target != TARGET_KERNEL)
			return -EINVAL;
	for (size_t i = 0; i <= a->nops; i++) {
		const struct fetch_op *op = &a->ops[i];

		for (size_t k = 0; k < njumps; k++)
			if (jump_to[k] == i) {
				patch(b, jumps[k]);
				d = jump_depth[k];	/* the same on every path (checked by the resolver) */
			}
		if (i == a->nops)
			break;
		switch (op->kind) {
		case FOP_SKIP:
		case FOP_BRA:
			if (njumps == 40 || op->arg <= (int64_t)i || op->arg > (int64_t)a->nops)
				return -EINVAL;
			if (op->kind == FOP_BRA) {
				emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_EXPR(--d)));
				jumps[njumps] = jump_fwd(b, JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0));
			} else {
				jumps[njumps] = jump_fwd(b, JMP_A(0));
			}
			jump_to[njumps] = op->arg;
			jump_depth[njumps++] = d;
			if (d < 1)
				return -EINVAL;
			continue;
		case FOP_REG:
			if (pt_regs_offset(op->reg) < 0)
				return -EINVAL;
			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, R_CTX, pt_regs_offset(op->reg)));
			if (op->arg) {
				emit_ld_imm64(b, BPF_REG_2, 0, op->arg);
				emit(b, ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_2));
			}
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d++)));
			break;
		case FOP_CONST:
			emit_ld_imm64(b, BPF_REG_1, 0, op->arg);
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d++)));
			break;
		case FOP_PLUS_CONST:
			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_EXPR(d - 1)));
			emit_ld_imm64(b, BPF_REG_2, 0, op->arg);
			emit(b, ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_2));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d - 1)));
			break;
		case FOP_NEG:
		case FOP_NOT:
			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_EXPR(d - 1)));
			if (op->kind == FOP_NEG)
				emit(b, INSN(BPF_ALU64 | BPF_NEG, BPF_REG_1, 0, 0, 0));
			else
				emit(b, ALU64_IMM(BPF_XOR, BPF_REG_1, -1));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d - 1)));
			break;
		case FOP_DUP:
		case FOP_OVER:
			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_EXPR(d - (op->kind == FOP_DUP ? 1 : 2))));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d++)));
			break;
		case FOP_DROP:
			d--;
			break;
		case FOP_SWAP:
			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_EXPR(d - 1)));
			emit(b, LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, FP_EXPR(d - 2)));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d - 2)));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, FP_EXPR(d - 1)));
			break;
		case FOP_DEREF:
			emit(b, LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, FP_EXPR(d - 1)));
			read_pointer(b, w, nreads);
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_3, FP_EXPR(d - 1)));
			break;
		case FOP_DEREF_SIZE:
			/* a narrow read into a zeroed slot is the value zero-extended */
			emit(b, LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, FP_EXPR(d - 1)));
			emit(b, ST_MEM(BPF_DW, BPF_REG_10, FP_TMP, 0));
			emit(b, MOV64_REG(BPF_REG_1, BPF_REG_10));
			emit(b, ALU64_IMM(BPF_ADD, BPF_REG_1, FP_TMP));
			emit(b, MOV64_IMM(BPF_REG_2, op->arg));
			emit_read(b, w, false, nreads);
			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_TMP));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d - 1)));
			break;
		case FOP_EXT:
			if (op->arg < 1 || op->arg >= 8)
				break;
			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_EXPR(d - 1)));
			emit(b, ALU64_IMM(BPF_LSH, BPF_REG_1, 64 - 8 * op->arg));
			emit(b, ALU64_IMM(op->reg ? BPF_ARSH : BPF_RSH, BPF_REG_1, 64 - 8 * op->arg));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d - 1)));
			break;
		case FOP_ABS:
			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_EXPR(d - 1)));
			emit(b, JMP_IMM(BPF_JSGE, BPF_REG_1, 0, 1));
			emit(b, INSN(BPF_ALU64 | BPF_NEG, BPF_REG_1, 0, 0, 0));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d - 1)));
			break;
		case FOP_PICK:
			if (op->arg < 0 || op->arg >= d)
				return -EINVAL;
			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_EXPR(d - 1 - op->arg)));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d++)));
			break;
		case FOP_ROT:
			if (d < 3)
				return -EINVAL;
			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_EXPR(d - 1)));
			emit(b, LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, FP_EXPR(d - 2)));
			emit(b, LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, FP_EXPR(d - 3)));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, FP_EXPR(d - 1)));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_3, FP_EXPR(d - 2)));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d - 3)));
			break;
		case FOP_EQ: case FOP_NE: case FOP_LT: case FOP_GT: case FOP_LE: case FOP_GE: {
			static const int sjmp[] = {
				[FOP_EQ] = BPF_JEQ, [FOP_NE] = BPF_JNE, [FOP_LT] = BPF_JSLT,
				[FOP_GT] = BPF_JSGT, [FOP_LE] = BPF_JSLE, [FOP_GE] = BPF_JSGE,
			}, ujmp[] = {
				[FOP_EQ] = BPF_JEQ, [FOP_NE] = BPF_JNE, [FOP_LT] = BPF_JLT,
				[FOP_GT] = BPF_JGT, [FOP_LE] = BPF_JLE, [FOP_GE] = BPF_JGE,
			};

			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_EXPR(d - 2)));
			emit(b, LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, FP_EXPR(d - 1)));
			emit(b, MOV64_IMM(BPF_REG_0, 1));
			emit(b, INSN(BPF_JMP | (op->reg ? ujmp : sjmp)[op->kind] | BPF_X, BPF_REG_1, BPF_REG_2, 1, 0));
			emit(b, MOV64_IMM(BPF_REG_0, 0));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, FP_EXPR(d - 2)));
			d--;
			break;
		}
		case FOP_UNAVAIL:
			/* no call site returns here: the arg's unavailable bit, and a 0 */
			mark_unavailable(b, idx);
			emit(b, ST_MEM(BPF_DW, BPF_REG_10, FP_EXPR(d++), 0));
			break;
		case FOP_ENTRY_REG:
			if (emit_entry_reg(b, w, a, op->reg, idx, FP_EXPR(d++)))
				return -EINVAL;
			break;
		case FOP_SMOD:
		case FOP_DIV:
			signed_divmod(b, d, op->kind == FOP_DIV);
			d--;
			break;
		default:	/* binary: the two on top, the result in their place */
			if (op->kind > FOP_SHRA && op->kind != FOP_UDIV)
				return -EINVAL;	/* BPF_ADD is 0: the table cannot say "none" */
			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, FP_EXPR(d - 2)));
			emit(b, LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, FP_EXPR(d - 1)));
			emit(b, ALU64_REG(alu[op->kind], BPF_REG_1, BPF_REG_2));
			emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, FP_EXPR(d - 2)));
			d--;
		}
		if (d < 1 || d > FETCH_EXPR_MAX_DEPTH)
			return -EINVAL;
	}
	emit(b, LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, FP_EXPR(d - 1)));
	return 0;
}


/*
 * A value assembled from pieces (DW_OP_piece) into its slot: each piece a
 * register, a constant, a computed value or memory of its own, stored at
 * its offset; an optimized-out piece makes the whole arg unavailable.
 */
int emit_pieces(struct insn_buf *b, const struct wrapper *w, const struct fetch_arg *a, size_t idx,
		uint32_t slot, size_t *nreads)
{
	for (uint32_t o = 0; o < a->size; o += 8)
		emit(b, ST_MEM(BPF_DW, R_SCRATCH, slot + o, 0));
	for (size_t i = 0; i < a->npieces; i++) {
		const struct fetch_arg *p = &a->pieces[i];
		uint32_t at = slot + p->piece_off;

		if (p->piece_off + p->size > a->size || !p->size)
			return -EINVAL;
		switch (p->base) {
		case FETCH_UNAVAILABLE:
			mark_unavailable(b, idx);
			continue;
		case FETCH_MEM_REG:
		case FETCH_MEM_PC:
		case FETCH_MEM_EXPR:
			if (p->base == FETCH_MEM_EXPR) {
				if (emit_expr(b, w, p, idx, nreads))
					return -EINVAL;
			} else {
				int reg = p->base == FETCH_MEM_PC ? DREG_RIP : p->reg;

				if (pt_regs_offset(reg) < 0 || (p->base == FETCH_MEM_PC && w->target != TARGET_USER))
					return -EINVAL;
				emit(b, LDX_MEM(BPF_DW, BPF_REG_3, R_CTX, pt_regs_offset(reg)));
			}
			if (p->offset)
				emit(b, ALU64_IMM(BPF_ADD, BPF_REG_3, p->offset));
			emit(b, MOV64_REG(BPF_REG_1, R_SCRATCH));
			emit(b, ALU64_IMM(BPF_ADD, BPF_REG_1, at));
			emit(b, MOV64_IMM(BPF_REG_2, p->size));
			emit_read(b, w, false, nreads);
			continue;
		case FETCH_REG:
			if (pt_regs_offset(p->reg) < 0)
				return -EINVAL;
			emit(b, LDX_MEM(BPF_DW, BPF_REG_0, R_CTX, pt_regs_offset(p->reg)));
			if (p->offset)
				emit(b, ALU64_IMM(BPF_ADD, BPF_REG_0, p->offset));
			break;
		case FETCH_CONST:
			emit_ld_imm64(b, BPF_REG_0, 0, p->value);
			break;
		case FETCH_EXPR:
			if (emit_expr(b, w, p, idx, nreads))
				return -EINVAL;
			emit(b, MOV64_REG(BPF_REG_0, BPF_REG_3));
			if (p->offset)
				emit(b, ALU64_IMM(BPF_ADD, BPF_REG_0, p->offset));
			break;
		default:
			return -EINVAL;
		}
		/* a value piece: its low size bytes, little endian */
		if (p->size > 8)
			return -EINVAL;
		if (p->size == 8 || p->size == 4 || p->size == 2 || p->size == 1) {
			emit(b, STX_MEM(p->size == 8 ? BPF_DW : p->size == 4 ? BPF_W : p->size == 2 ? BPF_H : BPF_B,
					R_SCRATCH, BPF_REG_0, at));
		} else {
			for (uint32_t k = 0; k < p->size; k++) {
				emit(b, STX_MEM(BPF_B, R_SCRATCH, BPF_REG_0, at + k));
				emit(b, ALU64_IMM(BPF_RSH, BPF_REG_0, 8));
			}
		}
	}
	return 0;
}

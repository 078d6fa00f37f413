// SPDX-License-Identifier: GPL-2.0
/* --filter compiled into the spec program (bpf/filter_emit.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/emit.h"
#include "bpf/filter_emit.h"
#include "bpf/insn.h"
#include "lib/array.h"
#include "probe/filter.h"

/* Forward jumps that go to one place, patched together. */
struct jlist {
	size_t *v;
	size_t n, cap;
};

static void jl_add(struct insn_buf *b, struct jlist *jl, struct bpf_insn insn)
{
	size_t at = jump_fwd(b, insn);

	if (b->err)
		return;
	if (jl->n == jl->cap) {
		size_t *nv = array_grow(jl->v, &jl->cap, sizeof(*nv), 16);

		if (!nv) {
			b->err = -ENOMEM;
			return;
		}
		jl->v = nv;
	}
	jl->v[jl->n++] = at;
}

static void jl_patch(struct insn_buf *b, struct jlist *jl)
{
	for (size_t i = 0; i < jl->n; i++)
		patch(b, jl->v[i]);
	free(jl->v);
	memset(jl, 0, sizeof(*jl));
}

static enum filter_op negate(enum filter_op op)
{
	switch (op) {
	case FLT_EQ: return FLT_NE;
	case FLT_NE: return FLT_EQ;
	case FLT_LT: return FLT_GE;
	case FLT_LE: return FLT_GT;
	case FLT_GT: return FLT_LE;
	case FLT_GE: return FLT_LT;
	case FLT_GLOB: return FLT_NOGLOB;
	case FLT_NOGLOB: return FLT_GLOB;
	}
	return FLT_EQ;
}

static int jump_code(enum filter_op op, bool is_signed)
{
	switch (op) {
	case FLT_EQ: return BPF_JEQ;
	case FLT_NE: return BPF_JNE;
	case FLT_LT: return is_signed ? BPF_JSLT : BPF_JLT;
	case FLT_LE: return is_signed ? BPF_JSLE : BPF_JLE;
	case FLT_GT: return is_signed ? BPF_JSGT : BPF_JGT;
	case FLT_GE: return is_signed ? BPF_JSGE : BPF_JGE;
	case FLT_GLOB: case FLT_NOGLOB: break;
	}
	return BPF_JEQ;
}

/* Jumps to mismatch when the string in the slot is not the literal (its NUL included). */
static void string_differs(struct insn_buf *b, const struct filter_node *n, uint32_t off,
			   struct jlist *mismatch)
{
	size_t bytes = n->str_len + 1, i = 0;

	for (; i + 4 <= bytes; i += 4) {
		uint32_t word;

		memcpy(&word, n->str + i, 4);	/* little endian, as the load */
		emit(b, LDX_MEM(BPF_W, BPF_REG_0, R_SCRATCH, off + i));
		jl_add(b, mismatch, INSN(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_0, 0, 0, (int32_t)word));
	}
	for (; i < bytes; i++) {
		emit(b, LDX_MEM(BPF_B, BPF_REG_0, R_SCRATCH, off + i));
		jl_add(b, mismatch, JMP_IMM(BPF_JNE, BPF_REG_0, i < n->str_len ?
					    (unsigned char)n->str[i] : 0, 0));
	}
}

/* Jumps to mismatch unless the strings in two slots are equal (up to the NUL or the shorter slot). */
static void strings_differ(struct insn_buf *b, uint32_t off_a, uint32_t off_b, uint32_t bytes,
			   struct jlist *mismatch)
{
	struct jlist equal = { 0 };

	for (uint32_t i = 0; i < bytes; i++) {
		emit(b, LDX_MEM(BPF_B, BPF_REG_0, R_SCRATCH, off_a + i));
		emit(b, LDX_MEM(BPF_B, BPF_REG_1, R_SCRATCH, off_b + i));
		jl_add(b, mismatch, INSN(BPF_JMP | BPF_JNE | BPF_X, BPF_REG_0, BPF_REG_1, 0, 0));
		jl_add(b, &equal, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
	}
	jl_patch(b, &equal);
}

/* A backward jump to insn at. */
static void jump_back(struct insn_buf *b, size_t at)
{
	emit(b, JMP_A((int16_t)((long)at - (long)b->n - 1)));
}

/*
 * One glob element against the byte at (ptr + off): to fail when it does
 * not match (a NUL never matches: the string ended).
 */
static void glob_elem(struct insn_buf *b, const struct glob_elem *e, int ptr, int16_t off,
		      struct jlist *fail)
{
	struct jlist ok = { 0 };

	emit(b, LDX_MEM(BPF_B, BPF_REG_0, ptr, off));
	jl_add(b, fail, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
	if (e->kind == GLOB_BYTE) {
		jl_add(b, fail, JMP_IMM(BPF_JNE, BPF_REG_0, e->byte, 0));
		return;
	}
	if (e->kind != GLOB_SET)
		return;
	/* the set as runs of bytes: in one, ok */
	for (unsigned lo = 1; lo < 256; lo++) {
		unsigned hi = lo;

		if (!(e->set[lo / 8] & (1u << (lo % 8))))
			continue;
		while (hi + 1 < 256 && (e->set[(hi + 1) / 8] & (1u << ((hi + 1) % 8))))
			hi++;
		if (lo == hi) {
			jl_add(b, &ok, JMP_IMM(BPF_JEQ, BPF_REG_0, lo, 0));
		} else {
			emit(b, MOV64_REG(BPF_REG_1, BPF_REG_0));
			emit(b, ALU64_IMM(BPF_SUB, BPF_REG_1, lo));
			jl_add(b, &ok, JMP_IMM(BPF_JLE, BPF_REG_1, hi - lo, 0));
		}
		lo = hi;
	}
	jl_add(b, fail, JMP_A(0));
	jl_patch(b, &ok);
}

/*
 * The glob against the string in the slot (off, size bytes): falls through
 * on a match, to fail otherwise.  The part before the first '*' is matched
 * at the start; each part between two '*' at the first place it matches
 * after the one before (which finds a match when there is one); the part
 * after the last '*' at the end.  The searches are loops bounded by the
 * slot (r2: the position, r3: the slot plus r2, r4: where the last part may
 * start at the earliest).
 */
static void glob_emit(struct insn_buf *b, const struct filter_node *n, uint32_t off, uint32_t size,
		      struct jlist *fail)
{
	struct glob_elem *g;
	size_t ng, i = 0, j, k, len;

	if (glob_compile(n->str, n->str_len, &g, &ng)) {
		b->err = b->err ? b->err : -EINVAL;
		return;
	}
	/* the start */
	for (; i < ng && g[i].kind != GLOB_STAR; i++)
		glob_elem(b, &g[i], R_SCRATCH, off + i, fail);
	if (i == ng) {
		/* no '*': the string ends here */
		emit(b, LDX_MEM(BPF_B, BPF_REG_0, R_SCRATCH, off + i));
		jl_add(b, fail, JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0));
		free(g);
		return;
	}
	emit(b, MOV64_IMM(BPF_REG_2, i));
	for (;;) {
		while (i < ng && g[i].kind == GLOB_STAR)
			i++;
		for (j = i; j < ng && g[j].kind != GLOB_STAR; j++)
			;
		len = j - i;
		if (!len)
			break;		/* ends with '*': anything after */
		if (j == ng) {
			/* the end: the string's length, from r2 on */
			size_t loop, have, skip;

			emit(b, MOV64_REG(BPF_REG_4, BPF_REG_2));
			loop = b->n;
			have = jump_fwd(b, JMP_IMM(BPF_JGE, BPF_REG_2, size, 0));
			emit(b, MOV64_REG(BPF_REG_3, R_SCRATCH));
			emit(b, ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_2));
			emit(b, LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_3, off));
			skip = jump_fwd(b, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
			emit(b, ALU64_IMM(BPF_ADD, BPF_REG_2, 1));
			jump_back(b, loop);
			patch(b, have);
			patch(b, skip);
			/* the last part starts at length - len, not before r4 */
			emit(b, ALU64_IMM(BPF_SUB, BPF_REG_2, len));
			jl_add(b, fail, JMP_IMM(BPF_JSLT, BPF_REG_2, 0, 0));
			jl_add(b, fail, INSN(BPF_JMP | BPF_JSLT | BPF_X, BPF_REG_2, BPF_REG_4, 0, 0));
			jl_add(b, fail, JMP_IMM(BPF_JGT, BPF_REG_2, size - len, 0));
			emit(b, MOV64_REG(BPF_REG_3, R_SCRATCH));
			emit(b, ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_2));
			for (k = 0; k < len; k++)
				glob_elem(b, &g[i + k], BPF_REG_3, off + k, fail);
			break;
		}
		/* a middle part: its first place from r2 on */
		{
			struct jlist next = { 0 };
			size_t loop = b->n;

			jl_add(b, fail, JMP_IMM(BPF_JGT, BPF_REG_2, size - len, 0));
			emit(b, MOV64_REG(BPF_REG_3, R_SCRATCH));
			emit(b, ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_2));
			for (k = 0; k < len; k++) {
				/* the string's end fails the search; a byte that differs moves on */
				emit(b, LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_3, off + k));
				jl_add(b, fail, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
				if (g[i + k].kind == GLOB_ANY)
					continue;
				if (g[i + k].kind == GLOB_BYTE) {
					jl_add(b, &next, JMP_IMM(BPF_JNE, BPF_REG_0, g[i + k].byte, 0));
					continue;
				}
				{
					struct jlist none = { 0 };

					glob_elem(b, &g[i + k], BPF_REG_3, off + k, &none);
					/* glob_elem's jumps: the NUL was ruled out above */
					if (none.n) {
						size_t over = jump_fwd(b, JMP_A(0));

						jl_patch(b, &none);
						jl_add(b, &next, JMP_A(0));
						patch(b, over);
					}
				}
			}
			emit(b, ALU64_IMM(BPF_ADD, BPF_REG_2, len));
			{
				size_t found = jump_fwd(b, JMP_A(0));

				jl_patch(b, &next);
				emit(b, ALU64_IMM(BPF_ADD, BPF_REG_2, 1));
				jump_back(b, loop);
				patch(b, found);
			}
			i = j;
		}
	}
	free(g);
}

/* Jumps to a jump in out when n is `when`; falls through otherwise. */
static void cond(struct insn_buf *b, const struct filter_node *n, const struct sample_layout *l,
		 bool when, struct jlist *out)
{
	struct jlist local = { 0 };

	switch (n->kind) {
	case FILTER_NOT:
		cond(b, n->l, l, !when, out);
		return;
	case FILTER_AND:
	case FILTER_OR:
		/* AND is true (OR is false) only when both sides are */
		if (when == (n->kind == FILTER_OR)) {
			cond(b, n->l, l, when, out);
			cond(b, n->r, l, when, out);
		} else {
			cond(b, n->l, l, !when, &local);
			cond(b, n->r, l, when, out);
			jl_patch(b, &local);
		}
		return;
	case FILTER_CMP:
		break;
	}
	if (n->is_str || n->op == FLT_GLOB || n->op == FLT_NOGLOB || n->strings) {
		/* strings: the code falls through when they match (==, ~), else goes to a list */
		bool match = n->op == FLT_EQ || n->op == FLT_GLOB;
		struct jlist *differ = match == when ? &local : out;

		if (n->op == FLT_GLOB || n->op == FLT_NOGLOB)
			glob_emit(b, n, l->off[n->arg], l->size[n->arg], differ);
		else if (n->rhs)
			strings_differ(b, l->off[n->arg], l->off[n->rhs_arg],
				       l->size[n->arg] < l->size[n->rhs_arg] ? l->size[n->arg] :
				       l->size[n->rhs_arg], differ);
		else
			string_differs(b, n, l->off[n->arg], differ);
		if (match == when) {
			jl_add(b, out, JMP_A(0));
			jl_patch(b, &local);
		}
		return;
	}
	/* every integer arg is 64 bits in its slot, sign-extended when signed */
	emit(b, LDX_MEM(BPF_DW, BPF_REG_0, R_SCRATCH, l->off[n->arg]));
	if (n->has_mask && (int64_t)n->mask == (int32_t)n->mask) {
		emit(b, ALU64_IMM(BPF_AND, BPF_REG_0, (int32_t)n->mask));
	} else if (n->has_mask) {
		emit_ld_imm64(b, BPF_REG_2, 0, n->mask);
		emit(b, ALU64_REG(BPF_AND, BPF_REG_0, BPF_REG_2));
	}
	{
		int code = jump_code(when ? n->op : negate(n->op), n->is_signed);

		if (n->rhs) {
			emit(b, LDX_MEM(BPF_DW, BPF_REG_1, R_SCRATCH, l->off[n->rhs_arg]));
			jl_add(b, out, INSN(BPF_JMP | code | BPF_X, BPF_REG_0, BPF_REG_1, 0, 0));
		} else if ((int64_t)n->value == (int32_t)n->value) {
			jl_add(b, out, JMP_IMM(code, BPF_REG_0, (int32_t)n->value, 0));
		} else {
			emit_ld_imm64(b, BPF_REG_1, 0, n->value);
			jl_add(b, out, INSN(BPF_JMP | code | BPF_X, BPF_REG_0, BPF_REG_1, 0, 0));
		}
	}
}

int filter_emit(struct insn_buf *b, const struct filter *f, const struct sample_layout *l,
		size_t *fail)
{
	struct jlist no = { 0 };

	cond(b, f->root, l, false, &no);
	emit(b, JMP_A(1));		/* it holds: over the drop */
	jl_patch(b, &no);
	*fail = jump_fwd(b, JMP_A(0));
	return b->err;
}

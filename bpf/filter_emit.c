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
	if (n->is_str) {
		bool equal = n->op == FLT_EQ;

		if (equal == when) {
			string_differs(b, n, l->off[n->arg], &local);
			jl_add(b, out, JMP_A(0));
			jl_patch(b, &local);
		} else {
			string_differs(b, n, l->off[n->arg], out);
		}
		return;
	}
	/* every integer arg is 64 bits in its slot, sign-extended when signed */
	emit(b, LDX_MEM(BPF_DW, BPF_REG_0, R_SCRATCH, l->off[n->arg]));
	{
		int code = jump_code(when ? n->op : negate(n->op), n->is_signed);

		if ((int64_t)n->value == (int32_t)n->value) {
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

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/fetch.h"

const char *dwarf_reg_name(int reg)
{
	const char *n = arch_reg_name(reg);

	if (reg == DREG_CTX)
		return "ctx";
	return n ? n : "?";
}

void fetch_arg_free(struct fetch_arg *a)
{
	free(a->name);
	free(a->type_name);
	free(a->derefs);
	free(a->ops);
	value_type_free(a->type);
	for (size_t i = 0; i < a->npieces; i++)
		fetch_arg_free(&a->pieces[i]);
	free(a->pieces);
	memset(a, 0, sizeof(*a));
}

int fetch_push_deref(struct fetch_arg *a, int64_t off)
{
	int64_t *nd = realloc(a->derefs, (a->nderefs + 1) * sizeof(*nd));

	if (!nd)
		return -ENOMEM;
	a->derefs = nd;
	a->derefs[a->nderefs++] = off;
	return 0;
}

void fetch_add_offset(struct fetch_arg *a, int64_t off)
{
	if (a->nderefs)
		a->derefs[a->nderefs - 1] += off;
	else
		a->offset += off;
}

int fetch_follow(struct fetch_arg *a, int64_t off)
{
	/* a pointer held in a register (or computed) becomes the base address itself */
	if ((a->base == FETCH_REG || a->base == FETCH_EXPR) && !a->nderefs) {
		a->base = a->base == FETCH_REG ? FETCH_MEM_REG : FETCH_MEM_EXPR;
		a->offset += off;
		return 0;
	}
	/*
	 * A pointer whose value is a constant (NULL, a fixed address): the
	 * address is that value, as gdb reads it; NULL then faults.
	 */
	if (a->base == FETCH_CONST && !a->nderefs && !a->nops) {
		a->ops = calloc(1, sizeof(*a->ops));
		if (!a->ops)
			return -ENOMEM;
		a->ops[0].kind = FOP_CONST;
		a->ops[0].arg = (int64_t)a->value;
		a->nops = 1;
		a->base = FETCH_MEM_EXPR;
		a->offset = off;
		return 0;
	}
	return fetch_push_deref(a, off);
}

void fetch_cast(struct fetch_arg *a, enum spec_type type)
{
	static const struct { uint8_t size; bool sign, hex; } t[] = {
		[TYPE_U8] = { 1, 0, 0 }, [TYPE_U16] = { 2, 0, 0 }, [TYPE_U32] = { 4, 0, 0 }, [TYPE_U64] = { 8, 0, 0 },
		[TYPE_S8] = { 1, 1, 0 }, [TYPE_S16] = { 2, 1, 0 }, [TYPE_S32] = { 4, 1, 0 }, [TYPE_S64] = { 8, 1, 0 },
		[TYPE_X8] = { 1, 0, 1 }, [TYPE_X16] = { 2, 0, 1 }, [TYPE_X32] = { 4, 0, 1 }, [TYPE_X64] = { 8, 0, 1 },
	};

	a->size = t[type].size;
	a->is_signed = t[type].sign;
	a->hex = t[type].hex;
	free(a->type_name);
	a->type_name = strdup(spec_type_name(type));
	value_type_free(a->type);
	a->type = calloc(1, sizeof(*a->type));
	if (a->type) {
		a->type->kind = a->is_signed ? VK_INT : a->hex ? VK_PTR : VK_UINT;
		a->type->size = a->size;
		a->type->name = strdup(a->type_name);
	}
}

static const char *const op_names[] = {
	[FOP_ADD] = "+", [FOP_SUB] = "-", [FOP_MUL] = "*", [FOP_DIV] = "/", [FOP_MOD] = "%",
	[FOP_AND] = "&", [FOP_OR] = "|", [FOP_XOR] = "^", [FOP_SHL] = "<<", [FOP_SHR] = ">>",
	[FOP_SHRA] = "s>>", [FOP_NEG] = "neg", [FOP_NOT] = "not", [FOP_DUP] = "dup",
	[FOP_DROP] = "drop", [FOP_SWAP] = "swap", [FOP_OVER] = "over", [FOP_DEREF] = "deref",
	[FOP_UDIV] = "u/", [FOP_SMOD] = "s%", [FOP_EQ] = "==", [FOP_NE] = "!=", [FOP_LT] = "<",
	[FOP_GT] = ">", [FOP_LE] = "<=", [FOP_GE] = ">=", [FOP_ABS] = "abs", [FOP_ROT] = "rot", [FOP_UNAVAIL] = "unavailable",
};

/* The expression in postfix: "[%rsi 7 % 1 +]". */
static void describe_ops(struct strbuf *sb, const struct fetch_arg *a)
{
	strbuf_addch(sb, '[');
	for (size_t i = 0; i < a->nops; i++) {
		const struct fetch_op *op = &a->ops[i];

		if (i)
			strbuf_addch(sb, ' ');
		if (op->kind == FOP_REG)
			strbuf_addf(sb, op->arg ? "%%%s%+lld" : "%%%s", dwarf_reg_name(op->reg), (long long)op->arg);
		else if (op->kind == FOP_CONST)
			strbuf_addf(sb, "%lld", (long long)op->arg);
		else if (op->kind == FOP_PLUS_CONST)
			strbuf_addf(sb, "%+lld", (long long)op->arg);
		else if (op->kind == FOP_DEREF_SIZE)
			strbuf_addf(sb, "deref%lld", (long long)op->arg * 8);
		else if (op->kind == FOP_EXT)
			strbuf_addf(sb, "%c%lld", op->reg ? 's' : 'u', (long long)op->arg * 8);
		else if (op->kind == FOP_PICK)
			strbuf_addf(sb, "pick%lld", (long long)op->arg);
		else if (op->kind == FOP_SKIP || op->kind == FOP_BRA)
			strbuf_addf(sb, "%s->%lld", op->kind == FOP_SKIP ? "skip" : "bra", (long long)op->arg);
		else if (op->kind == FOP_ENTRY_REG)
			strbuf_addf(sb, "entry(%%%s)", dwarf_reg_name(op->reg));
		else if (op->kind >= FOP_LT && op->kind <= FOP_GE && op->reg)
			strbuf_addf(sb, "u%s", op_names[op->kind]);
		else
			strbuf_addstr(sb, op_names[op->kind]);
	}
	strbuf_addch(sb, ']');
}

int probe_instance_add_arg(struct probe_instance *in, struct fetch_arg *a)
{
	struct fetch_arg *na = realloc(in->args, (in->nargs + 1) * sizeof(*na));

	if (!na)
		return -ENOMEM;
	in->args = na;
	in->args[in->nargs++] = *a;
	return 0;
}

int probe_instance_keep_arg(struct probe_instance *in, struct fetch_arg *a, const char *name, int rc)
{
	if (!rc) {
		a->name = strdup(name);
		rc = a->name ? probe_instance_add_arg(in, a) : -ENOMEM;
	}
	if (rc)
		fetch_arg_free(a);
	return rc;
}

void probe_resolved_free(struct probe_resolved *r)
{
	for (size_t i = 0; i < r->ninsts; i++) {
		struct probe_instance *in = &r->insts[i];

		for (size_t j = 0; j < in->nargs; j++)
			fetch_arg_free(&in->args[j]);
		free(in->args);
		free(in->func);
		free(in->src_file);
	}
	free(r->insts);
	free(r->binary);
	free(r->tp_system);
	free(r->tp_format);
	free(r->note);
	memset(r, 0, sizeof(*r));
}

static void add_addr(struct strbuf *sb, const struct fetch_arg *a)
{
	/* the innermost address: base, then each deref wraps it */
	for (size_t i = 0; i < a->nderefs; i++)
		strbuf_addstr(sb, "*(u64 *)(");
	if (a->base == FETCH_MEM_PC)
		strbuf_addstr(sb, "%pc");
	else if (a->base == FETCH_MEM_EXPR)
		describe_ops(sb, a);
	else
		strbuf_addf(sb, "%%%s", dwarf_reg_name(a->reg));
	if (a->offset)
		strbuf_addf(sb, " %c %lld", a->offset < 0 ? '-' : '+',
			    (long long)(a->offset < 0 ? -a->offset : a->offset));
	for (size_t i = 0; i < a->nderefs; i++) {
		strbuf_addch(sb, ')');
		if (a->derefs[i])
			strbuf_addf(sb, " %c %lld", a->derefs[i] < 0 ? '-' : '+',
				    (long long)(a->derefs[i] < 0 ? -a->derefs[i] : a->derefs[i]));
	}
}

void fetch_arg_describe(struct strbuf *sb, const struct fetch_arg *a)
{
	char sz[8];

	snprintf(sz, sizeof(sz), "%c%u", a->hex ? 'x' : a->is_signed ? 's' : 'u', a->size * 8);
	strbuf_addf(sb, "%s = ", a->name ? a->name : "");
	switch (a->base) {
	case FETCH_UNAVAILABLE:
		strbuf_addstr(sb, "(unavailable: optimized out here)");
		break;
	case FETCH_PIECES:
		/* "{0..7: (u64)%rdi, 8..11: (optimized out)}" */
		strbuf_addch(sb, '{');
		for (size_t i = 0; i < a->npieces; i++) {
			const struct fetch_arg *p = &a->pieces[i];
			struct strbuf one = STRBUF_INIT;

			strbuf_addf(sb, "%s%u..%u: ", i ? ", " : "", p->piece_off, p->piece_off + p->size - 1);
			if (p->base == FETCH_UNAVAILABLE) {
				strbuf_addstr(sb, "(optimized out)");
				continue;
			}
			fetch_arg_describe(&one, p);
			/* without the "NAME = " and the "  [type]" of a whole arg */
			if (one.buf) {
				char *eq = strstr(one.buf, " = "), *ty = strstr(one.buf, "  [");

				if (ty)
					*ty = 0;
				strbuf_addstr(sb, eq ? eq + 3 : one.buf);
			}
			strbuf_release(&one);
		}
		strbuf_addch(sb, '}');
		break;
	case FETCH_CONST:
		strbuf_addf(sb, "%lld", (long long)a->value);
		break;
	case FETCH_EXPR:
		strbuf_addf(sb, "(%s)", sz);
		describe_ops(sb, a);
		if (a->offset)
			strbuf_addf(sb, " %c %lld", a->offset < 0 ? '-' : '+',
				    (long long)(a->offset < 0 ? -a->offset : a->offset));
		break;
	case FETCH_REG:
		strbuf_addf(sb, "(%s)%%%s", sz, dwarf_reg_name(a->reg));
		if (a->offset)
			strbuf_addf(sb, " %c %lld", a->offset < 0 ? '-' : '+',
				    (long long)(a->offset < 0 ? -a->offset : a->offset));
		break;
	default:
		if (a->final == FINAL_BYTES)
			strbuf_addf(sb, "bytes[%u] at ", a->size);
		else
			strbuf_addf(sb, "*(%s *)", sz);
		strbuf_addch(sb, '(');
		add_addr(sb, a);
		strbuf_addch(sb, ')');
	}
	if (a->bit_size)
		strbuf_addf(sb, " bits %u..%u", a->bit_offset, a->bit_offset + a->bit_size - 1);
	if (a->final == FINAL_STRING)
		strbuf_addstr(sb, " -> string");
	strbuf_addf(sb, "  [%s]", a->type_name ? a->type_name : "?");
}

bool fetch_args_equal(const struct fetch_arg *a, size_t na, const struct fetch_arg *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		const struct fetch_arg *x = &a[i], *y = &b[i];

		if (x->base != y->base || x->reg != y->reg || x->offset != y->offset ||
		    x->value != y->value || x->nderefs != y->nderefs || x->final != y->final ||
		    x->size != y->size || x->is_signed != y->is_signed ||
		    x->bit_offset != y->bit_offset || x->bit_size != y->bit_size)
			return false;
		if (x->nderefs && memcmp(x->derefs, y->derefs, x->nderefs * sizeof(*x->derefs)))
			return false;
		if (x->nops != y->nops || (x->nops && memcmp(x->ops, y->ops, x->nops * sizeof(*x->ops))))
			return false;
		if (x->npieces != y->npieces || x->piece_off != y->piece_off ||
		    !fetch_args_equal(x->pieces, x->npieces, y->pieces, y->npieces))
			return false;
	}
	return true;
}

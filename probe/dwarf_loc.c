// SPDX-License-Identifier: GPL-2.0
/*
 * Location expressions: a DWARF location at a pc turned into a fetch base
 * (a register, memory at a register, a constant, or a computed expression),
 * the frame base and the CFA.
 */
#include <dwarf.h>
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "probe/dwarf_int.h"

static int reg_of_op(uint8_t atom, Dwarf_Word number, bool *is_breg)
{
	*is_breg = false;
	if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31)
		return atom - DW_OP_reg0;
	if (atom >= DW_OP_breg0 && atom <= DW_OP_breg31) {
		*is_breg = true;
		return atom - DW_OP_breg0;
	}
	if (atom == DW_OP_regx)
		return number;
	if (atom == DW_OP_bregx) {
		*is_breg = true;
		return number;
	}
	return -1;
}

/* The canonical frame address at pc, from CFI: reg + offset. */
static int cfa_at(struct dwarf_file *df, Dwarf_Addr pc, struct loc *out)
{
	Dwarf_Frame *frame;
	Dwarf_Op *ops;
	size_t nops;
	bool breg;
	int reg;

	if (!df->cfi || dwarf_cfi_addrframe(df->cfi, pc + df->bias - df->cfi_bias, &frame))
		return -ENOENT;
	if (dwarf_frame_cfa(frame, &ops, &nops) || nops != 1) {
		free(frame);
		return -ENOTSUP;
	}
	reg = reg_of_op(ops[0].atom, ops[0].number, &breg);
	if (reg < 0 || !breg || reg >= DREG_NUM) {
		free(frame);
		return -ENOTSUP;
	}
	out->base = FETCH_MEM_REG;	/* the CFA is an address: reg + offset */
	out->reg = reg;
	out->offset = ops[0].atom == DW_OP_bregx ? (int64_t)ops[0].number2 : (int64_t)ops[0].number;
	free(frame);
	return 0;
}

/*
 * Turns a location expression into a base.  frame_base is what DW_OP_fbreg
 * is relative to (NULL while evaluating the frame base itself).
 * -ENOTSUP: a form vtrace cannot fetch; -ENODATA: optimized out.
 */
static int eval_simple(struct dwarf_file *df, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t n,
		       Dwarf_Addr pc, const struct loc *frame_base, struct loc *out)
{
	bool breg;
	int reg;

	memset(out, 0, sizeof(*out));
	if (!n)
		return -ENODATA;
	/* A whole-value piece is the value itself. */
	if (n == 2 && ops[1].atom == DW_OP_piece)
		n = 1;
	reg = reg_of_op(ops[0].atom, ops[0].number, &breg);
	if (reg >= 0) {
		if (reg >= DREG_NUM)
			return -ENOTSUP;
		out->reg = reg;
		if (!breg && n == 1) {
			out->base = FETCH_REG;
			return 0;
		}
		if (breg) {
			out->offset = ops[0].atom == DW_OP_bregx ? (int64_t)ops[0].number2 :
								   (int64_t)ops[0].number;
			if (n == 1) {
				out->base = FETCH_MEM_REG;
				return 0;
			}
			if (n == 2 && ops[1].atom == DW_OP_stack_value) {
				out->base = FETCH_REG;	/* value = reg + offset */
				return 0;
			}
		}
		return -ENOTSUP;
	}
	switch (ops[0].atom) {
	case DW_OP_fbreg:
		if (!frame_base || n != 1)
			return -ENOTSUP;
		*out = *frame_base;
		out->offset += (int64_t)ops[0].number;
		if (frame_base->base == FETCH_REG)	/* the frame base's value is the register */
			out->base = FETCH_MEM_REG;
		else if (frame_base->base != FETCH_MEM_REG)
			return -ENOTSUP;
		return 0;
	case DW_OP_call_frame_cfa:
		if (n != 1)
			return -ENOTSUP;
		return cfa_at(df, pc, out);
	case DW_OP_addr:
		if (n != 1)
			return -ENOTSUP;
		out->base = FETCH_MEM_PC;
		out->offset = (int64_t)(ops[0].number - pc);
		return 0;
	case DW_OP_addrx:
	case DW_OP_GNU_addr_index: {
		/* DWARF 5 (clang): the address sits in .debug_addr */
		Dwarf_Attribute res;
		Dwarf_Addr a;

		if (n != 1 || !attr || dwarf_getlocation_attr(attr, &ops[0], &res) ||
		    dwarf_formaddr(&res, &a))
			return -ENOTSUP;
		out->base = FETCH_MEM_PC;
		out->offset = (int64_t)(a - pc);
		return 0;
	}
	case DW_OP_implicit_value:
		if (ops[0].number > 8)
			return -ENOTSUP;
		out->base = FETCH_CONST;
		memcpy(&out->value, (const void *)(uintptr_t)ops[0].number2, ops[0].number);
		return 0;
	default:
		break;
	}
	if (n == 2 && ops[1].atom == DW_OP_stack_value) {
		switch (ops[0].atom) {
		case DW_OP_lit0 ... DW_OP_lit31:
			out->base = FETCH_CONST;
			out->value = ops[0].atom - DW_OP_lit0;
			return 0;
		case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u: case DW_OP_const8u:
		case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s: case DW_OP_const8s:
		case DW_OP_constu: case DW_OP_consts:
			out->base = FETCH_CONST;
			out->value = ops[0].number;
			return 0;
		}
	}
	return -ENOTSUP;
}

/*
 * A location computed by DWARF's stack machine (gcc -O2: "status % 7 + 1",
 * "bytes - score"): the ops translate one for one; a final stack_value
 * makes the result the value, else it is the variable's address.
 */
static int translate(struct dwarf_file *df, Dwarf_Op *ops, size_t n, Dwarf_Addr pc,
		     const struct loc *fb, struct loc *out)
{
	static const struct { uint8_t atom, kind; } simple[] = {
		{ DW_OP_plus, FOP_ADD }, { DW_OP_minus, FOP_SUB }, { DW_OP_mul, FOP_MUL },
		{ DW_OP_div, FOP_DIV }, { DW_OP_mod, FOP_MOD }, { DW_OP_and, FOP_AND },
		{ DW_OP_or, FOP_OR }, { DW_OP_xor, FOP_XOR }, { DW_OP_shl, FOP_SHL },
		{ DW_OP_shr, FOP_SHR }, { DW_OP_shra, FOP_SHRA }, { DW_OP_neg, FOP_NEG },
		{ DW_OP_not, FOP_NOT }, { DW_OP_dup, FOP_DUP }, { DW_OP_drop, FOP_DROP },
		{ DW_OP_swap, FOP_SWAP }, { DW_OP_over, FOP_OVER }, { DW_OP_deref, FOP_DEREF },
	};
	bool value = n && ops[n - 1].atom == DW_OP_stack_value;
	int depth = 0;

	memset(out, 0, sizeof(*out));
	if (value)
		n--;
	if (!n || n > FETCH_EXPR_MAX_OPS)
		return -ENOTSUP;
	for (size_t i = 0; i < n; i++) {
		struct fetch_op *op = &out->ops[out->nops++];
		uint8_t a = ops[i].atom;
		bool breg;
		int reg = reg_of_op(a, ops[i].number, &breg);
		size_t k;

		if (reg >= 0) {
			if (!breg || reg >= DREG_NUM)
				return -ENOTSUP;	/* DW_OP_regN names a location, not a value */
			*op = (struct fetch_op){ FOP_REG, reg,
				a == DW_OP_bregx ? (int64_t)ops[i].number2 : (int64_t)ops[i].number };
		} else if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			*op = (struct fetch_op){ FOP_CONST, 0, a - DW_OP_lit0 };
		} else if (a == DW_OP_const1u || a == DW_OP_const2u || a == DW_OP_const4u ||
			   a == DW_OP_const8u || a == DW_OP_constu || a == DW_OP_const1s ||
			   a == DW_OP_const2s || a == DW_OP_const4s || a == DW_OP_const8s ||
			   a == DW_OP_consts) {
			*op = (struct fetch_op){ FOP_CONST, 0, (int64_t)ops[i].number };
		} else if (a == DW_OP_plus_uconst) {
			*op = (struct fetch_op){ FOP_PLUS_CONST, 0, (int64_t)ops[i].number };
		} else if (a == DW_OP_fbreg) {
			if (!fb || (fb->base != FETCH_REG && fb->base != FETCH_MEM_REG))
				return -ENOTSUP;
			*op = (struct fetch_op){ FOP_REG, fb->reg, fb->offset + (int64_t)ops[i].number };
		} else if (a == DW_OP_call_frame_cfa) {
			struct loc cfa;

			if (cfa_at(df, pc, &cfa))
				return -ENOTSUP;
			*op = (struct fetch_op){ FOP_REG, cfa.reg, cfa.offset };
		} else {
			for (k = 0; k < sizeof(simple) / sizeof(simple[0]); k++)
				if (simple[k].atom == a)
					break;
			if (k == sizeof(simple) / sizeof(simple[0]))
				return -ENOTSUP;	/* entry values, pieces, typed ops... */
			*op = (struct fetch_op){ simple[k].kind, 0, 0 };
		}
		/* the stack it leaves: at most FETCH_EXPR_MAX_DEPTH, never empty under an op */
		switch (op->kind) {
		case FOP_REG: case FOP_CONST: case FOP_DUP:
			depth++;
			break;
		case FOP_OVER:
			if (depth < 2)
				return -ENOTSUP;
			depth++;
			break;
		case FOP_NEG: case FOP_NOT: case FOP_PLUS_CONST: case FOP_DEREF:
			if (depth < 1)
				return -ENOTSUP;
			break;
		case FOP_DROP:
			if (depth < 1)
				return -ENOTSUP;
			depth--;
			break;
		case FOP_SWAP:
			if (depth < 2)
				return -ENOTSUP;
			break;
		default:
			if (depth < 2)
				return -ENOTSUP;
			depth--;
		}
		if (depth > FETCH_EXPR_MAX_DEPTH)
			return -ENOTSUP;
	}
	if (depth < 1)
		return -ENOTSUP;
	out->base = value ? FETCH_EXPR : FETCH_MEM_EXPR;
	return 0;
}

int loc_eval(struct dwarf_file *df, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t n,
		     Dwarf_Addr pc, const struct loc *frame_base, struct loc *out)
{
	int rc = eval_simple(df, attr, ops, n, pc, frame_base, out);

	if (rc == -ENOTSUP)
		rc = translate(df, ops, n, pc, frame_base, out);
	return rc;
}

/*
 * The frame base at pc of the concrete function around fn.  For an inlined
 * copy that is its caller's: libdw's lexical scopes of an inlined function
 * lead to its abstract definition, so the structural parents are walked.
 */
int loc_frame_base(struct dwarf_file *df, Dwarf_Die *fn, Dwarf_Addr pc, struct loc *out)
{
	Dwarf_Die *scopes;
	int n = dwarf_getscopes_die(fn, &scopes), rc = -ENOENT;

	for (int i = 0; i < n; i++) {
		Dwarf_Attribute attr;
		Dwarf_Op *ops;
		size_t nops;

		if (dwarf_tag(&scopes[i]) != DW_TAG_subprogram)
			continue;
		if (dwarf_attr_integrate(&scopes[i], DW_AT_frame_base, &attr) &&
		    dwarf_getlocation_addr(&attr, pc, &ops, &nops, 1) == 1)
			rc = loc_eval(df, &attr, ops, nops, pc, NULL, out);
		break;
	}
	if (n > 0)
		free(scopes);
	return rc;
}

/* Where the variable's location list has it, for the "optimized out here" error. */
void loc_available(Dwarf_Die *var, struct strbuf *sb)
{
	Dwarf_Attribute attr;
	Dwarf_Addr base, start, end;
	Dwarf_Op *expr;
	size_t len;
	ptrdiff_t off = 0;
	int shown = 0;

	if (!dwarf_attr_integrate(var, DW_AT_location, &attr))
		return;
	while ((off = dwarf_getlocations(&attr, off, &base, &start, &end, &expr, &len)) > 0) {
		if (!len)
			continue;
		if (shown++ < 6)
			strbuf_addf(sb, "%s0x%llx-0x%llx", shown > 1 ? ", " : "",
				    (unsigned long long)start, (unsigned long long)end);
	}
	if (shown > 6)
		strbuf_addf(sb, " and %d more", shown - 6);
}

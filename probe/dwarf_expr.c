// SPDX-License-Identifier: GPL-2.0
/*
 * DWARF's stack machine translated into fetch ops (probe/fetch.h), which
 * the prologue generator turns into BPF.  Values are kept canonical: a
 * typed value narrower than 8 bytes is held sign- or zero-extended from
 * its own size, so that converting between integer types is one
 * truncate-and-extend (FOP_EXT) to the target type.
 *
 * What cannot be evaluated in a BPF program, or not exactly, is refused
 * with the op named: floating point, SSE registers, backward branches.
 */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "probe/dwarf_int.h"

static const struct {
	unsigned atom;
	const char *name;
} op_names[] = {
	{ DW_OP_addr, "DW_OP_addr" }, { DW_OP_deref, "DW_OP_deref" },
	{ DW_OP_const1u, "DW_OP_const1u" }, { DW_OP_const1s, "DW_OP_const1s" },
	{ DW_OP_const2u, "DW_OP_const2u" }, { DW_OP_const2s, "DW_OP_const2s" },
	{ DW_OP_const4u, "DW_OP_const4u" }, { DW_OP_const4s, "DW_OP_const4s" },
	{ DW_OP_const8u, "DW_OP_const8u" }, { DW_OP_const8s, "DW_OP_const8s" },
	{ DW_OP_constu, "DW_OP_constu" }, { DW_OP_consts, "DW_OP_consts" },
	{ DW_OP_dup, "DW_OP_dup" }, { DW_OP_drop, "DW_OP_drop" }, { DW_OP_over, "DW_OP_over" },
	{ DW_OP_pick, "DW_OP_pick" }, { DW_OP_swap, "DW_OP_swap" }, { DW_OP_rot, "DW_OP_rot" },
	{ DW_OP_xderef, "DW_OP_xderef" }, { DW_OP_abs, "DW_OP_abs" }, { DW_OP_and, "DW_OP_and" },
	{ DW_OP_div, "DW_OP_div" }, { DW_OP_minus, "DW_OP_minus" }, { DW_OP_mod, "DW_OP_mod" },
	{ DW_OP_mul, "DW_OP_mul" }, { DW_OP_neg, "DW_OP_neg" }, { DW_OP_not, "DW_OP_not" },
	{ DW_OP_or, "DW_OP_or" }, { DW_OP_plus, "DW_OP_plus" },
	{ DW_OP_plus_uconst, "DW_OP_plus_uconst" }, { DW_OP_shl, "DW_OP_shl" },
	{ DW_OP_shr, "DW_OP_shr" }, { DW_OP_shra, "DW_OP_shra" }, { DW_OP_xor, "DW_OP_xor" },
	{ DW_OP_bra, "DW_OP_bra" }, { DW_OP_eq, "DW_OP_eq" }, { DW_OP_ge, "DW_OP_ge" },
	{ DW_OP_gt, "DW_OP_gt" }, { DW_OP_le, "DW_OP_le" }, { DW_OP_lt, "DW_OP_lt" },
	{ DW_OP_ne, "DW_OP_ne" }, { DW_OP_skip, "DW_OP_skip" }, { DW_OP_regx, "DW_OP_regx" },
	{ DW_OP_fbreg, "DW_OP_fbreg" }, { DW_OP_bregx, "DW_OP_bregx" },
	{ DW_OP_piece, "DW_OP_piece" }, { DW_OP_deref_size, "DW_OP_deref_size" },
	{ DW_OP_xderef_size, "DW_OP_xderef_size" }, { DW_OP_nop, "DW_OP_nop" },
	{ DW_OP_push_object_address, "DW_OP_push_object_address" },
	{ DW_OP_call2, "DW_OP_call2" }, { DW_OP_call4, "DW_OP_call4" },
	{ DW_OP_call_ref, "DW_OP_call_ref" }, { DW_OP_form_tls_address, "DW_OP_form_tls_address" },
	{ DW_OP_GNU_push_tls_address, "DW_OP_GNU_push_tls_address" },
	{ DW_OP_call_frame_cfa, "DW_OP_call_frame_cfa" }, { DW_OP_bit_piece, "DW_OP_bit_piece" },
	{ DW_OP_implicit_value, "DW_OP_implicit_value" }, { DW_OP_stack_value, "DW_OP_stack_value" },
	{ DW_OP_implicit_pointer, "DW_OP_implicit_pointer" },
	{ DW_OP_GNU_implicit_pointer, "DW_OP_GNU_implicit_pointer" },
	{ DW_OP_addrx, "DW_OP_addrx" }, { DW_OP_constx, "DW_OP_constx" },
	{ DW_OP_entry_value, "DW_OP_entry_value" }, { DW_OP_GNU_entry_value, "DW_OP_GNU_entry_value" },
	{ DW_OP_const_type, "DW_OP_const_type" }, { DW_OP_GNU_const_type, "DW_OP_GNU_const_type" },
	{ DW_OP_regval_type, "DW_OP_regval_type" }, { DW_OP_GNU_regval_type, "DW_OP_GNU_regval_type" },
	{ DW_OP_deref_type, "DW_OP_deref_type" }, { DW_OP_GNU_deref_type, "DW_OP_GNU_deref_type" },
	{ DW_OP_xderef_type, "DW_OP_xderef_type" }, { DW_OP_convert, "DW_OP_convert" },
	{ DW_OP_GNU_convert, "DW_OP_GNU_convert" }, { DW_OP_reinterpret, "DW_OP_reinterpret" },
	{ DW_OP_GNU_reinterpret, "DW_OP_GNU_reinterpret" },
	{ DW_OP_GNU_parameter_ref, "DW_OP_GNU_parameter_ref" },
	{ DW_OP_GNU_variable_value, "DW_OP_GNU_variable_value" },
	{ DW_OP_GNU_addr_index, "DW_OP_GNU_addr_index" }, { DW_OP_GNU_const_index, "DW_OP_GNU_const_index" },
};

const char *dw_op_name(unsigned atom, char *buf, size_t size)
{
	if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31)
		snprintf(buf, size, "DW_OP_lit%u", atom - DW_OP_lit0);
	else if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31)
		snprintf(buf, size, "DW_OP_reg%u", atom - DW_OP_reg0);
	else if (atom >= DW_OP_breg0 && atom <= DW_OP_breg31)
		snprintf(buf, size, "DW_OP_breg%u", atom - DW_OP_breg0);
	else {
		for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
			if (op_names[i].atom == atom) {
				snprintf(buf, size, "%s", op_names[i].name);
				return buf;
			}
		snprintf(buf, size, "DW_OP 0x%x", atom);
	}
	return buf;
}

/* The register an op names (DW_OP_regN/bregN/regx/bregx), or -1. */
int dw_reg_of_op(uint8_t atom, Dwarf_Word number, bool *is_breg)
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

/* The type a typed value has: 8-byte generic, or a base type's size and sign. */
struct vtype {
	uint8_t size;
	bool is_signed;
	bool typed;
};

static const struct vtype generic = { 8, true, false };

/* A forward branch waiting for the op it lands on: the stack it arrives with. */
struct pending {
	Dwarf_Word target;	/* byte offset in the expression */
	size_t fop;		/* the FOP_SKIP/FOP_BRA to patch */
	int depth;
	struct vtype st[FETCH_EXPR_MAX_DEPTH + 1];
};

struct xlate {
	struct dwarf_file *df;
	Dwarf_Attribute *attr;
	Dwarf_Addr pc;
	const struct loc *fb;
	struct loc *out;
	struct vtype st[FETCH_EXPR_MAX_DEPTH + 1];
	int depth;
	bool dead;		/* after a skip: only a branch's target is reached */
	struct pending branch[8];
	size_t nbranch;
	const Dwarf_Op *ops;	/* the whole expression, for branch targets */
	size_t nops;
	Dwarf_Word end;		/* byte offset of its end (its stack_value), or -1 */
};

static int refuse(struct xlate *x, unsigned atom, const char *why)
{
	x->out->bad_atom = atom;
	x->out->why = why;
	return -ENOTSUP;
}

static int push_op(struct xlate *x, uint8_t kind, int reg, int64_t arg)
{
	if (x->out->nops >= FETCH_EXPR_MAX_OPS)
		return -E2BIG;
	x->out->ops[x->out->nops++] = (struct fetch_op){ kind, reg, arg };
	return 0;
}

/*
 * The base type a typed op names; type_off is the operand holding its CU
 * offset (0 is the generic type), and libdw finds the DIE from the op.
 */
static int op_type(struct xlate *x, Dwarf_Op *op, Dwarf_Word type_off, struct vtype *t)
{
	unsigned atom = op->atom;
	Dwarf_Die die;
	Dwarf_Attribute a;
	Dwarf_Word enc = 0, size = 0;

	if (!type_off) {
		*t = generic;
		return 0;
	}
	if (dwarf_getlocation_die(x->attr, op, &die) || dwarf_tag(&die) != DW_TAG_base_type)
		return refuse(x, atom, "its type cannot be read");
	if (dwarf_attr(&die, DW_AT_encoding, &a))
		dwarf_formudata(&a, &enc);
	if (dwarf_attr(&die, DW_AT_byte_size, &a))
		dwarf_formudata(&a, &size);
	if (enc == DW_ATE_float || enc == DW_ATE_complex_float || enc == DW_ATE_decimal_float)
		return refuse(x, atom, "it computes in floating point, which BPF cannot");
	if (size < 1 || size > 8)
		return refuse(x, atom, "it computes with integers wider than 8 bytes");
	t->size = size;
	t->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
	t->typed = true;
	return 0;
}

/* The top of the stack made canonical for type t. */
static int canon(struct xlate *x, struct vtype t)
{
	if (t.size < 8)
		return push_op(x, FOP_EXT, t.is_signed, t.size);
	return 0;
}

/* Stack bookkeeping: pops, then pushes one value of type t (if push). */
static int stack(struct xlate *x, unsigned atom, int pops, bool push, struct vtype t)
{
	if (x->depth < pops)
		return refuse(x, atom, "its stack underflows");
	x->depth -= pops;
	if (push) {
		if (x->depth >= FETCH_EXPR_MAX_DEPTH)
			return refuse(x, atom, "its stack is deeper than vtrace evaluates");
		x->st[x->depth++] = t;
	}
	return 0;
}

static int xlate_binary(struct xlate *x, unsigned atom)
{
	struct vtype a, b;
	uint8_t kind;
	bool cmp = false;
	int rc;

	if (x->depth < 2)
		return refuse(x, atom, "its stack underflows");
	a = x->st[x->depth - 2];
	b = x->st[x->depth - 1];
	/*
	 * Both operands have one type (DWARF 5, 2.5.1.4); the generic type is
	 * a signed 8-byte integer, as gdb holds it.  clang 14 emits "rax - u64
	 * (u32 rcx)" for "long - int", which would compute a wrong value: gdb
	 * refuses it as ill-typed, and so does vtrace.
	 */
	if (a.size != b.size || a.is_signed != b.is_signed)
		return refuse(x, atom, "its operands have different types (invalid DWARF, which gdb "
			      "refuses too)");
	if (b.typed)
		a = b;
	switch (atom) {
	case DW_OP_plus: kind = FOP_ADD; break;
	case DW_OP_minus: kind = FOP_SUB; break;
	case DW_OP_mul: kind = FOP_MUL; break;
	case DW_OP_div: kind = a.typed && !a.is_signed ? FOP_UDIV : FOP_DIV; break;
	case DW_OP_mod: kind = a.typed && a.is_signed ? FOP_SMOD : FOP_MOD; break;
	case DW_OP_and: kind = FOP_AND; break;
	case DW_OP_or: kind = FOP_OR; break;
	case DW_OP_xor: kind = FOP_XOR; break;
	case DW_OP_shl: kind = FOP_SHL; break;
	case DW_OP_shr: kind = FOP_SHR; break;
	case DW_OP_shra: kind = FOP_SHRA; break;
	case DW_OP_eq: kind = FOP_EQ; cmp = true; break;
	case DW_OP_ne: kind = FOP_NE; cmp = true; break;
	case DW_OP_lt: kind = FOP_LT; cmp = true; break;
	case DW_OP_gt: kind = FOP_GT; cmp = true; break;
	case DW_OP_le: kind = FOP_LE; cmp = true; break;
	case DW_OP_ge: kind = FOP_GE; cmp = true; break;
	default: return refuse(x, atom, "vtrace does not evaluate it");
	}
	if (kind == FOP_SHR && a.typed && a.size < 8 && a.is_signed) {
		/* a logical shift of a narrow signed value works on its own bits */
		rc = push_op(x, FOP_SWAP, 0, 0) ?: push_op(x, FOP_EXT, 0, a.size) ?: push_op(x, FOP_SWAP, 0, 0);
		if (rc)
			return rc;
	}
	rc = push_op(x, kind, cmp ? a.typed && !a.is_signed : 0, 0);
	if (rc)
		return rc;
	rc = stack(x, atom, 2, true, cmp ? generic : a);
	if (rc)
		return rc;
	return cmp ? 0 : canon(x, a);
}

/* A register's value pushed; SSE registers are out of a BPF program's reach. */
static int push_reg(struct xlate *x, unsigned atom, int reg, int64_t off)
{
	if (arch_is_vector_reg(reg))
		return refuse(x, atom, "it reads an SSE register, which a BPF program cannot");
	if (reg < 0 || reg >= DREG_NUM)
		return refuse(x, atom, "it reads a register vtrace does not know");
	return push_op(x, FOP_REG, reg, off) ?: stack(x, atom, 0, true, generic);
}

/*
 * DW_OP_entry_value(DW_OP_regN): the register's value when the function
 * was entered.  A companion probe at the entry saves it (see bpf/).
 */
static int xlate_entry_value(struct xlate *x, Dwarf_Op *op, unsigned atom)
{
	Dwarf_Attribute sub;
	Dwarf_Op *ops;
	size_t n;
	bool breg;
	int reg;

	if (dwarf_getlocation_attr(x->attr, op, &sub) || dwarf_getlocation(&sub, &ops, &n) || n != 1)
		return refuse(x, atom, "its inner expression is not a register");
	reg = dw_reg_of_op(ops[0].atom, ops[0].number, &breg);
	if (reg < 0 || breg)
		return refuse(x, atom, "its inner expression is not a register");
	if (arch_is_vector_reg(reg))
		return refuse(x, atom, "it reads an SSE register, which a BPF program cannot");
	if (reg >= DREG_NUM || reg == DREG_RSP || reg == DREG_RIP)
		return refuse(x, atom, "it reads a register vtrace does not save at the entry");
	x->out->entry = true;
	return push_op(x, FOP_ENTRY_REG, reg, 0) ?: stack(x, atom, 0, true, generic);
}

/*
 * One call site's value, as the caller computed it at the call: its
 * registers then are the callee's at its entry (saved there), so DW_OP_bregN
 * reads entry(N).  Values needing the caller's own frame are refused.
 */
static int push_call_value(struct xlate *x, unsigned atom, const struct call_site *cs)
{
	Dwarf_Attribute val = cs->value;
	Dwarf_Op *ops;
	size_t n;
	struct loc sub;

	memset(&sub, 0, sizeof(sub));
	if (dwarf_getlocation(&val, &ops, &n) || !n ||
	    loc_eval(x->df, &val, ops, n, x->pc, NULL, &sub))
		return refuse(x, atom, "a caller passes a value vtrace cannot evaluate");
	switch (sub.base) {
	case FETCH_CONST:
		return push_op(x, FOP_CONST, 0, (int64_t)sub.value);
	case FETCH_MEM_PC:	/* DW_OP_addr: the address itself is the value */
		return push_op(x, FOP_REG, DREG_RIP, sub.offset);
	case FETCH_REG:
	case FETCH_MEM_REG:	/* DW_OP_bregN off: the value reg + off */
		if (sub.reg < 0 || sub.reg >= DREG_NUM || sub.reg == DREG_RSP || sub.reg == DREG_RIP)
			return refuse(x, atom, "a caller passes a value in a register vtrace does not save");
		x->out->entry = true;
		return push_op(x, FOP_ENTRY_REG, sub.reg, 0) ?:
		       (sub.offset ? push_op(x, FOP_PLUS_CONST, 0, sub.offset) : 0);
	case FETCH_EXPR:
	case FETCH_MEM_EXPR:
		for (size_t i = 0; i < sub.nops; i++) {
			const struct fetch_op *o = &sub.ops[i];
			int rc;

			if (o->kind == FOP_SKIP || o->kind == FOP_BRA || o->kind == FOP_ENTRY_REG ||
			    (o->kind == FOP_REG && o->reg == DREG_RSP))
				return refuse(x, atom, "a caller passes a value computed from its own frame");
			if (o->kind != FOP_REG || o->reg == DREG_RIP) {
				rc = push_op(x, o->kind, o->reg, o->arg);
			} else {
				x->out->entry = true;
				rc = push_op(x, FOP_ENTRY_REG, o->reg, 0) ?:
				     (o->arg ? push_op(x, FOP_PLUS_CONST, 0, o->arg) : 0);
			}
			if (rc)
				return rc;
		}
		if (sub.base == FETCH_EXPR && sub.offset)
			return push_op(x, FOP_PLUS_CONST, 0, sub.offset);
		return sub.offset ? push_op(x, FOP_PLUS_CONST, 0, sub.offset) : 0;
	default:
		return refuse(x, atom, "a caller passes a value vtrace cannot evaluate");
	}
}

#define CALL_SITES_MAX 16

/*
 * DW_OP_GNU_parameter_ref: the value the caller passed for a parameter the
 * clone does not receive.  Which call it was is told by the return address
 * (at CFA - 8, relative to the probe's pc as the link-time addresses are):
 * a chain of compares picks that call site's value; a call from anywhere
 * else is unavailable.  gdb reads it the same way, from the caller's frame.
 */
static int xlate_parameter_ref(struct xlate *x, Dwarf_Op *op, unsigned atom)
{
	size_t bra[CALL_SITES_MAX], ends[CALL_SITES_MAX + 1], nends = 0;
	struct call_site *cs = NULL;
	Dwarf_Die param;
	struct loc cfa;
	size_t n = 0;
	int rc;

	if (dwarf_getlocation_die(x->attr, op, &param))
		return refuse(x, atom, "the parameter it names cannot be read");
	memset(&cfa, 0, sizeof(cfa));
	if (dw_cfa_at(x->df, x->pc, &cfa))
		return refuse(x, atom, "the call frame information has no simple CFA rule here, so "
			      "the caller is not known");
	if (x->depth + 4 > FETCH_EXPR_MAX_DEPTH)
		return refuse(x, atom, "its stack is too deep");
	rc = dw_call_sites(x->df, &param, &cs, &n);
	if (rc)
		return rc;
	if (!n || n > CALL_SITES_MAX) {
		free(cs);
		return refuse(x, atom, n ? "more than 16 call sites pass it" :
			      "no call site says what its callers pass");
	}
	/* the return address, relative to the pc */
	rc = push_op(x, FOP_REG, cfa.reg, cfa.offset - 8) ?: push_op(x, FOP_DEREF, 0, 0) ?:
	     push_op(x, FOP_REG, DREG_RIP, 0) ?: push_op(x, FOP_SUB, 0, 0);
	for (size_t k = 0; !rc && k < n; k++) {
		rc = push_op(x, FOP_DUP, 0, 0) ?:
		     push_op(x, FOP_CONST, 0, (int64_t)(cs[k].return_pc - x->pc)) ?:
		     push_op(x, FOP_EQ, 0, 0);
		bra[k] = x->out->nops;
		rc = rc ?: push_op(x, FOP_BRA, 0, 0);
	}
	/* no call site returns there */
	/* each value goes over the return address, which is dropped from under it */
	rc = rc ?: push_op(x, FOP_UNAVAIL, 0, 0) ?: push_op(x, FOP_SWAP, 0, 0) ?:
	     push_op(x, FOP_DROP, 0, 0);
	ends[nends++] = x->out->nops;
	rc = rc ?: push_op(x, FOP_SKIP, 0, 0);
	for (size_t k = 0; !rc && k < n; k++) {
		x->out->ops[bra[k]].arg = x->out->nops;
		rc = push_call_value(x, atom, &cs[k]) ?: push_op(x, FOP_SWAP, 0, 0) ?:
		     push_op(x, FOP_DROP, 0, 0);
		if (!rc && k + 1 < n) {
			ends[nends++] = x->out->nops;
			rc = push_op(x, FOP_SKIP, 0, 0);
		}
	}
	free(cs);
	if (rc)
		return rc == -E2BIG ? refuse(x, atom, "its callers' values make too long an expression") : rc;
	for (size_t k = 0; k < nends; k++)
		x->out->ops[ends[k]].arg = x->out->nops;
	x->out->pc_relative = true;
	return stack(x, atom, 0, true, generic);
}

static int xlate_const_type(struct xlate *x, Dwarf_Op *op, unsigned atom)
{
	Dwarf_Attribute blk_attr;
	Dwarf_Block blk;
	struct vtype t;
	uint64_t v = 0;
	int rc = op_type(x, op, op->number, &t);

	if (rc)
		return rc;
	if (dwarf_getlocation_attr(x->attr, op, &blk_attr) || dwarf_formblock(&blk_attr, &blk) ||
	    blk.length > 8)
		return refuse(x, atom, "its constant cannot be read");
	memcpy(&v, blk.data, blk.length);
	if (t.size < 8) {
		unsigned sh = 64 - 8 * t.size;

		v = t.is_signed ? (uint64_t)((int64_t)(v << sh) >> sh) : (v << sh) >> sh;
	}
	return push_op(x, FOP_CONST, 0, (int64_t)v) ?: stack(x, atom, 0, true, t);
}

/*
 * DW_OP_skip and DW_OP_bra (gcc's min/max: "lt; bra +1; swap; drop"):
 * forward only, so the BPF stays a DAG; the stack must arrive at the
 * target alike on every path.  The operand is relative to the op's end.
 */
static int xlate_branch(struct xlate *x, Dwarf_Op *op, unsigned atom)
{
	Dwarf_Word target = op->offset + 3 + (int16_t)op->number;
	bool found = target == x->end;
	struct pending *p;

	for (size_t i = 0; i < x->nops && !found; i++)
		found = x->ops[i].offset == target;
	if (!found || target <= op->offset)
		return refuse(x, atom, "a backward branch, or one to no op");
	if (atom == DW_OP_bra && (!x->depth || stack(x, atom, 1, false, generic)))
		return refuse(x, atom, "its stack underflows");
	if (x->nbranch == sizeof(x->branch) / sizeof(x->branch[0]))
		return refuse(x, atom, "more branches than vtrace evaluates");
	p = &x->branch[x->nbranch++];
	p->target = target;
	p->fop = x->out->nops;
	p->depth = x->depth;
	memcpy(p->st, x->st, sizeof(p->st));
	if (atom == DW_OP_skip)
		x->dead = true;
	return push_op(x, atom == DW_OP_skip ? FOP_SKIP : FOP_BRA, 0, 0);
}

/* Branches landing at byte offset off: patched to the next fetch op, stacks merged. */
static int land(struct xlate *x, Dwarf_Word off, unsigned atom)
{
	for (size_t i = 0; i < x->nbranch; i++) {
		struct pending *p = &x->branch[i];

		if (p->target != off)
			continue;
		x->out->ops[p->fop].arg = x->out->nops;
		if (x->dead) {
			x->depth = p->depth;
			memcpy(x->st, p->st, sizeof(x->st));
			x->dead = false;
		} else if (x->depth != p->depth || memcmp(x->st, p->st, x->depth * sizeof(x->st[0]))) {
			return refuse(x, atom, "its branches leave different stacks");
		}
		p->target = (Dwarf_Word)-1;
	}
	return 0;
}

static int xlate_one(struct xlate *x, Dwarf_Op *op)
{
	unsigned atom = op->atom;
	struct vtype t;
	bool breg;
	int reg = dw_reg_of_op(atom, op->number, &breg), rc;

	if (reg >= 0) {
		if (!breg)
			return refuse(x, atom, "a register location inside a computation");
		return push_reg(x, atom, reg, atom == DW_OP_bregx ? (int64_t)op->number2 : (int64_t)op->number);
	}
	if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31)
		return push_op(x, FOP_CONST, 0, atom - DW_OP_lit0) ?: stack(x, atom, 0, true, generic);
	switch (atom) {
	case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u: case DW_OP_const8u:
	case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s: case DW_OP_const8s:
	case DW_OP_constu: case DW_OP_consts:
		return push_op(x, FOP_CONST, 0, (int64_t)op->number) ?: stack(x, atom, 0, true, generic);
	case DW_OP_addr:
		/* a link-time address: relative to the probe's own, which moves with it */
		x->out->pc_relative = true;
		return push_op(x, FOP_REG, DREG_RIP, (int64_t)(op->number - x->pc)) ?:
		       stack(x, atom, 0, true, generic);
	case DW_OP_addrx:
	case DW_OP_GNU_addr_index:
	case DW_OP_constx:
	case DW_OP_GNU_const_index: {
		Dwarf_Attribute res;
		Dwarf_Word v;

		if (dwarf_getlocation_attr(x->attr, op, &res))
			return refuse(x, atom, "its .debug_addr entry cannot be read");
		if (atom == DW_OP_addrx || atom == DW_OP_GNU_addr_index) {
			Dwarf_Addr a;

			if (dwarf_formaddr(&res, &a))
				return refuse(x, atom, "its .debug_addr entry cannot be read");
			x->out->pc_relative = true;
			return push_op(x, FOP_REG, DREG_RIP, (int64_t)(a - x->pc)) ?:
			       stack(x, atom, 0, true, generic);
		}
		if (dwarf_formudata(&res, &v))
			return refuse(x, atom, "its .debug_addr entry cannot be read");
		return push_op(x, FOP_CONST, 0, (int64_t)v) ?: stack(x, atom, 0, true, generic);
	}
	case DW_OP_plus_uconst:
		if (!x->depth)
			return refuse(x, atom, "its stack underflows");
		return push_op(x, FOP_PLUS_CONST, 0, (int64_t)op->number) ?: canon(x, x->st[x->depth - 1]);
	case DW_OP_fbreg:
		if (!x->fb || (x->fb->base != FETCH_REG && x->fb->base != FETCH_MEM_REG))
			return refuse(x, atom, "the function's frame base is not a register here");
		return push_reg(x, atom, x->fb->reg, x->fb->offset + (int64_t)op->number);
	case DW_OP_call_frame_cfa: {
		struct loc cfa;

		if (dw_cfa_at(x->df, x->pc, &cfa))
			return refuse(x, atom, "the call frame information has no simple CFA rule here");
		return push_reg(x, atom, cfa.reg, cfa.offset);
	}
	case DW_OP_dup:
		if (!x->depth)
			return refuse(x, atom, "its stack underflows");
		return push_op(x, FOP_DUP, 0, 0) ?: stack(x, atom, 0, true, x->st[x->depth - 1]);
	case DW_OP_over:
		if (x->depth < 2)
			return refuse(x, atom, "its stack underflows");
		return push_op(x, FOP_OVER, 0, 0) ?: stack(x, atom, 0, true, x->st[x->depth - 2]);
	case DW_OP_pick:
		if (op->number >= (Dwarf_Word)x->depth)
			return refuse(x, atom, "its stack underflows");
		return push_op(x, FOP_PICK, 0, (int64_t)op->number) ?:
		       stack(x, atom, 0, true, x->st[x->depth - 1 - op->number]);
	case DW_OP_drop:
		return push_op(x, FOP_DROP, 0, 0) ?: stack(x, atom, 1, false, generic);
	case DW_OP_swap:
		if (x->depth < 2)
			return refuse(x, atom, "its stack underflows");
		t = x->st[x->depth - 1];
		x->st[x->depth - 1] = x->st[x->depth - 2];
		x->st[x->depth - 2] = t;
		return push_op(x, FOP_SWAP, 0, 0);
	case DW_OP_rot:
		if (x->depth < 3)
			return refuse(x, atom, "its stack underflows");
		t = x->st[x->depth - 1];
		x->st[x->depth - 1] = x->st[x->depth - 2];
		x->st[x->depth - 2] = x->st[x->depth - 3];
		x->st[x->depth - 3] = t;
		return push_op(x, FOP_ROT, 0, 0);
	case DW_OP_neg:
	case DW_OP_not:
	case DW_OP_abs:
		if (!x->depth)
			return refuse(x, atom, "its stack underflows");
		rc = push_op(x, atom == DW_OP_neg ? FOP_NEG : atom == DW_OP_not ? FOP_NOT : FOP_ABS, 0, 0);
		return rc ?: canon(x, x->st[x->depth - 1]);
	case DW_OP_deref:
		return push_op(x, FOP_DEREF, 0, 0) ?: stack(x, atom, 1, true, generic);
	case DW_OP_deref_size:
		if (op->number < 1 || op->number > 8)
			return refuse(x, atom, "it reads more than 8 bytes");
		return push_op(x, FOP_DEREF_SIZE, 0, (int64_t)op->number) ?: stack(x, atom, 1, true, generic);
	case DW_OP_deref_type:
	case DW_OP_GNU_deref_type:
		if (op->number < 1 || op->number > 8)
			return refuse(x, atom, "it reads more than 8 bytes");
		rc = op_type(x, op, op->number2, &t);
		return rc ?: push_op(x, FOP_DEREF_SIZE, 0, (int64_t)op->number) ?:
		       stack(x, atom, 1, true, t) ?: canon(x, t);
	case DW_OP_regval_type:
	case DW_OP_GNU_regval_type:
		rc = op_type(x, op, op->number2, &t) ?: push_reg(x, atom, (int)op->number, 0);
		if (rc)
			return rc;
		x->st[x->depth - 1] = t;
		return canon(x, t);
	case DW_OP_const_type:
	case DW_OP_GNU_const_type:
		return xlate_const_type(x, op, atom);
	case DW_OP_convert:
	case DW_OP_GNU_convert:
	case DW_OP_reinterpret:
	case DW_OP_GNU_reinterpret:
		if (!x->depth)
			return refuse(x, atom, "its stack underflows");
		rc = op_type(x, op, op->number, &t);
		if (rc)
			return rc;
		x->st[x->depth - 1] = t;
		return canon(x, t);
	case DW_OP_entry_value:
	case DW_OP_GNU_entry_value:
		return xlate_entry_value(x, op, atom);
	case DW_OP_nop:
		return 0;
	case DW_OP_bra:
	case DW_OP_skip:
		return xlate_branch(x, op, atom);
	case DW_OP_form_tls_address:
	case DW_OP_GNU_push_tls_address:
		return refuse(x, atom, "thread-local storage is not fetched yet");
	case DW_OP_piece:
	case DW_OP_bit_piece:
		return refuse(x, atom, "a piece inside a computation");
	case DW_OP_GNU_parameter_ref:
		return xlate_parameter_ref(x, op, atom);
	case DW_OP_implicit_pointer:
	case DW_OP_GNU_implicit_pointer:
		return refuse(x, atom, "the pointer was optimized away; its fields may be readable");
	case DW_OP_plus: case DW_OP_minus: case DW_OP_mul: case DW_OP_div: case DW_OP_mod:
	case DW_OP_and: case DW_OP_or: case DW_OP_xor: case DW_OP_shl: case DW_OP_shr: case DW_OP_shra:
	case DW_OP_eq: case DW_OP_ne: case DW_OP_lt: case DW_OP_gt: case DW_OP_le: case DW_OP_ge:
		return xlate_binary(x, atom);
	default:
		return refuse(x, atom, "vtrace does not evaluate it");
	}
}

/*
 * A location computed by DWARF's stack machine: the ops translate into
 * fetch ops; a final DW_OP_stack_value makes the result the value, else
 * it is the variable's address.  -ENOTSUP with out->bad_atom and out->why.
 */
int dw_translate(struct dwarf_file *df, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t n, Dwarf_Addr pc,
		 const struct loc *fb, struct loc *out)
{
	struct xlate x = { .df = df, .attr = attr, .pc = pc, .fb = fb, .out = out, .ops = ops };
	bool value = n && ops[n - 1].atom == DW_OP_stack_value;
	int rc;

	memset(out, 0, sizeof(*out));
	x.end = value ? ops[n - 1].offset : (Dwarf_Word)-1;
	if (value)
		n--;
	if (!n)
		return -ENODATA;
	x.nops = n;
	for (size_t i = 0; i < n; i++) {
		rc = land(&x, ops[i].offset, ops[i].atom);
		if (rc)
			return rc;
		if (x.dead)
			return refuse(&x, ops[i].atom, "code no branch reaches");
		rc = xlate_one(&x, &ops[i]);
		if (rc == -E2BIG)
			return refuse(&x, ops[i].atom, "the expression is longer than vtrace evaluates");
		if (rc)
			return rc;
	}
	rc = land(&x, x.end, ops[n - 1].atom);
	if (rc)
		return rc;
	for (size_t i = 0; i < x.nbranch; i++)
		if (x.branch[i].target != (Dwarf_Word)-1)
			return refuse(&x, DW_OP_bra, "a branch to no op");
	if (x.depth < 1)
		return refuse(&x, ops[n - 1].atom, "it leaves nothing on the stack");
	out->base = value ? FETCH_EXPR : FETCH_MEM_EXPR;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * DWARF resolution with libdw: where a spec's point is (every instance,
 * inlined ones included) and, at each address, how to fetch each arg.
 */
#include <capstone/capstone.h>
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elfutils/libdw.h>

#include "probe/dwarf.h"

#define MAX_DEPTH 32

static char *debuginfo_path;

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

int dwarf_file_open(const char *path, struct dwarf_file *df)
{
	memset(df, 0, sizeof(*df));
	if (access(path, R_OK))
		return -errno;
	df->path = strdup(path);
	df->dwfl = dwfl_begin(&offline_callbacks);
	if (!df->dwfl)
		return -ENOMEM;
	df->mod = dwfl_report_offline(df->dwfl, path, path, -1);
	dwfl_report_end(df->dwfl, NULL, NULL);
	if (!df->mod)
		return -ENOEXEC;
	df->elf = dwfl_module_getelf(df->mod, &df->bias);
	df->dbg = dwfl_module_getdwarf(df->mod, &df->bias);
	if (!df->dbg)
		return -ENODATA;
	df->cfi = dwfl_module_eh_cfi(df->mod, &df->cfi_bias);
	if (!df->cfi)
		df->cfi = dwfl_module_dwarf_cfi(df->mod, &df->cfi_bias);
	return 0;
}

void dwarf_file_close(struct dwarf_file *df)
{
	if (df->dwfl)
		dwfl_end(df->dwfl);
	free(df->path);
	memset(df, 0, sizeof(*df));
}

/* ---- types ---------------------------------------------------------- */

static bool die_type(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, type);
}

/* Skips typedefs and qualifiers. */
static int peel(Dwarf_Die *type, Dwarf_Die *out)
{
	return dwarf_peel_type(type, out);
}

static void type_name(Dwarf_Die *type, struct strbuf *sb, int depth)
{
	const char *name = dwarf_diename(type);
	Dwarf_Die inner;

	if (depth > MAX_DEPTH) {
		strbuf_addstr(sb, "?");
		return;
	}
	switch (dwarf_tag(type)) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
		strbuf_addstr(sb, name ? name : "?");
		break;
	case DW_TAG_structure_type:
		strbuf_addf(sb, "struct %s", name ? name : "(anon)");
		break;
	case DW_TAG_union_type:
		strbuf_addf(sb, "union %s", name ? name : "(anon)");
		break;
	case DW_TAG_enumeration_type:
		strbuf_addf(sb, "enum %s", name ? name : "(anon)");
		break;
	case DW_TAG_pointer_type:
		if (die_type(type, &inner))
			type_name(&inner, sb, depth + 1);
		else
			strbuf_addstr(sb, "void");
		strbuf_addstr(sb, " *");
		break;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		if (dwarf_tag(type) == DW_TAG_const_type)
			strbuf_addstr(sb, "const ");
		if (die_type(type, &inner))
			type_name(&inner, sb, depth + 1);
		else
			strbuf_addstr(sb, "void");
		break;
	case DW_TAG_array_type: {
		Dwarf_Die sub;
		Dwarf_Word n = 0;

		if (die_type(type, &inner))
			type_name(&inner, sb, depth + 1);
		if (dwarf_child(type, &sub) == 0) {
			Dwarf_Attribute a;

			if (dwarf_attr(&sub, DW_AT_count, &a))
				dwarf_formudata(&a, &n);
			else if (dwarf_attr(&sub, DW_AT_upper_bound, &a) && !dwarf_formudata(&a, &n))
				n++;
		}
		strbuf_addf(sb, "[%llu]", (unsigned long long)n);
		break;
	}
	case DW_TAG_subroutine_type:
		strbuf_addstr(sb, "(function)");
		break;
	default:
		strbuf_addstr(sb, name ? name : "?");
	}
}

static char *type_name_str(Dwarf_Die *type)
{
	struct strbuf sb = STRBUF_INIT;

	type_name(type, &sb, 0);
	return strbuf_detach(&sb);
}

static uint32_t array_count(Dwarf_Die *arr)
{
	Dwarf_Die sub;
	Dwarf_Word n = 0;
	Dwarf_Attribute a;

	if (dwarf_child(arr, &sub))
		return 0;
	if (dwarf_attr(&sub, DW_AT_count, &a))
		dwarf_formudata(&a, &n);
	else if (dwarf_attr(&sub, DW_AT_upper_bound, &a) && !dwarf_formudata(&a, &n))
		n++;
	return n;
}

static int member_location(Dwarf_Die *m, Dwarf_Word *off)
{
	Dwarf_Attribute a;

	*off = 0;
	if (!dwarf_attr_integrate(m, DW_AT_data_member_location, &a))
		return 0;	/* union members, or bitfields with data_bit_offset */
	return dwarf_formudata(&a, off);
}

/* A bitfield's position from the start of its struct, in bits; size 0 if not a bitfield. */
static void member_bits(Dwarf_Die *m, Dwarf_Word byte_off, uint32_t *bit_off, uint32_t *bit_size)
{
	Dwarf_Attribute a;
	Dwarf_Word v;

	*bit_size = 0;
	*bit_off = byte_off * 8;
	if (!dwarf_attr(m, DW_AT_bit_size, &a) || dwarf_formudata(&a, &v))
		return;
	*bit_size = v;
	if (dwarf_attr(m, DW_AT_data_bit_offset, &a) && !dwarf_formudata(&a, &v)) {
		*bit_off = v;
	} else if (dwarf_attr(m, DW_AT_bit_offset, &a) && !dwarf_formudata(&a, &v)) {
		/* DWARF 2/3: counted from the most significant bit of the container */
		Dwarf_Word bytes = 0;
		Dwarf_Attribute b;

		if (dwarf_attr(m, DW_AT_byte_size, &b))
			dwarf_formudata(&b, &bytes);
		*bit_off = byte_off * 8 + bytes * 8 - v - *bit_size;
	}
}

static struct value_type *dwarf_value_type(Dwarf_Die *type, int depth);

static int add_fields(Dwarf_Die *st, struct value_type *v, int depth)
{
	Dwarf_Die m;
	uint32_t cap = 8;

	v->fields = calloc(cap, sizeof(*v->fields));
	if (!v->fields || dwarf_child(st, &m))
		return v->fields ? 0 : -1;
	do {
		Dwarf_Die mt;
		Dwarf_Word off;
		struct value_field *f;
		const char *name;

		if (dwarf_tag(&m) != DW_TAG_member || !die_type(&m, &mt))
			continue;
		if (v->nfields == cap) {
			struct value_field *nf = realloc(v->fields, cap * 2 * sizeof(*nf));

			if (!nf)
				return -1;
			memset(nf + cap, 0, cap * sizeof(*nf));
			v->fields = nf;
			cap *= 2;
		}
		f = &v->fields[v->nfields];
		f->type = dwarf_value_type(&mt, depth + 1);
		if (!f->type)
			return -1;
		v->nfields++;
		name = dwarf_diename(&m);
		f->name = name ? strdup(name) : NULL;
		member_location(&m, &off);
		member_bits(&m, off, &f->bit_offset, &f->bit_size);
	} while (dwarf_siblingof(&m, &m) == 0);
	return 0;
}

/* The printable type of a DWARF type (as btf_value_type for BTF). */
static struct value_type *dwarf_value_type(Dwarf_Die *type, int depth)
{
	struct value_type *v;
	Dwarf_Die t, inner;
	Dwarf_Word size = 0;
	Dwarf_Attribute a;

	if (depth > MAX_DEPTH || peel(type, &t))
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->name = type_name_str(type);
	if (dwarf_aggregate_size(&t, &size) == 0)
		v->size = size;
	switch (dwarf_tag(&t)) {
	case DW_TAG_base_type: {
		Dwarf_Word enc = 0;

		if (dwarf_attr(&t, DW_AT_encoding, &a))
			dwarf_formudata(&a, &enc);
		switch (enc) {
		case DW_ATE_boolean: v->kind = VK_BOOL; break;
		case DW_ATE_float: v->kind = VK_FLOAT; break;
		case DW_ATE_signed_char:
		case DW_ATE_unsigned_char:
			/* plain char is a character; signed/unsigned char (int8_t) are numbers */
			v->kind = size == 1 && dwarf_diename(&t) && !strcmp(dwarf_diename(&t), "char") ?
				  VK_CHAR : enc == DW_ATE_signed_char ? VK_INT : VK_UINT;
			break;
		case DW_ATE_signed: v->kind = VK_INT; break;
		default: v->kind = VK_UINT;
		}
		break;
	}
	case DW_TAG_pointer_type:
		v->kind = VK_PTR;
		v->size = 8;
		break;
	case DW_TAG_enumeration_type: {
		Dwarf_Die e;
		uint32_t cap = 0;

		v->kind = VK_ENUM;
		if (dwarf_child(&t, &e))
			break;
		do {
			Dwarf_Sword val;
			struct value_enumerator *ne;

			if (dwarf_tag(&e) != DW_TAG_enumerator || !dwarf_attr(&e, DW_AT_const_value, &a) ||
			    dwarf_formsdata(&a, &val))
				continue;
			if (v->nenums == cap) {
				cap = cap ? cap * 2 : 8;
				ne = realloc(v->enums, cap * sizeof(*ne));
				if (!ne)
					break;
				v->enums = ne;
			}
			v->enums[v->nenums].name = strdup(dwarf_diename(&e) ?: "?");
			v->enums[v->nenums++].value = val;
		} while (dwarf_siblingof(&e, &e) == 0);
		break;
	}
	case DW_TAG_array_type:
		v->kind = VK_ARRAY;
		v->count = array_count(&t);
		if (die_type(&t, &inner))
			v->elem = dwarf_value_type(&inner, depth + 1);
		if (!v->elem) {
			value_type_free(v);
			return NULL;
		}
		break;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		v->kind = dwarf_tag(&t) == DW_TAG_structure_type ? VK_STRUCT : VK_UNION;
		if (add_fields(&t, v, depth)) {
			value_type_free(v);
			return NULL;
		}
		break;
	default:
		v->kind = VK_OPAQUE;
	}
	return v;
}

/* Finds member name in a struct/union, looking into anonymous members. */
static bool find_member(Dwarf_Die *st, const char *name, Dwarf_Die *out, Dwarf_Word *off, int depth)
{
	Dwarf_Die m;

	if (depth > MAX_DEPTH || dwarf_child(st, &m))
		return false;
	do {
		const char *mn;
		Dwarf_Word moff;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		mn = dwarf_diename(&m);
		member_location(&m, &moff);
		if (mn && !strcmp(mn, name)) {
			*out = m;
			*off = moff;
			return true;
		}
		if (!mn) {
			Dwarf_Die mt, pt;
			Dwarf_Word inner;

			if (die_type(&m, &mt) && !peel(&mt, &pt) &&
			    (dwarf_tag(&pt) == DW_TAG_structure_type || dwarf_tag(&pt) == DW_TAG_union_type) &&
			    find_member(&pt, name, out, &inner, depth + 1)) {
				*off = moff + inner;
				return true;
			}
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

static void list_members(Dwarf_Die *st, struct strbuf *sb, int depth)
{
	Dwarf_Die m;

	if (depth > MAX_DEPTH || dwarf_child(st, &m))
		return;
	do {
		const char *mn = dwarf_diename(&m);
		Dwarf_Die mt, pt;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		if (mn) {
			strbuf_addf(sb, "%s%s", sb->len ? ", " : "", mn);
		} else if (die_type(&m, &mt) && !peel(&mt, &pt)) {
			list_members(&pt, sb, depth + 1);
		}
	} while (dwarf_siblingof(&m, &m) == 0);
}

/* ---- locations ------------------------------------------------------ */

struct loc {
	enum fetch_base base;
	int reg;
	int64_t offset;
	uint64_t value;
	struct fetch_op ops[FETCH_EXPR_MAX_OPS];	/* FETCH_EXPR, FETCH_MEM_EXPR */
	size_t nops;
};

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

static int eval_expr(struct dwarf_file *df, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t n,
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
static int frame_base_at(struct dwarf_file *df, Dwarf_Die *fn, Dwarf_Addr pc, struct loc *out)
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
			rc = eval_expr(df, &attr, ops, nops, pc, NULL, out);
		break;
	}
	if (n > 0)
		free(scopes);
	return rc;
}

/* Where the variable's location list has it, for the "optimized out here" error. */
static void available_ranges(Dwarf_Die *var, struct strbuf *sb)
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

/* ---- instances ------------------------------------------------------ */

struct candidate {
	Dwarf_Die fn;		/* DW_TAG_subprogram or DW_TAG_inlined_subroutine */
	Dwarf_Die cu;
	Dwarf_Addr addr;
	bool inlined;
};

struct candidates {
	struct candidate *v;
	size_t n, cap;
};

static int add_candidate(struct candidates *c, Dwarf_Die *fn, Dwarf_Die *cu, Dwarf_Addr addr, bool inlined)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].addr == addr)
			return 0;
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 8;
		struct candidate *nv = realloc(c->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		c->v = nv;
		c->cap = ncap;
	}
	c->v[c->n++] = (struct candidate){ *fn, *cu, addr, inlined };
	return 0;
}

static bool cu_matches_file(Dwarf_Die *die, const char *file)
{
	const char *f;
	size_t fl, l;

	if (!file)
		return true;
	f = dwarf_decl_file(die);
	if (!f)
		return false;
	fl = strlen(file);
	l = strlen(f);
	return l >= fl && !strcmp(f + l - fl, file) && (l == fl || f[l - fl - 1] == '/');
}

/*
 * Unoptimized code keeps parameters on the stack, stored there by the
 * prologue: a probe on FUNC goes after it, as gdb's `break FUNC` does.
 * Optimized code has correct locations at the entry.
 */
static bool needs_prologue_skip(Dwarf_Die *fn)
{
	Dwarf_Die child;
	bool any = false;

	if (dwarf_child(fn, &child))
		return false;
	do {
		Dwarf_Attribute attr;
		Dwarf_Op *ops;
		size_t n;

		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		if (!dwarf_attr(&child, DW_AT_location, &attr) || attr.form == DW_FORM_sec_offset ||
		    attr.form == DW_FORM_loclistx)
			return false;
		if (dwarf_getlocation(&attr, &ops, &n) || n != 1 || ops[0].atom != DW_OP_fbreg)
			return false;
		any = true;
	} while (dwarf_siblingof(&child, &child) == 0);
	if (any)
		return true;
	/* No parameters: ask the producer (gcc records -O levels; clang does not). */
	{
		Dwarf_Die cu;
		Dwarf_Attribute a;
		const char *prod;

		if (!dwarf_diecu(fn, &cu, NULL, NULL) || !dwarf_attr(&cu, DW_AT_producer, &a))
			return false;
		prod = dwarf_formstring(&a);
		if (!prod)
			return false;
		if (strstr(prod, "clang"))
			return false;
		return !strstr(prod, " -O") || strstr(prod, " -O0");
	}
}

static int prologue_end(Dwarf_Die *cu, Dwarf_Addr low, Dwarf_Addr high, Dwarf_Addr *out)
{
	Dwarf_Lines *lines;
	size_t n;
	Dwarf_Addr second = 0;
	int rows = 0;

	if (dwarf_getsrclines(cu, &lines, &n))
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr a;
		bool pe = false;

		if (dwarf_lineaddr(l, &a) || a < low || a >= high)
			continue;
		dwarf_lineprologueend(l, &pe);
		if (pe) {
			*out = a;
			return 0;
		}
		if (a > low && !second && ++rows)
			second = a;
	}
	if (!second)
		return -ENOENT;
	*out = second;
	return 0;
}

struct func_search {
	struct dwarf_file *df;
	const struct spec *spec;
	Dwarf_Die cu;
	struct candidates *out;
	int found_abstract;	/* matched, but only inlined and inlines=no */
	int err;
};

static bool fn_entry(Dwarf_Die *fn, Dwarf_Addr *entry)
{
	return dwarf_entrypc(fn, entry) == 0 || dwarf_lowpc(fn, entry) == 0;
}

static int inline_cb(Dwarf_Die *inst, void *arg)
{
	struct func_search *fs = arg;
	Dwarf_Addr entry;
	Dwarf_Die cu;

	if (!fn_entry(inst, &entry))
		return DWARF_CB_OK;
	if (!dwarf_diecu(inst, &cu, NULL, NULL))
		return DWARF_CB_OK;
	fs->err = add_candidate(fs->out, inst, &cu, entry, true);
	return fs->err ? DWARF_CB_ABORT : DWARF_CB_OK;
}

static int func_cb(Dwarf_Die *fn, void *arg)
{
	struct func_search *fs = arg;
	const char *name = dwarf_diename(fn);
	Dwarf_Addr entry;

	if (!name || strcmp(name, fs->spec->func) || !cu_matches_file(fn, fs->spec->file))
		return DWARF_CB_OK;
	if (dwarf_func_inline(fn)) {
		/* An abstract instance: each inlined copy is its own address. */
		if (fs->spec->inlines && !fs->spec->ret && !fs->spec->has_offset)
			dwarf_func_inline_instances(fn, inline_cb, fs);
		else
			fs->found_abstract++;
		return fs->err ? DWARF_CB_ABORT : DWARF_CB_OK;
	}
	if (!fn_entry(fn, &entry))
		return DWARF_CB_OK;	/* a declaration */
	fs->err = add_candidate(fs->out, fn, &fs->cu, entry, false);
	return fs->err ? DWARF_CB_ABORT : DWARF_CB_OK;
}

/* Out-of-line copies of inlined functions: subprograms with an abstract origin. */
static void find_concrete_origins(struct func_search *fs, Dwarf_Die *die, int depth)
{
	Dwarf_Die child;

	if (depth > 3 || dwarf_child(die, &child))
		return;
	do {
		Dwarf_Attribute a;
		Dwarf_Die origin;
		Dwarf_Addr entry;
		const char *name;

		if (dwarf_tag(&child) != DW_TAG_subprogram ||
		    !dwarf_attr(&child, DW_AT_abstract_origin, &a) || !dwarf_formref_die(&a, &origin))
			continue;
		name = dwarf_diename(&origin);
		if (name && !strcmp(name, fs->spec->func) && cu_matches_file(&origin, fs->spec->file) &&
		    fn_entry(&child, &entry))
			add_candidate(fs->out, &child, &fs->cu, entry, false);
	} while (dwarf_siblingof(&child, &child) == 0);
}

static void for_each_cu(struct dwarf_file *df, void (*cb)(Dwarf_Die *cu, void *arg), void *arg)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	while (dwarf_nextcu(df->dbg, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(df->dbg, off + hsize, &cu))
			cb(&cu, arg);
		off = next;
	}
}

static void search_cu(Dwarf_Die *cu, void *arg)
{
	struct func_search *fs = arg;

	fs->cu = *cu;
	dwarf_getfuncs(cu, func_cb, fs, 0);
	find_concrete_origins(fs, cu, 0);
}

/* Does the instruction stream of the function containing addr have one starting at addr? */
static int check_insn_boundary(struct dwarf_file *df, Dwarf_Addr entry, Dwarf_Addr addr)
{
	Elf_Scn *scn = NULL;
	csh cs;
	int rc = -EINVAL;

	if (!df->elf)
		return 0;
	while ((scn = elf_nextscn(df->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		const uint8_t *code;
		size_t size;
		uint64_t pc;
		cs_insn *insn;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) ||
		    entry < sh.sh_addr || addr >= sh.sh_addr + sh.sh_size)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			return 0;
		if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
			return 0;
		code = (const uint8_t *)data->d_buf + (entry - sh.sh_addr);
		size = addr - entry + 16;
		if (entry - sh.sh_addr + size > sh.sh_size)
			size = sh.sh_size - (entry - sh.sh_addr);
		pc = entry;
		insn = cs_malloc(cs);
		while (pc <= addr && cs_disasm_iter(cs, &code, &size, &pc, insn)) {
			if (insn->address == addr) {
				rc = 0;
				break;
			}
		}
		if (pc == addr)
			rc = 0;
		cs_free(insn, 1);
		cs_close(&cs);
		return rc;
	}
	return 0;
}

static int lines_in(Dwarf_Die *cu, const char *file, long line, Dwarf_Addr low, Dwarf_Addr high,
		    Dwarf_Addr *out)
{
	Dwarf_Lines *lines;
	size_t n;
	Dwarf_Addr best = 0;
	bool found = false;

	if (dwarf_getsrclines(cu, &lines, &n))
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr a;
		int ln;
		bool stmt = false;
		const char *src;

		if (dwarf_lineaddr(l, &a) || a < low || a >= high || dwarf_lineno(l, &ln) || ln != line)
			continue;
		dwarf_linebeginstatement(l, &stmt);
		src = dwarf_linesrc(l, NULL, NULL);
		if (!stmt || (file && src && strcmp(src, file) && !strstr(src, file)))
			continue;
		if (!found || a < best)
			best = a;
		found = true;
	}
	if (!found)
		return -ENOENT;
	*out = best;
	return 0;
}

/*
 * The CU whose ranges cover pc.  Not dwarf_addrdie(): before elfutils 0.189
 * it relies on .debug_aranges, which clang does not emit.
 */
static bool cu_for_pc(struct dwarf_file *df, Dwarf_Addr pc, Dwarf_Die *out)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (dwarf_addrdie(df->dbg, pc, out))
		return true;
	while (dwarf_nextcu(df->dbg, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(df->dbg, off + hsize, out) && dwarf_haspc(out, pc) == 1)
			return true;
		off = next;
	}
	return false;
}

/* The innermost function-like scope at pc in its CU. */
static bool function_at(struct dwarf_file *df, Dwarf_Addr pc, Dwarf_Die *cu, Dwarf_Die *fn, bool *inlined)
{
	Dwarf_Die *scopes;
	int n;

	if (!cu_for_pc(df, pc, cu))
		return false;
	n = dwarf_getscopes(cu, pc, &scopes);
	for (int i = 0; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) {
			*fn = scopes[i];
			*inlined = tag == DW_TAG_inlined_subroutine;
			free(scopes);
			return true;
		}
	}
	free(scopes);
	return false;
}

/* "dir/x.c" matches ".../dir/x.c" on a path-component boundary. */
static bool path_matches(const char *path, const char *want)
{
	size_t pl = strlen(path), wl = strlen(want);

	return pl >= wl && !strcmp(path + pl - wl, want) && (pl == wl || path[pl - wl - 1] == '/');
}

struct line_search {
	struct dwarf_file *df;
	const char *file;
	long line;
	struct candidates *out;
	int err;
};

static void line_cu(Dwarf_Die *cu, void *arg)
{
	struct line_search *ls = arg;
	Dwarf_Lines *lines;
	size_t n;

	if (ls->err || dwarf_getsrclines(cu, &lines, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		const char *src = dwarf_linesrc(l, NULL, NULL);
		Dwarf_Addr a;
		Dwarf_Die fcu, fn;
		bool stmt = false, inl;
		int ln;

		if (dwarf_lineno(l, &ln) || ln != ls->line || !src || !path_matches(src, ls->file) ||
		    dwarf_lineaddr(l, &a))
			continue;
		dwarf_linebeginstatement(l, &stmt);
		if (!stmt || !function_at(ls->df, a, &fcu, &fn, &inl))
			continue;
		ls->err = add_candidate(ls->out, &fn, &fcu, a, inl);
	}
}

static int find_points(struct dwarf_file *df, const struct spec *s, struct candidates *c,
		       struct spec_error *err)
{
	struct func_search fs = { .df = df, .spec = s, .out = c };

	switch (s->point) {
	case POINT_ADDR: {
		Dwarf_Die cu, fn;
		bool inl;

		if (!function_at(df, s->addr, &cu, &fn, &inl))
			return spec_fail(err, s->point_col, s->point_len,
				    "no function in %s's debug info covers 0x%llx", df->path,
				    (unsigned long long)s->addr);
		return add_candidate(c, &fn, &cu, s->addr, inl);
	}
	case POINT_LINE: {
		struct line_search ls = { .df = df, .file = s->file, .line = s->line, .out = c };

		for_each_cu(df, line_cu, &ls);
		if (ls.err)
			return ls.err;
		/* keep the first address per function instance (a line can repeat in loops) */
		for (size_t i = 0; i < c->n; i++)
			for (size_t j = i + 1; j < c->n;) {
				if (dwarf_dieoffset(&c->v[i].fn) == dwarf_dieoffset(&c->v[j].fn)) {
					if (c->v[j].addr < c->v[i].addr)
						c->v[i].addr = c->v[j].addr;
					c->v[j] = c->v[--c->n];
				} else {
					j++;
				}
			}
		if (!c->n) {
			spec_fail(err, s->file_col, s->point_len, "no code for %s:%ld in %s (see vtrace probe "
			     "--lines FUNC)", s->file, s->line, df->path);
			return -ENOENT;
		}
		return 0;
	}
	case POINT_FUNC:
		break;
	default:
		return spec_fail(err, s->point_col, s->point_len, "not a DWARF probe point");
	}

	for_each_cu(df, search_cu, &fs);
	if (fs.err)
		return fs.err;
	if (!c->n) {
		err->col = s->func_col;
		err->len = strlen(s->func);
		if (fs.found_abstract)
			snprintf(err->msg, sizeof(err->msg), "'%s' is only inlined in %s; %s", s->func, df->path,
				 s->ret ? "%return needs an out-of-line copy (probe a line before its end instead)" :
				 s->has_offset ? "+OFF needs an out-of-line copy (use %s:RELLINE)" :
				 "set inlines=yes to probe its inlined copies");
		else
			snprintf(err->msg, sizeof(err->msg), "no function '%s'%s%s in %s's debug info (see "
				 "vtrace probe --funcs -x %s)", s->func, s->file ? " in " : "",
				 s->file ? s->file : "", df->path, df->path);
		return -ENOENT;
	}

	/* Now the exact address within each instance. */
	for (size_t i = 0; i < c->n; i++) {
		struct candidate *cd = &c->v[i];
		Dwarf_Addr low = cd->addr, high = 0, base, start, end, pe;
		ptrdiff_t off = 0;

		/* The instance's extent, for +OFF and :RELLINE. */
		while ((off = dwarf_ranges(&cd->fn, off, &base, &start, &end)) > 0)
			if (end > high)
				high = end;
		if (s->has_offset) {
			if (high && cd->addr + s->offset >= high)
				return spec_fail(err, s->suffix_col, 1 + snprintf(NULL, 0, "%lu", s->offset),
					    "+%lu is past the end of %s (%llu bytes)", s->offset, s->func,
					    (unsigned long long)(high - cd->addr));
			cd->addr += s->offset;
			if (check_insn_boundary(df, low, cd->addr))
				return spec_fail(err, s->suffix_col, 1 + snprintf(NULL, 0, "%lu", s->offset),
					    "+%lu is not at an instruction boundary in %s (see objdump -d)",
					    s->offset, s->func);
		} else if (s->has_relline) {
			int decl = 0;
			Dwarf_Addr a;

			dwarf_decl_line(&cd->fn, &decl);
			if (cd->inlined) {
				Dwarf_Attribute at;
				Dwarf_Die origin;

				if (dwarf_attr(&cd->fn, DW_AT_abstract_origin, &at) && dwarf_formref_die(&at, &origin))
					dwarf_decl_line(&origin, &decl);
			}
			if (lines_in(&cd->cu, NULL, decl + s->line, low, high ? high : low + 1, &a))
				return spec_fail(err, s->suffix_col, 1, "no code at line %ld of %s (line %ld of its "
					    "file); see vtrace probe --lines %s", s->line, s->func, decl + s->line,
					    s->func);
			cd->addr = a;
		} else if (!s->ret && !cd->inlined && needs_prologue_skip(&cd->fn) &&
			   !prologue_end(&cd->cu, low, high ? high : low + 1, &pe)) {
			cd->addr = pe;
		}
	}
	return 0;
}

/* ---- args ----------------------------------------------------------- */

struct arg_ctx {
	struct dwarf_file *df;
	const struct spec *spec;
	Dwarf_Die *scopes;
	int nscopes;
	Dwarf_Addr pc;
	struct candidate *cd;
};

static int set_final(struct fetch_arg *a, Dwarf_Die *type, const struct spec_arg *sa,
		     struct spec_error *err)
{
	Dwarf_Die t;
	Dwarf_Word size = 0;

	if (peel(type, &t))
		return spec_fail(err, sa->col, sa->len, "cannot read the type of '%s'", sa->text);
	a->type_name = type_name_str(type);
	a->type = dwarf_value_type(type, 0);
	dwarf_aggregate_size(&t, &size);
	switch (dwarf_tag(&t)) {
	case DW_TAG_base_type:
	case DW_TAG_enumeration_type: {
		Dwarf_Attribute at;
		Dwarf_Word enc = DW_ATE_signed;

		if (dwarf_tag(&t) == DW_TAG_base_type && dwarf_attr(&t, DW_AT_encoding, &at))
			dwarf_formudata(&at, &enc);
		a->final = FINAL_INT;
		a->size = size;
		a->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		break;
	}
	case DW_TAG_pointer_type:
		a->final = FINAL_INT;
		a->size = 8;
		break;
	case DW_TAG_array_type:
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		if (a->base == FETCH_REG || a->base == FETCH_CONST || a->base == FETCH_EXPR)
			return spec_fail(err, sa->col, sa->len, "'%s' (%s) lives in registers here; fetch its "
				    "fields one by one", sa->text, a->type_name);
		a->final = FINAL_BYTES;
		a->size = size;
		break;
	default:
		return spec_fail(err, sa->col, sa->len, "'%s' has a type vtrace cannot fetch (%s)", sa->text,
			    a->type_name);
	}
	if (a->size > 8 && a->final == FINAL_INT)
		return spec_fail(err, sa->col, sa->len, "'%s' is %u bytes wide; vtrace fetches integers up to 8",
			    sa->text, a->size);
	return 0;
}

static int apply_type(struct fetch_arg *a, const struct spec_arg *sa, struct spec_error *err)
{
	if (sa->type == TYPE_DEFAULT)
		return 0;
	if (sa->type == TYPE_STRING) {
		if (a->type && a->type->kind == VK_ARRAY && a->type->elem && a->type->elem->kind == VK_CHAR)
			return 0;	/* a char array already prints as a string */
		if (!a->type || a->type->kind != VK_PTR || a->final != FINAL_INT)
			return spec_fail(err, sa->type_col, 6, "':string' needs a char pointer, and '%s' is %s",
				    sa->text, a->type_name ? a->type_name : "not one");
		a->final = FINAL_STRING;
		free(a->type_name);
		a->type_name = strdup("string");
		return 0;
	}
	if (a->final != FINAL_INT)
		return spec_fail(err, sa->type_col, 3, "':%s' casts integers; '%s' is %s", spec_type_name(sa->type),
			    sa->text, a->type_name);
	if (a->bit_size)
		return spec_fail(err, sa->type_col, 3, "'%s' is a bitfield: it is read as declared", sa->text);
	fetch_cast(a, sa->type);
	return 0;
}

/* Walks ->, . and [] from a variable of type `type` located by a. */
static int apply_steps(struct fetch_arg *a, Dwarf_Die *type, const struct spec_arg *sa,
		       struct spec_error *err)
{
	Dwarf_Die cur = *type;

	for (size_t i = 0; i < sa->nsteps; i++) {
		const struct spec_step *st = &sa->steps[i];
		int len = st->kind == STEP_INDEX ? 1 : (int)strlen(st->field) + (st->kind == STEP_ARROW ? 2 : 1);
		Dwarf_Die t, target, member, mt;
		Dwarf_Word off = 0;
		char *tn;
		int tag;

		if (a->bit_size)
			return spec_fail(err, st->col, len, "a bitfield has no fields");
		if (peel(&cur, &t))
			return spec_fail(err, st->col, len, "cannot read the type here");
		tag = dwarf_tag(&t);
		tn = type_name_str(&cur);

		if (st->kind == STEP_INDEX) {
			Dwarf_Word esize = 0;
			Dwarf_Die et;

			if ((tag != DW_TAG_array_type && tag != DW_TAG_pointer_type) || !die_type(&t, &target)) {
				spec_fail(err, st->col, len, "[%ld] needs an array or a pointer, and this is %s",
				     st->index, tn);
				free(tn);
				return -EINVAL;
			}
			free(tn);
			if (peel(&target, &et) || dwarf_aggregate_size(&et, &esize))
				return spec_fail(err, st->col, len, "the elements here have no size");
			if (tag == DW_TAG_array_type) {
				if (a->base == FETCH_REG || a->base == FETCH_CONST || a->base == FETCH_EXPR)
					return spec_fail(err, st->col, len, "the array lives in a register here");
				fetch_add_offset(a, st->index * (int64_t)esize);
			} else if (a->base == FETCH_CONST) {
				return spec_fail(err, st->col, len, "the pointer is a constant here");
			} else if (fetch_follow(a, st->index * (int64_t)esize)) {
				return -ENOMEM;
			}
			cur = target;
			continue;
		}

		if (st->kind == STEP_ARROW) {
			if (tag != DW_TAG_pointer_type) {
				spec_fail(err, st->col, 2, "'->' needs a pointer, and this is %s%s", tn,
				     tag == DW_TAG_structure_type || tag == DW_TAG_union_type ?
				     ": use '.'" : "");
				free(tn);
				return -EINVAL;
			}
			if (!die_type(&t, &target) || peel(&target, &t)) {
				free(tn);
				return spec_fail(err, st->col, len, "'->' through a void pointer");
			}
			tag = dwarf_tag(&t);
		} else if (tag == DW_TAG_pointer_type) {
			spec_fail(err, st->col, 1, "'.' needs a struct, and this is %s: use '->'", tn);
			free(tn);
			return -EINVAL;
		}
		free(tn);
		if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type) {
			tn = type_name_str(&t);
			spec_fail(err, st->col, len, "'%s' has no fields: it is %s", st->kind == STEP_ARROW ?
			     "the pointed-to value" : "the value", tn);
			free(tn);
			return -EINVAL;
		}
		if (!find_member(&t, st->field, &member, &off, 0)) {
			struct strbuf names = STRBUF_INIT;

			list_members(&t, &names, 0);
			tn = type_name_str(&t);
			spec_fail(err, st->col + (st->kind == STEP_ARROW ? 2 : 1), strlen(st->field),
			     "%s has no member '%s'; it has: %s", tn, st->field, names.buf ? names.buf : "none");
			free(tn);
			strbuf_release(&names);
			return -EINVAL;
		}
		if (st->kind == STEP_ARROW) {
			if (a->base == FETCH_CONST)
				return spec_fail(err, st->col, len, "the pointer is a constant here");
			if (fetch_follow(a, off))
				return -ENOMEM;
		} else {
			if (a->base == FETCH_REG || a->base == FETCH_CONST || a->base == FETCH_EXPR)
				return spec_fail(err, st->col, len, "the struct lives in registers here; its "
					    "fields cannot be addressed");
			fetch_add_offset(a, off);
		}
		{
			uint32_t bo, bs;

			member_bits(&member, 0, &bo, &bs);
			if (bs) {
				Dwarf_Attribute at;
				Dwarf_Word v;
				uint32_t total;

				/* position from the struct start, made relative to the byte read */
				member_bits(&member, off, &bo, &bs);
				if (!dwarf_attr(&member, DW_AT_data_member_location, &at) &&
				    dwarf_attr(&member, DW_AT_data_bit_offset, &at) && !dwarf_formudata(&at, &v))
					fetch_add_offset(a, (int64_t)(v / 8) - (int64_t)off);
				else
					fetch_add_offset(a, (int64_t)(bo / 8) - (int64_t)off);
				a->bit_offset = bo % 8;
				a->bit_size = bs;
				total = a->bit_offset + bs;
				a->size = total <= 8 ? 1 : total <= 16 ? 2 : total <= 32 ? 4 : 8;
			}
		}
		if (!die_type(&member, &mt))
			return spec_fail(err, st->col, len, "member '%s' has no type", st->field);
		cur = mt;
	}
	*type = cur;
	return 0;
}

/* Resolves one named variable (or global) at the context's pc into a. */
static int resolve_var(struct arg_ctx *x, Dwarf_Die *var, const struct spec_arg *sa,
		       struct fetch_arg *a, struct spec_error *err)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	struct loc fb, l;
	bool have_fb;
	Dwarf_Die type;
	int rc;

	if (!die_type(var, &type))
		return spec_fail(err, sa->col, sa->len, "'%s' has no type in the debug info", sa->var);
	have_fb = frame_base_at(x->df, &x->cd->fn, x->pc, &fb) == 0;

	if (dwarf_attr_integrate(var, DW_AT_location, &attr)) {
		int n = dwarf_getlocation_addr(&attr, x->pc, &ops, &nops, 1);

		if (n < 1 || !nops) {
			struct strbuf where = STRBUF_INIT;

			available_ranges(var, &where);
			spec_fail(err, sa->col, sa->len, "'%s' is optimized out at 0x%llx%s%s", sa->var,
			     (unsigned long long)x->pc, where.len ? "; it is available at " : "",
			     where.len ? where.buf : "");
			strbuf_release(&where);
			return -ENOENT;
		}
		rc = eval_expr(x->df, &attr, ops, nops, x->pc, have_fb ? &fb : NULL, &l);
		if (rc == -ENODATA)
			return spec_fail(err, sa->col, sa->len, "'%s' is optimized out at 0x%llx", sa->var,
				    (unsigned long long)x->pc) ? -ENOENT : -ENOENT;
		if (rc)
			return spec_fail(err, sa->col, sa->len, "'%s' is in a place vtrace cannot fetch at 0x%llx "
				    "(a DWARF expression beginning with op 0x%x)", sa->var,
				    (unsigned long long)x->pc, ops[0].atom);
	} else if (dwarf_attr_integrate(var, DW_AT_const_value, &attr)) {
		Dwarf_Sword sv;
		Dwarf_Word uv;

		memset(&l, 0, sizeof(l));
		l.base = FETCH_CONST;
		if (!dwarf_formsdata(&attr, &sv))
			l.value = sv;
		else if (!dwarf_formudata(&attr, &uv))
			l.value = uv;
		else
			return spec_fail(err, sa->col, sa->len, "'%s' is a constant vtrace cannot read", sa->var);
	} else {
		return spec_fail(err, sa->col, sa->len, "'%s' is optimized out (no location)", sa->var);
	}
	if (l.base == FETCH_MEM_PC && x->spec->ret)
		/* at a return the pc is the caller's: it no longer locates the binary */
		return spec_fail(err, sa->col, sa->len, "'%s' is found relative to the probe address, which "
			    "a return probe does not have; probe the function's last line instead",
			    sa->var);
	a->base = l.base;
	a->reg = l.reg;
	a->offset = l.offset;
	a->value = l.value;
	if (l.nops) {
		a->ops = malloc(l.nops * sizeof(*a->ops));
		if (!a->ops)
			return -ENOMEM;
		memcpy(a->ops, l.ops, l.nops * sizeof(*a->ops));
		a->nops = l.nops;
	}
	rc = apply_steps(a, &type, sa, err);
	if (rc)
		return rc;
	if (a->bit_size) {
		uint32_t size = a->size;
		uint8_t bo = a->bit_offset, bs = a->bit_size;

		rc = set_final(a, &type, sa, err);
		a->size = size;
		a->bit_offset = bo;
		a->bit_size = bs;
	} else {
		rc = set_final(a, &type, sa, err);
	}
	return rc ? rc : apply_type(a, sa, err);
}

static bool is_var_tag(int tag)
{
	return tag == DW_TAG_variable || tag == DW_TAG_formal_parameter;
}

/* The variables visible at pc (params == true: only the function's parameters). */
static int each_visible(struct arg_ctx *x, bool params,
			int (*cb)(struct arg_ctx *x, Dwarf_Die *var, void *arg), void *arg)
{
	for (int i = 0; i < x->nscopes; i++) {
		int tag = dwarf_tag(&x->scopes[i]);
		bool fn = tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
		Dwarf_Die child;

		if (!params || fn) {
			/* an inlined instance lists its params through the abstract origin */
			if (dwarf_child(&x->scopes[i], &child) == 0) {
				do {
					int ct = dwarf_tag(&child);
					int rc;

					if (!is_var_tag(ct) || (params && ct != DW_TAG_formal_parameter))
						continue;
					if (!dwarf_diename(&child))
						continue;
					rc = cb(x, &child, arg);
					if (rc)
						return rc;
				} while (dwarf_siblingof(&child, &child) == 0);
			}
		}
		if (fn)
			break;	/* not the enclosing function's variables, nor globals */
	}
	return 0;
}

struct expand {
	struct fetch_arg *args;
	size_t n, cap;
	struct spec_error *err;
	bool quiet;		/* $vars: skip what cannot be fetched here */
};

static int expand_one(struct arg_ctx *x, Dwarf_Die *var, void *arg)
{
	struct expand *e = arg;
	struct spec_arg sa = { 0 };
	struct spec_error scratch;
	struct fetch_arg a = { 0 };
	const char *name = dwarf_diename(var);

	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->args[i].name, name))
			return 0;	/* shadowed by an inner one already taken */
	sa.var = (char *)name;
	sa.text = (char *)name;
	sa.name = (char *)name;
	sa.len = strlen(name);
	if (resolve_var(x, var, &sa, &a, &scratch)) {
		fetch_arg_free(&a);
		return 0;	/* optimized out or not fetchable here: $vars/$params skip it */
	}
	a.name = strdup(name);
	if (e->n == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 8;
		struct fetch_arg *na = realloc(e->args, ncap * sizeof(*na));

		if (!na) {
			fetch_arg_free(&a);
			return -ENOMEM;
		}
		e->args = na;
		e->cap = ncap;
	}
	e->args[e->n++] = a;
	return 0;
}

static int reg_by_name(const char *name)
{
	static const char *const alt[][3] = {
		{ "ax", "rax", "eax" }, { "dx", "rdx", "edx" }, { "cx", "rcx", "ecx" }, { "bx", "rbx", "ebx" },
		{ "si", "rsi", "esi" }, { "di", "rdi", "edi" }, { "bp", "rbp", "ebp" }, { "sp", "rsp", "esp" },
		{ "r8", "r8", "r8d" }, { "r9", "r9", "r9d" }, { "r10", "r10", "r10d" }, { "r11", "r11", "r11d" },
		{ "r12", "r12", "r12d" }, { "r13", "r13", "r13d" }, { "r14", "r14", "r14d" },
		{ "r15", "r15", "r15d" }, { "ip", "rip", "eip" },
	};

	for (int i = 0; i < DREG_NUM; i++)
		for (int j = 0; j < 3; j++)
			if (!strcmp(name, alt[i][j]))
				return i;
	return -1;
}

/* A global variable by name, in any CU. */
struct global_search {
	const char *name;
	Dwarf_Die found;
	bool ok;
};

static void global_cu(Dwarf_Die *cu, void *arg)
{
	struct global_search *gs = arg;
	Dwarf_Die child;

	if (gs->ok || dwarf_child(cu, &child))
		return;
	do {
		const char *n;
		Dwarf_Attribute a;

		if (dwarf_tag(&child) != DW_TAG_variable)
			continue;
		n = dwarf_diename(&child);
		if (n && !strcmp(n, gs->name) && (dwarf_attr_integrate(&child, DW_AT_location, &a) ||
						  dwarf_attr_integrate(&child, DW_AT_const_value, &a))) {
			gs->found = child;
			gs->ok = true;
			return;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int add_arg(struct probe_instance *in, struct fetch_arg *a)
{
	struct fetch_arg *na = realloc(in->args, (in->nargs + 1) * sizeof(*na));

	if (!na)
		return -ENOMEM;
	in->args = na;
	in->args[in->nargs++] = *a;
	return 0;
}

static void list_scope_vars(struct arg_ctx *x, struct strbuf *sb)
{
	for (int i = 0; i < x->nscopes; i++) {
		int tag = dwarf_tag(&x->scopes[i]);
		Dwarf_Die child;

		if (dwarf_child(&x->scopes[i], &child) == 0) {
			do {
				const char *n = dwarf_diename(&child);

				if (is_var_tag(dwarf_tag(&child)) && n)
					strbuf_addf(sb, "%s%s", sb->len ? ", " : "", n);
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine)
			break;
	}
}

static int resolve_args(struct arg_ctx *x, struct probe_instance *in, struct spec_error *err)
{
	const struct spec *s = x->spec;

	for (size_t i = 0; i < s->nargs; i++) {
		const struct spec_arg *sa = &s->args[i];
		struct fetch_arg a = { 0 };
		int rc = 0;

		switch (sa->kind) {
		case EXPR_PARAMS:
		case EXPR_VARS: {
			struct expand e = { .err = err };

			rc = each_visible(x, sa->kind == EXPR_PARAMS, expand_one, &e);
			for (size_t j = 0; !rc && j < e.n; j++)
				rc = add_arg(in, &e.args[j]);
			free(e.args);
			if (rc)
				return rc;
			continue;
		}
		case EXPR_REG:
			a.base = FETCH_REG;
			a.reg = reg_by_name(sa->var);
			if (a.reg < 0)
				return spec_fail(err, sa->col, sa->len, "unknown register '%%%s' (rax..r15, rip; "
					    "or ax, di, ...)", sa->var);
			if (sa->nsteps)
				return spec_fail(err, sa->steps[0].col, 1, "a register has no fields (it has no type)");
			a.final = FINAL_INT;
			a.size = 8;
			a.hex = true;
			a.type_name = strdup("u64");
			a.type = calloc(1, sizeof(*a.type));
			a.type->kind = VK_PTR;
			a.type->size = 8;
			a.type->name = strdup("u64");
			rc = apply_type(&a, sa, err);
			break;
		case EXPR_RETVAL: {
			Dwarf_Die type;
			struct spec_arg copy = *sa;

			if (!die_type(&x->cd->fn, &type))
				return spec_fail(err, sa->col, sa->len, "%s returns void", s->func);
			a.base = FETCH_REG;
			a.reg = DREG_RAX;
			copy.var = "$retval";
			rc = apply_steps(&a, &type, &copy, err);
			if (!rc)
				rc = set_final(&a, &type, &copy, err);
			if (!rc)
				rc = apply_type(&a, &copy, err);
			break;
		}
		case EXPR_GLOBAL: {
			struct global_search gs = { .name = sa->var };
			int idx;

			idx = -1;
			for (int k = 0; k < x->nscopes; k++) {
				if (dwarf_tag(&x->scopes[k]) == DW_TAG_compile_unit) {
					Dwarf_Die found;

					idx = dwarf_getscopevar(&x->scopes[k], 1, sa->var, 0, NULL, 0, 0, &found);
					if (idx >= 0) {
						gs.found = found;
						gs.ok = true;
					}
					break;
				}
			}
			if (!gs.ok)
				for_each_cu(x->df, global_cu, &gs);
			if (!gs.ok)
				return spec_fail(err, sa->col, sa->len, "no global variable '%s' in %s", sa->var,
					    x->df->path);
			rc = resolve_var(x, &gs.found, sa, &a, err);
			break;
		}
		case EXPR_VAR: {
			Dwarf_Die var;
			int idx = dwarf_getscopevar(x->scopes, x->nscopes, sa->var, 0, NULL, 0, 0, &var);

			if (idx < 0) {
				struct strbuf names = STRBUF_INIT;

				list_scope_vars(x, &names);
				spec_fail(err, sa->col, strlen(sa->var) + (sa->named ? strlen(sa->name) + 1 : 0),
				     "no variable '%s' in scope at %s+0x%llx; in scope: %s", sa->var,
				     in->func, (unsigned long long)in->func_offset,
				     names.len ? names.buf : "none");
				strbuf_release(&names);
				return -ENOENT;
			}
			rc = resolve_var(x, &var, sa, &a, err);
			break;
		}
		}
		if (rc) {
			fetch_arg_free(&a);
			return rc;
		}
		a.name = strdup(sa->name);
		rc = add_arg(in, &a);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * The scopes whose variables are visible at the candidate's address: the
 * lexical scopes at pc when they pass through the candidate's function
 * DIE, else (an entry pc outside its own ranges) that DIE and its parents.
 */
static int scopes_at(struct candidate *cd, Dwarf_Die **scopes)
{
	int n = dwarf_getscopes(&cd->cu, cd->addr, scopes);

	for (int i = 0; i < n; i++)
		if (dwarf_dieoffset(&(*scopes)[i]) == dwarf_dieoffset(&cd->fn))
			return n;
	if (n > 0)
		free(*scopes);
	return dwarf_getscopes_die(&cd->fn, scopes);
}

static char *fn_name(Dwarf_Die *fn)
{
	const char *n = dwarf_diename(fn);
	Dwarf_Attribute a;
	Dwarf_Die origin;

	if (!n && dwarf_attr(fn, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &origin))
		n = dwarf_diename(&origin);
	return strdup(n ? n : "?");
}

/* The file offset of a link-time address (what uprobes attach at). */
static uint64_t file_offset(struct dwarf_file *df, uint64_t addr)
{
	size_t n;

	if (!df->elf || elf_getphdrnum(df->elf, &n))
		return addr;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(df->elf, i, &ph) && ph.p_type == PT_LOAD && addr >= ph.p_vaddr &&
		    addr < ph.p_vaddr + ph.p_filesz)
			return addr - ph.p_vaddr + ph.p_offset;
	}
	return addr;
}

int dwarf_resolve(struct dwarf_file *df, const struct spec *s, struct probe_resolved *out,
		  struct spec_error *err)
{
	struct candidates c = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	out->ret = s->ret;
	rc = find_points(df, s, &c, err);
	if (rc)
		goto done;
	out->insts = calloc(c.n, sizeof(*out->insts));
	if (!out->insts) {
		rc = -ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < c.n; i++) {
		struct candidate *cd = &c.v[i];
		struct probe_instance *in = &out->insts[out->ninsts++];
		struct arg_ctx x = { .df = df, .spec = s, .pc = cd->addr, .cd = cd };
		Dwarf_Addr entry = cd->addr;
		Dwarf_Line *line;

		in->addr = cd->addr;
		in->inlined = cd->inlined;
		in->func = fn_name(&cd->fn);
		fn_entry(&cd->fn, &entry);
		in->func_offset = cd->addr - entry;
		in->file_offset = file_offset(df, cd->addr);
		line = dwarf_getsrc_die(&cd->cu, cd->addr);
		if (line) {
			const char *src = dwarf_linesrc(line, NULL, NULL);

			in->src_file = src ? strdup(src) : NULL;
			dwarf_lineno(line, &in->src_line);
		}
		/* For %return the args are fetched as the function returns: only $retval and globals. */
		x.nscopes = scopes_at(cd, &x.scopes);
		if (x.nscopes <= 0) {
			rc = spec_fail(err, s->point_col, s->point_len, "no scope information at 0x%llx",
				  (unsigned long long)cd->addr);
			goto done;
		}
		rc = resolve_args(&x, in, err);
		free(x.scopes);
		if (rc)
			goto done;
	}
done:
	free(c.v);
	if (rc)
		probe_resolved_free(out);
	return rc;
}

/* ---- listings ------------------------------------------------------- */

struct list_ctx {
	const char *glob;
	struct strbuf *out;
	char **seen;
	size_t nseen;
};

static int list_func_cb(Dwarf_Die *fn, void *arg)
{
	struct list_ctx *lc = arg;
	const char *name = dwarf_diename(fn);
	Dwarf_Addr entry;
	char **ns;

	if (!name || (lc->glob && fnmatch(lc->glob, name, 0)))
		return DWARF_CB_OK;
	if (!dwarf_func_inline(fn) && !fn_entry(fn, &entry))
		return DWARF_CB_OK;
	for (size_t i = 0; i < lc->nseen; i++)
		if (!strcmp(lc->seen[i], name))
			return DWARF_CB_OK;
	ns = realloc(lc->seen, (lc->nseen + 1) * sizeof(*ns));
	if (!ns)
		return DWARF_CB_ABORT;
	lc->seen = ns;
	lc->seen[lc->nseen++] = strdup(name);
	return DWARF_CB_OK;
}

static void list_cu(Dwarf_Die *cu, void *arg)
{
	dwarf_getfuncs(cu, list_func_cb, arg, 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dwarf_list_funcs(struct dwarf_file *df, const char *glob, struct strbuf *out)
{
	struct list_ctx lc = { .glob = glob, .out = out };

	for_each_cu(df, list_cu, &lc);
	qsort(lc.seen, lc.nseen, sizeof(*lc.seen), cmp_str);
	for (size_t i = 0; i < lc.nseen; i++) {
		strbuf_addf(out, "%s\n", lc.seen[i]);
		free(lc.seen[i]);
	}
	free(lc.seen);
	return 0;
}

int dwarf_list_lines(struct dwarf_file *df, const char *func, struct strbuf *out)
{
	struct spec s = { .func = (char *)func, .point = POINT_FUNC, .inlines = false };
	struct candidates c = { 0 };
	struct func_search fs = { .df = df, .spec = &s, .out = &c };

	for_each_cu(df, search_cu, &fs);
	if (!c.n) {
		free(c.v);
		return -ENOENT;
	}
	for (size_t i = 0; i < c.n; i++) {
		Dwarf_Addr low = c.v[i].addr, high = 0, base, start, end;
		Dwarf_Lines *lines;
		ptrdiff_t off = 0;
		size_t n;
		int decl = 0, last = -1;
		const char *file = dwarf_decl_file(&c.v[i].fn);

		while ((off = dwarf_ranges(&c.v[i].fn, off, &base, &start, &end)) > 0)
			if (end > high)
				high = end;
		dwarf_decl_line(&c.v[i].fn, &decl);
		strbuf_addf(out, "%s@%s (line %d, 0x%llx)\n", func, file ? file : "?", decl,
			    (unsigned long long)low);
		if (dwarf_getsrclines(&c.v[i].cu, &lines, &n))
			continue;
		/* The function's last line with code bounds the listing. */
		for (size_t k = 0; k < n; k++) {
			Dwarf_Line *l = dwarf_onesrcline(lines, k);
			Dwarf_Addr a;
			int lno;

			if (!dwarf_lineaddr(l, &a) && a >= low && a < high && !dwarf_lineno(l, &lno) &&
			    lno > last)
				last = lno;
		}
		/* Each line once, in order, with its relative number and first address. */
		for (int ln = decl; ln <= last; ln++) {
			Dwarf_Addr best = 0;
			bool found = false;

			for (size_t k = 0; k < n; k++) {
				Dwarf_Line *l = dwarf_onesrcline(lines, k);
				Dwarf_Addr a;
				int lno;
				bool stmt = false;

				if (dwarf_lineaddr(l, &a) || a < low || a >= high || dwarf_lineno(l, &lno) ||
				    lno != ln)
					continue;
				dwarf_linebeginstatement(l, &stmt);
				if (stmt && (!found || a < best)) {
					best = a;
					found = true;
				}
			}
			if (found)
				strbuf_addf(out, "  %s:%-4d  line %-5d 0x%llx\n", func, ln - decl, ln,
					    (unsigned long long)best);
		}
	}
	free(c.v);
	return 0;
}

struct vars_list {
	struct strbuf *out;
};

static int list_var_cb(struct arg_ctx *x, Dwarf_Die *var, void *arg)
{
	struct vars_list *vl = arg;
	struct spec_arg sa = { 0 };
	struct spec_error e;
	struct fetch_arg a = { 0 };
	Dwarf_Die type;
	const char *name = dwarf_diename(var);
	char *tn = die_type(var, &type) ? type_name_str(&type) : strdup("?");

	sa.var = sa.text = sa.name = (char *)name;
	sa.len = strlen(name);
	if (resolve_var(x, var, &sa, &a, &e))
		strbuf_addf(vl->out, "    %-24s %s  (%s)\n", tn, name, e.msg);
	else
		strbuf_addf(vl->out, "    %-24s %s\n", tn, name);
	free(tn);
	fetch_arg_free(&a);
	return 0;
}

int dwarf_list_vars(struct dwarf_file *df, const struct spec *s, struct strbuf *out,
		    struct spec_error *err)
{
	struct candidates c = { 0 };
	int rc = find_points(df, s, &c, err);

	for (size_t i = 0; !rc && i < c.n; i++) {
		struct arg_ctx x = { .df = df, .spec = s, .pc = c.v[i].addr, .cd = &c.v[i] };
		struct vars_list vl = { out };
		char *fname = fn_name(&c.v[i].fn);
		Dwarf_Addr entry = c.v[i].addr;

		fn_entry(&c.v[i].fn, &entry);
		strbuf_addf(out, "%s+%llu at 0x%llx%s:\n", fname, (unsigned long long)(c.v[i].addr - entry),
			    (unsigned long long)c.v[i].addr, c.v[i].inlined ? " (inlined)" : "");
		free(fname);
		x.nscopes = scopes_at(&c.v[i], &x.scopes);
		if (x.nscopes > 0)
			each_visible(&x, false, list_var_cb, &vl);
		free(x.scopes);
	}
	free(c.v);
	return rc;
}

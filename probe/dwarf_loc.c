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

/* The canonical frame address at pc, from CFI: reg + offset. */
int dw_cfa_at(struct dwarf_file *df, Dwarf_Addr pc, struct loc *out)
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
	reg = dw_reg_of_op(ops[0].atom, ops[0].number, &breg);
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
	if (loc_is_composite(ops, n)) {
		out->bad_atom = DW_OP_piece;
		out->why = "the value is split into pieces";	/* the caller takes them apart */
		return -ENOTSUP;
	}
	reg = dw_reg_of_op(ops[0].atom, ops[0].number, &breg);
	if (reg >= 0) {
		if (reg >= DREG_NUM) {
			out->bad_atom = ops[0].atom;
			out->why = reg >= 17 && reg <= 32 ?
				"it is in an SSE register, which a BPF program cannot read" :
				"it is in a register vtrace does not know";
			return -ENOTSUP;
		}
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
				out->computed = true;
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
		return dw_cfa_at(df, pc, out);
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
	case DW_OP_implicit_value: {
		/* the bytes follow the op's length: libdw hands them as a block */
		Dwarf_Block blk;

		out->bad_atom = ops[0].atom;
		if (!attr || dwarf_getlocation_implicit_value(attr, &ops[0], &blk)) {
			out->why = "its value cannot be read";
			return -ENOTSUP;
		}
		if (blk.length > 8) {
			out->why = "its value is wider than 8 bytes";
			return -ENOTSUP;
		}
		out->bad_atom = 0;
		out->base = FETCH_CONST;
		memcpy(&out->value, blk.data, blk.length);
		return 0;
	}
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

int loc_eval(struct dwarf_file *df, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t n,
		     Dwarf_Addr pc, const struct loc *frame_base, struct loc *out)
{
	int rc = eval_simple(df, attr, ops, n, pc, frame_base, out);

	if (rc == -ENOTSUP && !out->why)
		rc = dw_translate(df, attr, ops, n, pc, frame_base, out);
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
static int line_at(Dwarf_Die *cu, Dwarf_Addr addr)
{
	Dwarf_Line *l = dwarf_getsrc_die(cu, addr);
	int ln = 0;

	if (l)
		dwarf_lineno(l, &ln);
	return ln;
}

/*
 * Where the variable's location list has it, for the "optimized out here"
 * error: address ranges merged where they touch, each with its source lines.
 */
void loc_available(Dwarf_Die *var, struct strbuf *sb)
{
	Dwarf_Attribute attr;
	Dwarf_Addr base, start, end, lo = 0, hi = 0;
	Dwarf_Op *expr;
	Dwarf_Die cu;
	size_t len;
	ptrdiff_t off = 0;
	int shown = 0, more = 0;
	bool have = false, have_cu;

	if (!dwarf_attr_integrate(var, DW_AT_location, &attr))
		return;
	have_cu = dwarf_diecu(var, &cu, NULL, NULL) != NULL;
	for (;;) {
		off = dwarf_getlocations(&attr, off, &base, &start, &end, &expr, &len);
		if (off > 0 && (!len || start == end))
			continue;	/* empty: a point between views, not a range of code */
		if (off > 0 && have && start <= hi) {
			if (end > hi)
				hi = end;
			continue;
		}
		if (have) {
			if (shown++ < 4) {
				int l1 = have_cu ? line_at(&cu, lo) : 0, l2 = have_cu ? line_at(&cu, hi - 1) : 0;

				strbuf_addf(sb, "%s", shown > 1 ? ", " : "");
				if (l1 && l2 && l1 != l2)
					strbuf_addf(sb, "lines %d-%d ", l1 < l2 ? l1 : l2, l1 < l2 ? l2 : l1);
				else if (l1)
					strbuf_addf(sb, "line %d ", l1);
				strbuf_addf(sb, "(0x%llx-0x%llx)", (unsigned long long)lo, (unsigned long long)hi);
			} else {
				more++;
			}
		}
		if (off <= 0)
			break;
		lo = start;
		hi = end;
		have = true;
	}
	if (more)
		strbuf_addf(sb, " and %d more", more);
}

/* The raw bytes of a debug section of the file holding the DWARF. */
static Elf_Data *debug_section(struct dwarf_file *df, const char *name)
{
	Elf *elf = dwarf_getelf(df->dbg);
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(elf, shstrndx, sh.sh_name)) || strcmp(n, name))
			continue;
		/* libdw has decompressed what it reads; do it here if it has not */
		if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
			return NULL;
		return elf_getdata(scn, NULL);
	}
	return NULL;
}

static bool read_uleb(const unsigned char **p, const unsigned char *end, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (*p < end && shift < 64) {
		unsigned char b = *(*p)++;

		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

static bool is_constant(const Dwarf_Op *ops, size_t n)
{
	if (n == 1)
		return ops[0].atom == DW_OP_implicit_value;
	return n == 2 && ops[1].atom == DW_OP_stack_value &&
	       ((ops[0].atom >= DW_OP_lit0 && ops[0].atom <= DW_OP_lit31) ||
		ops[0].atom == DW_OP_constu || ops[0].atom == DW_OP_consts ||
		(ops[0].atom >= DW_OP_const1u && ops[0].atom <= DW_OP_const8s));
}

/*
 * The location expression of var at pc, as gdb finds it: the entry whose
 * address range covers pc.  Failing that, GCC's location views
 * (DW_AT_GNU_locviews: a begin and end view per list entry, uleb128
 * pairs just before the location list) may hold an entry with an empty
 * address range at pc: it is in force at an inlined copy's entry view
 * (DW_AT_GNU_entry_view) only, from (begin, view) up to (end, view).  A
 * probe fires at every arrival at pc, though, and a jump back to it (a
 * loop's head) arrives after those views, where a register may hold
 * something else: then only a constant is taken (jumped_to(arg), asked
 * only then: it disassembles the function).  view < 0:
 * not known.  At a function's own entry (views_first) the list's first
 * entry that covers pc or is empty at it decides, as in gdb.  Returns 1
 * with *ops, 0 when nothing covers the point.
 */
int loc_lookup(struct dwarf_file *df, Dwarf_Die *var, Dwarf_Attribute *attr, Dwarf_Addr pc, int view,
	       bool (*jumped_to)(void *arg), void *arg, bool views_first, Dwarf_Op **ops, size_t *nops)
{
	Dwarf_Attribute va;
	Dwarf_Addr base, start, end;
	Dwarf_Op *expr;
	size_t len;
	ptrdiff_t off = 0;
	const unsigned char *vp = NULL, *vend = NULL;
	int n;

	if (views_first && !jumped_to(arg)) {
		/*
		 * A function's own entry: as gdb, the first entry that covers pc
		 * or is empty at it (what holds "at the entry" before the first
		 * statement), in list order.
		 */
		while ((off = dwarf_getlocations(attr, off, &base, &start, &end, &expr, &len)) > 0)
			if (len && ((start == pc && end == pc) || (start <= pc && pc < end))) {
				*ops = expr;
				*nops = len;
				return 1;
			}
		return 0;
	}
	n = dwarf_getlocation_addr(attr, pc, ops, nops, 1);
	if (n >= 1 && *nops)
		return n;
	if (view < 0 || !dwarf_attr_integrate(var, DW_AT_GNU_locviews, &va) || va.form != DW_FORM_sec_offset)
		return 0;
	{
		Dwarf_Die cu;
		Dwarf_Half version = 0;
		uint8_t offsize = 0;
		Elf_Data *sec = NULL;
		uint64_t voff = 0;

		/* the attribute is in the variable's own unit (DW_AT_GNU_locviews is never inherited) */
		if (va.cu && dwarf_cu_die(va.cu, &cu, &version, NULL, NULL, &offsize, NULL, NULL) &&
		    offsize == 4) {
			uint32_t raw;

			memcpy(&raw, va.valp, sizeof(raw));	/* unaligned in .debug_info */
			voff = raw;
			sec = debug_section(df, version >= 5 ? ".debug_loclists" : ".debug_loc");
		}
		if (!sec || voff >= sec->d_size)
			return 0;
		vp = (const unsigned char *)sec->d_buf + voff;
		vend = (const unsigned char *)sec->d_buf + sec->d_size;
	}
	while ((off = dwarf_getlocations(attr, off, &base, &start, &end, &expr, &len)) > 0) {
		uint64_t bv, ev;

		if (!read_uleb(&vp, vend, &bv) || !read_uleb(&vp, vend, &ev))
			break;
		if ((start < pc || (start == pc && bv <= (uint64_t)view)) &&
		    (pc < end || (pc == end && (uint64_t)view < ev)) && len &&
		    (is_constant(expr, len) || !jumped_to(arg))) {
			*ops = expr;
			*nops = len;
			return 1;
		}
	}
	return 0;
}

bool loc_is_composite(Dwarf_Op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ops[i].atom == DW_OP_piece || ops[i].atom == DW_OP_bit_piece)
			return !(n == 2 && i == 1 && ops[i].atom == DW_OP_piece);
	return false;
}

/*
 * A composite location (a struct in registers, a value split by SRA):
 * "LOC1 DW_OP_piece N1 LOC2 DW_OP_piece N2 ...", each LOC a location of
 * its own, an empty one a part that is optimized out.  -ENOTSUP with
 * bad->bad_atom and bad->why for a piece vtrace cannot fetch.
 */
int loc_pieces(struct dwarf_file *df, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t n, Dwarf_Addr pc,
	       const struct loc *frame_base, struct loc_piece **out, size_t *nout, struct loc *bad)
{
	struct loc_piece *v = NULL;
	size_t np = 0, start = 0;
	uint32_t off = 0;

	memset(bad, 0, sizeof(*bad));
	for (size_t i = 0; i < n; i++) {
		struct loc_piece *nv;
		int rc;

		if (ops[i].atom == DW_OP_bit_piece) {
			free(v);
			bad->bad_atom = ops[i].atom;
			bad->why = "a piece smaller than a byte";
			return -ENOTSUP;
		}
		if (ops[i].atom != DW_OP_piece)
			continue;
		nv = realloc(v, (np + 1) * sizeof(*nv));
		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		v = nv;
		memset(&v[np], 0, sizeof(v[np]));
		v[np].off = off;
		v[np].size = ops[i].number;
		if (i == start) {
			v[np].empty = true;	/* no location: this part is optimized out */
		} else {
			rc = loc_eval(df, attr, ops + start, i - start, pc, frame_base, &v[np].loc);
			if (rc == -ENODATA) {
				v[np].empty = true;
			} else if (rc) {
				*bad = v[np].loc;
				free(v);
				return rc;
			}
		}
		off += ops[i].number;
		np++;
		start = i + 1;
	}
	if (start != n || !np) {
		free(v);
		bad->bad_atom = n ? ops[n - 1].atom : 0;
		bad->why = "a composite location that does not end in a piece";
		return -ENOTSUP;
	}
	*out = v;
	*nout = np;
	return 0;
}

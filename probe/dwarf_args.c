// SPDX-License-Identifier: GPL-2.0
/*
 * Args: each spec arg resolved at a probe point's pc into a fetch (the
 * variable's location, then ->, . and [] steps, then the final read).
 */
#include <dwarf.h>
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "lib/array.h"
#include "probe/dwarf_int.h"
#include "probe/elf.h"


/* Why a variable is unavailable at this instance, once (a.b and a.c share it). */
static void note_unavailable(struct arg_ctx *x, const struct spec_error *err)
{
	if (!x->why->len || !strstr(x->why->buf, err->msg))
		strbuf_addf(x->why, "%s%s", x->why->len ? "; " : "", err->msg);
}

/*
 * The location view at the point, known at an inlined copy's entry and
 * at a function's own (-1 elsewhere).
 */
static int point_view(struct arg_ctx *x)
{
	Dwarf_Attribute a;
	Dwarf_Addr entry;
	Dwarf_Word view;

	if (x->view_known)
		return x->view;
	x->view_known = true;
	x->view = -1;
	if (!die_entry(&x->cd->fn, &entry) || entry != x->pc)
		return -1;
	if (!x->cd->inlined) {
		view = 0;	/* a function's first instruction is its first view */
		x->views_first = true;
	} else if (!dwarf_attr(&x->cd->fn, DW_AT_GNU_entry_view, &a) || dwarf_formudata(&a, &view) ||
		   view > 0x7fffffff) {
		return -1;
	}
	x->view = view;
	return x->view;
}

/*
 * Whether the code of the function around the point jumps there (then
 * view-only locations hold for some arrivals only).  Asked only when a
 * view-only location is in question: it disassembles the whole function.
 */
static bool point_jumped_to(void *arg)
{
	struct arg_ctx *x = arg;
	Dwarf_Die *scopes;
	int n;

	if (x->jumped_known)
		return x->jumped_to;
	x->jumped_known = true;
	x->jumped_to = true;	/* unless the code says otherwise */
	n = dwarf_getscopes_die(&x->cd->fn, &scopes);
	for (int i = 0; i < n; i++) {
		uint64_t ranges[64][2];
		size_t nr = 0;
		Dwarf_Addr base, start, end;
		ptrdiff_t off = 0;
		bool jumped;

		if (dwarf_tag(&scopes[i]) != DW_TAG_subprogram)
			continue;
		while (nr < 64 && (off = dwarf_ranges(&scopes[i], off, &base, &start, &end)) > 0)
			if (end > start) {
				ranges[nr][0] = start;
				ranges[nr++][1] = end;
			}
		if (off <= 0 && nr && !elf_jumps_to(x->df->elf, (const uint64_t (*)[2])ranges, nr, x->pc, &jumped))
			x->jumped_to = jumped;
		break;
	}
	if (n > 0)
		free(scopes);
	return x->jumped_to;
}

/*
 * For entry values: the entry of the out-of-line function the point is
 * in (an inlined copy's is its caller's), and the CFA rule at the point.
 */
static int entry_info(struct arg_ctx *x, struct fetch_arg *a)
{
	Dwarf_Die *scopes;
	struct loc cfa;
	int n = dwarf_getscopes_die(&x->cd->fn, &scopes), rc = -ENOENT;

	for (int i = 0; i < n; i++) {
		Dwarf_Addr entry;

		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram && die_entry(&scopes[i], &entry)) {
			a->entry_func = entry;
			rc = 0;
			break;
		}
	}
	if (n > 0)
		free(scopes);
	if (rc)
		return rc;
	if (dw_cfa_at(x->df, x->pc, &cfa))
		return -ENOTSUP;
	a->uses_entry = true;
	a->cfa_reg = cfa.reg;
	a->cfa_off = cfa.offset;
	return 0;
}

/* A piece's location as a fetch of its own. */
static int piece_fetch(const struct loc_piece *p, struct fetch_arg *f)
{
	memset(f, 0, sizeof(*f));
	f->piece_off = p->off;
	f->size = p->size;
	if (p->empty) {
		f->base = FETCH_UNAVAILABLE;
		return 0;
	}
	f->base = p->loc.base;
	f->reg = p->loc.reg;
	f->offset = p->loc.offset;
	f->value = p->loc.value;
	if (p->loc.nops) {
		f->ops = malloc(p->loc.nops * sizeof(*f->ops));
		if (!f->ops)
			return -ENOMEM;
		memcpy(f->ops, p->loc.ops, p->loc.nops * sizeof(*f->ops));
		f->nops = p->loc.nops;
	}
	return 0;
}

/*
 * The part of a piece that holds delta bytes in: memory moves by delta, a
 * register or a computed value shifts right (little endian).
 */
static int piece_part(const struct loc_piece *p, uint32_t delta, struct loc *l)
{
	*l = p->loc;
	if (!delta)
		return 0;
	switch (l->base) {
	case FETCH_MEM_REG:
	case FETCH_MEM_PC:
	case FETCH_MEM_EXPR:
		l->offset += delta;
		return 0;
	case FETCH_CONST:
		l->value >>= 8 * delta;
		return 0;
	case FETCH_REG:
		if (l->offset)
			return -ENOTSUP;
		l->ops[0] = (struct fetch_op){ FOP_REG, l->reg, 0 };
		l->nops = 1;
		l->base = FETCH_EXPR;
		/* fall through */
	case FETCH_EXPR:
		if (l->offset || l->nops + 2 > FETCH_EXPR_MAX_OPS)
			return -ENOTSUP;
		l->ops[l->nops++] = (struct fetch_op){ FOP_CONST, 0, 8 * delta };
		l->ops[l->nops++] = (struct fetch_op){ FOP_SHR, 0, 0 };
		return 0;
	default:
		return -ENOTSUP;
	}
}

/*
 * A variable split into pieces (DW_OP_piece): its first member or element
 * is taken from the piece that holds it, whole; with no steps, the value
 * is assembled from every piece (FETCH_PIECES).  On success l is the
 * location to go on from, *type and rest what is left to resolve.
 */
static int take_pieces(struct arg_ctx *x, struct loc_piece *pieces, size_t np, Dwarf_Die *type,
		       const struct spec_arg *sa, struct spec_arg *rest, struct fetch_arg *a, struct loc *l,
		       struct spec_error *err)
{
	int rc = 0;

	memset(l, 0, sizeof(*l));
	if (!sa->nsteps || sa->steps[0].kind == STEP_ARROW) {
		/* the whole value, assembled */
		a->pieces = calloc(np, sizeof(*a->pieces));
		if (!a->pieces) {
			free(pieces);
			return -ENOMEM;
		}
		for (size_t i = 0; i < np && !rc; i++, a->npieces++)
			rc = piece_fetch(&pieces[i], &a->pieces[i]);
		free(pieces);
		l->base = FETCH_PIECES;
		return rc;
	}
	{
		const struct spec_step *st = &sa->steps[0];
		int len = st->kind == STEP_INDEX ? 1 : (int)strlen(st->field) + 1;
		Dwarf_Die t, member, mt;
		Dwarf_Word off = 0, msize = 0;
		uint32_t bo, bs;
		const struct loc_piece *p = NULL;

		if (die_peel(type, &t)) {
			free(pieces);
			return spec_fail(err, st->col, len, "cannot read the type here");
		}
		if (st->kind == STEP_DOT && die_is_record(&t) &&
		    die_find_member(&t, st->field, &member, &off, 0) && die_type(&member, &mt)) {
			die_member_bits(&member, 0, &bo, &bs);
			if (bs) {
				free(pieces);
				return spec_fail(err, st->col, len, "'%s' is a bitfield of a variable split into "
						 "pieces; vtrace does not fetch it", st->field);
			}
		} else if (st->kind == STEP_INDEX && dwarf_tag(&t) == DW_TAG_array_type && die_type(&t, &mt)) {
			Dwarf_Die et;
			Dwarf_Word counts[8];

			if (die_array_dims(&t, counts, 8) > 1) {
				free(pieces);
				return spec_fail(err, st->col, len, "'%s' is split into pieces here, and vtrace "
						 "does not index a multi-dimensional array in pieces", sa->var);
			}
			if (die_peel(&mt, &et) || die_type_size(&et, &msize)) {
				free(pieces);
				return spec_fail(err, st->col, len, "the elements here have no size");
			}
			off = st->index * msize;
		} else {
			free(pieces);
			/* the ordinary path gives the ordinary message */
			return spec_fail(err, st->col, len, "'%s' is split into pieces here, and this step does "
					 "not name a member or element of it", sa->var);
		}
		if (!msize) {
			Dwarf_Die pt;

			if (!die_peel(&mt, &pt))
				die_type_size(&pt, &msize);
		}
		for (size_t i = 0; i < np && !p; i++)
			if (pieces[i].off <= off && off + msize <= pieces[i].off + pieces[i].size)
				p = &pieces[i];
		if (!p && off >= pieces[np - 1].off + pieces[np - 1].size) {
			free(pieces);
			/* past the last piece: that part has no location */
			spec_fail(err, sa->col, sa->len, "'%s' is optimized out at 0x%llx (that part of it)",
				  sa->text, (unsigned long long)x->pc);
			return -ENOENT;
		}
		if (!p) {
			free(pieces);
			return spec_fail(err, st->col, len, "'%s' is split into pieces here, and this part spans "
					 "two of them", sa->var);
		}
		if (p->empty) {
			free(pieces);
			spec_fail(err, sa->col, sa->len, "'%s' is optimized out at 0x%llx (that part of it)",
				  sa->text, (unsigned long long)x->pc);
			return -ENOENT;
		}
		rc = piece_part(p, off - p->off, l);
		free(pieces);
		if (rc)
			return spec_fail(err, st->col, len, "'%s' is split into pieces here, and vtrace cannot "
					 "take this part of one", sa->var);
		*type = mt;
		rest->steps = sa->steps + 1;
		rest->nsteps = sa->nsteps - 1;
		return 0;
	}
}

static int resolve_pieces(struct arg_ctx *x, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t nops,
			  const struct loc *fb, Dwarf_Die *type, const struct spec_arg *sa,
			  struct spec_arg *rest, struct fetch_arg *a, struct loc *l, struct spec_error *err)
{
	struct loc_piece *pieces;
	struct loc bad;
	size_t np;
	char opname[40];
	int rc = loc_pieces(x->df, attr, ops, nops, x->pc, fb, &pieces, &np, &bad);

	if (rc == -ENOMEM)
		return rc;
	if (rc)
		return spec_fail(err, sa->col, sa->len, "'%s' cannot be fetched at 0x%llx: a piece of it: %s (%s)",
				 sa->var, (unsigned long long)x->pc, bad.why ? bad.why : "vtrace does not evaluate it",
				 dw_op_name(bad.bad_atom, opname, sizeof(opname)));
	return take_pieces(x, pieces, np, type, sa, rest, a, l, err);
}

/* A struct or array of up to 8 bytes held in one register (or computed): one piece. */
static int value_as_piece(struct arg_ctx *x, Dwarf_Die *type, const struct spec_arg *sa,
			  struct spec_arg *rest, struct fetch_arg *a, struct loc *l, struct spec_error *err)
{
	struct loc_piece *p;
	Dwarf_Die t;
	Dwarf_Word size = 0;

	/*
	 * A register holding the struct, as gdb reads it; a computed value
	 * (DW_OP_stack_value) typed as a struct stays refused, as gdb does not
	 * compose one either.
	 */
	/* (gdb does not read a struct "in" rsp either: clang's _Guard in DW_OP_reg7) */
	if ((l->base != FETCH_REG && l->base != FETCH_CONST) ||
	    (l->base == FETCH_REG && (l->computed || l->reg == DREG_RSP)) ||
	    die_peel(type, &t) ||
	    (!die_is_record(&t) && dwarf_tag(&t) != DW_TAG_array_type) || die_type_size(&t, &size) ||
	    !size || size > 8)
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->size = size;
	p->loc = *l;
	return take_pieces(x, p, 1, type, sa, rest, a, l, err);
}

/*
 * DW_OP_implicit_pointer: a pointer the optimizer removed, whose target is
 * known (another variable's DIE).  The pointer has no value to print (gdb
 * says "<synthetic pointer>"), but p->f and p[0] are the target's f and
 * the target itself, read wherever the target lives.
 */
static int through_implicit_pointer(struct arg_ctx *x, Dwarf_Attribute *attr, Dwarf_Op *op,
				    const struct spec_arg *sa, struct fetch_arg *a, struct spec_error *err)
{
	struct spec_arg target = *sa;
	struct spec_step *steps;
	Dwarf_Die tdie;
	int rc;

	if (!sa->nsteps || (sa->steps[0].kind != STEP_ARROW &&
			    (sa->steps[0].kind != STEP_INDEX || sa->steps[0].index != 0)))
		return spec_fail(err, sa->col, sa->len, "'%s' is a pointer the optimizer removed at 0x%llx "
				 "(DW_OP_implicit_pointer): it has no value, but what it points to can be "
				 "read (%s->FIELD, %s[0])", sa->var, (unsigned long long)x->pc, sa->var, sa->var);
	if (op->number2)
		return spec_fail(err, sa->col, sa->len, "'%s' points into the middle of an optimized-out "
				 "object (DW_OP_implicit_pointer at offset %lld); vtrace does not read it",
				 sa->var, (long long)op->number2);
	if (dwarf_getlocation_die(attr, op, &tdie))
		return spec_fail(err, sa->col, sa->len, "'%s' points to a DIE vtrace cannot read", sa->var);
	/* (*p).f: the first step becomes a member of the target, [0] the target itself */
	steps = malloc(sa->nsteps * sizeof(*steps));
	if (!steps)
		return -ENOMEM;
	memcpy(steps, sa->steps, sa->nsteps * sizeof(*steps));
	if (steps[0].kind == STEP_ARROW) {
		steps[0].kind = STEP_DOT;
		target.steps = steps;
	} else {
		target.steps = steps + 1;
		target.nsteps--;
	}
	rc = dw_resolve_var(x, &tdie, &target, a, err);
	free(steps);
	return rc;
}

/* Resolves one named variable (or global) at the context's pc into a. */
int dw_resolve_var(struct arg_ctx *x, Dwarf_Die *var, const struct spec_arg *sa,
		       struct fetch_arg *a, struct spec_error *err)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	struct loc fb, l;
	bool have_fb;
	Dwarf_Die type;
	struct spec_arg rest = *sa;	/* the steps still to take (a piece may take the first) */
	int rc = 0;

	if (!die_type(var, &type))
		return spec_fail(err, sa->col, sa->len, "'%s' has no type in the debug info", sa->var);
	have_fb = loc_frame_base(x->df, &x->cd->fn, x->pc, &fb) == 0;

	memset(&l, 0, sizeof(l));
	if (dwarf_attr_integrate(var, DW_AT_location, &attr)) {
		char opname[40];

		int view = point_view(x);	/* before reading what it finds out */

		if (!loc_lookup(x->df, var, &attr, x->pc, view, point_jumped_to, x, x->views_first, &ops, &nops)) {
			struct strbuf where = STRBUF_INIT;

			loc_available(var, &where);
			spec_fail(err, sa->col, sa->len, "'%s' is optimized out at 0x%llx%s%s", sa->var,
			     (unsigned long long)x->pc, where.len ? "; it is available at " : "",
			     where.len ? where.buf : "");
			strbuf_release(&where);
			rc = -ENOENT;
		} else if (nops == 1 && (ops[0].atom == DW_OP_implicit_pointer ||
					 ops[0].atom == DW_OP_GNU_implicit_pointer)) {
			return through_implicit_pointer(x, &attr, &ops[0], sa, a, err);
		} else if (loc_is_composite(ops, nops)) {
			rc = resolve_pieces(x, &attr, ops, nops, have_fb ? &fb : NULL, &type, sa, &rest, a, &l,
					    err);
		} else {
			rc = loc_eval(x->df, &attr, ops, nops, x->pc, have_fb ? &fb : NULL, &l);
			if (rc == -ENODATA)
				rc = spec_fail(err, sa->col, sa->len, "'%s' is optimized out at 0x%llx", sa->var,
					       (unsigned long long)x->pc) ? -ENOENT : -ENOENT;
			else if (rc)
				spec_fail(err, sa->col, sa->len, "'%s' cannot be fetched at 0x%llx: %s (%s)",
					  sa->var, (unsigned long long)x->pc,
					  l.why ? l.why : "vtrace does not evaluate it",
					  dw_op_name(l.bad_atom, opname, sizeof(opname)));
			else if (!l.entry)
				rc = value_as_piece(x, &type, sa, &rest, a, &l, err);
		}
		if (!rc && l.entry) {
			rc = entry_info(x, a);
			if (rc)
				spec_fail(err, sa->col, sa->len, "'%s' is the value a register had at the "
					  "function's entry (DW_OP_entry_value), and %s", sa->var,
					  rc == -ENOENT ? "the function's entry is not known" :
					  "the call frame information has no simple CFA rule here");
		}
	} else if (dwarf_attr_integrate(var, DW_AT_const_value, &attr)) {
		Dwarf_Sword sv;
		Dwarf_Word uv;

		l.base = FETCH_CONST;
		if (!dwarf_formsdata(&attr, &sv))
			l.value = sv;
		else if (!dwarf_formudata(&attr, &uv))
			l.value = uv;
		else
			rc = spec_fail(err, sa->col, sa->len, "'%s' is a constant vtrace cannot read", sa->var);
	} else {
		rc = spec_fail(err, sa->col, sa->len, "'%s' is optimized out (no location)", sa->var);
	}
	if (rc == -ENOMEM)
		return rc;
	if (rc && !x->tolerant)
		return rc;
	if (rc) {
		/* the type still comes from here; the value from other instances */
		note_unavailable(x, err);
		memset(&l, 0, sizeof(l));
		l.base = FETCH_UNAVAILABLE;
	}
	if ((l.base == FETCH_MEM_PC || l.pc_relative) && x->spec->ret)
		/* at a return the pc is the caller's: it no longer locates the binary */
		return spec_fail(err, sa->col, sa->len, "'%s' is found relative to the probe address, which "
			    "a return probe does not have; probe the function's last line instead",
			    sa->var);
	a->base = l.base;
	a->reg = l.reg;
	a->offset = l.offset;
	a->value = l.value;
	if (l.base == FETCH_MEM_PC) {
		uint64_t slot;

		/* a library's exported global: where its GOT slot says (a copy relocation) */
		if (!elf_got_slot(x->df->elf, x->pc + l.offset, &slot)) {
			a->offset = (int64_t)(slot - x->pc);
			if (fetch_push_deref(a, 0))
				return -ENOMEM;
		}
	}
	if (l.nops) {
		a->ops = malloc(l.nops * sizeof(*a->ops));
		if (!a->ops)
			return -ENOMEM;
		memcpy(a->ops, l.ops, l.nops * sizeof(*a->ops));
		a->nops = l.nops;
	}
	if (a->uses_entry && a->entry_func == x->pc && !a->npieces) {
		/* at the function's entry the registers are still the entry's */
		for (size_t i = 0; i < a->nops; i++)
			if (a->ops[i].kind == FOP_ENTRY_REG)
				a->ops[i] = (struct fetch_op){ FOP_REG, a->ops[i].reg, 0 };
		a->uses_entry = false;
	}
	if (a->base == FETCH_PIECES && rest.nsteps)
		return spec_fail(err, rest.steps[0].col, 2, "'%s' is split into pieces here; vtrace takes "
			    "one member or element of it, not a pointer through it", sa->var);
	rc = dw_apply_steps(a, &type, &rest, err) ?: dw_follow_reference(a, &type, sa->col, sa->len, err);
	if (rc)
		return rc;
	if (a->bit_size) {
		uint32_t size = a->size;
		uint8_t bo = a->bit_offset, bs = a->bit_size;

		rc = dw_set_final(a, &type, sa, err);
		a->size = size;
		a->bit_offset = bo;
		a->bit_size = bs;
	} else {
		rc = dw_set_final(a, &type, sa, err);
	}
	if (!rc)
		rc = dw_std_string(a, &type, sa);
	if (rc == 1)
		return 0;
	return rc ? rc : dw_apply_type(a, sa, err);
}

static bool is_var_tag(int tag)
{
	return tag == DW_TAG_variable || tag == DW_TAG_formal_parameter;
}

/* The variables visible at pc (params == true: only the function's parameters). */
int dw_each_visible(struct arg_ctx *x, bool params,
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
	bool tolerant;
	int rc;

	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->args[i].name, name))
			return 0;	/* shadowed by an inner one already taken */
	sa.var = (char *)name;
	sa.text = (char *)name;
	sa.name = (char *)name;
	sa.len = strlen(name);
	tolerant = x->tolerant;
	x->tolerant = false;	/* $vars/$params skip what is optimized out or not fetchable here */
	rc = dw_resolve_var(x, var, &sa, &a, &scratch);
	x->tolerant = tolerant;
	if (rc) {
		fetch_arg_free(&a);
		return rc == -ENOMEM ? rc : 0;
	}
	a.name = strdup(name);
	if (e->n == e->cap) {
		struct fetch_arg *na = array_grow(e->args, &e->cap, sizeof(*na), 8);

		if (!na) {
			fetch_arg_free(&a);
			return -ENOMEM;
		}
		e->args = na;
	}
	e->args[e->n++] = a;
	return 0;
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

static bool is_fn_tag(int tag)
{
	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
}

/* What a DIE's children come from too: its abstract origin (inlined copies, concrete instances). */
static bool origin_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return (dwarf_attr(die, DW_AT_abstract_origin, &a) || dwarf_attr(die, DW_AT_specification, &a)) &&
	       dwarf_formref_die(&a, out);
}

/*
 * name among the children of die or of its abstract origin: a variable
 * (static locals such as __PRETTY_FUNCTION__ live in the abstract DIE) or
 * an enumerator of an enum declared there (*enumerator set).
 */
static bool child_named(Dwarf_Die *die, const char *name, Dwarf_Die *out, bool *enumerator,
			Dwarf_Die *enum_type)
{
	Dwarf_Die holders[2], child;
	int nh = 0;

	holders[nh++] = *die;
	if (origin_of(die, &holders[1]))
		nh++;
	for (int h = 0; h < nh; h++) {
		if (dwarf_child(&holders[h], &child))
			continue;
		do {
			int tag = dwarf_tag(&child);
			const char *n = dwarf_diename(&child);

			if (tag == DW_TAG_variable && n && !strcmp(n, name) &&
			    (dwarf_hasattr_integrate(&child, DW_AT_location) ||
			     dwarf_hasattr_integrate(&child, DW_AT_const_value))) {
				*out = child;
				*enumerator = false;
				return true;
			}
			if (tag == DW_TAG_enumeration_type) {
				Dwarf_Die e;

				if (dwarf_child(&child, &e))
					continue;
				do {
					n = dwarf_diename(&e);
					if (dwarf_tag(&e) == DW_TAG_enumerator && n && !strcmp(n, name)) {
						*out = e;
						*enum_type = child;
						*enumerator = true;
						return true;
					}
				} while (dwarf_siblingof(&e, &e) == 0);
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	return false;
}

/*
 * A variable by name as the code at the point sees it: the scopes out to
 * the innermost function (an inlined copy's own, never its caller's: a
 * callee's `this` is not the caller's), then the namespaces and the unit
 * (globals); then static locals and enumerators declared in those scopes.
 * 0: *var a variable; 1: *var an enumerator; -ENOENT.
 */
static int find_var(struct arg_ctx *x, const char *name, Dwarf_Die *var, Dwarf_Die *enum_type)
{
	Dwarf_Die *seen = malloc(x->nscopes * sizeof(*seen));
	int n = 0, fn = x->nscopes - 1, idx;
	bool enumerator = false;

	if (!seen)
		return -ENOMEM;
	for (int i = 0; i < x->nscopes; i++)
		if (is_fn_tag(dwarf_tag(&x->scopes[i]))) {
			fn = i;
			break;
		}
	for (int i = 0; i < x->nscopes; i++) {
		int tag = dwarf_tag(&x->scopes[i]);

		if (i <= fn || (!is_fn_tag(tag) && tag != DW_TAG_lexical_block))
			seen[n++] = x->scopes[i];
	}
	idx = dwarf_getscopevar(seen, n, name, 0, NULL, 0, 0, var);
	free(seen);
	if (idx >= 0)
		return 0;
	for (int i = 0; i <= fn && i < x->nscopes; i++)
		if (child_named(&x->scopes[i], name, var, &enumerator, enum_type))
			return enumerator ? 1 : 0;
	return -ENOENT;
}

/* An enumerator as an arg: its value, typed as its enum. */
static int enumerator_arg(Dwarf_Die *e, Dwarf_Die *type, const struct spec_arg *sa, struct fetch_arg *a,
			  struct spec_error *err)
{
	Dwarf_Attribute at, enc;
	Dwarf_Sword v;
	Dwarf_Word u, encoding = DW_ATE_signed;
	Dwarf_Die under;
	bool is_unsigned;

	if (sa->nsteps)
		return spec_fail(err, sa->steps[0].col, 1, "'%s' is an enumerator: it has no fields", sa->var);
	/* a data2 0x8000 is 32768 in an unsigned enum: signedness is the underlying type's */
	if (die_type(type, &under) && !die_peel(&under, &under) && dwarf_attr(&under, DW_AT_encoding, &enc))
		dwarf_formudata(&enc, &encoding);
	is_unsigned = encoding == DW_ATE_unsigned || encoding == DW_ATE_unsigned_char;
	if (!dwarf_attr(e, DW_AT_const_value, &at) ||
	    (is_unsigned ? dwarf_formudata(&at, &u) : dwarf_formsdata(&at, &v)))
		return spec_fail(err, sa->col, sa->len, "enumerator '%s' has no value in the debug info", sa->var);
	a->base = FETCH_CONST;
	a->value = is_unsigned ? (uint64_t)u : (uint64_t)v;
	return dw_set_final(a, type, sa, err) ?: dw_apply_type(a, sa, err);
}

int dw_resolve_args(struct arg_ctx *x, struct probe_instance *in, struct spec_error *err)
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

			rc = dw_each_visible(x, sa->kind == EXPR_PARAMS, expand_one, &e);
			for (size_t j = 0; !rc && j < e.n; j++)
				rc = probe_instance_add_arg(in, &e.args[j]);
			free(e.args);
			if (rc)
				return rc;
			continue;
		}
		case EXPR_REG:
			a.base = FETCH_REG;
			a.reg = arch_reg_by_name(sa->var);
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
			rc = dw_apply_type(&a, sa, err);
			break;
		case EXPR_RETVAL: {
			Dwarf_Die type;
			struct spec_arg copy = *sa;

			if (!die_type(&x->cd->fn, &type))
				return spec_fail(err, sa->col, sa->len, "%s returns void", s->func);
			a.base = FETCH_REG;
			a.reg = DREG_RAX;
			copy.var = "$retval";
			rc = dw_apply_steps(&a, &type, &copy, err);
			if (!rc)
				rc = dw_set_final(&a, &type, &copy, err);
			if (!rc)
				rc = dw_apply_type(&a, &copy, err);
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
				dw_for_each_cu(x->df, global_cu, &gs);
			if (!gs.ok)
				return spec_fail(err, sa->col, sa->len, "no global variable '%s' in %s", sa->var,
					    x->df->path);
			rc = dw_resolve_var(x, &gs.found, sa, &a, err);
			break;
		}
		case EXPR_VAR: {
			Dwarf_Die var, enum_type;
			int idx = find_var(x, sa->var, &var, &enum_type);

			if (idx == -ENOMEM)
				return idx;
			if (idx == 1) {
				/* an enumerator declared in the function: a constant of its type */
				rc = enumerator_arg(&var, &enum_type, sa, &a, err);
				break;
			}
			if (idx < 0) {
				struct strbuf names = STRBUF_INIT;

				list_scope_vars(x, &names);
				spec_fail(err, sa->col, strlen(sa->var) + (sa->named ? strlen(sa->name) + 1 : 0),
				     "no variable '%s' in scope at %s+0x%llx; in scope: %s", sa->var,
				     in->func, (unsigned long long)in->func_offset,
				     names.len ? names.buf : "none");
				strbuf_release(&names);
				if (!x->tolerant)
					return -ENOENT;
				/*
				 * an inlined copy the compiler gave fewer variables, or an
				 * overload without it: its type from another instance
				 */
				note_unavailable(x, err);
				a.base = FETCH_UNAVAILABLE;
				break;
			}
			rc = dw_resolve_var(x, &var, sa, &a, err);
			break;
		}
		}
		rc = probe_instance_keep_arg(in, &a, sa->name, rc);
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

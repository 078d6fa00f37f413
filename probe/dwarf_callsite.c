// SPDX-License-Identifier: GPL-2.0
/*
 * Call sites: what a caller passes, as DWARF's DW_TAG_call_site (DWARF 5)
 * and DW_TAG_GNU_call_site (gcc's DWARF 4) say.  A parameter gcc's IPA-SRA
 * removed from a clone (FUNC.isra.N) is described by
 * DW_OP_GNU_parameter_ref: its value is what each caller passed, the
 * call_value of the call site parameter naming it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

#include "lib/array.h"
#include "probe/dwarf_int.h"

struct site_walk {
	Dwarf_Off param;
	struct call_site *v;
	size_t n, cap;
	int err;
};

/* A DW_TAG_(GNU_)call_site_parameter naming the parameter, and the value it passes. */
static void site_param(struct site_walk *w, Dwarf_Die *site, Dwarf_Die *p)
{
	Dwarf_Attribute ref, val, ret;
	Dwarf_Die target;
	Dwarf_Addr return_pc;

	if (!dwarf_attr(p, DW_AT_call_parameter, &ref) && !dwarf_attr(p, DW_AT_abstract_origin, &ref))
		return;
	if (!dwarf_formref_die(&ref, &target) || dwarf_dieoffset(&target) != w->param)
		return;
	if (!dwarf_attr(p, DW_AT_call_value, &val) && !dwarf_attr(p, DW_AT_GNU_call_site_value, &val))
		return;
	/* DWARF 5 names the return address; gcc's GNU call site has it as its low pc */
	if (dwarf_attr(site, DW_AT_call_return_pc, &ret)) {
		if (dwarf_formaddr(&ret, &return_pc))
			return;
	} else if (dwarf_lowpc(site, &return_pc)) {
		return;
	}
	if (w->n == w->cap) {
		struct call_site *nv = array_grow(w->v, &w->cap, sizeof(*nv), 4);

		if (!nv) {
			w->err = -ENOMEM;
			return;
		}
		w->v = nv;
	}
	w->v[w->n].return_pc = return_pc;
	w->v[w->n].value = val;
	w->n++;
}

static void walk(struct site_walk *w, Dwarf_Die *die)
{
	Dwarf_Die child;

	if (dwarf_child(die, &child))
		return;
	do {
		int tag = dwarf_tag(&child);

		if (tag == DW_TAG_call_site_parameter || tag == DW_TAG_GNU_call_site_parameter) {
			if (dwarf_tag(die) == DW_TAG_call_site || dwarf_tag(die) == DW_TAG_GNU_call_site)
				site_param(w, die, &child);
			continue;
		}
		if (dwarf_haschildren(&child))
			walk(w, &child);
	} while (!w->err && !dwarf_siblingof(&child, &child));
}

int dw_call_sites(struct dwarf_file *df, Dwarf_Die *param, struct call_site **out, size_t *n)
{
	struct site_walk w = { .param = dwarf_dieoffset(param) };
	Dwarf_Off off = 0, next;
	size_t hsize;

	/* the parameter's own unit first: a static function's callers are there */
	{
		Dwarf_Die cu;

		if (dwarf_diecu(param, &cu, NULL, NULL))
			walk(&w, &cu);
	}
	if (!w.n && !w.err) {
		/* LTO: callers in other units */
		while (!w.err && !dwarf_nextcu(df->dbg, off, &next, &hsize, NULL, NULL, NULL)) {
			Dwarf_Die cu;

			if (dwarf_offdie(df->dbg, off + hsize, &cu))
				walk(&w, &cu);
			off = next;
		}
	}
	if (w.err) {
		free(w.v);
		return w.err;
	}
	*out = w.v;
	*n = w.n;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Probe points: every address a spec lands on (functions, their inlined
 * copies and out-of-line clones, source lines, addresses).
 */
#include <dwarf.h>
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "lib/array.h"
#include "probe/dwarf_index.h"
#include "lib/strbuf.h"
#include "probe/arch.h"
#include "probe/dwarf_int.h"
#include "probe/elf.h"

/*
 * Copies nested at one address (Cart::size() inlined, and in it
 * std::vector::size(), at 0x1850 with entry views 2 and 4) are instances
 * of their own: each reads its own variables, at its own view.
 */
int cand_add(struct candidates *c, Dwarf_Die *fn, Dwarf_Die *cu, Dwarf_Addr addr, bool inlined)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].addr == addr && dwarf_dieoffset(&c->v[i].fn) == dwarf_dieoffset(fn))
			return 0;
	if (c->n == c->cap) {
		struct candidate *nv = array_grow(c->v, &c->cap, sizeof(*nv), 8);

		if (!nv)
			return -ENOMEM;
		c->v = nv;
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

	bool all = true, reg_frame = false;
	Dwarf_Attribute fb;
	Dwarf_Op *fbops;
	size_t nfb;

	if (dwarf_child(fn, &child))
		return false;
	/*
	 * A frame base that is a register (clang: rsp at -O2, rbp at -O0) is
	 * what it is only once the prologue has set the frame up, and clang
	 * puts stack-passed parameters at fbreg offsets from it: at the entry
	 * those read the wrong slots (gdb's "break *FUNC" reads them wrong
	 * too; its "break FUNC" skips the prologue).  A CFA-based one (gcc)
	 * holds everywhere.
	 */
	if (dwarf_attr_integrate(fn, DW_AT_frame_base, &fb) && !dwarf_getlocation(&fb, &fbops, &nfb) &&
	    nfb == 1 && fbops[0].atom != DW_OP_call_frame_cfa)
		reg_frame = true;
	do {
		Dwarf_Attribute attr;
		Dwarf_Op *ops;
		size_t n;
		bool fbreg;

		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		/* a stack slot, or one holding the address of a class passed by invisible reference */
		fbreg = dwarf_attr(&child, DW_AT_location, &attr) && attr.form != DW_FORM_sec_offset &&
			attr.form != DW_FORM_loclistx && !dwarf_getlocation(&attr, &ops, &n) && n >= 1 &&
			ops[0].atom == DW_OP_fbreg;
		if (fbreg && reg_frame)
			return true;
		all = all && fbreg;
		any = true;
	} while (dwarf_siblingof(&child, &child) == 0);
	if (any)
		return all;
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

/* The start of an instance's first piece of code (DW_AT_ranges may list empty ones). */
static bool first_code(Dwarf_Die *fn, Dwarf_Addr *start)
{
	Dwarf_Addr base, end;
	ptrdiff_t off = 0;

	while ((off = dwarf_ranges(fn, off, &base, start, &end)) > 0)
		if (end > *start)
			return true;
	return false;
}

static bool die_low(Dwarf_Die *fn, Dwarf_Addr *low)
{
	return dwarf_lowpc(fn, low) == 0 || first_code(fn, low);
}

/*
 * Where a function instance is entered, as DWARF says: DW_AT_entry_pc (an
 * address, or in DWARF 5 a constant offset from the low pc), else the low
 * pc, else the start of the first range (DW_AT_ranges without an entry pc:
 * gcc's hot/.cold split lists the hot part, whose start is the entry,
 * first; gdb's BLOCK_ENTRY_PC is the same rule).
 */
bool die_entry(Dwarf_Die *fn, Dwarf_Addr *entry)
{
	Dwarf_Attribute a;
	Dwarf_Addr low;
	Dwarf_Word off;

	if (dwarf_attr(fn, DW_AT_entry_pc, &a)) {
		if (dwarf_formaddr(&a, entry) == 0)
			return true;
		if (dwarf_formudata(&a, &off) == 0 && die_low(fn, &low)) {
			*entry = low + off;
			return true;
		}
	}
	return die_low(fn, entry);
}

/*
 * Where a probe on an instance goes: its entry, when that is code of the
 * instance.  gcc gives some inlined copies an entry pc outside their own
 * ranges (an empty range marks it, after code that was scheduled before
 * it): their code starts at their first range, where gdb breaks.  A copy
 * with no code at all (only empty ranges: its body optimized away or
 * merged into its caller's) is not an instance, as gdb has no block for it.
 */
bool dw_instance_pc(Dwarf_Die *fn, Dwarf_Addr *pc)
{
	Dwarf_Addr start;

	if (!first_code(fn, &start))
		return false;
	if (!die_entry(fn, pc) || dwarf_haspc(fn, *pc) != 1)
		*pc = start;
	return true;
}

static int add_instance(const struct dw_fn *fn, void *arg)
{
	struct func_search *fs = arg;
	Dwarf_Die die = fn->die, cu;

	if (!cu_matches_file(&die, fs->spec->file))
		return 0;
	if (fn->inlined && (!fs->spec->inlines || fs->spec->ret || fs->spec->has_offset)) {
		fs->found_abstract++;	/* an inlined copy has no return and no own +OFF */
		return 0;
	}
	if (!dwarf_diecu(&die, &cu, NULL, NULL))
		return 0;
	return cand_add(fs->out, &die, &cu, fn->entry, fn->inlined);
}

struct name_search {
	struct func_search *fs;
	const struct dw_index *ix;
	const struct cxx_name *want;
	struct strbuf *overloads;	/* when set, collects the names matched ignoring parameters */
};

/* Is name one of the ", "-separated items of list? */
static bool list_has(const struct strbuf *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list->len ? list->buf : NULL; p; p = strstr(p, ", "), p = p ? p + 2 : NULL)
		if (!strncmp(p, name, len) && (!p[len] || !strncmp(p + len, ", ", 2)))
			return true;
	return false;
}

static int add_matching(const struct dw_fn *fn, void *arg)
{
	struct name_search *ns = arg;
	int m = cxx_name_matches(ns->ix, fn, ns->want, ns->overloads != NULL);
	char *name;

	if (m <= 0)
		return m;
	if (!ns->overloads)
		return add_instance(fn, ns->fs);
	name = dw_fn_display_name(ns->ix, (Dwarf_Die *)&fn->die, fn->cxx);
	if (!name)
		return -ENOMEM;
	/* each overload once, however many copies it has */
	if (!list_has(ns->overloads, name))
		strbuf_addf(ns->overloads, "%s%s", ns->overloads->len ? ", " : "", name);
	free(name);
	return 0;
}

/* C++ names: the candidates sharing the name's last part, then the whole name compared. */
static int each_matching(struct name_search *ns)
{
	const struct cxx_name *want = ns->want;
	int rc = 0;

	if (want->mangled) {
		/* rare enough to look at every C++ function once */
		for (size_t i = 0; !rc && i < ns->ix->nfns; i++)
			if (ns->ix->fns[i].cxx)
				rc = add_matching(&ns->ix->fns[i], ns);
		return rc;
	}
	return dw_index_each_based(ns->ix, want->comp[want->ncomps - 1],
				   dw_name_base_len(want->comp[want->ncomps - 1]), add_matching, ns);
}

/*
 * Every instance of fs->spec->func, from the index: the DWARF copies so
 * named (out-of-line, clones, inlined), then the out-of-line functions
 * that an ELF symbol of that name enters (an alias names the function at
 * its address, not its inlined copies, as gdb's break ALIAS).  A C++ name
 * is matched as gdb's break matches it (dwarf_names.c): by its scopes
 * ("Cart::add" is market::Cart::add), its template arguments where given,
 * its parameter types where given, or its mangled name.
 */
int dw_find_func(struct func_search *fs)
{
	const struct dw_index *ix;
	struct cxx_name want;
	size_t first, n;
	int rc;

	rc = dw_index_get(fs->df, &ix);
	if (rc)
		return rc;
	rc = cxx_name_parse(fs->spec->func, &want);
	if (rc == -ENOMEM)
		return rc;
	if (!rc && !cxx_name_is_plain(&want)) {
		struct name_search ns = { fs, ix, &want, NULL };
		bool mangled = want.mangled;

		rc = each_matching(&ns);
		cxx_name_free(&want);
		/* a mangled name is an ELF symbol's too */
		if (rc || !mangled)
			return rc;
	} else {
		if (!rc)
			cxx_name_free(&want);
		/* a plain name: every function so named, and "scaled" is scaled<int> too */
		rc = dw_index_each_based(ix, fs->spec->func, strlen(fs->spec->func), add_instance, fs);
		if (rc)
			return rc;
	}
	n = dw_index_syms(ix, fs->spec->func, &first);
	for (size_t i = 0; i < n; i++) {
		size_t at, m = dw_index_at(ix, ix->syms[first + i].addr, &at);

		for (size_t k = 0; k < m; k++) {
			rc = add_instance(&ix->fns[ix->by_entry[at + k]], fs);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/*
 * The overloads a name with a parameter list (or a mangled name's
 * function) could have meant, for the error that says none matched:
 * "market::Cart::add(int), market::Cart::add(market::Item const&)".
 */
static int overloads_of(struct func_search *fs, struct strbuf *out)
{
	const struct dw_index *ix;
	struct cxx_name want;
	int rc = dw_index_get(fs->df, &ix);

	if (rc)
		return rc;
	if (cxx_name_parse(fs->spec->func, &want))
		return 0;
	if (want.has_params) {
		struct name_search ns = { fs, ix, &want, out };

		rc = each_matching(&ns);
	}
	cxx_name_free(&want);
	return rc;
}

void dw_for_each_cu(struct dwarf_file *df, void (*cb)(Dwarf_Die *cu, void *arg), void *arg)
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

/* Does the instruction stream of the function containing addr have one starting at addr? */
static int check_insn_boundary(struct dwarf_file *df, Dwarf_Addr entry, Dwarf_Addr addr)
{
	int rc = elf_insn_starts_at(df->elf, entry, addr);

	return rc == -EINVAL ? rc : 0;
}

/* "dir/x.c" matches ".../dir/x.c" on a path-component boundary. */
bool dw_path_matches(const char *path, const char *want)
{
	size_t pl = strlen(path), wl = strlen(want);

	return pl >= wl && !strcmp(path + pl - wl, want) && (pl == wl || path[pl - wl - 1] == '/');
}

/*
 * The source file and first line of a function instance: an inlined copy's
 * come from its abstract origin (which LTO may keep in another unit).
 */
int dw_instance_decl(const struct candidate *cd, const char **file)
{
	Dwarf_Die fn = cd->fn, origin;
	Dwarf_Attribute at;
	int decl = 0;

	if (cd->inlined && dwarf_attr(&fn, DW_AT_abstract_origin, &at) && dwarf_formref_die(&at, &origin))
		fn = origin;
	dwarf_decl_line(&fn, &decl);
	*file = dwarf_decl_file(&fn);
	return decl;
}

/*
 * The first statement address of source line `line` of `file` within the
 * instance's own ranges (all of them: a hot part and its .cold part alike).
 * Lines of other files (headers inlined into it) with the same number are
 * not this line; a unit's file names may differ by their directory prefix.
 */
int dw_instance_line(const struct candidate *cd, const char *file, long line, Dwarf_Addr *out)
{
	Dwarf_Die fn = cd->fn, cu = cd->cu;
	Dwarf_Lines *lines;
	size_t n;
	Dwarf_Addr best = 0;
	bool found = false;

	if (dwarf_getsrclines(&cu, &lines, &n))
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr a;
		int ln;
		bool stmt = false;
		const char *src;

		if (dwarf_lineno(l, &ln) || ln != line || dwarf_lineaddr(l, &a) || (found && a >= best))
			continue;
		dwarf_linebeginstatement(l, &stmt);
		src = dwarf_linesrc(l, NULL, NULL);
		if (!stmt || (file && src && !dw_path_matches(src, file) && !dw_path_matches(file, src)))
			continue;
		if (dwarf_haspc(&fn, a) != 1)
			continue;
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

/* The innermost function-like scope at pc. */
bool dw_function_at(struct dwarf_file *df, Dwarf_Addr pc, Dwarf_Die *cu, Dwarf_Die *fn, bool *inlined)
{
	Dwarf_Die *scopes;
	int n;

	if (!dw_index_function_at(df, pc, fn, inlined))
		return dwarf_diecu(fn, cu, NULL, NULL) != NULL;
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
	if (n > 0)
		free(scopes);	/* not set when nothing matched */
	return false;
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

		if (dwarf_lineno(l, &ln) || ln != ls->line || !src || !dw_path_matches(src, ls->file) ||
		    dwarf_lineaddr(l, &a))
			continue;
		dwarf_linebeginstatement(l, &stmt);
		if (!stmt || !dw_function_at(ls->df, a, &fcu, &fn, &inl))
			continue;
		ls->err = cand_add(ls->out, &fn, &fcu, a, inl);
	}
}

/*
 * One function's code described by two units (libstdc++'s debug build
 * has basic_string<char>::_M_append from c++11/string-inst.cc and again,
 * not inlined at -O0, from c++17/fs_path.cc; the linker kept one copy,
 * and both units' DWARF name its address): one instance, or each call is
 * recorded twice.
 */
static void drop_same_code(struct candidates *c)
{
	size_t kept = 0;

	for (size_t i = 0; i < c->n; i++) {
		const char *name = dwarf_diename(&c->v[i].fn);
		bool dup = false;

		for (size_t j = 0; !dup && j < kept; j++) {
			const char *other = dwarf_diename(&c->v[j].fn);

			dup = !c->v[i].inlined && !c->v[j].inlined && c->v[j].addr == c->v[i].addr &&
			      name && other && !strcmp(name, other);
		}
		if (!dup)
			c->v[kept++] = c->v[i];
	}
	c->n = kept;
}

int dw_find_points(struct dwarf_file *df, const struct spec *s, struct candidates *c,
		       struct spec_error *err)
{
	struct func_search fs = { .df = df, .spec = s, .out = c };
	size_t missing_line;
	long missing_abs = 0;

	switch (s->point) {
	case POINT_ADDR: {
		Dwarf_Die cu, fn;
		bool inl;

		if (!dw_function_at(df, s->addr, &cu, &fn, &inl))
			return spec_fail(err, s->point_col, s->point_len,
				    "no function in %s's debug info covers 0x%llx", df->path,
				    (unsigned long long)s->addr);
		return cand_add(c, &fn, &cu, s->addr, inl);
	}
	case POINT_LINE: {
		struct line_search ls = { .df = df, .file = s->file, .line = s->line, .out = c };

		dw_for_each_cu(df, line_cu, &ls);
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
		drop_same_code(c);
		return 0;
	}
	case POINT_FUNC:
		break;
	default:
		return spec_fail(err, s->point_col, s->point_len, "not a DWARF probe point");
	}

	fs.err = dw_find_func(&fs);
	if (fs.err)
		return fs.err;
	missing_line = 0;
	if (!c->n) {
		struct strbuf overloads = STRBUF_INIT;

		int col = s->func_col, len = strlen(s->func), rc;

		if (fs.found_abstract)
			rc = spec_fail_errno(err, -ENOENT, col, len, "'%s' is only inlined in %s; %s", s->func,
					     df->path, s->ret ? "%return needs an out-of-line copy (probe a line "
					     "before its end instead)" : s->has_offset ? "+OFF needs an out-of-line "
					     "copy (use %s:RELLINE)" : "set inlines=yes to probe its inlined copies");
		else if (!overloads_of(&fs, &overloads) && overloads.len)
			rc = spec_fail_errno(err, -ENOENT, col, len, "no overload '%s' in %s; there %s %s",
					     s->func, df->path, strchr(overloads.buf, ',') ? "are" : "is",
					     overloads.buf);
		else
			rc = spec_fail_errno(err, -ENOENT, col, len, "no function '%s'%s%s in %s's debug info "
					     "(see vtrace probe --funcs -x %s)", s->func, s->file ? " in " : "",
					     s->file ? s->file : "", df->path, df->path);
		strbuf_release(&overloads);
		return rc;
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
			const char *file;
			long abs = dw_instance_decl(cd, &file) + s->line;

			/* a copy where the optimizer left no code for the line has no such point */
			if (dw_instance_line(cd, file, abs, &cd->addr)) {
				if (!missing_line++)
					missing_abs = abs;
				cd->addr = 0;
			}
		} else if (!s->ret && !cd->inlined && needs_prologue_skip(&cd->fn) &&
			   !prologue_end(&cd->cu, low, high ? high : low + 1, &pe)) {
			cd->addr = pe;
		}
	}
	if (missing_line == c->n)
		return spec_fail(err, s->suffix_col, 1, "no code at line %ld of %s (line %ld of its file)%s; "
			    "see vtrace probe --lines %s", s->line, s->func, missing_abs,
			    c->n > 1 ? " in any of its copies" : "", s->func);
	if (missing_line) {
		size_t kept = 0;

		for (size_t i = 0; i < c->n; i++)
			if (c->v[i].addr)
				c->v[kept++] = c->v[i];
		c->n = kept;
	}
	drop_same_code(c);
	return 0;
}

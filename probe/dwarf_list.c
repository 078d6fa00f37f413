// SPDX-License-Identifier: GPL-2.0
/*
 * Listings for vtrace probe: --funcs, --lines and --vars.
 */
#include <dwarf.h>
#include <errno.h>
#include <fnmatch.h>
#include <gelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "probe/dwarf_index.h"
#include "probe/dwarf_int.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct names {
	char **v;
	size_t n;
	const char *glob;
};

/* "market::Cart::add(int)" matches 'Cart::add*' too: a glob over any "::" suffix, as specs match. */
static bool glob_matches(const char *glob, const char *name)
{
	int depth = 0;

	if (!glob || !fnmatch(glob, name, 0))
		return true;
	for (const char *p = name; *p && !(depth == 0 && *p == '('); p++) {
		depth += *p == '<' ? 1 : *p == '>' && depth ? -1 : 0;
		if (!depth && p[0] == ':' && p[1] == ':' && !fnmatch(glob, p + 2, 0))
			return true;
	}
	return false;
}

static int add_name(struct names *ns, const char *name, size_t len)
{
	char *s = strndup(name, len), **nv;

	if (!s)
		return -ENOMEM;
	if (!glob_matches(ns->glob, s)) {
		free(s);
		return 0;
	}
	nv = realloc(ns->v, (ns->n + 1) * sizeof(*nv));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	ns->v = nv;
	ns->v[ns->n++] = s;
	return 0;
}

/* Does a spec take name as its point, whole?  A listing shows only names it can be asked for. */
static bool spec_takes(const char *name)
{
	struct spec s;
	struct spec_error e;
	char *text;
	bool ok;

	if (asprintf(&text, "e=%s", name) < 0)
		return false;
	ok = !spec_parse(text, &s, &e);
	if (ok) {
		ok = s.point == POINT_FUNC && s.func && !strcmp(s.func, name) && !s.nargs && !s.has_offset &&
		     !s.has_relline && !s.ret && !s.file;
		spec_free(&s);
	}
	free(text);
	return ok;
}

struct decl_of {
	Dwarf_Die decl;
	size_t fn;
};

static int cmp_decl(const void *a, const void *b)
{
	const struct decl_of *x = a, *y = b;

	if (x->decl.addr != y->decl.addr)
		return x->decl.addr < y->decl.addr ? -1 : 1;
	return (x->fn > y->fn) - (x->fn < y->fn);
}

/*
 * C++ functions, each overload once: the name gdb's info functions
 * gives it (from its declaration's scopes and parameter types), or its
 * mangled name where a spec cannot spell that (operator+=, a name whose
 * template arguments hold a space).
 */
static int add_cxx_names(const struct dw_index *ix, struct names *ns)
{
	struct decl_of *decls = malloc((ix->nfns + 1) * sizeof(*decls));
	size_t n = 0;
	int rc = 0;

	if (!decls)
		return -ENOMEM;
	for (size_t i = 0; i < ix->nfns; i++) {
		if (!ix->fns[i].cxx)
			continue;
		dw_fn_decl((Dwarf_Die *)&ix->fns[i].die, &decls[n].decl);
		decls[n++].fn = i;
	}
	qsort(decls, n, sizeof(*decls), cmp_decl);
	for (size_t i = 0; !rc && i < n; i++) {
		const char *mangled = NULL;
		char *name;

		if (i && decls[i].decl.addr == decls[i - 1].decl.addr)
			continue;
		name = dw_fn_display_name(ix, &decls[i].decl, true);
		if (!name) {
			rc = -ENOMEM;
			break;
		}
		/* gcc names a constructor's copies (C1, C2), not its declaration */
		for (size_t k = i; !mangled && k < n && decls[k].decl.addr == decls[i].decl.addr; k++)
			mangled = dw_fn_linkage_name((Dwarf_Die *)&ix->fns[decls[k].fn].die);
		if (glob_matches(ns->glob, name)) {
			struct names all = { .v = ns->v, .n = ns->n };

			/* the glob chose by the demangled name; the mangled one is only its spelling */
			rc = spec_takes(name) || !mangled ? add_name(&all, name, strlen(name)) :
			     add_name(&all, mangled, strlen(mangled));
			ns->v = all.v;
			ns->n = all.n;
		}
		free(name);
	}
	free(decls);
	return rc;
}

/*
 * Each name a probe can be put on once: every function with code (or
 * inlined copies) in the DWARF, C++ ones by their qualified names and
 * parameters, and the ELF symbols naming one of them (malloc for
 * __libc_malloc, fopen for fopen@@GLIBC_2.2.5; not a C++ function's
 * mangled name, which its DWARF name already lists).
 */
int dwarf_list_funcs(struct dwarf_file *df, const char *glob, struct strbuf *out)
{
	const struct dw_index *ix;
	struct names ns = { .glob = glob };
	int rc = dw_index_get(df, &ix);

	/* C names once per run of copies (the list is made unique at the end anyway) */
	for (size_t i = 0, last = SIZE_MAX; !rc && i < ix->nfns; i++) {
		const struct dw_fn *fn = &ix->fns[ix->by_name[i]];

		if (fn->cxx || (last != SIZE_MAX && ix->fns[last].hash == fn->hash &&
				!strcmp(ix->fns[last].name, fn->name)))
			continue;
		last = ix->by_name[i];
		rc = add_name(&ns, fn->name, strlen(fn->name));
	}
	if (!rc)
		rc = add_cxx_names(ix, &ns);
	for (size_t i = 0; !rc && i < ix->nsyms; i++) {
		const struct dw_sym *sym = &ix->syms[i];
		size_t at, m = dw_index_at(ix, sym->addr, &at);
		bool listed = false;

		/* a C++ function's mangled name, or its plain one (main), is listed as its DWARF says */
		for (size_t k = 0; k < m; k++) {
			const struct dw_fn *fn = &ix->fns[ix->by_entry[at + k]];

			listed = listed || (fn->cxx && (!strncmp(sym->name, "_Z", 2) ||
							(strlen(fn->name) == sym->len &&
							 !strncmp(fn->name, sym->name, sym->len))));
		}
		if (!listed)
			rc = add_name(&ns, sym->name, sym->len);
	}
	if (!rc)
		qsort(ns.v, ns.n, sizeof(*ns.v), cmp_str);
	for (size_t i = 0; i < ns.n; i++)
		if (!rc && (!i || strcmp(ns.v[i], ns.v[i - 1])))
			strbuf_addf(out, "%s\n", ns.v[i]);
	for (size_t i = 0; i < ns.n; i++)
		free(ns.v[i]);
	free(ns.v);
	return rc;
}

struct line_addr {
	int line;
	Dwarf_Addr addr;
};

static int cmp_line_addr(const void *a, const void *b)
{
	const struct line_addr *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * The statement lines of `file` from `decl` on within the instance's ranges,
 * sorted by line then address: the lines dw_instance_line() finds, in one
 * pass over the unit's line table.
 */
static int instance_lines(const struct candidate *cd, const char *file, int decl, struct line_addr **out,
			  size_t *nout)
{
	Dwarf_Die fn = cd->fn, cu = cd->cu;
	Dwarf_Lines *lines;
	struct line_addr *v = NULL;
	size_t n, nv = 0;

	*out = NULL;
	*nout = 0;
	if (dwarf_getsrclines(&cu, &lines, &n))
		return 0;
	for (size_t k = 0; k < n; k++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, k);
		const char *src = dwarf_linesrc(l, NULL, NULL);
		Dwarf_Addr a;
		bool stmt = false;
		int lno;

		if (dwarf_lineaddr(l, &a) || dwarf_lineno(l, &lno) || lno < decl)
			continue;
		dwarf_linebeginstatement(l, &stmt);
		if (!stmt || (file && src && !dw_path_matches(src, file) && !dw_path_matches(file, src)) ||
		    dwarf_haspc(&fn, a) != 1)
			continue;
		if (!(nv & (nv + 1))) {
			struct line_addr *nvv = realloc(v, (2 * nv + 1) * sizeof(*v));

			if (!nvv) {
				free(v);
				return -ENOMEM;
			}
			v = nvv;
		}
		v[nv++] = (struct line_addr){ lno, a };
	}
	if (nv)
		qsort(v, nv, sizeof(*v), cmp_line_addr);
	*out = v;
	*nout = nv;
	return 0;
}

int dwarf_list_lines(struct dwarf_file *df, const char *func, struct strbuf *out)
{
	struct spec s = { .func = (char *)func, .point = POINT_FUNC, .inlines = false };
	struct candidates c = { 0 };
	struct func_search fs = { .df = df, .spec = &s, .out = &c };
	int rc = dw_find_func(&fs);

	if (rc || !c.n) {
		free(c.v);
		return rc ? rc : -ENOENT;
	}
	for (size_t i = 0; i < c.n; i++) {
		const char *file;
		int decl = dw_instance_decl(&c.v[i], &file);
		struct line_addr *la = NULL;
		size_t nla = 0;

		strbuf_addf(out, "%s@%s (line %d, 0x%llx)\n", func, file ? file : "?", decl,
			    (unsigned long long)c.v[i].addr);
		rc = instance_lines(&c.v[i], file, decl, &la, &nla);
		if (rc)
			break;
		/* Each line once, in order, with its relative number and first address. */
		for (size_t k = 0; k < nla; k++)
			if (!k || la[k].line != la[k - 1].line)
				strbuf_addf(out, "  %s:%-4d  line %-5d 0x%llx\n", func, la[k].line - decl, la[k].line,
					    (unsigned long long)la[k].addr);
		free(la);
	}
	free(c.v);
	return rc;
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
	char *tn = die_type(var, &type) ? die_type_name(&type) : strdup("?");

	sa.var = sa.text = sa.name = (char *)name;
	sa.len = strlen(name);
	if (dw_resolve_var(x, var, &sa, &a, &e))
		strbuf_addf(vl->out, "    %-24s %s  (%s)\n", tn, name, e.msg);
	else
		strbuf_addf(vl->out, "    %-24s %s\n", tn, name);
	free(tn);
	fetch_arg_free(&a);
	return 0;
}

/*
 * At a return probe the frame is gone and the pc is the caller's: only the
 * return value (and registers) can be fetched, as the resolver allows.
 */
static void list_return(struct candidate *cd, struct strbuf *out)
{
	Dwarf_Die type;
	char *tn;

	if (!die_type(&cd->fn, &type)) {
		strbuf_addstr(out, "    (the function returns void: nothing to fetch but registers)\n");
	} else {
		tn = die_type_name(&type);
		strbuf_addf(out, "    %-24s $retval\n", tn ? tn : "?");
		free(tn);
	}
	strbuf_addstr(out, "    (at %return the parameters, locals and globals found relative to the "
		      "probe cannot be fetched; probe a line before the return for them)\n");
}

int dwarf_list_vars(struct dwarf_file *df, const struct spec *s, struct strbuf *out,
		    struct spec_error *err)
{
	struct candidates c = { 0 };
	int rc = dw_find_points(df, s, &c, err);

	for (size_t i = 0; !rc && i < c.n; i++) {
		struct arg_ctx x = { .df = df, .spec = s, .pc = c.v[i].addr, .cd = &c.v[i] };
		struct vars_list vl = { out };
		char *fname = dw_instance_name(df, &c.v[i].fn, &c.v[i].cu);
		Dwarf_Addr entry = c.v[i].addr;

		dw_instance_pc(&c.v[i].fn, &entry);
		if (s->ret)
			strbuf_addf(out, "%s%%return (returning from the function at 0x%llx)%s:\n",
				    fname ? fname : "?", (unsigned long long)c.v[i].addr,
				    c.v[i].inlined ? " (inlined)" : "");
		else
			strbuf_addf(out, "%s+%llu at 0x%llx%s:\n", fname ? fname : "?", (unsigned long long)(c.v[i].addr - entry),
			    (unsigned long long)c.v[i].addr, c.v[i].inlined ? " (inlined)" : "");
		free(fname);
		if (s->ret) {
			list_return(&c.v[i], out);
			continue;
		}
		x.nscopes = dw_scopes_in(df, &c.v[i], &x.scopes);
		if (x.nscopes > 0)
			dw_each_visible(&x, false, list_var_cb, &vl);
		free(x.scopes);
	}
	free(c.v);
	return rc;
}

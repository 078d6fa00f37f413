// SPDX-License-Identifier: GPL-2.0
/*
 * Listings for vtrace probe: --funcs, --lines and --vars.
 */
#include <dwarf.h>
#include <errno.h>
#include <fnmatch.h>
#include <gelf.h>
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

static int add_name(struct names *ns, const char *name, size_t len)
{
	char *s = strndup(name, len), **nv;

	if (!s)
		return -ENOMEM;
	if (ns->glob && fnmatch(ns->glob, s, 0)) {
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

static int add_dwarf_name(const char *name, void *arg)
{
	return add_name(arg, name, strlen(name));
}

/*
 * Each name a probe can be put on once: every function with code (or
 * inlined copies) in the DWARF, and the ELF symbols naming one of them
 * (malloc for __libc_malloc, fopen for fopen@@GLIBC_2.2.5).
 */
int dwarf_list_funcs(struct dwarf_file *df, const char *glob, struct strbuf *out)
{
	const struct dw_index *ix;
	struct names ns = { .glob = glob };
	int rc = dw_index_get(df, &ix);

	if (!rc)
		rc = dw_index_each_name(ix, add_dwarf_name, &ns);
	for (size_t i = 0; !rc && i < ix->nsyms; i++)
		rc = add_name(&ns, ix->syms[i].name, ix->syms[i].len);
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

int dwarf_list_vars(struct dwarf_file *df, const struct spec *s, struct strbuf *out,
		    struct spec_error *err)
{
	struct candidates c = { 0 };
	int rc = dw_find_points(df, s, &c, err);

	for (size_t i = 0; !rc && i < c.n; i++) {
		struct arg_ctx x = { .df = df, .spec = s, .pc = c.v[i].addr, .cd = &c.v[i] };
		struct vars_list vl = { out };
		char *fname = die_func_name(&c.v[i].fn);
		Dwarf_Addr entry = c.v[i].addr;

		dw_instance_pc(&c.v[i].fn, &entry);
		strbuf_addf(out, "%s+%llu at 0x%llx%s:\n", fname, (unsigned long long)(c.v[i].addr - entry),
			    (unsigned long long)c.v[i].addr, c.v[i].inlined ? " (inlined)" : "");
		free(fname);
		x.nscopes = dw_scopes_in(df, &c.v[i], &x.scopes);
		if (x.nscopes > 0)
			dw_each_visible(&x, false, list_var_cb, &vl);
		free(x.scopes);
	}
	free(c.v);
	return rc;
}

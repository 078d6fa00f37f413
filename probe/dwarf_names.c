// SPDX-License-Identifier: GPL-2.0
/*
 * C++ function names from DWARF, as gdb's break and info functions read
 * them: a function is named by the namespaces and classes around its
 * declaration ("market::Cart::add"), told from its overloads by its
 * parameter types ("(market::Item const&)", spelled as the demangler
 * spells them: typedefs resolved, cv-qualifiers after what they qualify),
 * and by whether it is a const member.  Both sides of a comparison are
 * brought to one canonical spelling first, so that a user's "const Item &"
 * meets the DWARF's "market::Item const&".
 */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "lib/strbuf.h"
#include "probe/dwarf_index.h"
#include "probe/dwarf_int.h"

#define ANON_NS "(anonymous namespace)"
#define MAX_TOKENS 256
#define MAX_SCOPES 32

/* --- canonical spelling -------------------------------------------------- */

struct tok {
	char s[64];
};

static bool is_base_word(const char *w)
{
	static const char *const words[] = { "unsigned", "signed", "short", "long", "int", "char",
					     "double", "__int128" };

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

/*
 * One spelling for a run of base type words, as the demangler writes
 * them: gcc's DWARF says "long unsigned int", people "unsigned long".
 */
static void base_words(struct tok *t, size_t n, char *out, size_t size)
{
	int uns = 0, sig = 0, shrt = 0, lng = 0, chr = 0, dbl = 0, i128 = 0;
	const char *core;

	for (size_t i = 0; i < n; i++) {
		const char *w = t[i].s;

		uns += !strcmp(w, "unsigned");
		sig += !strcmp(w, "signed");
		shrt += !strcmp(w, "short");
		lng += !strcmp(w, "long");
		chr += !strcmp(w, "char");
		dbl += !strcmp(w, "double");
		i128 += !strcmp(w, "__int128");
	}
	if (dbl)
		core = lng ? "long double" : "double";
	else if (chr)
		core = "char";
	else if (i128)
		core = "__int128";
	else if (shrt)
		core = "short";
	else if (lng > 1)
		core = "long long";
	else if (lng)
		core = "long";
	else
		core = "int";
	snprintf(out, size, "%s%s", uns ? "unsigned " : chr && sig ? "signed " : "", core);
}

/* Splits s[0, len) into tokens: identifiers, "::", "&&", "...", single punctuation. */
static int tokenize(const char *s, size_t len, struct tok *t, size_t *nt)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		size_t l;

		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		if (n == MAX_TOKENS)
			return -EINVAL;
		if (dw_is_ident_char(s[i]))
			for (l = 0; i + l < len && dw_is_ident_char(s[i + l]); l++)
				;
		else if (i + 1 < len && ((s[i] == ':' && s[i + 1] == ':') || (s[i] == '&' && s[i + 1] == '&')))
			l = 2;
		else if (i + 2 < len && !strncmp(s + i, "...", 3))
			l = 3;
		else
			l = 1;
		if (l >= sizeof(t[n].s))
			return -EINVAL;
		memcpy(t[n].s, s + i, l);
		t[n++].s[l] = 0;
		i += l;
	}
	*nt = n;
	return 0;
}

static bool is_cv(const char *w)
{
	return !strcmp(w, "const") || !strcmp(w, "volatile");
}

/* The end of the type name starting at t[i]: "ns::Box<int>", "unsigned long". */
static size_t type_name_end(struct tok *t, size_t n, size_t i)
{
	if (i < n && !strcmp(t[i].s, "::"))
		i++;
	while (i < n && dw_is_ident_char(t[i].s[0]) && !is_cv(t[i].s)) {
		i++;
		if (i < n && !strcmp(t[i].s, "<")) {
			int depth = 0;

			for (; i < n; i++) {
				depth += !strcmp(t[i].s, "<") - !strcmp(t[i].s, ">");
				if (!depth)
					break;
			}
			i++;
		}
		if (i < n && !strcmp(t[i].s, "::"))
			i++;
		else
			break;
	}
	return i;
}

/*
 * s[0, len) in the canonical spelling: base type words as the demangler
 * has them, a leading const or volatile moved after the type it
 * qualifies ("const char *" is "char const*"), and a space only between
 * two words.
 */
static int canon(const char *s, size_t len, struct strbuf *out)
{
	struct tok *t = malloc(2 * MAX_TOKENS * sizeof(*t)), *u;
	size_t n = 0, m = 0;
	int rc = -ENOMEM;

	if (!t)
		return rc;
	u = t + MAX_TOKENS;
	rc = tokenize(s, len, t, &n);
	if (rc)
		goto out;
	/* base type words, one token each */
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && is_base_word(t[j].s))
			j++;
		if (j == i) {
			u[m++] = t[i++];
			continue;
		}
		base_words(t + i, j - i, u[m++].s, sizeof(u->s));
		i = j;
	}
	/* cv after the type it qualifies, at the start of each type */
	for (size_t i = 0; i < m; i++) {
		bool start = !i || !strcmp(u[i - 1].s, "<") || !strcmp(u[i - 1].s, "(") ||
			     !strcmp(u[i - 1].s, ",");
		size_t j = i, end;

		if (!start)
			continue;
		while (j < m && is_cv(u[j].s))
			j++;
		if (j == i)
			continue;
		end = type_name_end(u, m, j);
		if (end == j)
			continue;
		/* u[i, j) are the qualifiers, u[j, end) the type: rotate them behind it */
		for (size_t k = 0; k < j - i; k++) {
			struct tok q = u[i];

			memmove(&u[i], &u[i + 1], (end - i - 1) * sizeof(*u));
			u[end - 1] = q;
		}
	}
	for (size_t i = 0; i < m; i++) {
		if (i && dw_is_ident_char(u[i - 1].s[strlen(u[i - 1].s) - 1]) && dw_is_ident_char(u[i].s[0]))
			strbuf_addch(out, ' ');
		strbuf_addstr(out, u[i].s);
	}
	rc = 0;
out:
	free(t);
	return rc;
}

static char *canon_dup(const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;

	if (canon(s, len, &sb)) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

/* --- a name as a spec writes it ------------------------------------------- */

void cxx_name_free(struct cxx_name *n)
{
	for (size_t i = 0; i < n->ncomps; i++)
		free(n->comp[i]);
	for (size_t i = 0; i < n->nparams; i++)
		free(n->param[i]);
	memset(n, 0, sizeof(*n));
}

static int add_comp(struct cxx_name *n, const char *s, size_t len)
{
	if (!len || n->ncomps == CXX_NAME_MAX_COMPS)
		return -EINVAL;
	n->comp[n->ncomps] = canon_dup(s, len);
	return n->comp[n->ncomps++] ? 0 : -ENOMEM;
}

/* "(const Item&, int)" from its '(' on, and what follows it: const. */
static int parse_params(struct cxx_name *n, const char *p)
{
	const char *start = p + 1;
	int depth = 0;

	n->has_params = true;
	for (p = start;; p++) {
		if (!*p)
			return -EINVAL;
		if (*p == '(' || *p == '<') {
			depth++;
		} else if ((*p == ')' || *p == '>') && depth) {
			depth--;
		} else if (!depth && (*p == ',' || *p == ')')) {
			const char *a = start, *b = p;

			while (a < b && *a == ' ')
				a++;
			while (b > a && b[-1] == ' ')
				b--;
			if (b > a && !(b - a == 4 && !memcmp(a, "void", 4) && *p == ')' && !n->nparams)) {
				if (n->nparams == CXX_NAME_MAX_PARAMS)
					return -EINVAL;
				n->param[n->nparams] = canon_dup(a, b - a);
				if (!n->param[n->nparams++])
					return -ENOMEM;
			} else if (*p == ',') {
				return -EINVAL;		/* an empty parameter */
			}
			if (*p == ')')
				break;
			start = p + 1;
		}
	}
	/* the member's qualifiers: const tells overloads apart, the others are ignored */
	for (p++; *p;) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, "const", 5) && !dw_is_ident_char(p[5])) {
			n->is_const = true;
			p += 5;
		} else if (!strncmp(p, "volatile", 8) && !dw_is_ident_char(p[8])) {
			p += 8;
		} else if (*p == '&') {
			p++;
		} else if (*p) {
			return -EINVAL;
		}
	}
	return 0;
}

int cxx_name_parse(const char *text, struct cxx_name *n)
{
	const char *p = text, *comp = text;
	int angle = 0, rc;

	memset(n, 0, sizeof(*n));
	n->text = text;
	if (!strncmp(text, "_Z", 2)) {
		for (p = text; dw_is_ident_char(*p); p++)
			;
		if (!*p) {
			n->mangled = true;
			return 0;
		}
		p = text;
	}
	while (*p) {
		if (p == comp && !strncmp(p, ANON_NS, strlen(ANON_NS))) {
			p += strlen(ANON_NS);
			continue;
		}
		if ((p == comp || !dw_is_ident_char(p[-1])) && dw_skip_operator(p) != p) {
			p = dw_skip_operator(p);
			continue;
		}
		if (*p == '<') {
			angle++;
		} else if (*p == '>' && angle) {
			angle--;
		} else if (!angle && *p == '(') {
			break;
		} else if (!angle && p[0] == ':' && p[1] == ':') {
			rc = add_comp(n, comp, p - comp);
			if (rc)
				goto fail;
			p += 2;
			comp = p;
			continue;
		}
		p++;
	}
	rc = add_comp(n, comp, p - comp);
	if (!rc && *p == '(')
		rc = parse_params(n, p);
	if (!rc)
		return 0;
fail:
	cxx_name_free(n);
	return rc;
}

bool cxx_name_is_plain(const struct cxx_name *n)
{
	return !n->mangled && n->ncomps == 1 && !n->has_params &&
	       dw_name_base_len(n->comp[0]) == strlen(n->comp[0]);
}

/* --- names from DWARF ----------------------------------------------------- */

void dw_fn_decl(Dwarf_Die *fn, Dwarf_Die *decl)
{
	*decl = *fn;
	for (int i = 0; i < MAX_DEPTH; i++) {
		Dwarf_Attribute a;
		Dwarf_Die next;

		if ((!dwarf_attr(decl, DW_AT_abstract_origin, &a) && !dwarf_attr(decl, DW_AT_specification, &a)) ||
		    !dwarf_formref_die(&a, &next))
			return;
		*decl = next;
	}
}

const char *dw_fn_linkage_name(Dwarf_Die *fn)
{
	Dwarf_Attribute a;

	if (!dwarf_attr_integrate(fn, DW_AT_linkage_name, &a) &&
	    !dwarf_attr_integrate(fn, DW_AT_MIPS_linkage_name, &a))
		return NULL;
	return dwarf_formstring(&a);
}

static bool is_scope(int tag)
{
	return tag == DW_TAG_namespace || tag == DW_TAG_class_type || tag == DW_TAG_structure_type ||
	       tag == DW_TAG_union_type;
}

/*
 * The names of the namespaces and classes around die, innermost first,
 * up to its unit (or a function: a local class is not named through it).
 * From the index where die is one of its nodes, else from libdw, which
 * walks the unit to find them.  The count.
 */
static size_t scope_names(const struct dw_index *ix, Dwarf_Die *die, const char **names)
{
	Dwarf_Die cur = *die, parent, *scopes = NULL;
	size_t n = 0;
	int ns;

	if (ix && dw_index_parent(ix, &cur, &parent)) {
		do {
			if (!is_scope(dwarf_tag(&parent)) || n == MAX_SCOPES)
				break;
			names[n++] = dwarf_diename(&parent) ?: dwarf_tag(&parent) == DW_TAG_namespace ?
				     ANON_NS : "(anonymous)";
			cur = parent;
		} while (dw_index_parent(ix, &cur, &parent));
		return n;
	}
	ns = dwarf_getscopes_die(die, &scopes);
	for (int i = 1; i < ns && n < MAX_SCOPES; i++) {
		if (!is_scope(dwarf_tag(&scopes[i])))
			break;
		names[n++] = dwarf_diename(&scopes[i]) ?: dwarf_tag(&scopes[i]) == DW_TAG_namespace ?
			     ANON_NS : "(anonymous)";
	}
	if (ns > 0)
		free(scopes);
	return n;
}

static void add_scoped(const struct dw_index *ix, Dwarf_Die *die, struct strbuf *sb)
{
	const char *names[MAX_SCOPES];
	size_t n = scope_names(ix, die, names);

	while (n-- > 0)
		strbuf_addf(sb, "%s::", names[n]);
	strbuf_addstr(sb, dwarf_diename(die) ?: "(anonymous)");
}

static void fmt_params(const struct dw_index *ix, Dwarf_Die *fn, bool peel, struct strbuf *sb,
		       bool *is_const, int depth);

/*
 * A type as the demangler spells it (and so gdb's info functions):
 * "market::Item const&", "char const*", "void (*)(int)".  peel: typedefs
 * resolved (as in a mangled name), else named as the source wrote them.
 */
static void fmt_type(const struct dw_index *ix, Dwarf_Die *type, bool peel, struct strbuf *sb, int depth)
{
	Dwarf_Die inner;
	bool has_inner = die_type(type, &inner);
	int tag = dwarf_tag(type);

	if (depth > MAX_DEPTH) {
		strbuf_addstr(sb, "?");
		return;
	}
	switch (tag) {
	case DW_TAG_typedef:
		if (peel && has_inner)
			fmt_type(ix, &inner, peel, sb, depth + 1);
		else
			add_scoped(ix, type, sb);
		break;
	case DW_TAG_base_type: {
		const char *name = dwarf_diename(type) ?: "?";
		struct strbuf c = STRBUF_INIT;

		if (!canon(name, strlen(name), &c))
			strbuf_addstr(sb, c.buf);
		strbuf_release(&c);
		break;
	}
	case DW_TAG_class_type:
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
		add_scoped(ix, type, sb);
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type: {
		const char *op = tag == DW_TAG_pointer_type ? "*" : tag == DW_TAG_reference_type ? "&" : "&&";

		if (has_inner && dwarf_tag(&inner) == DW_TAG_subroutine_type) {
			Dwarf_Die ret;

			if (die_type(&inner, &ret))
				fmt_type(ix, &ret, peel, sb, depth + 1);
			else
				strbuf_addstr(sb, "void");
			strbuf_addf(sb, " (%s)", op);
			fmt_params(ix, &inner, peel, sb, NULL, depth + 1);
			break;
		}
		if (has_inner)
			fmt_type(ix, &inner, peel, sb, depth + 1);
		else
			strbuf_addstr(sb, "void");
		strbuf_addstr(sb, op);
		break;
	}
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		if (has_inner)
			fmt_type(ix, &inner, peel, sb, depth + 1);
		else
			strbuf_addstr(sb, "void");
		strbuf_addstr(sb, tag == DW_TAG_const_type ? " const" : " volatile");
		break;
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		if (has_inner)
			fmt_type(ix, &inner, peel, sb, depth + 1);
		break;
	case DW_TAG_array_type:
		if (has_inner)
			fmt_type(ix, &inner, peel, sb, depth + 1);
		strbuf_addstr(sb, " []");
		break;
	default:
		/* decltype(nullptr) and the like say their own name */
		strbuf_addstr(sb, dwarf_diename(type) ?: "?");
	}
}

/*
 * "(int, char const*)" of a function or function type; *is_const, for a
 * member function, whether its this points to const.  Top-level cv of a
 * parameter is not part of the function's type, nor of its mangled name.
 */
static void fmt_params(const struct dw_index *ix, Dwarf_Die *fn, bool peel, struct strbuf *sb,
		       bool *is_const, int depth)
{
	Dwarf_Die child;
	bool first = true;

	strbuf_addch(sb, '(');
	if (dwarf_child(fn, &child) == 0) {
		do {
			Dwarf_Attribute a;
			Dwarf_Die type, t;
			bool artificial = false;

			if (dwarf_tag(&child) == DW_TAG_unspecified_parameters) {
				strbuf_addstr(sb, first ? "..." : ", ...");
				first = false;
				continue;
			}
			if (dwarf_tag(&child) != DW_TAG_formal_parameter)
				continue;
			if (dwarf_attr_integrate(&child, DW_AT_artificial, &a))
				dwarf_formflag(&a, &artificial);
			if (!die_type(&child, &type))
				continue;
			if (artificial) {
				/* this: a pointer to the class, const for a const member */
				if (is_const && dwarf_tag(&type) == DW_TAG_pointer_type && die_type(&type, &t) &&
				    dwarf_tag(&t) == DW_TAG_const_type)
					*is_const = true;
				continue;
			}
			for (int i = 0; i < MAX_DEPTH; i++) {
				int tag = dwarf_tag(&type);

				if (tag == DW_TAG_typedef && peel && die_type(&type, &t))
					type = t;
				else if ((tag == DW_TAG_const_type || tag == DW_TAG_volatile_type) && die_type(&type, &t))
					type = t;
				else
					break;
			}
			if (!first)
				strbuf_addstr(sb, ", ");
			fmt_type(ix, &type, peel, sb, depth + 1);
			first = false;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	strbuf_addch(sb, ')');
}

/* "market::Cart::add", with its scopes canonical as a spec spells them (no spaces where none is needed). */
/*
 * A DWARF name canon() cannot spell (an identifier past a token's 63
 * characters: GCC names libstdc++'s transactional clones by their mangled
 * names, _ZGTtNSt15underflow_errorC1ERK...), as DWARF writes it.
 */
static int canon_or_raw(const char *name, struct strbuf *sb)
{
	size_t len = sb->len;
	int rc = canon(name, strlen(name), sb);

	if (rc != -EINVAL)
		return rc;
	sb->len = len;
	if (sb->buf)
		sb->buf[len] = 0;
	strbuf_addstr(sb, name);
	return 0;
}

static int qualified_name(const struct dw_index *ix, Dwarf_Die *decl, struct strbuf *sb)
{
	const char *names[MAX_SCOPES];
	size_t n = scope_names(ix, decl, names);
	const char *own = dwarf_diename(decl) ?: "?";
	int rc = 0;

	while (!rc && n-- > 0) {
		rc = canon_or_raw(names[n], sb);
		strbuf_addstr(sb, "::");
	}
	return rc ? rc : canon_or_raw(own, sb);
}

char *dw_fn_display_name(const struct dw_index *ix, Dwarf_Die *fn, bool cxx)
{
	struct strbuf sb = STRBUF_INIT;
	Dwarf_Die decl;
	bool is_const = false;

	if (!cxx)
		return die_func_name(fn);
	dw_fn_decl(fn, &decl);
	if (qualified_name(ix, &decl, &sb)) {
		strbuf_release(&sb);
		return NULL;
	}
	fmt_params(ix, &decl, true, &sb, &is_const, 0);
	if (is_const)
		strbuf_addstr(&sb, "const");
	return strbuf_detach(&sb);
}

/* --- matching ------------------------------------------------------------- */

/* A spec's component against a DWARF name: without its template arguments if the spec has none. */
static int comp_matches(const char *want, const char *name)
{
	size_t len = strlen(name);
	char *c;
	int m;

	if (dw_name_base_len(want) == strlen(want))
		len = dw_name_base_len(name);
	c = canon_dup(name, len);
	if (!c)
		return -ENOMEM;
	m = !strcmp(c, want);
	free(c);
	return m;
}

/* "Item const&" is "market::Item const&": the spec's type may leave out scopes. */
static bool param_matches(const char *want, const char *have)
{
	size_t wl = strlen(want), hl = strlen(have);

	if (!strcmp(want, have))
		return true;
	return hl > wl + 2 && !strcmp(have + hl - wl, want) && !memcmp(have + hl - wl - 2, "::", 2);
}

/* The parameters of decl, canonical, split at their top-level commas. */
static int params_of(const struct dw_index *ix, Dwarf_Die *decl, bool peel, char **out, size_t *n,
		     bool *is_const)
{
	struct strbuf sb = STRBUF_INIT;
	struct cxx_name tmp;
	int rc;

	/* parsed as a spec's list, so that both sides are spelled alike */
	strbuf_addch(&sb, 'f');
	fmt_params(ix, decl, peel, &sb, is_const, 0);
	if (*is_const)
		strbuf_addstr(&sb, "const");
	rc = cxx_name_parse(sb.buf, &tmp);
	strbuf_release(&sb);
	if (rc)
		return rc;
	for (size_t i = 0; i < tmp.nparams; i++) {
		out[i] = tmp.param[i];
		tmp.param[i] = NULL;
	}
	*n = tmp.nparams;
	tmp.nparams = 0;
	cxx_name_free(&tmp);
	return 0;
}

static int params_match(const struct dw_index *ix, Dwarf_Die *decl, const struct cxx_name *want)
{
	char *have[CXX_NAME_MAX_PARAMS];
	size_t n = 0;
	bool is_const = false;
	int m = 0, rc;

	for (int peel = 1; peel >= 0 && !m; peel--) {
		rc = params_of(ix, decl, peel, have, &n, &is_const);
		if (rc)
			return rc == -ENOMEM ? rc : 0;
		m = n == want->nparams && is_const == want->is_const;
		for (size_t i = 0; m && i < n; i++)
			m = param_matches(want->param[i], have[i]);
		for (size_t i = 0; i < n; i++)
			free(have[i]);
	}
	return m;
}

int cxx_name_matches(const struct dw_index *ix, const struct dw_fn *fn, const struct cxx_name *want,
		     bool ignore_params)
{
	const char *names[MAX_SCOPES];
	Dwarf_Die decl, die = fn->die;
	size_t n;
	int m;

	if (want->mangled) {
		const char *ln = dw_fn_linkage_name(&die);

		return ln && !strcmp(ln, want->text);
	}
	dw_fn_decl(&die, &decl);
	m = comp_matches(want->comp[want->ncomps - 1], dwarf_diename(&decl) ?: "");
	if (m <= 0)
		return m;
	n = scope_names(ix, &decl, names);
	if (want->ncomps - 1 > n)
		return 0;
	for (size_t i = 0; i + 1 < want->ncomps; i++) {
		m = comp_matches(want->comp[want->ncomps - 2 - i], names[i]);
		if (m <= 0)
			return m;
	}
	if (!want->has_params || ignore_params)
		return 1;
	return params_match(ix, &decl, want);
}

char *dw_instance_name(struct dwarf_file *df, Dwarf_Die *fn, Dwarf_Die *cu)
{
	const struct dw_index *ix = NULL;

	if (!dw_lang_cxx(cu))
		return die_func_name(fn);
	if (dw_index_get(df, &ix))
		ix = NULL;	/* named through libdw's scopes instead */
	return dw_fn_display_name(ix, fn, true);
}

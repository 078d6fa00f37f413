// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/strbuf.h"
#include "probe/spec.h"

static const char *const keys[] = { "exec", "module", "inlines", "force", "via", NULL };

static const struct {
	const char *name;
	enum spec_type type;
} types[] = {
	{ "u8", TYPE_U8 }, { "u16", TYPE_U16 }, { "u32", TYPE_U32 }, { "u64", TYPE_U64 },
	{ "s8", TYPE_S8 }, { "s16", TYPE_S16 }, { "s32", TYPE_S32 }, { "s64", TYPE_S64 },
	{ "x8", TYPE_X8 }, { "x16", TYPE_X16 }, { "x32", TYPE_X32 }, { "x64", TYPE_X64 },
	{ "string", TYPE_STRING },
};

const char *spec_type_name(enum spec_type t)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == t)
			return types[i].name;
	return "default";
}

int spec_fail_errno(struct spec_error *err, int rc, int col, int len, const char *fmt, ...)
{
	va_list ap;

	err->col = col;
	err->len = len;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

int spec_fail(struct spec_error *err, int col, int len, const char *fmt, ...)
{
	va_list ap;

	err->col = col;
	err->len = len > 0 ? len : 1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void spec_error_print(const char *where, const char *text, const struct spec_error *err)
{
	pr_err("%s: %s", where, err->msg);
	if (err->len > 0)
		pr_caret(text, err->col, err->len);
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Length of the identifier at s (0 if none). */
static int ident_len(const char *s)
{
	int n = 0;

	if (!is_ident_start(s[0]))
		return 0;
	while (is_ident(s[n]))
		n++;
	return n;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "y") || !strcmp(v, "1") || !strcmp(v, "true"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "n") || !strcmp(v, "0") || !strcmp(v, "false"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int parse_key(struct spec *s, const char *text, int start, int end, struct spec_error *err)
{
	const char *seg = text + start;
	const char *eq = memchr(seg, '=', end - start);
	char *key, *val;
	int i, rc = 0;

	if (!eq)
		return spec_fail(err, start, end - start, "expected key=value before ';' (keys: exec, module, "
				 "inlines, force, via)");
	key = strndup(seg, eq - seg);
	val = strndup(eq + 1, text + end - eq - 1);
	for (i = 0; keys[i]; i++)
		if (!strcmp(key, keys[i]))
			break;
	if (!keys[i]) {
		rc = spec_fail(err, start, eq - seg, "unknown key '%s'; the keys are exec=PATH, module=NAME, "
			  "inlines=yes|no, force=yes|no and via=kprobe|fentry", key);
	} else if (!*val) {
		rc = spec_fail(err, eq - text + 1, 1, "'%s=' needs a value", key);
	} else if (!strcmp(key, "exec")) {
		free(s->exec);
		s->exec = val;
		val = NULL;
	} else if (!strcmp(key, "module")) {
		free(s->module);
		s->module = val;
		val = NULL;
	} else if (!strcmp(key, "via")) {
		if (!strcmp(val, "kprobe"))
			s->via = VIA_KPROBE;
		else if (!strcmp(val, "fentry"))
			s->via = VIA_FENTRY;
		else
			rc = spec_fail(err, eq - text + 1, strlen(val), "via= takes kprobe or fentry, not '%s'",
				       val);
	} else if (parse_bool(val, !strcmp(key, "inlines") ? &s->inlines : &s->force)) {
		rc = spec_fail(err, eq - text + 1, strlen(val), "'%s' takes yes or no, not '%s'", key, val);
	}
	free(key);
	free(val);
	return rc;
}

static int parse_number(const char *s, int col, unsigned long *out, int *len, struct spec_error *err,
			const char *what)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	if (errno || end == s || (*end && !isspace((unsigned char)*end)))
		return spec_fail(err, col, 1, "%s must be a number (decimal or 0x hex)", what);
	*len = end - s;
	return 0;
}

/*
 * How much of p names the function: up to '@', '+', ':' or '%', where a
 * C++ name's "::" (ns::Class::method) and a parameter list naming one
 * overload (add(int), add(const Item&)) do not end it.
 */
static size_t func_name_len(const char *p)
{
	size_t i = 0;
	int depth = 0;

	while (p[i]) {
		if (p[i] == '(') {
			depth++;
		} else if (p[i] == ')') {
			if (depth)
				depth--;
		} else if (!depth && p[i] == ':' && p[i + 1] == ':') {
			i += 2;
			continue;
		} else if (!depth && strchr("@+:%", p[i])) {
			break;
		}
		i++;
	}
	return i;
}

/*
 * POINT (text[start, end)): FUNC[@FILE] [+OFF | :RELLINE | %return] | FILE:LINE | 0xADDR
 */
static int parse_point(struct spec *s, const char *text, int start, int end, struct spec_error *err)
{
	char *pt = strndup(text + start, end - start);
	const char *p = pt;
	size_t n;
	int len, rc = 0;

	s->point_col = start;
	s->point_len = end - start;
	if (!*p) {
		free(pt);
		return spec_fail(err, start, 1, "expected a probe point after '=' (FUNC, FILE:LINE or 0xADDR)");
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		unsigned long a;

		s->point = POINT_ADDR;
		rc = parse_number(p, start, &a, &len, err, "an address");
		s->addr = a;
		free(pt);
		return rc;
	}

	n = func_name_len(p);
	if (!n) {
		free(pt);
		return spec_fail(err, start, 1, "expected a function name or FILE:LINE");
	}
	s->point = POINT_FUNC;
	s->func = strndup(p, n);
	s->func_col = start;
	p += n;
	if (*p == '@') {
		size_t fn = strcspn(p + 1, "+:%");

		if (!fn) {
			rc = spec_fail(err, start + (p - pt) + 1, 1, "expected a file name after '@'");
			goto out;
		}
		s->file = strndup(p + 1, fn);
		s->file_col = start + (p - pt) + 1;
		p += 1 + fn;
	}
	s->suffix_col = start + (p - pt);
	switch (*p) {
	case 0:
		break;
	case '+': {
		unsigned long off;

		rc = parse_number(p + 1, s->suffix_col + 1, &off, &len, err, "the offset after '+'");
		if (rc)
			goto out;
		s->offset = off;
		s->has_offset = true;
		p += 1 + len;
		break;
	}
	case ':': {
		unsigned long line;

		rc = parse_number(p + 1, s->suffix_col + 1, &line, &len, err, "the line after ':'");
		if (rc)
			goto out;
		p += 1 + len;
		/* "name.c:12" is a source line; "func:3" a line relative to func. */
		if (!s->file && (strchr(s->func, '.') || strchr(s->func, '/'))) {
			s->point = POINT_LINE;
			s->file = s->func;
			s->file_col = s->func_col;
			s->func = NULL;
		} else {
			s->has_relline = true;
		}
		s->line = line;
		break;
	}
	case '%':
		if (strcmp(p, "%return")) {
			rc = spec_fail(err, s->suffix_col, strlen(p), "expected %%return");
			goto out;
		}
		s->ret = true;
		p += 7;
		break;
	}
	if (*p)
		rc = spec_fail(err, start + (p - pt), strlen(p), "unexpected '%s' after the probe point", p);
	else if (s->point == POINT_FUNC && !ident_len(s->func) && !(s->func[0] == '~' && ident_len(s->func + 1)) &&
		 strncmp(s->func, "(anonymous namespace)::", 23))	/* a destructor; what gdb names so */
		rc = spec_fail(err, s->func_col, strlen(s->func), "'%s' is not a function name", s->func);
out:
	free(pt);
	return rc;
}

static int add_step(struct spec_arg *a, enum spec_step_kind kind, char *field, long index, int col)
{
	struct spec_step *ns = realloc(a->steps, (a->nsteps + 1) * sizeof(*ns));

	if (!ns) {
		free(field);
		return -ENOMEM;
	}
	a->steps = ns;
	a->steps[a->nsteps++] = (struct spec_step){ kind, field, index, col };
	return 0;
}

/* The name an unnamed arg prints under: its last field or variable, with indexes. */
static char *derive_name(const struct spec_arg *a)
{
	struct strbuf sb = STRBUF_INIT;
	size_t last = 0;
	bool have_field = false;

	switch (a->kind) {
	case EXPR_RETVAL: return strdup("retval");
	case EXPR_PARAMS: return strdup("$params");
	case EXPR_VARS: return strdup("$vars");
	default: break;
	}
	for (size_t i = 0; i < a->nsteps; i++) {
		if (a->steps[i].kind != STEP_INDEX) {
			last = i;
			have_field = true;
		}
	}
	strbuf_addstr(&sb, have_field ? a->steps[last].field : a->var);
	for (size_t i = have_field ? last + 1 : 0; i < a->nsteps; i++)
		strbuf_addf(&sb, "[%ld]", a->steps[i].index);
	return strbuf_detach(&sb);
}

/* ARG (text[start, end)): [NAME=] EXPR [:TYPE] */
static int parse_arg(struct spec_arg *a, const char *text, int start, int end, struct spec_error *err)
{
	const char *s = text + start, *e = text + end, *p;
	int n, rc;

	memset(a, 0, sizeof(*a));
	a->text = strndup(s, end - start);
	a->col = start;
	a->len = end - start;

	n = ident_len(s);
	if (n && s + n < e && s[n] == '=') {
		a->name = strndup(s, n);
		a->named = true;
		s += n + 1;
	}
	p = s;
	if (p >= e)
		return spec_fail(err, p - text, 1, "expected an expression after '='");
	if (*p == '$') {
		n = ident_len(p + 1);
		if (n == 6 && !strncmp(p + 1, "retval", 6))
			a->kind = EXPR_RETVAL;
		else if (n == 6 && !strncmp(p + 1, "params", 6))
			a->kind = EXPR_PARAMS;
		else if (n == 4 && !strncmp(p + 1, "vars", 4))
			a->kind = EXPR_VARS;
		else
			return spec_fail(err, p - text, n + 1, "unknown '$%.*s'; use $retval, $params or $vars",
				    n, p + 1);
		p += n + 1;
		if (a->kind != EXPR_RETVAL && p < e && *p != ':')
			return spec_fail(err, p - text, e - p, "$params and $vars take no fields or type");
	} else {
		if (*p == '%' || *p == '@') {
			a->kind = *p == '%' ? EXPR_REG : EXPR_GLOBAL;
			p++;
		} else {
			a->kind = EXPR_VAR;
		}
		n = ident_len(p);
		if (!n)
			return spec_fail(err, p - text, 1, "expected a %s name",
				    a->kind == EXPR_REG ? "register" : "variable");
		a->var = strndup(p, n);
		p += n;
	}
	while (p < e && *p != ':') {
		int col = p - text;

		if (p[0] == '-' && p + 1 < e && p[1] == '>') {
			n = ident_len(p + 2);
			if (!n)
				return spec_fail(err, col + 2, 1, "expected a field name after '->'");
			rc = add_step(a, STEP_ARROW, strndup(p + 2, n), 0, col);
			p += 2 + n;
		} else if (*p == '.') {
			n = ident_len(p + 1);
			if (!n)
				return spec_fail(err, col + 1, 1, "expected a field name after '.'");
			rc = add_step(a, STEP_DOT, strndup(p + 1, n), 0, col);
			p += 1 + n;
		} else if (*p == '[') {
			char *endp;
			long idx;

			errno = 0;
			idx = strtol(p + 1, &endp, 0);
			if (errno || endp == p + 1 || endp >= e || *endp != ']')
				return spec_fail(err, col, 1, "expected [INDEX] with a whole number");
			rc = add_step(a, STEP_INDEX, NULL, idx, col);
			p = endp + 1;
		} else {
			return spec_fail(err, col, 1, "unexpected '%c' in '%s' (fields are ->NAME, .NAME or [INDEX])",
				    *p, a->text);
		}
		if (rc)
			return rc;
	}
	if (p < e && *p == ':') {
		size_t i;

		a->type_col = p - text + 1;
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if ((size_t)(e - p - 1) == strlen(types[i].name) &&
			    !strncmp(p + 1, types[i].name, e - p - 1))
				break;
		if (i == sizeof(types) / sizeof(types[0]))
			return spec_fail(err, a->type_col, e - p - 1, "unknown type '%.*s'; use u8..u64, "
				    "s8..s64, x8..x64 or string", (int)(e - p - 1), p + 1);
		a->type = types[i].type;
	}
	if (!a->name)
		a->name = derive_name(a);
	return 0;
}

/* The name an unnamed arg takes when its short name collides: the whole chain, prev->pid: prev_pid. */
static char *chain_name(const struct spec_arg *a)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, a->kind == EXPR_RETVAL ? "retval" : a->var ? a->var : "arg");
	for (size_t i = 0; i < a->nsteps; i++) {
		if (a->steps[i].kind == STEP_INDEX)
			strbuf_addf(&sb, "_%ld", a->steps[i].index);
		else
			strbuf_addf(&sb, "_%s", a->steps[i].field);
	}
	for (char *c = sb.buf; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			*c = '_';
	return strbuf_detach(&sb);
}

/* Whether an arg other than self, among the first n, has the name. */
static bool name_taken(const struct spec *s, size_t self, size_t n, const char *name)
{
	for (size_t j = 0; j < n; j++)
		if (j != self && s->args[j].name && !strcmp(s->args[j].name, name))
			return true;
	return false;
}

/*
 * Every arg prints under a name of its own (a JSON object keeps one value
 * a key): two NAME= alike are refused; an unnamed arg whose short name
 * another arg has takes its chain's name (prev->pid: prev_pid), then _2,
 * _3 if that is taken too.
 */
static int unique_names(struct spec *s, struct spec_error *err)
{
	bool collides[SPEC_ARGS_MAX] = { false };

	for (size_t i = 0; i < s->nargs; i++)
		for (size_t j = 0; j < i; j++)
			if (s->args[i].named && s->args[j].named &&
			    !strcmp(s->args[i].name, s->args[j].name))
				return spec_fail(err, s->args[i].col, s->args[i].len,
						 "two args are named '%s'; name them apart", s->args[i].name);

	/* decided on the short names first: prev->pid and next->pid both become chains */
	for (size_t i = 0; i < s->nargs && i < SPEC_ARGS_MAX; i++)
		collides[i] = !s->args[i].named && name_taken(s, i, s->nargs, s->args[i].name) &&
			      (s->args[i].kind == EXPR_VAR || s->args[i].kind == EXPR_GLOBAL ||
			       s->args[i].kind == EXPR_REG || s->args[i].kind == EXPR_RETVAL);
	for (size_t i = 0; i < s->nargs && i < SPEC_ARGS_MAX; i++) {
		if (!collides[i])
			continue;
		free(s->args[i].name);
		s->args[i].name = chain_name(&s->args[i]);
	}
	for (size_t i = 0; i < s->nargs; i++) {
		struct spec_arg *a = &s->args[i];
		char *base;

		if (a->named || !name_taken(s, i, i, a->name))
			continue;
		base = a->name;
		a->name = NULL;
		for (int k = 2; !a->name || name_taken(s, i, s->nargs, a->name); k++) {
			free(a->name);
			if (asprintf(&a->name, "%s_%d", base, k) < 0) {
				a->name = base;
				return -ENOMEM;
			}
		}
		free(base);
	}
	return 0;
}

static int parse_args(struct spec *s, const char *text, const char *p, struct spec_error *err)
{
	int rc_names;

	while (*p) {
		const char *start;
		struct spec_arg *na;
		int rc;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (s->nargs == SPEC_ARGS_MAX)
			return spec_fail(err, start - text, p - start, "too many args: an event fetches at "
					 "most %d (one fault bit each in the sample's 64-bit word); "
					 "split them over two events", SPEC_ARGS_MAX);
		na = realloc(s->args, (s->nargs + 1) * sizeof(*na));
		if (!na)
			return -ENOMEM;
		s->args = na;
		rc = parse_arg(&s->args[s->nargs], text, start - text, p - text, err);
		s->nargs++;
		if (rc)
			return rc;
	}
	rc_names = unique_names(s, err);
	if (rc_names)
		return rc_names;
	for (size_t i = 0; i < s->nargs; i++) {
		const struct spec_arg *a = &s->args[i];

		if (a->kind == EXPR_RETVAL && s->point == POINT_FENTRY && !s->ret)
			return spec_fail(err, a->col, a->len, "$retval is only known at a function's "
				    "return: probe fexit/%s", s->func);
		if (a->kind == EXPR_RETVAL && s->point == POINT_TP_BTF)
			return spec_fail(err, a->col, a->len, "a tracepoint has no $retval");
		if (a->kind == EXPR_RETVAL && !s->ret && s->point != POINT_RAW_TP && s->point != POINT_TP &&
		    s->point != POINT_FENTRY)
			return spec_fail(err, a->col, a->len, "$retval is only known at a function's "
				    "return: add %%return to the probe point");
		if (s->point == POINT_FENTRY && a->kind == EXPR_VARS)
			return spec_fail(err, a->col, a->len, "without DWARF a function has no locals; "
				    "fetch its parameters ($params)");
	}
	/* a kernel function's may go through fexit, which has them: probe_resolve() decides */
	return s->exec || s->module ? spec_check_return(s, err) : 0;
}

bool spec_needs_fexit(const struct spec *s)
{
	if (!s->ret || s->point != POINT_FUNC)
		return false;
	for (size_t i = 0; i < s->nargs; i++)
		if (s->args[i].kind == EXPR_VAR || s->args[i].kind == EXPR_PARAMS ||
		    s->args[i].kind == EXPR_VARS)
			return true;
	return false;
}

int spec_check_return(const struct spec *s, struct spec_error *err)
{
	/* fexit has the entry's arguments at the return, a uretprobe or kretprobe has not */
	if (s->point == POINT_FENTRY || s->via == VIA_FENTRY || !spec_needs_fexit(s))
		return 0;
	for (size_t i = 0; i < s->nargs; i++) {
		const struct spec_arg *a = &s->args[i];

		if (a->kind == EXPR_VAR || a->kind == EXPR_PARAMS || a->kind == EXPR_VARS)
			return spec_fail(err, a->col, a->len, "at %%return the function's locals are gone; "
					 "fetch $retval, or probe a line before the return");
	}
	return 0;
}

bool spec_point_is_section(const struct spec *s)
{
	return s->point == POINT_RAW_TP || s->point == POINT_TP || s->point == POINT_FENTRY ||
	       s->point == POINT_TP_BTF;
}

int spec_tramp_eligible(const struct spec *s, const char **why)
{
	*why = NULL;
	if (s->point != POINT_FUNC || s->exec || s->module)
		*why = "not a vmlinux function spec";
	else if ((s->has_offset && s->offset) || s->has_relline || s->file)
		*why = "the trampoline probes a function's entry and return only";
	for (size_t i = 0; !*why && i < s->nargs; i++)
		if (s->args[i].kind == EXPR_REG || s->args[i].kind == EXPR_VARS)
			*why = "a trampoline program reads no registers or locals";
	return *why ? -EINVAL : 0;
}

int spec_check_nargs(const struct spec *s, size_t nfetched, struct spec_error *err)
{
	int first = -1, last = -1;

	if (nfetched <= SPEC_ARGS_MAX)
		return 0;
	/* only an expansion makes more args than were written: underline them all */
	for (size_t i = 0; i < s->nargs; i++) {
		const struct spec_arg *a = &s->args[i];

		if (a->kind != EXPR_PARAMS && a->kind != EXPR_VARS)
			continue;
		if (first < 0)
			first = a->col;
		last = a->col + a->len;
	}
	spec_fail(err, first, last - first, "too many args: these make %zu, and an event fetches "
		  "at most %d (one fault bit each in the sample's 64-bit word); name the args instead",
		  nfetched, SPEC_ARGS_MAX);
	if (first < 0)
		err->col = err->len = 0;	/* no expansion to point at: the spec as a whole */
	return -E2BIG;
}

/*
 * Whether "PREFIX=" before eq names the event: it does unless the point
 * is a C++ operator (Cls::operator=, operator==), whose '=' is its own.
 */
static bool names_event(const char *start, const char *eq)
{
	const char *colon = memchr(start, ':', eq - start);
	const char *name = colon ? colon + 1 : start;

	if (!memmem(start, eq - start, "operator", 8))
		return true;
	return eq[1] != '=' && ident_len(name) == eq - name &&
	       (!colon || ident_len(start) == colon - start);
}

/*
 * A spec without EVENT= takes its event's name from the point, as perf
 * probe does: FUNC (C++: the qualified name, "::" and what is not a C
 * identifier becoming '_', the parameter list dropped), FUNC__return at
 * %return, FUNC_L3 at FUNC:3, FILE_L12 (the file's name without its
 * directory and suffix) at FILE:12, abs_ADDR at 0xADDR.  The session makes
 * it unique among the run's events (FUNC_1, FUNC_2).
 */
static int derive_event(struct spec *s)
{
	struct strbuf sb = STRBUF_INIT;
	const char *base = s->point == POINT_LINE ? s->file : s->func, *slash, *dot;
	size_t n;

	if (s->point == POINT_ADDR) {
		strbuf_addf(&sb, "abs_%llx", (unsigned long long)s->addr);
	} else {
		n = strlen(base);
		if (s->point == POINT_LINE) {
			slash = strrchr(base, '/');
			base = slash ? slash + 1 : base;
			dot = strchr(base, '.');
			n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
		} else if (strchr(base, '(')) {
			n = strchr(base, '(') - base;
		}
		for (size_t i = 0; i < n; i++) {
			char c = base[i];

			if (is_ident(c))
				strbuf_addch(&sb, c);
			else if (sb.len && sb.buf[sb.len - 1] != '_')
				strbuf_addch(&sb, '_');
		}
		while (sb.len && sb.buf[sb.len - 1] == '_')
			sb.buf[--sb.len] = 0;
		if (!sb.len || !is_ident_start(sb.buf[0])) {
			struct strbuf t = STRBUF_INIT;

			strbuf_addf(&t, "probe_%s", sb.buf ? sb.buf : "");
			strbuf_release(&sb);
			sb = t;
		}
		if (s->point == POINT_LINE || s->has_relline)
			strbuf_addf(&sb, "_L%ld", s->line);
		if (s->ret)
			strbuf_addstr(&sb, "__return");
	}
	if (!sb.buf)
		return -ENOMEM;
	s->event = strbuf_detach(&sb);
	s->event_col = s->point_col;
	s->event_derived = true;
	return 0;
}

static int parse_tracepoint(struct spec *s, const char *text, const char *p, struct spec_error *err)
{
	const char *name = strchr(p, '/') + 1, *end = name;

	while (*end && !isspace((unsigned char)*end))
		end++;
	if (s->point == POINT_FENTRY || s->point == POINT_TP_BTF) {
		/* a function or tracepoint name, nothing after it: no +OFF, no %return */
		int n = ident_len(name);

		if (name == end)
			return spec_fail(err, name - text, 1, "expected a %s name after '%.*s'",
					 s->point == POINT_TP_BTF ? "tracepoint" : "function",
					 (int)(name - p), p);
		if (name + n != end)
			return spec_fail(err, name + n - text, end - name - n, "unexpected '%.*s' after "
					 "the %s name%s", (int)(end - name - n), name + n,
					 s->point == POINT_TP_BTF ? "tracepoint" : "function",
					 s->point == POINT_FENTRY && !s->ret && name[n] == '%' ?
					 " (fexit/FUNC probes the return)" : "");
	}
	if (s->point == POINT_TP) {
		const char *slash = memchr(name, '/', end - name);

		if (!slash || slash == name || slash + 1 == end)
			return spec_fail(err, name - text, end - name, "expected tp/CATEGORY/NAME");
		s->category = strndup(name, slash - name);
		name = slash + 1;
	}
	if (name == end)
		return spec_fail(err, name - text, 1, "expected a tracepoint name");
	s->func = strndup(name, end - name);
	s->func_col = name - text;
	s->event = strdup(s->func);
	s->event_col = s->func_col;
	return parse_args(s, text, end, err);
}

int spec_parse(const char *text, struct spec *s, struct spec_error *err)
{
	const char *p, *main_start, *tok_end, *eq, *colon;
	int rc, depth;

	memset(s, 0, sizeof(*s));
	memset(err, 0, sizeof(*err));
	s->inlines = true;
	s->text = strdup(text);
	if (!s->text)
		return -ENOMEM;

	/* key=value; pairs come first */
	main_start = text;
	for (p = text; (p = strchr(main_start, ';')); main_start = p + 1) {
		while (isspace((unsigned char)*main_start))
			main_start++;
		rc = parse_key(s, text, main_start - text, p - text, err);
		if (rc)
			goto fail;
	}
	while (isspace((unsigned char)*main_start))
		main_start++;
	if (!*main_start) {
		rc = spec_fail(err, main_start - text, 1, "expected EVENT=POINT after the keys");
		goto fail;
	}

	if (!strncmp(main_start, "raw_tp/", 7) || !strncmp(main_start, "raw_tracepoint/", 15)) {
		s->point = POINT_RAW_TP;
		rc = parse_tracepoint(s, text, main_start, err);
		goto done;
	}
	if (!strncmp(main_start, "fentry/", 7) || !strncmp(main_start, "fexit/", 6) ||
	    !strncmp(main_start, "tp_btf/", 7)) {
		s->point = main_start[1] == 'p' ? POINT_TP_BTF : POINT_FENTRY;
		s->ret = main_start[1] == 'e' && main_start[2] == 'x';
		rc = parse_tracepoint(s, text, main_start, err);
		goto done;
	}
	if (!strncmp(main_start, "tp/", 3) || !strncmp(main_start, "tracepoint/", 11)) {
		s->point = POINT_TP;
		rc = parse_tracepoint(s, text, main_start, err);
		goto done;
	}

	/* the point ends at a space, but not inside an overload's "(const Item &)" */
	for (tok_end = main_start, depth = 0; *tok_end && (depth || !isspace((unsigned char)*tok_end)); tok_end++)
		depth += *tok_end == '(' ? 1 : *tok_end == ')' && depth ? -1 : 0;
	eq = memchr(main_start, '=', tok_end - main_start);
	if (!eq || !names_event(main_start, eq)) {
		/* no EVENT=: the event is named after the point, as perf probe names it */
		rc = parse_point(s, text, main_start - text, tok_end - text, err);
		if (!rc)
			rc = derive_event(s);
		if (!rc)
			rc = parse_args(s, text, tok_end, err);
		goto done;
	}
	colon = memchr(main_start, ':', eq - main_start);
	if (colon) {
		s->group = strndup(main_start, colon - main_start);
		if (!ident_len(s->group) || (int)strlen(s->group) != ident_len(s->group)) {
			rc = spec_fail(err, main_start - text, colon - main_start, "'%s' is not a group name",
				  s->group);
			goto fail;
		}
		main_start = colon + 1;
	}
	s->event = strndup(main_start, eq - main_start);
	s->event_col = main_start - text;
	if (!ident_len(s->event) || (int)strlen(s->event) != ident_len(s->event)) {
		rc = spec_fail(err, s->event_col, eq - main_start > 0 ? eq - main_start : 1,
			  "'%s' is not an event name (letters, digits and _)", s->event);
		goto fail;
	}
	rc = parse_point(s, text, eq + 1 - text, tok_end - text, err);
	if (rc)
		goto fail;
	rc = parse_args(s, text, tok_end, err);
done:
	if (!rc)
		return 0;
fail:
	spec_free(s);
	return rc;
}

void spec_free(struct spec *s)
{
	for (size_t i = 0; i < s->nargs; i++) {
		struct spec_arg *a = &s->args[i];

		for (size_t j = 0; j < a->nsteps; j++)
			free(a->steps[j].field);
		free(a->steps);
		free(a->name);
		free(a->var);
		free(a->text);
	}
	free(s->args);
	free(s->text);
	free(s->exec);
	free(s->module);
	free(s->group);
	free(s->event);
	free(s->func);
	free(s->file);
	free(s->category);
	memset(s, 0, sizeof(*s));
}

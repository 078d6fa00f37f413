// SPDX-License-Identifier: GPL-2.0
/* The --filter expression parser (probe/filter.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"
#include "probe/filter.h"

struct parser {
	const char *text;
	const char *p;
	struct spec_error *err;
	int depth;
};

static int col(const struct parser *ps, const char *at)
{
	return at - ps->text;
}

static void skip_space(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static struct filter_node *node(enum filter_kind kind)
{
	struct filter_node *n = calloc(1, sizeof(*n));

	if (n)
		n->kind = kind;
	return n;
}

static void node_free(struct filter_node *n)
{
	if (!n)
		return;
	node_free(n->l);
	node_free(n->r);
	free(n->name);
	free(n->rhs);
	free(n->str);
	free(n);
}

static int parse_or(struct parser *ps, struct filter_node **out);

static bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_' || c == '$';
}

static bool is_name(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || c == '.';
}

/* The token at p, for messages: up to the next space, at most 20 bytes. */
static int token_len(const char *p)
{
	int n = 0;

	while (p[n] && !isspace((unsigned char)p[n]) && n < 20)
		n++;
	return n ? n : 1;
}

static int parse_op(struct parser *ps, struct filter_node *n)
{
	static const struct { const char *s; enum filter_op op; } ops[] = {
		{ "==", FLT_EQ }, { "!=", FLT_NE }, { "<=", FLT_LE }, { ">=", FLT_GE },
		{ "!~", FLT_NOGLOB }, { "<", FLT_LT }, { ">", FLT_GT }, { "~", FLT_GLOB },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t len = strlen(ops[i].s);

		if (!strncmp(ps->p, ops[i].s, len)) {
			n->op = ops[i].op;
			n->op_col = col(ps, ps->p);
			n->op_len = len;
			ps->p += len;
			return 0;
		}
	}
	if (*ps->p == '=')
		return spec_fail(ps->err, col(ps, ps->p), 1, "'=' is not a comparison; use ==");
	return spec_fail(ps->err, col(ps, ps->p), token_len(ps->p),
			 "expected a comparison (== != < <= > >= & ~ !~) after '%s'", n->name);
}

static int parse_string(struct parser *ps, struct filter_node *n)
{
	struct strbuf sb = STRBUF_INIT;
	const char *start = ps->p++;

	for (; *ps->p && *ps->p != '"'; ps->p++) {
		char c = *ps->p;

		if (c == '\\') {
			switch (*++ps->p) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '\\': c = '\\'; break;
			case '"': c = '"'; break;
			default:
				strbuf_release(&sb);
				return spec_fail(ps->err, col(ps, ps->p - 1), 2,
						 "unknown escape in a string (use \\\" \\\\ \\n \\t)");
			}
		}
		strbuf_addch(&sb, c);
	}
	if (*ps->p != '"') {
		strbuf_release(&sb);
		return spec_fail(ps->err, col(ps, start), ps->p - start, "the string has no closing '\"'");
	}
	ps->p++;
	n->is_str = true;
	n->str_len = sb.len;
	n->str = sb.buf ? strbuf_detach(&sb) : strdup("");
	n->val_col = col(ps, start);
	n->val_len = ps->p - start;
	return n->str ? 0 : -ENOMEM;
}

static int parse_int(struct parser *ps, struct filter_node *n)
{
	const char *start = ps->p, *digits = ps->p;
	unsigned long long v;
	char *end;

	if (*digits == '-')
		digits++;
	if (!isdigit((unsigned char)*digits))
		return spec_fail(ps->err, col(ps, start), token_len(start),
				 "expected an integer or a \"string\" to compare with");
	errno = 0;
	v = strtoull(digits, &end, 0);
	if (errno || is_name(*end))
		return spec_fail(ps->err, col(ps, start), token_len(start),
				 "not an integer (decimal or 0x hex, at most 64 bits)");
	if (digits != start) {
		if (v > (1ULL << 63))
			return spec_fail(ps->err, col(ps, start), end - start,
					 "below the smallest 64-bit integer");
		v = -v;
		n->negative = true;
	}
	n->value = v;
	n->val_col = col(ps, start);
	n->val_len = end - start;
	ps->p = end;
	return 0;
}

static int parse_cmp(struct parser *ps, struct filter_node **out)
{
	const char *start = ps->p;
	struct filter_node *n;
	int rc;

	if (!is_name_start(*ps->p)) {
		if (!*ps->p)
			return spec_fail(ps->err, col(ps, ps->p), 1, "the filter ends where a comparison "
					 "(ARG == VALUE) was expected");
		return spec_fail(ps->err, col(ps, ps->p), token_len(ps->p),
				 "expected an arg's name, '!' or '('");
	}
	while (is_name(*ps->p))
		ps->p++;
	n = node(FILTER_CMP);
	if (!n)
		return -ENOMEM;
	*out = n;
	n->name = strndup(start, ps->p - start);
	n->name_col = col(ps, start);
	n->name_len = ps->p - start;
	if (!n->name)
		return -ENOMEM;
	skip_space(ps);
	if (ps->p[0] == '&' && ps->p[1] != '&') {
		/* ARG & MASK: perf's bit test, or the masked value compared */
		struct filter_node m = { 0 };

		ps->p++;
		skip_space(ps);
		rc = parse_int(ps, &m);
		if (rc)
			return rc;
		n->has_mask = true;
		n->mask = m.value;
		n->mask_col = m.val_col;
		n->mask_len = m.val_len;
		skip_space(ps);
		if (!strchr("=!<>~", *ps->p) || !*ps->p || (ps->p[0] == '!' && ps->p[1] != '=' && ps->p[1] != '~')) {
			n->op = FLT_NE;		/* a bit of MASK is set */
			n->op_col = n->mask_col;
			n->op_len = n->mask_len;
			n->val_col = n->mask_col;
			n->val_len = n->mask_len;
			return 0;
		}
	}
	rc = parse_op(ps, n);
	if (rc)
		return rc;
	skip_space(ps);
	if (*ps->p == '"')
		return parse_string(ps, n);
	if ((n->op == FLT_GLOB || n->op == FLT_NOGLOB))
		return spec_fail(ps->err, col(ps, ps->p), token_len(ps->p),
				 "~ matches a \"glob\" (a string with * ? [...])");
	if (is_name_start(*ps->p)) {
		/* another arg */
		start = ps->p;
		while (is_name(*ps->p))
			ps->p++;
		n->rhs = strndup(start, ps->p - start);
		n->val_col = col(ps, start);
		n->val_len = ps->p - start;
		return n->rhs ? 0 : -ENOMEM;
	}
	return parse_int(ps, n);
}

static int parse_unary(struct parser *ps, struct filter_node **out)
{
	int rc;

	skip_space(ps);
	if (++ps->depth > 100)
		return spec_fail(ps->err, col(ps, ps->p), 1, "nested too deep");
	if (*ps->p == '!' && ps->p[1] != '=') {
		struct filter_node *n = node(FILTER_NOT);

		if (!n)
			return -ENOMEM;
		*out = n;
		ps->p++;
		rc = parse_unary(ps, &n->l);
	} else if (*ps->p == '(') {
		const char *open = ps->p++;

		rc = parse_or(ps, out);
		if (!rc) {
			skip_space(ps);
			if (*ps->p != ')')
				rc = spec_fail(ps->err, col(ps, open), 1, "this '(' is not closed");
			else
				ps->p++;
		}
	} else {
		rc = parse_cmp(ps, out);
	}
	ps->depth--;
	return rc;
}

/* LEFT (OP RIGHT)*, for && and || */
static int parse_binary(struct parser *ps, struct filter_node **out, const char *tok,
			enum filter_kind kind, int (*sub)(struct parser *, struct filter_node **))
{
	int rc = sub(ps, out);

	while (!rc) {
		struct filter_node *n;

		skip_space(ps);
		if (strncmp(ps->p, tok, 2))
			break;
		ps->p += 2;
		n = node(kind);
		if (!n)
			return -ENOMEM;
		n->l = *out;
		*out = n;
		rc = sub(ps, &n->r);
	}
	return rc;
}

static int parse_and(struct parser *ps, struct filter_node **out)
{
	return parse_binary(ps, out, "&&", FILTER_AND, parse_unary);
}

static int parse_or(struct parser *ps, struct filter_node **out)
{
	return parse_binary(ps, out, "||", FILTER_OR, parse_and);
}

int filter_parse(const char *text, struct filter *f, struct spec_error *err)
{
	struct parser ps = { .text = text, .p = text, .err = err };
	int rc;

	memset(f, 0, sizeof(*f));
	memset(err, 0, sizeof(*err));
	f->text = strdup(text);
	if (!f->text)
		return -ENOMEM;
	rc = parse_or(&ps, &f->root);
	if (!rc) {
		skip_space(&ps);
		if (*ps.p == ')')
			rc = spec_fail(err, col(&ps, ps.p), 1, "this ')' closes nothing");
		else if (*ps.p == '&' || *ps.p == '|')
			rc = spec_fail(err, col(&ps, ps.p), token_len(ps.p), "use && and || (one '%c' "
				       "is not an operator here)", *ps.p);
		else if (*ps.p)
			rc = spec_fail(err, col(&ps, ps.p), token_len(ps.p), "expected && or || or the "
				       "end of the filter");
	}
	if (rc)
		filter_free(f);
	return rc;
}

void filter_free(struct filter *f)
{
	node_free(f->root);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

static const struct filter_arg *find_arg(const char *name, const struct filter_arg *args,
					size_t nargs, size_t *idx)
{
	for (size_t i = 0; i < nargs; i++)
		if (!strcmp(args[i].name, name)) {
			*idx = i;
			return &args[i];
		}
	return NULL;
}

static int no_arg(struct spec_error *err, int col, int len, const char *name,
		  const struct filter_arg *args, size_t nargs)
{
	struct strbuf names = STRBUF_INIT;
	int rc;

	for (size_t i = 0; i < nargs; i++)
		strbuf_addf(&names, "%s%s", i ? ", " : "", args[i].name);
	rc = spec_fail(err, col, len, "the spec has no arg '%s'; it has: %s", name,
		       names.buf ? names.buf : "none");
	strbuf_release(&names);
	return rc;
}

int glob_compile(const char *s, size_t len, struct glob_elem **out, size_t *n)
{
	struct glob_elem *g = calloc(len ? len : 1, sizeof(*g));
	size_t k = 0;

	if (!g)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		struct glob_elem *e = &g[k++];
		bool negate = false, first = true;

		switch (s[i]) {
		case '*':
			e->kind = GLOB_STAR;
			continue;
		case '?':
			e->kind = GLOB_ANY;
			continue;
		case '\\':
			if (i + 1 < len)
				i++;
			/* fall through */
		default:
			e->kind = GLOB_BYTE;
			e->byte = s[i];
			continue;
		case '[':
			break;
		}
		e->kind = GLOB_SET;
		if (i + 1 < len && (s[i + 1] == '!' || s[i + 1] == '^'))
			negate = true, i++;
		for (i++; i < len && (first || s[i] != ']'); i++, first = false) {
			unsigned lo = (unsigned char)s[i], hi = lo;

			if (i + 2 < len && s[i + 1] == '-' && s[i + 2] != ']') {
				hi = (unsigned char)s[i + 2];
				i += 2;
			}
			for (unsigned c = lo; c <= hi; c++)
				e->set[c / 8] |= 1u << (c % 8);
		}
		if (i >= len) {
			free(g);
			return -EINVAL;
		}
		if (negate)
			for (unsigned c = 0; c < 32; c++)
				e->set[c] = ~e->set[c];
		e->set[0] &= ~1u;	/* the NUL ends the string: no set holds it */
	}
	*out = g;
	*n = k;
	return 0;
}

/* The bytes a match of the glob needs (outside its *), or -EINVAL with err under the fault. */
static int glob_check(const struct filter_node *n, struct spec_error *err)
{
	struct glob_elem *g;
	size_t ng, need = 0;
	int rc = glob_compile(n->str, n->str_len, &g, &ng);

	if (rc == -EINVAL)
		return spec_fail(err, n->val_col, n->val_len, "a '[' in the glob is not closed");
	if (rc)
		return rc;
	for (size_t i = 0; i < ng; i++)
		need += g[i].kind != GLOB_STAR;
	free(g);
	return (int)need;
}

static int bind_node(struct filter_node *n, const struct filter_arg *args, size_t nargs,
		     struct spec_error *err)
{
	const struct filter_arg *a, *r = NULL;
	bool glob = n->op == FLT_GLOB || n->op == FLT_NOGLOB;
	int rc;

	if (n->kind != FILTER_CMP) {
		rc = bind_node(n->l, args, nargs, err);
		return rc || !n->r ? rc : bind_node(n->r, args, nargs, err);
	}
	a = find_arg(n->name, args, nargs, &n->arg);
	if (!a)
		return no_arg(err, n->name_col, n->name_len, n->name, args, nargs);
	if (n->rhs && !(r = find_arg(n->rhs, args, nargs, &n->rhs_arg)))
		return no_arg(err, n->val_col, n->val_len, n->rhs, args, nargs);
	/* two args: as C compares them (an unsigned narrower than 64 bits is promoted, signed) */
	n->is_signed = !r ? a->is_signed : (a->is_signed || r->is_signed) &&
		       (a->is_signed || a->size < 8) && (r->is_signed || r->size < 8);
	n->strings = a->kind == FARG_STRING;
	if (a->kind == FARG_OTHER)
		return spec_fail(err, n->name_col, n->name_len, "'%s' is neither an integer nor a "
				 "string; compare a member of it", n->name);
	if (r && r->kind == FARG_OTHER)
		return spec_fail(err, n->val_col, n->val_len, "'%s' is neither an integer nor a "
				 "string; compare a member of it", n->rhs);
	if (n->has_mask && a->kind != FARG_INT)
		return spec_fail(err, n->name_col, n->name_len, "'%s' is a string: & tests the bits "
				 "of an integer", n->name);
	if (glob && a->kind != FARG_STRING)
		return spec_fail(err, n->op_col, n->op_len, "'%s' is %s: ~ matches a string",
				 n->name, a->is_pointer ? "a pointer (fetch the string it points to "
				 "with :string in the spec)" : "an integer");
	if (r && a->kind != r->kind)
		return spec_fail(err, n->val_col, n->val_len, "'%s' is %s and '%s' %s: compare "
				 "alike", n->name, a->kind == FARG_STRING ? "a string" : "an integer",
				 n->rhs, r->kind == FARG_STRING ? "a string" : "an integer");
	if (a->kind == FARG_STRING && !n->is_str && !r)
		return spec_fail(err, n->val_col, n->val_len, "'%s' is a string: compare it with "
				 "a \"string\"", n->name);
	if (a->kind == FARG_INT && n->is_str && a->is_pointer)
		return spec_fail(err, n->val_col, n->val_len, "'%s' is a pointer, not a string: fetch "
				 "the string it points to with :string in the spec", n->name);
	if (a->kind == FARG_INT && n->is_str)
		return spec_fail(err, n->val_col, n->val_len, "'%s' is an integer: compare it with "
				 "a number", n->name);
	if (a->kind == FARG_STRING && !glob && n->op != FLT_EQ && n->op != FLT_NE)
		return spec_fail(err, n->op_col, n->op_len, "strings compare with == and != "
				 "(and match a glob with ~) only");
	if (n->is_str && memchr(n->str, 0, n->str_len))
		return spec_fail(err, n->val_col, n->val_len, "a string arg holds no NUL byte");
	if (glob) {
		rc = glob_check(n, err);
		if (rc < 0)
			return rc;
		if ((size_t)rc + 1 > a->str_max)
			return spec_fail(err, n->val_col, n->val_len, "the glob needs more than the "
					 "%zu bytes a string arg holds", a->str_max - 1);
		return 0;
	}
	if (n->is_str && n->str_len + 1 > a->str_max)
		return spec_fail(err, n->val_col, n->val_len, "longer than the %zu bytes a string "
				 "arg holds", a->str_max - 1);
	return 0;
}

int filter_bind(struct filter *f, const struct filter_arg *args, size_t nargs,
		struct spec_error *err)
{
	memset(err, 0, sizeof(*err));
	return bind_node(f->root, args, nargs, err);
}

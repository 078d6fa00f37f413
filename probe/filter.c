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
		{ "<", FLT_LT }, { ">", FLT_GT },
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
			 "expected a comparison (== != < <= > >=) after '%s'", n->name);
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
	rc = parse_op(ps, n);
	if (rc)
		return rc;
	skip_space(ps);
	return *ps->p == '"' ? parse_string(ps, n) : parse_int(ps, n);
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

static int bind_node(struct filter_node *n, const struct filter_arg *args, size_t nargs,
		     struct spec_error *err)
{
	const struct filter_arg *a = NULL;
	int rc;

	if (n->kind != FILTER_CMP) {
		rc = bind_node(n->l, args, nargs, err);
		return rc || !n->r ? rc : bind_node(n->r, args, nargs, err);
	}
	for (size_t i = 0; i < nargs && !a; i++)
		if (!strcmp(args[i].name, n->name)) {
			a = &args[i];
			n->arg = i;
		}
	if (!a) {
		struct strbuf names = STRBUF_INIT;

		for (size_t i = 0; i < nargs; i++)
			strbuf_addf(&names, "%s%s", i ? ", " : "", args[i].name);
		rc = spec_fail(err, n->name_col, n->name_len, "the spec has no arg '%s'; it has: %s",
			       n->name, names.buf ? names.buf : "none");
		strbuf_release(&names);
		return rc;
	}
	n->is_signed = a->is_signed;
	if (a->kind == FARG_OTHER)
		return spec_fail(err, n->name_col, n->name_len, "'%s' is neither an integer nor a "
				 "string; compare a member of it", n->name);
	if (a->kind == FARG_STRING && !n->is_str)
		return spec_fail(err, n->val_col, n->val_len, "'%s' is a string: compare it with "
				 "a \"string\"", n->name);
	if (a->kind == FARG_INT && n->is_str && a->is_pointer)
		return spec_fail(err, n->val_col, n->val_len, "'%s' is a pointer, not a string: fetch "
				 "the string it points to with :string in the spec", n->name);
	if (a->kind == FARG_INT && n->is_str)
		return spec_fail(err, n->val_col, n->val_len, "'%s' is an integer: compare it with "
				 "a number", n->name);
	if (n->is_str && n->op != FLT_EQ && n->op != FLT_NE)
		return spec_fail(err, n->op_col, n->op_len, "strings compare with == and != only");
	if (n->is_str && n->str_len + 1 > a->str_max)
		return spec_fail(err, n->val_col, n->val_len, "longer than the %zu bytes a string "
				 "arg holds", a->str_max - 1);
	if (n->is_str && memchr(n->str, 0, n->str_len))
		return spec_fail(err, n->val_col, n->val_len, "a string arg holds no NUL byte");
	return 0;
}

int filter_bind(struct filter *f, const struct filter_arg *args, size_t nargs,
		struct spec_error *err)
{
	memset(err, 0, sizeof(*err));
	return bind_node(f->root, args, nargs, err);
}

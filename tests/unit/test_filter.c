// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "probe/filter.h"
#include "test.h"

static struct filter f;
static struct spec_error e;

static const struct filter_arg args[] = {
	{ "a", FARG_INT, true, false, 0 },
	{ "c", FARG_INT, false, false, 0 },
	{ "s", FARG_STRING, false, false, 128 },
	{ "o", FARG_OTHER, false, false, 0 },
	{ "p", FARG_INT, false, true, 0 },
};

static int parse(const char *text)
{
	filter_free(&f);
	return filter_parse(text, &f, &e);
}

/* The tree as a string: (l && r), (l || r), !x, name OP value. */
static void show(const struct filter_node *n, char *out, size_t size)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
	char l[120], r[120];

	switch (n->kind) {
	case FILTER_AND:
	case FILTER_OR:
		show(n->l, l, sizeof(l));
		show(n->r, r, sizeof(r));
		snprintf(out, size, "(%s %s %s)", l, n->kind == FILTER_AND ? "&&" : "||", r);
		break;
	case FILTER_NOT:
		show(n->l, l, sizeof(l));
		snprintf(out, size, "!%s", l);
		break;
	case FILTER_CMP:
		if (n->is_str)
			snprintf(out, size, "%s%s\"%s\"", n->name, ops[n->op], n->str);
		else
			snprintf(out, size, "%s%s%lld", n->name, ops[n->op], (long long)n->value);
		break;
	}
}

static void good(const char *text, const char *tree)
{
	char buf[512] = "", label[300];

	snprintf(label, sizeof(label), "parses: %s", text);
	if (parse(text)) {
		CHECK(0, label);
		printf("#   col=%d msg=%s\n", e.col, e.msg);
		return;
	}
	show(f.root, buf, sizeof(buf));
	CHECK_STR(buf, tree, label);
}

/* Refused at col (parse, or bind when bind is set) with msg in the message. */
static void bad(const char *text, bool bind, int col, int len, const char *msg)
{
	char label[300];
	int rc = parse(text);

	if (!rc && bind)
		rc = filter_bind(&f, args, sizeof(args) / sizeof(args[0]), &e);
	snprintf(label, sizeof(label), "refused: %s", text);
	CHECK(rc == -22 && e.col == col && e.len == len && strstr(e.msg, msg), label);
	if (!(rc == -22 && e.col == col && e.len == len && strstr(e.msg, msg)))
		printf("#   rc=%d col=%d len=%d msg=%s\n", rc, e.col, e.len, e.msg);
}

int main(void)
{
	good("a == 1", "a==1");
	good("a>=-5", "a>=-5");
	good("c != 0x10", "c!=16");
	good("a < 1 || a > 2 && c <= 3", "(a<1 || (a>2 && c<=3))");
	good("(a < 1 || a > 2) && c <= 3", "((a<1 || a>2) && c<=3)");
	good("!(a == 1) && !c == 2", "(!a==1 && !c==2)");
	good("s == \"gamma\\tdelta\"", "s==\"gamma\tdelta\"");
	good("a==1&&c==2||s!=\"x\"", "((a==1 && c==2) || s!=\"x\")");
	good("a == -9223372036854775808", "a==-9223372036854775808");

	CHECK(!parse("s == \"a\\\"b\"") && f.root->str_len == 3 && !strcmp(f.root->str, "a\"b"),
	      "escaped quote in a string");
	CHECK(!parse("a == -1") && f.root->negative && f.root->value == ~0ULL, "-1 is all ones");
	CHECK(!parse("c == 0xffffffffffffffff") && f.root->value == ~0ULL, "64-bit hex");

	bad("a = 1", false, 2, 1, "use ==");
	bad("a == ", false, 5, 1, "expected an integer");
	bad("a == 1 &", false, 7, 1, "use && and ||");
	bad("(a == 1", false, 0, 1, "not closed");
	bad("a == 1)", false, 6, 1, "closes nothing");
	bad("a == 12x", false, 5, 3, "not an integer");
	bad("a == 99999999999999999999", false, 5, 20, "not an integer");
	bad("a == -9223372036854775809", false, 5, 20, "smallest");
	bad("a 1", false, 2, 1, "expected a comparison");
	bad("== 1", false, 0, 2, "expected an arg's name");
	bad("", false, 0, 1, "the filter ends");
	bad("s == \"abc", false, 5, 4, "no closing");
	bad("a == 1 c == 2", false, 7, 1, "expected && or ||");

	bad("a == 1 && zz == 2", true, 10, 2, "no arg 'zz'; it has: a, c, s, o, p");
	bad("p == \"x\"", true, 5, 3, "is a pointer, not a string: fetch the string it points to with :string");
	bad("a == \"x\"", true, 5, 3, "is an integer");
	bad("c > 1 || s == 3", true, 14, 1, "is a string");
	bad("s < \"x\"", true, 2, 1, "== and != only");
	bad("o == 1", true, 0, 1, "neither an integer nor a string");
	CHECK(!parse("a == 1 || (c == 2 && s != \"q\")") &&
	      !filter_bind(&f, args, 4, &e) && f.root->l->arg == 0 && f.root->l->is_signed &&
	      f.root->r->l->arg == 1 && !f.root->r->l->is_signed && f.root->r->r->arg == 2,
	      "bind: each name to its arg, signedness from the arg");
	filter_free(&f);
	return TEST_DONE();
}

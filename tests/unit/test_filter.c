// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>

#include "probe/filter.h"
#include "test.h"

static struct filter f;
static struct spec_error e;

static const struct filter_arg args[] = {
	{ "a", FARG_INT, true, false, 0, 4 },
	{ "c", FARG_INT, false, false, 0, 2 },
	{ "s", FARG_STRING, false, false, 128, 8 },
	{ "o", FARG_OTHER, false, false, 0, 16 },
	{ "p", FARG_INT, false, true, 0, 8 },
	{ "t", FARG_STRING, false, false, 16, 8 },
	{ "u", FARG_INT, false, false, 0, 8 },
};

static int parse(const char *text)
{
	filter_free(&f);
	return filter_parse(text, &f, &e);
}

/* The tree as a string: (l && r), (l || r), !x, name OP value. */
static void show(const struct filter_node *n, char *out, size_t size)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=", "~", "!~" };
	char m[40] = "";
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
		if (n->has_mask)
			snprintf(m, sizeof(m), "&%lld", (long long)n->mask);
		if (n->is_str)
			snprintf(out, size, "%s%s%s\"%s\"", n->name, m, ops[n->op], n->str);
		else if (n->rhs)
			snprintf(out, size, "%s%s%s%s", n->name, m, ops[n->op], n->rhs);
		else
			snprintf(out, size, "%s%s%s%lld", n->name, m, ops[n->op], (long long)n->value);
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
	bad("s < \"x\"", true, 2, 1, "== and != (and match a glob with ~) only");
	bad("o == 1", true, 0, 1, "neither an integer nor a string");
	CHECK(!parse("a == 1 || (c == 2 && s != \"q\")") &&
	      !filter_bind(&f, args, 4, &e) && f.root->l->arg == 0 && f.root->l->is_signed &&
	      f.root->r->l->arg == 1 && !f.root->r->l->is_signed && f.root->r->r->arg == 2,
	      "bind: each name to its arg, signedness from the arg");
	/* two args, & (alone: a bit set), ~ and !~ */
	good("a < c", "a<c");
	good("a&4", "a&4!=0");
	good("a & 0xff == 3 && c&1", "(a&255==3 && c&1!=0)");
	good("a & -8 >= c", "a&-8>=c");
	good("s ~ \"ba*\" || s !~ \"*[!x]\"", "(s~\"ba*\" || s!~\"*[!x]\")");
	good("!(a & 2)", "!a&2!=0");
	bad("a ~ 3", false, 4, 1, "~ matches a \"glob\"");
	bad("a & c", false, 4, 1, "expected an integer");
	bad("a & 1 &", false, 6, 1, "use && and ||");
	bad("a ~ \"x*\"", true, 2, 1, "'a' is an integer: ~ matches a string");
	bad("p ~ \"x*\"", true, 2, 1, "a pointer (fetch the string it points to with :string");
	bad("s & 1", true, 0, 1, "& tests the bits of an integer");
	bad("a == s", true, 5, 1, "'a' is an integer and 's' a string");
	bad("s == zz", true, 5, 2, "no arg 'zz'");
	bad("s < t", true, 2, 1, "== and != (and match a glob with ~) only");
	bad("s ~ \"[ab\"", true, 4, 5, "not closed");
	bad("t ~ \"*0123456789abcdef\"", true, 4, 19, "needs more than the 15 bytes");
	CHECK(!parse("t ~ \"*0123456789abcde*\"") && !filter_bind(&f, args, 7, &e), "a glob of 15 bytes fits 16");
	/* signedness of two args: C's (an unsigned narrower than 64 bits is promoted) */
	CHECK(!parse("a < c") && !filter_bind(&f, args, 7, &e) && f.root->is_signed && f.root->rhs_arg == 1,
	      "s32 < u16 compares signed");
	CHECK(!parse("a < u") && !filter_bind(&f, args, 7, &e) && !f.root->is_signed, "s32 < u64 unsigned");
	CHECK(!parse("c < u") && !filter_bind(&f, args, 7, &e) && !f.root->is_signed, "u16 < u64 unsigned");
	CHECK(!parse("s == t") && !filter_bind(&f, args, 7, &e) && f.root->strings && f.root->rhs_arg == 5,
	      "two strings");
	{
		struct glob_elem *g;
		size_t n;

		CHECK(!glob_compile("a*?[b-d!]\\*[!a-y]", 17, &g, &n) && n == 6, "glob: six elements");
		if (n == 6) {
			CHECK(g[0].kind == GLOB_BYTE && g[0].byte == 'a' && g[1].kind == GLOB_STAR &&
			      g[2].kind == GLOB_ANY && g[4].kind == GLOB_BYTE && g[4].byte == '*', "glob: kinds");
			CHECK(g[3].kind == GLOB_SET && (g[3].set['c' / 8] >> ('c' % 8) & 1) &&
			      (g[3].set['!' / 8] >> ('!' % 8) & 1) && !(g[3].set['e' / 8] >> ('e' % 8) & 1),
			      "glob: [b-d!] holds c and !, not e");
			CHECK(g[5].kind == GLOB_SET && (g[5].set['z' / 8] >> ('z' % 8) & 1) &&
			      !(g[5].set['m' / 8] >> ('m' % 8) & 1) && !(g[5].set[0] & 1),
			      "glob: [!a-y] holds z, not m, never NUL");
		}
		free(g);
		CHECK(glob_compile("[]x]", 4, &g, &n) == 0 && n == 1 && (g[0].set[']' / 8] >> (']' % 8) & 1),
		      "glob: ']' first is in the set");
		free(g);
		CHECK(glob_compile("[ab", 3, &g, &n) == -EINVAL, "glob: an unclosed [");
	}
	filter_free(&f);
	return TEST_DONE();
}

// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "probe/spec.h"
#include "test.h"

static struct spec s;
static struct spec_error e;

static int parse(const char *text)
{
	spec_free(&s);
	return spec_parse(text, &s, &e);
}

/* Parses text expecting an error at col with a message containing msg. */
static void bad(const char *text, int col, const char *msg, const char *name)
{
	int rc = parse(text);
	char label[256];

	snprintf(label, sizeof(label), "refused: %s", name);
	CHECK(rc == -22 && e.col == col && strstr(e.msg, msg), label);
	if (!(rc == -22 && e.col == col && strstr(e.msg, msg)))
		printf("#   rc=%d col=%d (want %d) msg=%s\n", rc, e.col, col, e.msg);
}

int main(void)
{
	CHECK_INT(parse("exec=/usr/bin/app;name=func+16 arg1 arg2->field.sub[3]"), 0, "the mission's example");
	CHECK_STR(s.exec, "/usr/bin/app", "exec key");
	CHECK_STR(s.event, "name", "event");
	CHECK_STR(s.func, "func", "function");
	CHECK(s.point == POINT_FUNC && s.has_offset && s.offset == 16, "+OFF");
	CHECK_INT(s.nargs, 2, "two args");
	CHECK_STR(s.args[0].name, "arg1", "plain var name");
	CHECK(s.args[1].kind == EXPR_VAR && !strcmp(s.args[1].var, "arg2") && s.args[1].nsteps == 3,
	      "member chain parsed");
	CHECK(s.args[1].steps[0].kind == STEP_ARROW && !strcmp(s.args[1].steps[0].field, "field") &&
	      s.args[1].steps[1].kind == STEP_DOT && !strcmp(s.args[1].steps[1].field, "sub") &&
	      s.args[1].steps[2].kind == STEP_INDEX && s.args[1].steps[2].index == 3, "->, . and []");
	CHECK_STR(s.args[1].name, "sub[3]", "derived name: last field with its index");
	CHECK_INT(s.args[1].col, 36, "arg column");

	/* C++: qualified names and an overload's parameter list are the function's name */
	CHECK_INT(parse("exec=./shop;add=shop::Cart::add this->count_ it.qty"), 0, "a qualified name");
	CHECK(s.point == POINT_FUNC && !strcmp(s.func, "shop::Cart::add") && !s.has_relline && s.nargs == 2,
	      "'::' does not end the name");
	CHECK_INT(parse("exec=./shop;add=Cart::add:2 price"), 0, "a qualified name with a relative line");
	CHECK(!strcmp(s.func, "Cart::add") && s.has_relline && s.line == 2, "':N' after 'A::f' is a line");
	CHECK_INT(parse("exec=./shop;add=Cart::add(const Item&)+4"), 0, "an overload by its parameters");
	CHECK(!strcmp(s.func, "Cart::add(const Item&)") && s.has_offset && s.offset == 4,
	      "a parameter list is part of the name");
	CHECK_INT(parse("exec=./shop;d=Cart::~Cart%return"), 0, "a destructor");
	CHECK(!strcmp(s.func, "Cart::~Cart") && s.ret, "'~' and %return");
	CHECK_INT(parse("exec=./names;t=(anonymous namespace)::tally(market::Cart const&) c"), 0,
		  "an anonymous namespace, as gdb spells it");
	CHECK(!strcmp(s.func, "(anonymous namespace)::tally(market::Cart const&)") && s.nargs == 1,
	      "'(anonymous namespace)' is part of the name");
	bad("exec=./names;t=(tally)", 15, "'(tally)' is not a function name", "other parentheses do not start a name");

	CHECK_INT(parse("lock_page=__lock_page page->flags"), 0, "perf's kernel style");
	CHECK(!s.exec && !s.module && s.inlines, "defaults: kernel, inlines on");
	CHECK_INT(parse("module=vtrace_test;inlines=no;force=yes;grp:ev=f@src/x.c:7 n=a->b:u32 s:string"), 0,
		  "keys, group, @FILE and :RELLINE, named arg, types");
	CHECK(!s.inlines && s.force && !strcmp(s.module, "vtrace_test") && !strcmp(s.group, "grp"),
	      "module, inlines, force, group");
	CHECK(s.point == POINT_FUNC && !strcmp(s.file, "src/x.c") && s.has_relline && s.line == 7,
	      "FUNC@FILE:RELLINE");
	CHECK(s.args[0].named && !strcmp(s.args[0].name, "n") && s.args[0].type == TYPE_U32, "NAME=EXPR:TYPE");
	CHECK(s.args[1].type == TYPE_STRING, ":string");

	CHECK_INT(parse("ev=main.c:42 x"), 0, "FILE:LINE");
	CHECK(s.point == POINT_LINE && !strcmp(s.file, "main.c") && s.line == 42 && !s.func, "source line");
	CHECK_INT(parse("ev=0x401000"), 0, "0xADDR");
	CHECK(s.point == POINT_ADDR && s.addr == 0x401000, "address");
	CHECK_INT(parse("ev=f%return $retval"), 0, "%return with $retval");
	CHECK(s.ret && s.args[0].kind == EXPR_RETVAL && !strcmp(s.args[0].name, "retval"), "retval");
	CHECK_INT(parse("ev=f $params $vars %di @counter @cfg.limit"), 0, "$params $vars %REG @GLOBAL");
	CHECK(s.args[0].kind == EXPR_PARAMS && s.args[1].kind == EXPR_VARS && s.args[2].kind == EXPR_REG &&
	      !strcmp(s.args[2].var, "di") && s.args[3].kind == EXPR_GLOBAL &&
	      s.args[4].nsteps == 1, "expression kinds");
	CHECK_INT(parse("ev=f a b c d e f g h"), 0, "more than three args");
	CHECK_INT(s.nargs, 8, "all eight kept");
	CHECK_INT(parse("raw_tp/sched_switch prev->pid next->comm"), 0, "raw_tp with named args");
	CHECK(s.point == POINT_RAW_TP && !strcmp(s.func, "sched_switch") && !strcmp(s.event, "sched_switch") &&
	      s.nargs == 2, "raw_tp fields");
	CHECK_INT(parse("raw_tp/sched_switch prev->pid prev->comm next->pid next->comm prev->se.vruntime"), 0,
		  "raw_tp with colliding names");
	CHECK(!strcmp(s.args[0].name, "prev_pid") && !strcmp(s.args[1].name, "prev_comm") &&
	      !strcmp(s.args[2].name, "next_pid") && !strcmp(s.args[3].name, "next_comm") &&
	      !strcmp(s.args[4].name, "vruntime"),
	      "colliding short names take their chains' names; a unique one keeps its short name");
	CHECK_INT(parse("ev=f pid=a->b b->pid a->b c->b[2] x x"), 0, "more collisions");
	CHECK(!strcmp(s.args[0].name, "pid") && !strcmp(s.args[1].name, "b_pid") &&
	      !strcmp(s.args[2].name, "b") && !strcmp(s.args[3].name, "b[2]") &&
	      !strcmp(s.args[4].name, "x") && !strcmp(s.args[5].name, "x_2"),
	      "an unnamed arg yields to NAME=; the same chain twice is numbered");
	bad("ev=f n=a n=b", 9, "two args are named 'n'", "two NAME= alike");
	CHECK_INT(parse("tp/sched/sched_switch prev_pid"), 0, "tp with named args");
	CHECK(s.point == POINT_TP && !strcmp(s.category, "sched") && !strcmp(s.func, "sched_switch"), "tp fields");
	CHECK_INT(parse("ev=f a[0x10]"), 0, "hex index");
	CHECK_INT(s.args[0].steps[0].index, 16, "index value");

	bad("bogus=1;ev=f", 0, "unknown key 'bogus'; the keys are exec=PATH, module=NAME", "unknown key lists the valid ones");
	bad("inlines=maybe;ev=f", 8, "'inlines' takes yes or no", "bad boolean");
	bad("exec=;ev=f", 5, "'exec=' needs a value", "empty value");
	bad("exec=./a;", 9, "expected EVENT=POINT", "no point after the keys");
	/* no EVENT=: named after the point, as perf probe names it */
	{
		static const struct { const char *text, *event; } d[] = {
			{ "justafunction", "justafunction" },
			{ "exec=./a;compute a b->c", "compute" },
			{ "exec=./a;compute%return $retval", "compute__return" },
			{ "exec=./a;compute:3 x", "compute_L3" },
			{ "exec=./a;compute+8", "compute" },
			{ "exec=./a;src/server.c:210 fd", "server_L210" },
			{ "exec=./a;0x401000", "abs_401000" },
			{ "exec=./a;shop::Cart::add(const Item&) this->n", "shop_Cart_add" },
			{ "exec=./a;Cls::operator=(Cls const&)", "Cls_operator" },
			{ "exec=./a;operator==(A const&, A const&)", "operator" },
			{ "exec=./a;ev=Cls::operator==(Cls const&)", "ev" },
			{ "raw_tp/sched_switch prev->pid", "sched_switch" },
		};

		for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
			int rc = parse(d[i].text);

			CHECK_INT(rc, 0, d[i].text);
			CHECK_STR(rc ? "" : s.event, d[i].event, d[i].text);
			/* an EVENT= and a tracepoint (the program's name) are not derived */
			CHECK_INT(!rc && s.event_derived, strcmp(d[i].event, "ev") &&
				  strcmp(d[i].event, "sched_switch"), "derived flag");
			if (!rc)
				spec_free(&s);
		}
	}
	CHECK_INT(parse("exec=./a;shop::Cart::add(const Item&) this->n"), 0, "C++ point without a name");
	CHECK_STR(s.func, "shop::Cart::add(const Item&)", "its function");
	CHECK_INT((int)s.nargs, 1, "its arg");
	spec_free(&s);
	bad("ev=f+zz", 5, "the offset after '+' must be a number", "bad offset");
	bad("ev=f%ret", 4, "expected %return", "bad %return");
	bad("ev=f a->", 8, "expected a field name after '->'", "dangling ->");
	bad("ev=f a.", 7, "expected a field name after '.'", "dangling .");
	bad("ev=f a[x]", 6, "expected [INDEX]", "bad index");
	bad("ev=f a:u33", 7, "unknown type 'u33'", "bad type");
	bad("ev=f $foo", 5, "unknown '$foo'", "unknown $ variable");
	bad("ev=f $retval", 5, "add %return", "$retval needs %return");
	bad("exec=./a;ev=f%return local", 21, "locals are gone", "a local at %return");
	bad("exec=./a;ev=f%return $retval $params", 29, "locals are gone", "$params at %return");
	bad("module=m;ev=f%return $vars", 21, "locals are gone", "$vars at a module's %return");
	/* a kernel function's: fexit has its parameters, and probe_resolve() chooses */
	CHECK_INT(parse("ev=f%return $retval n"), 0, "kernel FUNC%return with a parameter parses");
	CHECK(spec_needs_fexit(&s), "... and needs fexit");
	CHECK_INT(spec_check_return(&s, &e), -22, "... refused where it is not fexit");
	CHECK_INT(e.col, 20, "... the caret under the parameter");
	s.via = VIA_FENTRY;
	CHECK_INT(spec_check_return(&s, &e), 0, "... and taken at fexit");
	spec_free(&s);
	CHECK_INT(parse("ev=f%return $retval"), 0, "FUNC%return $retval");
	CHECK(!spec_needs_fexit(&s), "... needs no fexit");
	spec_free(&s);
	bad("e-v=f", 0, "not an event name", "bad event name");
	bad("ev=", 3, "expected a probe point", "empty point");
	bad("ev=f a+b", 6, "unexpected '+'", "stray character");
	bad("tp/sched", 3, "expected tp/CATEGORY/NAME", "tp without name");
	bad("ev=f:3x", 5, "must be a number", "bad relline");
	spec_free(&s);
	return TEST_DONE();
}

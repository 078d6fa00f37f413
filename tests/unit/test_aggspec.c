// SPDX-License-Identifier: GPL-2.0
/* record's --count/--hist/--lhist/...: the options and the program generated for a spec. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/aggspec.h"
#include "vtrace_sample.h"
#include "test.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

int main(void)
{
	struct agg_opt o;
	char why[256], path[4300], dir[] = "/tmp/vtrace-aggspec.XXXXXX";
	const char *src;

	CHECK_INT(agg_opt_parse("count", NULL, &o, why, sizeof(why)), 0, "--count");
	CHECK(o.kind == VTRACE_AGG_COUNT && !*o.arg, "--count: kind, no arg");
	CHECK_INT(agg_opt_parse("count", "x", &o, why, sizeof(why)), -EINVAL, "--count=x refused");
	CHECK_INT(agg_opt_parse("hist", NULL, &o, why, sizeof(why)), -EINVAL, "--hist without ARG refused");
	CHECK_STR(why, "--hist takes the arg to aggregate: --hist=ARG", "... and says how");
	CHECK_INT(agg_opt_parse("lhist", "len:0:100:10", &o, why, sizeof(why)), 0, "--lhist=len:0:100:10");
	CHECK(o.kind == VTRACE_AGG_LHIST && !strcmp(o.arg, "len") && o.min == 0 && o.max == 100 &&
	      o.step == 10, "--lhist: arg and range");
	CHECK_INT(agg_opt_parse("lhist", "len:0:100:7", &o, why, sizeof(why)), -EINVAL,
		  "--lhist: a step not dividing the range refused");
	CHECK_INT(agg_opt_parse("lhist", "len:10:0:1", &o, why, sizeof(why)), -EINVAL,
		  "--lhist: max below min refused");
	CHECK_INT(agg_opt_parse("lhist", "len", &o, why, sizeof(why)), -EINVAL, "--lhist: no range refused");

	if (!mkdtemp(dir))
		return 1;
	setenv("XDG_CACHE_HOME", dir, 1);
	agg_opt_parse("hist", "n", &o, why, sizeof(why));
	CHECK_INT(aggspec_source("exec=/bin/true;ev=main a n=b->c", &o, path, sizeof(path)), 0,
		  "hist of the second arg");
	src = slurp(path);
	CHECK(src && strstr(src, "#include <vtrace.h>\nVTRACE_HIST(ev);\nSEC(\"exec=/bin/true;ev=main a n=b->c\")\n"
			    "int ev_prog(struct pt_regs *ctx, int err, long a0, long a1, long a2)\n{\n"
			    "\tif (!err)\n\t\tvtrace_hist(ev, a1);\n\treturn 0;\n}\n"),
	      "the program: an aggregation named after the event, the arg from r4, nothing recorded");
	agg_opt_parse("lhist", "id:-5:5:5", &o, why, sizeof(why));
	CHECK_INT(aggspec_source("raw_tp/sys_enter id", &o, path, sizeof(path)), 0, "lhist of a raw_tp's arg");
	CHECK((src = slurp(path)) && strstr(src, "VTRACE_LHIST(sys_enter, -5, 5, 5);") &&
	      strstr(src, "vtrace_lhist(sys_enter, a0)"), "lhist: its range, the first arg");
	agg_opt_parse("max", "nope", &o, why, sizeof(why));
	CHECK_INT(aggspec_source("raw_tp/sys_enter id", &o, path, sizeof(path)), -EINVAL,
		  "an arg the spec lacks refused");
	agg_opt_parse("sum", "d", &o, why, sizeof(why));
	CHECK_INT(aggspec_source("exec=/bin/true;ev=main a b c d", &o, path, sizeof(path)), -EINVAL,
		  "an arg past the third refused");
	agg_opt_parse("count", NULL, &o, why, sizeof(why));
	CHECK_INT(aggspec_source("exec=/bin/true;ev=main a", &o, path, sizeof(path)), 0, "count");
	CHECK((src = slurp(path)) && strstr(src, "VTRACE_COUNT(ev);") && strstr(src, "\tvtrace_count(ev);\n"),
	      "count: every hit counted");
	{
		char cmd[100];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			return 1;
	}
	return TEST_DONE();
}

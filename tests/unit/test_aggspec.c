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
	CHECK(src && strstr(src, "#include <vtrace.h>\nVTRACE_HIST(ev);\nSEC(\"exec=/bin/true;ev=main n=b->c a\")\n"
			    "int ev_prog(struct pt_regs *ctx, int err, long a0, long a1, long a2)\n{\n"
			    "\tif (!err)\n\t\tvtrace_hist(ev, a0);\n\treturn 0;\n}\n"),
	      "the program: an aggregation named after the event, the arg moved first (r3), nothing recorded");
	agg_opt_parse("lhist", "id:-5:5:5", &o, why, sizeof(why));
	CHECK_INT(aggspec_source("raw_tp/sys_enter id", &o, path, sizeof(path)), 0, "lhist of a raw_tp's arg");
	CHECK((src = slurp(path)) && strstr(src, "VTRACE_LHIST(sys_enter, -5, 5, 5);") &&
	      strstr(src, "vtrace_lhist(sys_enter, a0)"), "lhist: its range, the first arg");
	agg_opt_parse("max", "nope", &o, why, sizeof(why));
	CHECK_INT(aggspec_source("raw_tp/sys_enter id", &o, path, sizeof(path)), -EINVAL,
		  "an arg the spec lacks refused");
	agg_opt_parse("sum", "d", &o, why, sizeof(why));
	CHECK_INT(aggspec_source("exec=/bin/true;ev=main a b c d", &o, path, sizeof(path)), 0,
		  "an arg past the third");
	CHECK((src = slurp(path)) && strstr(src, "SEC(\"exec=/bin/true;ev=main d a b c\")") &&
	      strstr(src, "vtrace_sum(ev, a0)"), "... is moved first, the others after it");
	CHECK_INT(agg_opt_by(&o, "b", why, sizeof(why)), 0, "--by b");
	CHECK_INT(agg_opt_by(&o, "c", why, sizeof(why)), -EINVAL, "a second --by refused");
	CHECK_INT(aggspec_source("exec=/bin/true;ev=main a b c d", &o, path, sizeof(path)), 0, "sum d by b");
	CHECK((src = slurp(path)) && strstr(src, "VTRACE_SUM(ev, long);") &&
	      strstr(src, "SEC(\"exec=/bin/true;ev=main d b a c\")") &&
	      strstr(src, "vtrace_sum(ev, a1, a0)"), "sum by a key: keyed map, the key second (r4)");
	agg_opt_parse("count", NULL, &o, why, sizeof(why));
	agg_opt_by(&o, "c", why, sizeof(why));
	CHECK_INT(aggspec_source("exec=/bin/true;ev=main a b c", &o, path, sizeof(path)), 0, "count by c");
	CHECK((src = slurp(path)) && strstr(src, "VTRACE_COUNT(ev, long);") &&
	      strstr(src, "SEC(\"exec=/bin/true;ev=main c a b\")") &&
	      strstr(src, "vtrace_count(ev, a0)"), "count by a key: the key first");
	agg_opt_parse("lhist", "a:0:10:1", &o, why, sizeof(why));
	agg_opt_by(&o, "a", why, sizeof(why));
	CHECK_INT(aggspec_source("exec=/bin/true;ev=main b a", &o, path, sizeof(path)), 0, "lhist a by a");
	CHECK((src = slurp(path)) && strstr(src, "VTRACE_LHIST(ev, 0, 10, 1, long);") &&
	      strstr(src, "vtrace_lhist(ev, a0, a0)"), "an arg keying itself: one register");
	agg_opt_by(&o, "zz", why, sizeof(why));
	memset(&o, 0, sizeof(o));
	CHECK_INT(agg_opt_by(&o, "a", why, sizeof(why)), -EINVAL, "--by without an aggregation refused");
	agg_opt_parse("count", NULL, &o, why, sizeof(why));
	agg_opt_by(&o, "comm", why, sizeof(why));
	CHECK_INT(aggspec_source("exec=/bin/true;ev=main a", &o, path, sizeof(path)), 0, "count by comm");
	CHECK((src = slurp(path)) && strstr(src, "struct vtrace_comm { char comm[16]; };\nVTRACE_COUNT(ev, struct vtrace_comm);") &&
	      strstr(src, "bpf_get_current_comm(k.comm, sizeof(k.comm));\n\tvtrace_count(ev, k);"),
	      "count by comm: the process's name, bpftrace's @[comm]");
	agg_opt_parse("sum", "a", &o, why, sizeof(why));
	agg_opt_by(&o, "pid", why, sizeof(why));
	CHECK_INT(aggspec_source("exec=/bin/true;ev=main a", &o, path, sizeof(path)), 0, "sum by pid");
	CHECK((src = slurp(path)) && strstr(src, "VTRACE_SUM(ev, __u32);") &&
	      strstr(src, "k = bpf_get_current_pid_tgid() >> 32;") && strstr(src, "vtrace_sum(ev, k, a0)"),
	      "sum by pid: the process id");
	agg_opt_by(&o, "x", why, sizeof(why));
	agg_opt_parse("sum", "a", &o, why, sizeof(why));
	agg_opt_by(&o, "pid", why, sizeof(why));
	CHECK_INT(aggspec_source("exec=/bin/true;ev=main a pid=b", &o, path, sizeof(path)), 0, "an arg named pid");
	CHECK((src = slurp(path)) && strstr(src, "vtrace_sum(ev, a1, a0)"), "... keys by the arg, not the process");
	agg_opt_parse("count", NULL, &o, why, sizeof(why));
	agg_opt_by(&o, "zz", why, sizeof(why));
	CHECK_INT(aggspec_source("exec=/bin/true;ev=main a", &o, path, sizeof(path)), -EINVAL,
		  "--by an arg the spec lacks refused");
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

// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <unistd.h>

#include "bpf/oneliner.h"
#include "lib/fs.h"
#include "test.h"

static char *source(const char *spec)
{
	char path[4300], *data = NULL;

	if (oneliner_source(spec, path, sizeof(path)) || read_file(path, &data, NULL))
		return NULL;
	return data;
}

int main(void)
{
	char dir[] = "/tmp/vtrace-unit-oneliner.XXXXXX", file[64], *text, *src;
	FILE *f;

	if (!mkdtemp(dir))
		return 1;
	setenv("XDG_CACHE_HOME", dir, 1);
	snprintf(file, sizeof(file), "%s/prog", dir);
	f = fopen(file, "w");
	fputs("x", f);
	fclose(f);

	CHECK_INT(event_classify("-"), EVENT_STDIN, "- is standard input");
	CHECK_INT(event_classify(file), EVENT_FILE, "an existing regular file, any name");
	CHECK_INT(event_classify("/nonexistent/prog.c"), EVENT_FILE, "a missing .c is a file");
	CHECK_INT(event_classify("prog.o"), EVENT_FILE, "a missing .o is a file");
	CHECK_INT(event_classify("exec=./a;ev=f x"), EVENT_SPEC, "a spec");
	CHECK_INT(event_classify("raw_tp/sched_switch prev->pid"), EVENT_SPEC, "a raw_tp spec");
	CHECK_INT(event_classify(dir), EVENT_SPEC, "a directory is not a file (parsed as a spec)");

	CHECK(!oneliner_spec("ev=f a", "./bin", &text) && !strcmp(text, "exec=./bin;ev=f a"),
	      "-x puts exec= in front");
	free(text);
	CHECK(!oneliner_spec("exec=./own;ev=f a", "./bin", &text) && !strcmp(text, "exec=./own;ev=f a"),
	      "a spec's own exec= stays");
	free(text);
	CHECK(!oneliner_spec("raw_tp/sched_switch prev->pid", "./bin", &text) &&
	      !strcmp(text, "raw_tp/sched_switch prev->pid"), "a tracepoint takes no exec=");
	free(text);
	CHECK(!oneliner_spec("module=m;ev=f a", "./bin", &text) && !strcmp(text, "module=m;ev=f a"),
	      "module= stays");
	free(text);
	printf("# (the caret error below is expected)\n");
	CHECK(oneliner_spec("ev=f a-->b", NULL, &text) == -22 && !text, "a bad spec is refused");

	src = source("exec=./a \"b\";ev=f s:string");
	CHECK(src && strstr(src, "SEC(\"exec=./a \\\"b\\\";ev=f s:string\")") &&
	      strstr(src, "int ev(struct pt_regs *ctx, int err)") && strstr(src, "return 1;"),
	      "generated: the spec as the section, quotes escaped, the event's name, return 1");
	free(src);
	src = source("raw_tp/sched_switch prev->pid");
	CHECK(src && strstr(src, "int sched_switch("), "a raw_tp program is named after the tracepoint");
	free(src);
	src = source("exec=./a;int=f x");
	CHECK(src && strstr(src, "int spec("), "an event named like a C keyword: the function is spec");
	free(src);
	{
		char p1[4300], p2[4300];

		CHECK(!oneliner_source("ev=f a", p1, sizeof(p1)) && !oneliner_source("ev=f a", p2, sizeof(p2)) &&
		      !strcmp(p1, p2) && strstr(p1, "/vtrace/spec/"), "the same spec, the same cached source");
	}
	{
		char cmd[200];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			return 1;
	}
	return TEST_DONE();
}

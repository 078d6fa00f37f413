// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "cmd/builtin.h"
#include "lib/error.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "record", cmd_record, "Run BPF programs on probes and print what they send" },
	{ "list", cmd_list, "List the probes running vtraces attached, or (--events) what can be traced" },
	{ "script", cmd_script, "Print a data file written by record -o" },
	{ "probe", cmd_probe, "Show what can be probed, and what a probe spec resolves to" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: vtrace [--version] [--help] COMMAND [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\nSee 'vtrace COMMAND --help' and the vtrace(1) man page.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("vtrace %s\n", VTRACE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	pr_err("'%s' is not a vtrace command; see 'vtrace --help'", argv[1]);
	return 1;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
	{ "help", NULL, "Open a command's man page: vtrace help COMMAND" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: vtrace [-V|--version] [-h|--help] COMMAND [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\nSee 'vtrace help COMMAND', 'vtrace COMMAND --help' and vtrace(1).\n");
}

/* Runs man with args (silent: its output to /dev/null); its exit status, or -1 when it did not run. */
static int run_man(const char *a1, const char *a2, bool silent)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (silent && (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)))
			_exit(127);
		execlp("man", "man", a1, a2, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st) == 127 ? -1 : WEXITSTATUS(st);
}

/*
 * vtrace help CMD: man vtrace-CMD; else the page in the source tree next to
 * this binary (man -l); else, without man or a page, CMD --help.
 */
static int help(const char *name)
{
	char page[64], exe[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n;

	if (!name)
		name = "";
	if (*name && strcmp(name, "help")) {
		size_t i;

		for (i = 0; i < NCMDS; i++)
			if (!strcmp(name, cmds[i].name))
				break;
		if (i == NCMDS) {
			pr_err("'%s' is not a vtrace command; see 'vtrace --help'", name);
			return EXIT_USAGE;
		}
	}
	snprintf(page, sizeof(page), *name && strcmp(name, "help") ? "vtrace-%s" : "vtrace", name);
	if (run_man("-w", page, true) == 0 && run_man(page, NULL, false) == 0)
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		for (int up = 0; up < 3; up++) {
			char *dir = dirname(exe);

			snprintf(path, sizeof(path), "%s/Documentation/%s.1", dir, page);
			if (!access(path, R_OK) && run_man("-l", path, false) == 0)
				return 0;
		}
	}
	for (size_t i = 0; i < NCMDS; i++) {
		if (cmds[i].fn && !strcmp(name, cmds[i].name)) {
			char arg0[64], arg1[] = "--help";
			char *argv[] = { arg0, arg1, NULL };

			snprintf(arg0, sizeof(arg0), "%s", cmds[i].name);
			return cmds[i].fn(2, argv);
		}
	}
	usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	options_init();
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc > 2 ? argv[2] : NULL);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") || !strcmp(argv[1], "version")) {
		printf("vtrace %s\n", VTRACE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < NCMDS; i++)
		if (cmds[i].fn && !strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	pr_err("'%s' is not a vtrace command; see 'vtrace --help'", argv[1]);
	return EXIT_USAGE;
}

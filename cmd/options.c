// SPDX-License-Identifier: GPL-2.0
/*
 * What every subcommand takes: -h (as --help), -q, and (from argp) --help,
 * --usage, -V/--version; and the exit status for usage errors.
 */
#include <argp.h>
#include <stdio.h>

#include "cmd/builtin.h"
#include "lib/error.h"

const char *argp_program_version = "vtrace " VTRACE_VERSION;
const char *argp_program_bug_address = NULL;

static const struct argp_option common_options[] = {
	{ NULL, 'h', NULL, 0, "Give this help list (as --help)", -1 },
	{ "quiet", 'q', NULL, 0, "Print errors only: no summary line, no warnings", -1 },
	{ 0 }
};

static error_t common_parse(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'q':
		quiet = 1;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp common_argp = { common_options, common_parse, NULL, NULL, NULL, NULL, NULL };

const struct argp_child common_children[] = {
	{ &common_argp, 0, NULL, 0 },
	{ 0 }
};

void options_init(void)
{
	argp_err_exit_status = EXIT_USAGE;
}

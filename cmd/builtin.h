/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_BUILTIN_H
#define VTRACE_BUILTIN_H

/* One function per subcommand; argv[0] is the subcommand's name. */
int cmd_record(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_script(int argc, char **argv);
int cmd_list(int argc, char **argv);

/* Exit statuses (vtrace(1)): an error, a usage error, a command that cannot run. */
enum { EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_NOEXEC = 127 };

/* -h and -q for every subcommand's argp (cmd/options.c); options_init() sets argp's usage status. */
#include <argp.h>
extern const struct argp_child common_children[];
void options_init(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_BUILTIN_H
#define VTRACE_BUILTIN_H

/* One function per subcommand; argv[0] is the subcommand's name. */
int cmd_record(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_script(int argc, char **argv);
int cmd_list(int argc, char **argv);

#endif

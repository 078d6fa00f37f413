/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_ONELINER_H
#define VTRACE_ONELINER_H

#include <stddef.h>

/*
 * What an -e argument is: "-" or a pipe (a program in C, read), a file
 * (an existing regular file, or a name ending in .c or .o, present or not)
 * or, anything else, a probe spec.
 */
enum event_kind { EVENT_FILE, EVENT_STDIN, EVENT_SPEC };

enum event_kind event_classify(const char *arg);

/*
 * The spec as it is recorded: exec given (-x BIN) and the spec naming no
 * exec=, module= or tracepoint of its own, "exec=BIN;SPEC"; else SPEC.
 * Parses it: -EINVAL with the caret error printed (where: "-e") when it is
 * not a spec.  *text is malloc'ed.
 */
int oneliner_spec(const char *arg, const char *exec, char **text);

/*
 * The program for a command-line spec: a spec program whose function
 * returns 1 (every hit recorded with all its args), as C source in the
 * cache, content-addressed, so that bpf_compile()'s cache serves it the
 * next time.  path gets the source file.
 */
int oneliner_source(const char *spec, char *path, size_t size);

/*
 * A program in C from standard input ("-") or a stream (a pipe, /dev/stdin),
 * saved in the cache by its content (path gets it); -ENODATA if empty.
 */
int stdin_source(const char *name, char *path, size_t size);

struct session;

/*
 * Adds one -e to the session: spec (from oneliner_spec()) given, its
 * generated program; else arg, a file or "-".
 */
int session_add_event(struct session *s, const char *arg, const char *spec);

/*
 * --filter for the programs session_add_event() added from index first
 * on: checked against each spec program's args (a name it lacks, a type
 * it does not compare with: the caret error is printed), then compiled
 * into the program.  Every one must be a spec program.
 */
int session_filter(struct session *s, size_t first, const char *filter);

#endif

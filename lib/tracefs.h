/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_TRACEFS_H
#define VTRACE_TRACEFS_H

#include <stddef.h>

/*
 * The tracefs directory (/sys/kernel/tracing), mounted first when it is
 * not (as perf does).  0 or -errno.
 */
int tracefs_dir(const char **dir);

#endif

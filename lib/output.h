/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_OUTPUT_H
#define VTRACE_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/strbuf.h"
#include "vtrace_sample.h"

/*
 * The text line's fixed part, in perf script's layout:
 *   "            comm   tid [cpu] secs.usecs: event: "
 */
void output_header(struct strbuf *sb, const struct vtrace_sample *h, const char *event);

/* An existing, non-empty regular file at path becomes path.old (as perf record does). */
int output_keep_old(const char *path);
/* Whether f is a terminal, a pipe or a socket: a reader is waiting on each line. */
bool output_is_stream(FILE *f);
/* Opens path for text or JSON (keeping the old file as path.old); 0 or -errno. */
int output_open(const char *path, FILE **out);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_OUTPUT_H
#define VTRACE_OUTPUT_H

#include "lib/strbuf.h"
#include "vtrace_sample.h"

/*
 * The text line's fixed part, in perf script's layout:
 *   "            comm   tid [cpu] secs.usecs: event: "
 */
void output_header(struct strbuf *sb, const struct vtrace_sample *h, const char *event);

#endif

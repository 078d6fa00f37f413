/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_STACK_H
#define VTRACE_STACK_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/decode.h"

/*
 * record -g's stacks in user space: per process, its mappings (read from
 * /proc/PID/maps live, or from a data file's MAPS records) reported to
 * libdwfl; a sample's user registers and stack copy unwound with the
 * binaries' CFI; every pc symbolized with its inlined frames from DWARF;
 * kernel addresses from /proc/kallsyms.
 */
struct stack_syms;

struct stack_syms *stack_syms_new(void);
void stack_syms_free(struct stack_syms *ss);

/*
 * Live: reads pid's mappings the first time it is seen.  *text (owned by
 * ss, valid until the next call) gets them when they were read now, for a
 * data file's MAPS record; NULL otherwise.  0 or -errno.
 */
int stack_syms_track(struct stack_syms *ss, pid_t pid, const char **text, size_t *len);

/* Replay: a MAPS record's text for pid. */
int stack_syms_add_maps(struct stack_syms *ss, pid_t pid, const char *text, size_t len);

/* The decoder's stack callback (lib/decode.h); ctx is a struct stack_syms. */
int stack_syms_print(void *ctx, struct strbuf *sb, const struct vtrace_sample *h, const void *blk,
		     size_t len, enum decode_stack_mode mode);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_STACK_EMIT_H
#define VTRACE_STACK_EMIT_H

#include <stdint.h>

#include "bpf/prologue.h"

/* What record -g asks a wrapper to add to each recorded sample. */
enum {
	WRAP_STACK_USER = 1 << 0,	/* registers and a copy of the user stack */
	WRAP_STACK_KERNEL = 1 << 1,	/* the kernel's return addresses */
};

/* The stack bits record -g gives a probe of this target. */
unsigned stack_wanted(enum probe_target t);

/* Bytes a sample of `sample_size` may grow to with these stack bits (scratch sizes). */
uint32_t stack_sample_max(uint32_t sample_size, unsigned stacks);

/*
 * After the user's function said yes: the stack block and trailer
 * (vtrace_sample.h) after the sample's args, at l->total; r9 gets the
 * sample's size.  r6 = ctx, r7 = the sample; r0..r5 and r9 are clobbered,
 * fp-8 is used.
 */
void emit_stack(struct insn_buf *b, const struct wrapper *w);

#endif

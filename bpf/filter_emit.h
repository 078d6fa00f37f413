/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_FILTER_EMIT_H
#define VTRACE_FILTER_EMIT_H

#include <stddef.h>

#include "bpf/prologue.h"
#include "probe/filter.h"

/*
 * The --filter of a spec program, as BPF: run after the args are in the
 * scratch sample (r7, laid out by l), it falls through when the filter
 * holds and otherwise takes the jump at *fail, which the caller patches to
 * where the hit is dropped.  Signed args compare signed; a string compares
 * its bytes and NUL with the literal's.  Uses r0 and r1.
 */
int filter_emit(struct insn_buf *b, const struct filter *f, const struct sample_layout *l,
		size_t *fail);

#endif

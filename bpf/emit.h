/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_EMIT_H
#define VTRACE_EMIT_H

/*
 * Inside the prologue generator (bpf/prologue.c, bpf/expr.c): the
 * registers and stack slots the wrapper uses, and the emitters they share.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/prologue.h"

/* Registers the wrapper keeps across the call (callee-saved in BPF). */
#define R_CTX BPF_REG_6
#define R_SCRATCH BPF_REG_7
#define R_RET BPF_REG_8
#define R_FAULTS BPF_REG_9
/* Until the call r8 is free: the fault mask of the arg being fetched. */
#define R_FAULT BPF_REG_8

_Static_assert(SPEC_ARGS_MAX <= 64, "one bit per arg in the sample's u64 fault word");

/*
 * Wrapper stack: a pointer read lands at fp-8, map keys sit at fp-16, a
 * computed location's DWARF stack grows down from fp-24, and an entry
 * value's key (thread, CFA, function) sits below it; below that, a string
 * read that first faults its pages in keeps its three arguments and reads
 * its probe bytes (sleepable programs without bpf_copy_from_user_str).
 */
#define FP_TMP (-8)
#define FP_KEY (-16)
#define FP_EXPR(depth) (-24 - 8 * (depth))
#define FP_ENTRY_KEY (-32 - 8 * FETCH_EXPR_MAX_DEPTH - 24)
#define FP_SPILL(i) (FP_ENTRY_KEY - 8 * ((i) + 1))
#define FP_TOUCH FP_SPILL(3)

void emit(struct insn_buf *b, struct bpf_insn insn);
void emit_ld_imm64(struct insn_buf *b, int reg, int src, uint64_t v);
/* A forward jump whose target is set later by patch(). */
size_t jump_fwd(struct insn_buf *b, struct bpf_insn insn);
void patch(struct insn_buf *b, size_t at);
/* A read of size r2 from the address in r3 to r1; its fault into r8 (see prologue.c). */
void emit_read(struct insn_buf *b, const struct wrapper *w, bool str, size_t *nreads);
/* BPF_B, BPF_H, BPF_W or BPF_DW: a load or store of size bytes. */
int size_code(uint32_t size);
/* reg holds a value read zero-extended at its size: its C value (sign, bitfield). */
void emit_normalize(struct insn_buf *b, int reg, const struct fetch_arg *a);
/* r3 = *(u64 *)r3 (0 when the read faults). */
void read_pointer(struct insn_buf *b, const struct wrapper *w, size_t *nreads);

/* bpf/sleepable.c: emit_read()'s user read in a sleepable program. */
void emit_user_copy(struct insn_buf *b, const struct wrapper *w, bool str);
/* bpf/sleepable.c: r0 = this thread's scratch sample, or NULL. */
void emit_task_scratch(struct insn_buf *b, const struct wrapper *w);

/* bpf/expr.c: the arg's bit in the sample's unavailable word. */
void mark_unavailable(struct insn_buf *b, size_t idx);
/* bpf/expr.c: a computed location's ops, the result in r3; idx is the arg's. */
int emit_expr(struct insn_buf *b, const struct wrapper *w, const struct fetch_arg *a, size_t idx,
	      size_t *nreads);

/* bpf/expr.c: a value assembled from its pieces into its slot. */
int emit_pieces(struct insn_buf *b, const struct wrapper *w, const struct fetch_arg *a, size_t idx,
		uint32_t slot, size_t *nreads);

#endif

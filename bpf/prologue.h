/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_PROLOGUE_H
#define VTRACE_PROLOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "probe/fetch.h"

/*
 * The code vtrace puts around a spec program.  The user's function (perf's
 * signature: int f(ctx, int err, long a1, long a2, long a3)) becomes a
 * static subprogram called by a wrapper:
 *
 *   prologue   r6 = ctx; [pid filter]; fetch every arg of this instance
 *              (dispatch on the attach cookie when instances differ) into
 *              the per-probe scratch sample; r2 = error flag; r3..r5 =
 *              the first three args
 *   call       the user's function (r6..r9 survive it)
 *   epilogue   zero: return it.  Nonzero: fill the sample header and send
 *              the sample (every arg) to the ring buffer; count a loss if
 *              it is full; return the user's value.
 *
 * Fast path: when every arg of every instance is a register or a constant,
 * the prologue is one load per arg into r3..r5 plus r2 = 0 (two more for a
 * narrow signed arg), and the epilogue reads the registers again only for
 * events that are recorded.
 */

/* Where each arg lives in the sample (after struct vtrace_sample, the fault and unavailable words). */
struct filter;

struct sample_layout {
	size_t nargs;
	uint32_t *off;		/* from the start of the sample */
	uint32_t *size;		/* slot bytes */
	uint32_t total;		/* sample bytes */
};

#define SAMPLE_FAULTS_OFF 48	/* u64 bitmap: arg i faulted (hence SPEC_ARGS_MAX) */
#define SAMPLE_UNAVAIL_OFF 56	/* u64 bitmap: arg i unavailable at this hit */
#define SAMPLE_ARGS_OFF 64
#define SPEC_STR_MAX 128
#define SPEC_BYTES_MAX 1024

struct wrapper {
	enum probe_target target;
	const struct probe_instance *insts;	/* each with its args */
	size_t ninsts;
	const struct sample_layout *layout;
	uint32_t probe_id;
	int scratch_fd;		/* per-CPU array: key probe_id, value a sample */
	int rb_fd;
	int lost_fd;
	int pids_fd;		/* -1: no pid filter */
	int entry_fd;		/* registers saved at function entries (entry values); -1: none */
	/*
	 * User reads that fault pages in (bpf/features.h): the program loads
	 * sleepable and fetches into its thread's sample, task storage
	 * task_scratch_fd instead of scratch_fd.  str_kfunc: the BTF id of
	 * bpf_copy_from_user_str, 0 where the kernel has none (strings then
	 * fault their pages in first with bpf_copy_from_user).
	 */
	bool sleepable;
	int task_scratch_fd;
	int str_kfunc;
	/*
	 * Out: the group of each instance (ninsts entries), the low half of
	 * its attach cookie; NULL when the caller needs none.
	 */
	uint32_t *group_of;
	unsigned stacks;	/* record -g: WRAP_STACK_* (bpf/stack_emit.h) */
	/* --filter (bpf/filter_emit.h): a hit it does not hold for sends nothing; NULL: none */
	const struct filter *filter;
};

/* Distinct fetch codes one spec program dispatches between. */
#define PROLOGUE_GROUPS_MAX 1024

struct insn_buf {
	struct bpf_insn *v;
	size_t n, cap;
	int err;
};

void insn_buf_free(struct insn_buf *b);

/*
 * Emits the wrapper; its last instruction is followed by the user's
 * function, which the wrapper calls.  -EINVAL when an arg cannot be
 * fetched by this kind of probe (*bad is its index).
 */
int prologue_emit(struct insn_buf *b, const struct wrapper *w, size_t *bad);

/* Only the fast path's fetch into r3..r5 and r2, for one instance. */
int prologue_fast_fetch(struct insn_buf *b, const struct probe_instance *in);
bool prologue_is_fast(const struct probe_instance *insts, size_t n);

/* Sample slots for the args of a spec event; -EINVAL if one is too big. */
int sample_layout_build(struct sample_layout *l, const struct probe_instance *in);
void sample_layout_free(struct sample_layout *l);


#endif

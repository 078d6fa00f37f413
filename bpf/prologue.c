// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "bpf/emit.h"
#include "bpf/filter_emit.h"
#include "bpf/insn.h"
#include "bpf/prologue.h"
#include "bpf/stack_emit.h"
#include "bpf/trampoline.h"
#include "vtrace_sample.h"

void emit(struct insn_buf *b, struct bpf_insn insn)
{
	if (b->err)
		return;
	if (b->n == b->cap) {
		struct bpf_insn *nv = array_grow(b->v, &b->cap, sizeof(*nv), 64);

		if (!nv) {
			b->err = -ENOMEM;
			return;
		}
		b->v = nv;
	}
	b->v[b->n++] = insn;
}

void emit_ld_imm64(struct insn_buf *b, int reg, int src, uint64_t v)
{
	emit(b, LD_IMM64_LO(reg, src, v));
	emit(b, LD_IMM64_HI(v));
}

void insn_buf_free(struct insn_buf *b)
{
	free(b->v);
	memset(b, 0, sizeof(*b));
}

/* A forward jump whose target is set later by patch(). */
size_t jump_fwd(struct insn_buf *b, struct bpf_insn insn)
{
	emit(b, insn);
	return b->n - 1;
}

void patch(struct insn_buf *b, size_t at)
{
	if (b->err)
		return;
	if (b->n - at - 1 > INT16_MAX) {
		b->err = -E2BIG;	/* a jump's offset has 16 bits */
		return;
	}
	b->v[at].off = b->n - at - 1;
}

int size_code(uint32_t size)
{
	switch (size) {
	case 1: return BPF_B;
	case 2: return BPF_H;
	case 4: return BPF_W;
	default: return BPF_DW;
	}
}

bool prologue_is_fast(const struct probe_instance *insts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < insts[i].nargs; j++) {
			const struct fetch_arg *a = &insts[i].args[j];

			if ((a->base != FETCH_REG && a->base != FETCH_CONST) || a->final != FINAL_INT ||
			    (a->base == FETCH_REG && (a->offset || a->reg >= DREG_NUM)))
				return false;
		}
	return true;
}

/* r0 holds a value read zero-extended at its size: make it the C value. */
void emit_normalize(struct insn_buf *b, int reg, const struct fetch_arg *a)
{
	if (a->bit_size) {
		if (a->bit_offset)
			emit(b, ALU64_IMM(BPF_RSH, reg, a->bit_offset));
		emit(b, ALU64_IMM(BPF_LSH, reg, 64 - a->bit_size));
		emit(b, ALU64_IMM(a->is_signed ? BPF_ARSH : BPF_RSH, reg, 64 - a->bit_size));
	} else if (a->is_signed && a->size < 8) {
		emit(b, ALU64_IMM(BPF_LSH, reg, 64 - 8 * a->size));
		emit(b, ALU64_IMM(BPF_ARSH, reg, 64 - 8 * a->size));
	}
}

/* A register or constant arg into reg: one load (two more to sign-extend). */
static void load_direct(struct insn_buf *b, int reg, const struct fetch_arg *a)
{
	if (a->base == FETCH_CONST) {
		if ((int64_t)a->value == (int32_t)a->value)
			emit(b, MOV64_IMM(reg, (int32_t)a->value));
		else
			emit_ld_imm64(b, reg, 0, a->value);
		return;
	}
	/* little endian: the low bytes of the saved register are the value */
	emit(b, LDX_MEM(size_code(a->size), reg, R_CTX, pt_regs_offset(a->reg)));
	emit_normalize(b, reg, a);
}

int prologue_fast_fetch(struct insn_buf *b, const struct probe_instance *in)
{
	for (size_t i = 0; i < in->nargs && i < 3; i++)
		load_direct(b, BPF_REG_3 + i, &in->args[i]);
	emit(b, MOV64_IMM(BPF_REG_2, 0));
	return b->err;
}

static int read_helper(enum probe_target t, bool str)
{
	if (t == TARGET_USER)
		return str ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_user;
	return str ? BPF_FUNC_probe_read_kernel_str : BPF_FUNC_probe_read_kernel;
}

/*
 * Faults are recorded without a branch.  A conditional jump after each read
 * gives the verifier two states to walk from there on, and it walks every
 * combination: 15 args at -O0 took it past its million instructions.
 *
 * The probe-read helpers return 0 or -errno (the _str ones the length, or
 * -errno) and zero their destination when they fail, so r0 s>> 63 is all
 * ones exactly on a fault; OR-ed into r8 it is the arg's fault mask.  Every
 * later read of the same arg goes to r3 | r8: after a fault that is ~0, an
 * address no read succeeds at (user reads refuse it as a kernel address,
 * kernel reads land in the unmapped hole at the top of the address space),
 * so the arg's final read faults too and the helper leaves its slot zeroed
 * instead of filled from an address computed from a zeroed pointer.
 *
 * A read of the address in r3.  Kernel probes meet user pointers too (a
 * syscall's buffer): there the helper is chosen by the address, kernel
 * addresses having the top bit set on x86-64.  A sleepable program reads
 * user memory with reads that may fault pages in, which keep the helpers'
 * convention (bpf/sleepable.c).  *nreads counts the arg's reads so far.
 */
void emit_read(struct insn_buf *b, const struct wrapper *w, bool str, size_t *nreads)
{
	enum probe_target t = w->target;
	bool first = !(*nreads)++;

	if (!first)
		emit(b, ALU64_REG(BPF_OR, BPF_REG_3, R_FAULT));
	if (t == TARGET_USER && w->sleepable) {
		emit_user_copy(b, w, str);
	} else if (t == TARGET_USER) {
		emit(b, CALL_HELPER(read_helper(t, str)));
	} else {
		emit(b, JMP_IMM(BPF_JSLT, BPF_REG_3, 0, 2));
		emit(b, CALL_HELPER(str ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_user));
		emit(b, JMP_A(1));
		emit(b, CALL_HELPER(read_helper(t, str)));
	}
	if (str)
		emit(b, ALU64_IMM(BPF_ADD, BPF_REG_0, -1));	/* a length of 0 is a fault too */
	emit(b, ALU64_IMM(BPF_ARSH, BPF_REG_0, 63));
	emit(b, first ? MOV64_REG(R_FAULT, BPF_REG_0) : ALU64_REG(BPF_OR, R_FAULT, BPF_REG_0));
}

/* r3 = *(u64 *)r3, through fp-8 (0 when the read faults). */
void read_pointer(struct insn_buf *b, const struct wrapper *w, size_t *nreads)
{
	emit(b, MOV64_REG(BPF_REG_1, BPF_REG_10));
	emit(b, ALU64_IMM(BPF_ADD, BPF_REG_1, FP_TMP));
	emit(b, MOV64_IMM(BPF_REG_2, 8));
	emit_read(b, w, false, nreads);
	emit(b, LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, FP_TMP));
}

/*
 * One arg into its slot of the scratch sample (r7); if one of its reads
 * faulted, its bit in r9 and a zeroed slot.  The address being walked is
 * kept in r3 (the read helpers' third argument).  Straight-line code: see
 * emit_read().
 */
static int fetch_one(struct insn_buf *b, const struct wrapper *w, const struct fetch_arg *a,
		     size_t idx, uint32_t slot, uint32_t slot_size)
{
	size_t nreads = 0;

	if (a->direct)
		return tramp_fetch_one(b, w, a, idx, slot, slot_size);	/* bpf/trampoline.c */
	if (a->base == FETCH_UNAVAILABLE) {
		/* optimized out at this instance: its bit, a zeroed slot */
		mark_unavailable(b, idx);
		emit(b, ST_MEM(BPF_DW, R_SCRATCH, slot, 0));
		return 0;
	}
	if (a->base == FETCH_CONST && a->final == FINAL_INT) {
		load_direct(b, BPF_REG_0, a);
		emit(b, STX_MEM(BPF_DW, R_SCRATCH, BPF_REG_0, slot));
		return 0;
	}
	if (a->base == FETCH_REG && a->final == FINAL_INT) {
		if (a->reg >= DREG_NUM)
			return -EINVAL;
		emit(b, LDX_MEM(a->offset ? BPF_DW : size_code(a->size), BPF_REG_0, R_CTX,
				pt_regs_offset(a->reg)));
		if (a->offset) {
			emit(b, ALU64_IMM(BPF_ADD, BPF_REG_0, a->offset));
			if (a->size < 8) {
				emit(b, ALU64_IMM(BPF_LSH, BPF_REG_0, 64 - 8 * a->size));
				emit(b, ALU64_IMM(BPF_RSH, BPF_REG_0, 64 - 8 * a->size));
			}
		}
		emit_normalize(b, BPF_REG_0, a);
		emit(b, STX_MEM(BPF_DW, R_SCRATCH, BPF_REG_0, slot));
		return 0;
	}

	if (a->base == FETCH_EXPR && a->final == FINAL_INT) {
		/* a computed value: r3, at the variable's size and sign */
		if (emit_expr(b, w, a, idx, &nreads))
			return -EINVAL;
		if (a->offset)
			emit(b, ALU64_IMM(BPF_ADD, BPF_REG_3, a->offset));
		if (a->size < 8 && !a->bit_size) {
			emit(b, ALU64_IMM(BPF_LSH, BPF_REG_3, 64 - 8 * a->size));
			emit(b, ALU64_IMM(a->is_signed ? BPF_ARSH : BPF_RSH, BPF_REG_3, 64 - 8 * a->size));
		} else {
			emit_normalize(b, BPF_REG_3, a);
		}
		if (nreads) {
			/* computed from a zeroed read, the value is not 0: r3 &= ~mask */
			emit(b, MOV64_REG(BPF_REG_1, R_FAULT));
			emit(b, ALU64_IMM(BPF_XOR, BPF_REG_1, -1));
			emit(b, ALU64_REG(BPF_AND, BPF_REG_3, BPF_REG_1));
		}
		emit(b, STX_MEM(BPF_DW, R_SCRATCH, BPF_REG_3, slot));
		goto done;
	}

	if (a->base == FETCH_PIECES) {
		if (a->final == FINAL_STRING || emit_pieces(b, w, a, idx, slot, &nreads))
			return -EINVAL;
		if (a->final == FINAL_INT) {
			emit(b, LDX_MEM(size_code(a->size), BPF_REG_0, R_SCRATCH, slot));
			emit_normalize(b, BPF_REG_0, a);
			emit(b, STX_MEM(BPF_DW, R_SCRATCH, BPF_REG_0, slot));
		}
		goto done;
	}

	/* the first address (or, for FETCH_REG/CONST strings, the pointer) into r3 */
	switch (a->base) {
	case FETCH_PIECES:
		break;	/* handled above */
	case FETCH_UNAVAILABLE:
		break;	/* handled above */
	case FETCH_CONST:
		emit_ld_imm64(b, BPF_REG_3, 0, a->value);
		break;
	case FETCH_REG:
	case FETCH_MEM_REG:
		if (a->reg == DREG_CTX) {
			emit(b, MOV64_REG(BPF_REG_3, R_CTX));
		} else {
			/* registers exist at kprobes and uprobes only */
			if (pt_regs_offset(a->reg) < 0 || (w->target != TARGET_USER && w->target != TARGET_KERNEL))
				return -EINVAL;
			emit(b, LDX_MEM(BPF_DW, BPF_REG_3, R_CTX, pt_regs_offset(a->reg)));
		}
		break;
	case FETCH_MEM_PC:
		/* globals move with the code in a position-independent binary */
		if (w->target != TARGET_USER)
			return -EINVAL;
		emit(b, LDX_MEM(BPF_DW, BPF_REG_3, R_CTX, pt_regs_offset(DREG_RIP)));
		break;
	case FETCH_EXPR:
	case FETCH_MEM_EXPR:
		if (emit_expr(b, w, a, idx, &nreads))
			return -EINVAL;
		break;
	}
	if (a->offset)
		emit(b, ALU64_IMM(BPF_ADD, BPF_REG_3, a->offset));

	for (size_t i = 0; i < a->nderefs; i++) {
		read_pointer(b, w, &nreads);
		if (a->derefs[i])
			emit(b, ALU64_IMM(BPF_ADD, BPF_REG_3, a->derefs[i]));
	}

	if (a->final == FINAL_STRING && a->base != FETCH_REG && a->base != FETCH_CONST &&
	    a->base != FETCH_EXPR) {
		/* r3 is where the char pointer is: read it */
		read_pointer(b, w, &nreads);
	}
	emit(b, MOV64_REG(BPF_REG_1, R_SCRATCH));
	emit(b, ALU64_IMM(BPF_ADD, BPF_REG_1, slot));
	if (a->final == FINAL_STRING) {
		emit(b, MOV64_IMM(BPF_REG_2, slot_size));
		emit_read(b, w, true, &nreads);
	} else {
		emit(b, MOV64_IMM(BPF_REG_2, a->size));
		emit_read(b, w, false, &nreads);
		if (a->final == FINAL_INT) {
			/* a faulted read left 0 in the slot, which stays 0 */
			emit(b, LDX_MEM(size_code(a->size), BPF_REG_0, R_SCRATCH, slot));
			emit_normalize(b, BPF_REG_0, a);
			emit(b, STX_MEM(BPF_DW, R_SCRATCH, BPF_REG_0, slot));
		}
	}
done:
	if (!nreads)
		return 0;	/* nothing read, nothing can fault */
	/*
	 * The mask (0 or ~0) becomes the arg's bit in r9, by shifts: the
	 * verifier forks its state on "mask &= constant" (a [-1, 0] scalar
	 * ANDed with a constant), which would double the states per arg again.
	 */
	if (idx < 63)
		emit(b, ALU64_IMM(BPF_RSH, R_FAULT, 63));
	if (idx)
		emit(b, ALU64_IMM(BPF_LSH, R_FAULT, idx));
	emit(b, ALU64_REG(BPF_OR, R_FAULTS, R_FAULT));
	return 0;
}

/*
 * Instances whose fetch code is the same share one copy of it: the
 * thousands of inlined copies of a function in an LTO build keep their args
 * in a few places.  The attach cookie carries the instance (its high half,
 * into the sample) and the group whose code runs (its low half).
 */
struct groups {
	size_t n;
	size_t *rep;		/* an instance of each group */
	uint32_t *of;		/* the group of each instance */
	struct insn_buf *code;	/* each group's code, as body() emitted it */
};

typedef int (*instance_fn)(struct insn_buf *b, const struct wrapper *w, size_t i, size_t *bad);

static void groups_free(struct groups *g)
{
	for (size_t k = 0; g->code && k < g->n; k++)
		insn_buf_free(&g->code[k]);
	free(g->code);
	free(g->rep);
	free(g->of);
	memset(g, 0, sizeof(*g));
}

static uint64_t code_hash(const struct insn_buf *c)
{
	const unsigned char *p = (const unsigned char *)c->v;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < c->n * sizeof(*c->v); i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static int group_instances(const struct wrapper *w, instance_fn body, struct groups *g, size_t *bad)
{
	uint64_t *hash;
	int rc = 0;

	memset(g, 0, sizeof(*g));
	g->rep = calloc(w->ninsts, sizeof(*g->rep));
	g->of = calloc(w->ninsts, sizeof(*g->of));
	g->code = calloc(w->ninsts, sizeof(*g->code));
	hash = calloc(w->ninsts, sizeof(*hash));
	if (!g->rep || !g->of || !g->code || !hash) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < w->ninsts; i++) {
		struct insn_buf *c = &g->code[g->n];
		size_t k;

		rc = body(c, w, i, bad);
		if (rc) {
			insn_buf_free(c);
			goto out;
		}
		hash[g->n] = code_hash(c);
		for (k = 0; k < g->n; k++)
			if (hash[k] == hash[g->n] && g->code[k].n == c->n &&
			    !memcmp(g->code[k].v, c->v, c->n * sizeof(*c->v)))
				break;
		g->of[i] = k;
		if (k < g->n) {
			insn_buf_free(c);
			continue;
		}
		g->rep[g->n++] = i;
	}
	if (g->n > PROLOGUE_GROUPS_MAX)
		rc = -E2BIG;
out:
	free(hash);
	if (rc)
		groups_free(g);
	return rc;
}

/* A binary search on r1 (the group) down to a jump for each group. */
static void dispatch_tree(struct insn_buf *b, size_t lo, size_t hi, size_t *leaf)
{
	size_t mid, right;

	if (hi - lo == 1) {
		leaf[lo] = jump_fwd(b, JMP_A(0));
		return;
	}
	mid = lo + (hi - lo) / 2;
	right = jump_fwd(b, JMP_IMM(BPF_JGE, BPF_REG_1, mid, 0));
	dispatch_tree(b, lo, mid, leaf);
	patch(b, right);
	dispatch_tree(b, mid, hi, leaf);
}

static void append(struct insn_buf *b, const struct insn_buf *c)
{
	for (size_t i = 0; i < c->n; i++)
		emit(b, c->v[i]);
}

/*
 * The code of every group, each reached by its attach cookie when there
 * are several; instance_to_sample: the instance goes into the scratch
 * sample (r7).  body() re-emits a group's code when it is not the code the
 * groups were formed by (the fast path's fetch into registers).
 */
static int per_group(struct insn_buf *b, const struct wrapper *w, const struct groups *g,
		     instance_fn body, bool instance_to_sample, size_t *bad)
{
	size_t *leaf = NULL, *ends = NULL;
	int rc = 0;

	if (w->ninsts > 1) {
		emit(b, MOV64_REG(BPF_REG_1, R_CTX));
		emit(b, CALL_HELPER(BPF_FUNC_get_attach_cookie));
		if (instance_to_sample) {
			emit(b, MOV64_REG(BPF_REG_1, BPF_REG_0));
			emit(b, ALU64_IMM(BPF_RSH, BPF_REG_1, 32));
			emit(b, STX_MEM(BPF_W, R_SCRATCH, BPF_REG_1,
					offsetof(struct vtrace_sample, instance)));
		}
	} else if (instance_to_sample) {
		emit(b, ST_MEM(BPF_W, R_SCRATCH, offsetof(struct vtrace_sample, instance), 0));
	}
	if (g->n > 1) {
		leaf = calloc(g->n, sizeof(*leaf));
		ends = calloc(g->n, sizeof(*ends));
		if (!leaf || !ends) {
			rc = -ENOMEM;
			goto out;
		}
		/* the low half, zero-extended */
		emit(b, INSN(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_0, 0, 0));
		dispatch_tree(b, 0, g->n, leaf);
	}
	for (size_t k = 0; k < g->n; k++) {
		if (leaf)
			patch(b, leaf[k]);
		if (body) {
			rc = body(b, w, g->rep[k], bad);
			if (rc)
				goto out;
		} else {
			append(b, &g->code[k]);
		}
		if (ends && k + 1 < g->n)
			ends[k] = jump_fwd(b, JMP_A(0));
	}
	for (size_t k = 0; ends && k + 1 < g->n; k++)
		patch(b, ends[k]);
	rc = b->err;
out:
	free(leaf);
	free(ends);
	return rc;
}

static int fast_fetch_body(struct insn_buf *b, const struct wrapper *w, size_t i, size_t *bad)
{
	(void)bad;
	return prologue_fast_fetch(b, &w->insts[i]);
}

/* Every arg of instance i into its slot of the scratch sample. */
static int fetch_body(struct insn_buf *b, const struct wrapper *w, size_t i, size_t *bad)
{
	const struct probe_instance *in = &w->insts[i];

	emit(b, ST_MEM(BPF_DW, R_SCRATCH, SAMPLE_UNAVAIL_OFF, 0));
	for (size_t j = 0; j < in->nargs; j++) {
		int rc = fetch_one(b, w, &in->args[j], j, w->layout->off[j], w->layout->size[j]);

		if (rc) {
			*bad = j;
			return rc;
		}
	}
	return 0;
}

/* Fast path, for a recorded event: the registers again, into the sample. */
static int reload_body(struct insn_buf *b, const struct wrapper *w, size_t i, size_t *bad)
{
	const struct probe_instance *in = &w->insts[i];

	(void)bad;
	for (size_t j = 0; j < in->nargs; j++) {
		load_direct(b, BPF_REG_0, &in->args[j]);
		emit(b, STX_MEM(BPF_DW, R_SCRATCH, BPF_REG_0, w->layout->off[j]));
	}
	return 0;
}

/*
 * r7 = the scratch sample; *fail jumps away without one.  A uprobe
 * program takes its thread's (see user_reads_setup()), a kernel one the
 * CPU's: kprobes and tracepoints run their programs with preemption off.
 */
static void lookup_scratch(struct insn_buf *b, const struct wrapper *w, size_t *fail)
{
	if (w->sleepable || (w->target == TARGET_USER && w->task_scratch_fd >= 0)) {
		emit_task_scratch(b, w);
	} else {
		emit(b, ST_MEM(BPF_W, BPF_REG_10, FP_KEY, w->probe_id));
		emit_ld_imm64(b, BPF_REG_1, BPF_PSEUDO_MAP_FD, w->scratch_fd);
		emit(b, MOV64_REG(BPF_REG_2, BPF_REG_10));
		emit(b, ALU64_IMM(BPF_ADD, BPF_REG_2, FP_KEY));
		emit(b, CALL_HELPER(BPF_FUNC_map_lookup_elem));
	}
	*fail = jump_fwd(b, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
	emit(b, MOV64_REG(R_SCRATCH, BPF_REG_0));
}

/* The pid filter's pid_tgid, kept for the header: one helper call an event, not two. */
#define FP_PID_TGID FP_SPILL(4)

static void pid_filter(struct insn_buf *b, int pids_fd, size_t *fail)
{
	emit(b, CALL_HELPER(BPF_FUNC_get_current_pid_tgid));
	emit(b, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, FP_PID_TGID));
	emit(b, ALU64_IMM(BPF_RSH, BPF_REG_0, 32));
	emit(b, STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, FP_KEY));
	emit_ld_imm64(b, BPF_REG_1, BPF_PSEUDO_MAP_FD, pids_fd);
	emit(b, MOV64_REG(BPF_REG_2, BPF_REG_10));
	emit(b, ALU64_IMM(BPF_ADD, BPF_REG_2, FP_KEY));
	emit(b, CALL_HELPER(BPF_FUNC_map_lookup_elem));
	*fail = jump_fwd(b, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
}

int prologue_emit(struct insn_buf *b, const struct wrapper *w, size_t *bad)
{
	const struct sample_layout *l = w->layout;
	bool fast = prologue_is_fast(w->insts, w->ninsts) && !w->filter;
	/*
	 * A uprobe's fast path writes its sample straight into the ring
	 * (reserve, submit): not into the thread's scratch first and then a
	 * copy (two helper calls an event fewer than task storage and
	 * ringbuf_output, one fewer in all).  Its size must be fixed: no stacks.
	 */
	bool direct = fast && !w->stacks && w->target == TARGET_USER && w->task_scratch_fd >= 0;
	size_t fail_match = 0, fail_filter = 0, fail_lookup = 0, fail_lookup2 = 0, call_at;
	size_t ret_zero, out, rb_ok, lost_none;
	struct groups g;
	int rc;

	for (size_t i = 0; i < w->ninsts; i++)
		if (w->insts[i].nargs > SPEC_ARGS_MAX)
			return -E2BIG;	/* the fault word has a bit for each */
	/* the fast path's groups: by the code that reloads every arg */
	rc = group_instances(w, fast ? reload_body : fetch_body, &g, bad);
	if (rc)
		return rc;
	if (w->group_of)
		memcpy(w->group_of, g.of, w->ninsts * sizeof(*g.of));
	emit(b, MOV64_REG(R_CTX, BPF_REG_1));
	if (w->pids_fd >= 0)
		pid_filter(b, w->pids_fd, &fail_filter);

	if (fast) {
		per_group(b, w, &g, fast_fetch_body, false, bad);
	} else {
		if (w->sleepable)
			emit(b, MOV64_IMM(R_RET, 0));	/* no sample: counted lost, not recorded */
		lookup_scratch(b, w, &fail_lookup);
		emit(b, MOV64_IMM(R_FAULTS, 0));
		if (w->target == TARGET_FENTRY || w->target == TARGET_TP_BTF) {
			/* 0 the verifier does not know: paths that differ in it prune (bpf/trampoline.c) */
			emit(b, STX_MEM(BPF_DW, R_SCRATCH, R_FAULTS, SAMPLE_FAULTS_OFF));
			emit(b, LDX_MEM(BPF_DW, R_FAULTS, R_SCRATCH, SAMPLE_FAULTS_OFF));
		}
		rc = per_group(b, w, &g, NULL, true, bad);
		if (rc)
			goto out_groups;
		if (w->filter && (rc = filter_emit(b, w->filter, l, &fail_match)))
			goto out_groups;
		/*
		 * r2: did any fetch fault, or find its value unavailable; r3..r5:
		 * the first three args, zero then
		 */
		emit(b, LDX_MEM(BPF_DW, BPF_REG_0, R_SCRATCH, SAMPLE_UNAVAIL_OFF));
		emit(b, ALU64_REG(BPF_OR, BPF_REG_0, R_FAULTS));
		emit(b, MOV64_IMM(BPF_REG_2, 0));
		for (size_t j = 0; j < 3; j++) {
			if (j < l->nargs && w->insts[0].args[j].final == FINAL_INT)
				emit(b, LDX_MEM(BPF_DW, BPF_REG_3 + j, R_SCRATCH, l->off[j]));
			else
				emit(b, MOV64_IMM(BPF_REG_3 + j, 0));
		}
		emit(b, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4));
		emit(b, MOV64_IMM(BPF_REG_2, 1));
		emit(b, MOV64_IMM(BPF_REG_3, 0));
		emit(b, MOV64_IMM(BPF_REG_4, 0));
		emit(b, MOV64_IMM(BPF_REG_5, 0));
	}

	/* the user's function, right after this wrapper */
	emit(b, MOV64_REG(BPF_REG_1, R_CTX));
	call_at = b->n;
	emit(b, INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0));
	ret_zero = jump_fwd(b, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
	emit(b, MOV64_REG(R_RET, BPF_REG_0));

	if (fast) {
		/* the registers again, into the sample: only for recorded events */
		if (direct) {
			emit_ld_imm64(b, BPF_REG_1, BPF_PSEUDO_MAP_FD, w->rb_fd);
			emit(b, MOV64_IMM(BPF_REG_2, l->total));
			emit(b, MOV64_IMM(BPF_REG_3, 0));
			emit(b, CALL_HELPER(BPF_FUNC_ringbuf_reserve));
			fail_lookup2 = jump_fwd(b, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
			emit(b, MOV64_REG(R_SCRATCH, BPF_REG_0));
		} else {
			lookup_scratch(b, w, &fail_lookup2);
		}
		per_group(b, w, &g, NULL, true, bad);
		emit(b, ST_MEM(BPF_DW, R_SCRATCH, SAMPLE_FAULTS_OFF, 0));
		emit(b, ST_MEM(BPF_DW, R_SCRATCH, SAMPLE_UNAVAIL_OFF, 0));
	} else {
		emit(b, STX_MEM(BPF_DW, R_SCRATCH, R_FAULTS, SAMPLE_FAULTS_OFF));
	}

	if (w->stacks)
		emit_stack(b, w);	/* record -g (bpf/stack_emit.c): r9 = the sample's size */

	/* the header */
	emit(b, ST_MEM(BPF_W, R_SCRATCH, offsetof(struct vtrace_sample, probe_id), w->probe_id));
	emit(b, ST_MEM(BPF_H, R_SCRATCH, offsetof(struct vtrace_sample, kind), VTRACE_SAMPLE_ARGS));
	emit(b, ST_MEM(BPF_H, R_SCRATCH, offsetof(struct vtrace_sample, flags),
		       VTRACE_SAMPLE_F_UNAVAIL | (w->stacks ? VTRACE_SAMPLE_F_STACK : 0)));
	if (w->pids_fd >= 0)
		emit(b, LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, FP_PID_TGID));
	else
		emit(b, CALL_HELPER(BPF_FUNC_get_current_pid_tgid));
	emit(b, STX_MEM(BPF_W, R_SCRATCH, BPF_REG_0, offsetof(struct vtrace_sample, tid)));
	emit(b, ALU64_IMM(BPF_RSH, BPF_REG_0, 32));
	emit(b, STX_MEM(BPF_W, R_SCRATCH, BPF_REG_0, offsetof(struct vtrace_sample, pid)));
	/*
	 * Stamped as it is sent, sleepable or not: samples then reach the ring
	 * buffer in time order, which scripts reading the stream rely on (a
	 * fetch that slept has the time it ended).
	 */
	emit(b, CALL_HELPER(BPF_FUNC_ktime_get_ns));
	emit(b, STX_MEM(BPF_DW, R_SCRATCH, BPF_REG_0, offsetof(struct vtrace_sample, time_ns)));
	emit(b, CALL_HELPER(BPF_FUNC_get_smp_processor_id));
	emit(b, STX_MEM(BPF_W, R_SCRATCH, BPF_REG_0, offsetof(struct vtrace_sample, cpu)));
	emit(b, MOV64_REG(BPF_REG_1, R_SCRATCH));
	emit(b, ALU64_IMM(BPF_ADD, BPF_REG_1, offsetof(struct vtrace_sample, comm)));
	emit(b, MOV64_IMM(BPF_REG_2, 16));
	emit(b, CALL_HELPER(BPF_FUNC_get_current_comm));

	if (direct) {
		emit(b, MOV64_REG(BPF_REG_1, R_SCRATCH));
		emit(b, MOV64_IMM(BPF_REG_2, BPF_RB_NO_WAKEUP));	/* the reader drains on a timer */
		emit(b, CALL_HELPER(BPF_FUNC_ringbuf_submit));
		rb_ok = jump_fwd(b, JMP_A(0));
		patch(b, fail_lookup2);	/* no room in the ring: counted lost */
	} else {
		emit_ld_imm64(b, BPF_REG_1, BPF_PSEUDO_MAP_FD, w->rb_fd);
		emit(b, MOV64_REG(BPF_REG_2, R_SCRATCH));
		emit(b, w->stacks ? MOV64_REG(BPF_REG_3, R_FAULTS) : MOV64_IMM(BPF_REG_3, l->total));
		emit(b, MOV64_IMM(BPF_REG_4, BPF_RB_NO_WAKEUP));	/* the reader drains on a timer */
		emit(b, CALL_HELPER(BPF_FUNC_ringbuf_output));
		rb_ok = jump_fwd(b, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
	}
	/* the ring buffer was full, or a thread's sample could not be had: count it */
	if (w->sleepable && !fast)
		patch(b, fail_lookup);
	emit(b, ST_MEM(BPF_W, BPF_REG_10, FP_KEY, 0));
	emit_ld_imm64(b, BPF_REG_1, BPF_PSEUDO_MAP_FD, w->lost_fd);
	emit(b, MOV64_REG(BPF_REG_2, BPF_REG_10));
	emit(b, ALU64_IMM(BPF_ADD, BPF_REG_2, FP_KEY));
	emit(b, CALL_HELPER(BPF_FUNC_map_lookup_elem));
	lost_none = jump_fwd(b, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
	emit(b, LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0));
	emit(b, ALU64_IMM(BPF_ADD, BPF_REG_1, 1));
	emit(b, STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0));
	patch(b, rb_ok);
	patch(b, lost_none);
	if (fast && !direct)
		patch(b, fail_lookup2);
	/* fentry and fexit programs return 0 (the verifier's rule); the others the user's value */
	emit(b, w->target == TARGET_FENTRY ? MOV64_IMM(BPF_REG_0, 0) : MOV64_REG(BPF_REG_0, R_RET));
	out = jump_fwd(b, JMP_A(0));
	/* not traced, no scratch, or the user's function said no: return 0 */
	if (w->pids_fd >= 0)
		patch(b, fail_filter);
	if (!fast && !w->sleepable)
		patch(b, fail_lookup);
	patch(b, ret_zero);
	if (w->filter)
		patch(b, fail_match);
	emit(b, MOV64_IMM(BPF_REG_0, 0));
	patch(b, out);
	emit(b, EXIT_INSN());
	/* the call lands on the instruction after the wrapper */
	if (!b->err)
		b->v[call_at].imm = b->n - call_at - 1;
	rc = b->err;
out_groups:
	groups_free(&g);
	return rc;
}

int sample_layout_build(struct sample_layout *l, const struct probe_instance *in)
{
	uint32_t off = SAMPLE_ARGS_OFF;

	memset(l, 0, sizeof(*l));
	l->nargs = in->nargs;
	l->off = calloc(in->nargs ? in->nargs : 1, sizeof(*l->off));
	l->size = calloc(in->nargs ? in->nargs : 1, sizeof(*l->size));
	if (!l->off || !l->size)
		return -ENOMEM;
	for (size_t i = 0; i < in->nargs; i++) {
		const struct fetch_arg *a = &in->args[i];
		uint32_t sz = a->final == FINAL_STRING ? SPEC_STR_MAX :
			      a->final == FINAL_BYTES ? (a->size + 7) & ~7u : 8;

		if (a->final == FINAL_BYTES && a->size > SPEC_BYTES_MAX)
			return -EINVAL;
		l->off[i] = off;
		l->size[i] = sz;
		off += sz;
	}
	l->total = off;
	return 0;
}

void sample_layout_free(struct sample_layout *l)
{
	free(l->off);
	free(l->size);
	memset(l, 0, sizeof(*l));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Trampoline programs (fentry, fexit, tp_btf): their args are u64 slots of
 * the context, and the first fetch_arg.direct reads of an arg are plain
 * loads the verifier checks against BTF (probe/btf_args.c); the rest are
 * probe reads, as at a kprobe.
 *
 * A plain load through a NULL pointer would read 0 and say nothing (the
 * JIT's exception table), where a probe read faults: each pointer is
 * tested before it is followed, and a NULL one marks the arg faulted, as a
 * kprobe's read would.  A pointer that is not NULL but bad still reads 0
 * without a fault.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf/emit.h"
#include "bpf/insn.h"
#include "bpf/trampoline.h"
#include "lib/error.h"
#include "probe/btf_int.h"
#include "probe/resolve.h"
#include "probe/spec.h"

#define NULLS_MAX 64

struct chain {
	size_t nulls[NULLS_MAX];	/* jumps to the arg's fault: a NULL pointer */
	size_t nnull;
	size_t nreads;			/* probe reads (emit_read()'s count) */
	bool at_ctx;			/* the next read is from the ctx slot */
	int64_t off;			/* ... at this offset from r6 or r3 */
};

/* A plain load of size bytes at the chain's place into dst; a NULL pointer jumps to the fault. */
static int load(struct insn_buf *b, struct chain *c, int dst, uint32_t size)
{
	if (c->off < INT16_MIN || c->off > INT16_MAX)
		return -EINVAL;
	if (!c->at_ctx) {
		if (c->nnull == NULLS_MAX)
			return -EINVAL;
		c->nulls[c->nnull++] = jump_fwd(b, JMP_IMM(BPF_JEQ, BPF_REG_3, 0, 0));
	}
	emit(b, LDX_MEM(size_code(size), dst, c->at_ctx ? R_CTX : BPF_REG_3, c->off));
	c->at_ctx = false;
	return 0;
}

/* r3 = the chain's address, for a probe read (never the ctx: the first read is a load). */
static int address(struct insn_buf *b, struct chain *c)
{
	if (c->at_ctx)
		return -EINVAL;
	if (c->off)
		emit(b, ALU64_IMM(BPF_ADD, BPF_REG_3, c->off));
	c->off = 0;
	return 0;
}

int tramp_fetch_one(struct insn_buf *b, const struct wrapper *w, const struct fetch_arg *a,
		    size_t idx, uint32_t slot, uint32_t slot_size)
{
	struct chain c = { .at_ctx = true, .off = a->offset };
	size_t n = a->nderefs, done;
	int rc = 0;

	if (a->base != FETCH_MEM_REG || a->reg != DREG_CTX || !a->direct)
		return -EINVAL;
	for (size_t k = 0; k < n && !rc; k++) {
		if (k < a->direct) {
			rc = load(b, &c, BPF_REG_3, 8);
		} else {
			rc = address(b, &c);
			read_pointer(b, w, &c.nreads);
		}
		c.off = a->derefs[k];
	}
	if (rc)
		return rc;
	if (a->final == FINAL_STRING) {
		/* the char pointer, then the string (a helper copies it) */
		if (n < a->direct) {
			rc = load(b, &c, BPF_REG_3, 8);
		} else {
			rc = address(b, &c);
			read_pointer(b, w, &c.nreads);
		}
		emit(b, MOV64_REG(BPF_REG_1, R_SCRATCH));
		emit(b, ALU64_IMM(BPF_ADD, BPF_REG_1, slot));
		emit(b, MOV64_IMM(BPF_REG_2, slot_size));
		emit_read(b, w, true, &c.nreads);
	} else if (a->final == FINAL_INT && n < a->direct) {
		rc = load(b, &c, BPF_REG_0, a->size);
		emit_normalize(b, BPF_REG_0, a);
		emit(b, STX_MEM(BPF_DW, R_SCRATCH, BPF_REG_0, slot));
	} else {
		rc = address(b, &c);
		emit(b, MOV64_REG(BPF_REG_1, R_SCRATCH));
		emit(b, ALU64_IMM(BPF_ADD, BPF_REG_1, slot));
		emit(b, MOV64_IMM(BPF_REG_2, a->size));
		emit_read(b, w, false, &c.nreads);
		if (a->final == FINAL_INT) {
			emit(b, LDX_MEM(size_code(a->size), BPF_REG_0, R_SCRATCH, slot));
			emit_normalize(b, BPF_REG_0, a);
			emit(b, STX_MEM(BPF_DW, R_SCRATCH, BPF_REG_0, slot));
		}
	}
	if (rc)
		return rc;
	if (c.nreads) {
		/* the probe reads' fault mask into the arg's bit (prologue.c's shifts) */
		if (idx < 63)
			emit(b, ALU64_IMM(BPF_RSH, R_FAULT, 63));
		if (idx)
			emit(b, ALU64_IMM(BPF_LSH, R_FAULT, idx));
		emit(b, ALU64_REG(BPF_OR, R_FAULTS, R_FAULT));
	}
	if (!c.nnull)
		return b->err;
	done = jump_fwd(b, JMP_A(0));
	for (size_t k = 0; k < c.nnull; k++)
		patch(b, c.nulls[k]);
	/*
	 * A NULL pointer on the way: the arg faulted, its slot is zero.  Its
	 * fault bit goes through the slot (map memory, whose value the
	 * verifier does not know): a constant would keep each path's r9 apart
	 * where the paths join, and 64 args' NULL tests would be 2^128 paths.
	 */
	emit_ld_imm64(b, BPF_REG_0, 0, 1ULL << idx);
	emit(b, STX_MEM(BPF_DW, R_SCRATCH, BPF_REG_0, slot));
	emit(b, LDX_MEM(BPF_DW, BPF_REG_0, R_SCRATCH, slot));
	emit(b, ST_MEM(BPF_DW, R_SCRATCH, slot, 0));
	emit(b, ALU64_REG(BPF_OR, R_FAULTS, BPF_REG_0));
	patch(b, done);
	return b->err;
}

int tramp_probe(const char *func, bool ret, bool attach, char *why, size_t size)
{
	static const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = ret ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY);
	struct btf *vmlinux = btf_vmlinux();
	const struct btf_type *proto = NULL;
	int id, fd, err, link;

	why[0] = 0;
	id = vmlinux ? btf__find_by_name_kind(vmlinux, func, BTF_KIND_FUNC) : -ENOENT;
	if (id > 0)
		proto = btf__type_by_id(vmlinux, btf__type_by_id(vmlinux, id)->type);
	err = proto && btf_vlen(proto) > 6 ? -E2BIG : 0;
	if (err)
		snprintf(why, size, "%s has %u parameters, and a trampoline passes 6 on every kernel",
			 func, btf_vlen(proto));
	if (id <= 0 || err)
		return id <= 0 ? 0 : err;	/* a module's function: its load will tell */
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "vtrace_tramp", "GPL", insns, 2, &opts);
	if (fd < 0) {
		err = -errno;
		snprintf(why, size, "loading an %s program on %s fails: %s", ret ? "fexit" : "fentry",
			 func, strerror(-err));
		return err;
	}
	/* attached for a moment: a function ftrace cannot patch fails here, not later */
	link = attach ? bpf_raw_tracepoint_open(NULL, fd) : -1;
	err = attach && link < 0 ? -errno : 0;
	if (link >= 0)
		close(link);
	close(fd);
	if (err)
		snprintf(why, size, "attaching an %s program to %s fails: %s", ret ? "fexit" : "fentry",
			 func, strerror(-err));
	return err;
}

bool tramp_reads_ctx(const struct bpf_insn *insns, size_t n)
{
	bool straight = true;	/* no branch yet: r1 written here is written on every path */

	for (size_t i = 0; i < n; i++) {
		const struct bpf_insn *in = &insns[i];
		int op = BPF_OP(in->code);
		bool x = BPF_SRC(in->code) == BPF_X, reads = false, writes = false;

		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
			writes = in->dst_reg == BPF_REG_1;
			i += insn_is_ld_imm64(in);
			break;
		case BPF_LDX:
			reads = in->src_reg == BPF_REG_1;
			writes = in->dst_reg == BPF_REG_1;
			break;
		case BPF_ST:
			reads = in->dst_reg == BPF_REG_1;
			break;
		case BPF_STX:
			reads = in->dst_reg == BPF_REG_1 || in->src_reg == BPF_REG_1;
			break;
		case BPF_ALU:
		case BPF_ALU64:
			reads = (op != BPF_MOV && in->dst_reg == BPF_REG_1) || (x && in->src_reg == BPF_REG_1);
			writes = in->dst_reg == BPF_REG_1;
			break;
		case BPF_JMP:
		case BPF_JMP32:
			if (op == BPF_CALL) {
				reads = true;	/* a call's first argument is r1 */
			} else if (op != BPF_EXIT) {
				reads = op != BPF_JA && (in->dst_reg == BPF_REG_1 ||
							 (x && in->src_reg == BPF_REG_1));
				straight = false;
			}
			break;
		}
		if (reads)
			return true;
		if (writes && straight)
			return false;
	}
	return false;
}

/* Why a kernel function spec without via= stays a kprobe, in why; 0 if the trampoline takes it */
static int tramp_why_not(const struct spec *s, bool stacks, const struct bpf_insn *insns, size_t n,
			 char *why, size_t size)
{
	const char *reason;

	if (tramp_reads_ctx(insns, n)) {
		/* a kprobe's ctx is a struct pt_regs, a trampoline's the u64 args */
		snprintf(why, size, "the program reads its ctx, a struct pt_regs there");
		return -EINVAL;
	}
	if (stacks) {
		/* a trampoline's stack starts in BPF's own frames, a kprobe's at the function */
		snprintf(why, size, "-g: its kernel stack starts at the function");
		return -EINVAL;
	}
	if (spec_tramp_eligible(s, &reason)) {
		snprintf(why, size, "%s", reason);
		return -EINVAL;
	}
	return tramp_probe(s->func, s->ret, true, why, size);
}

void tramp_choose(struct spec *s, bool stacks, const struct bpf_insn *insns, size_t n,
		  const char *where, char *why, size_t size)
{
	*why = 0;
	if (s->via != VIA_AUTO || s->point != POINT_FUNC || s->exec || s->module)
		return;
	if (tramp_why_not(s, stacks, insns, n, why, size)) {
		pr_debug("%s: %s: a kprobe (%s)", where, s->func, why);
		return;
	}
	s->via = VIA_FENTRY;
	pr_debug("%s: %s: through the trampoline (%s), which this kernel loads and attaches; "
		 "via=kprobe; in front forces a kprobe", where, s->func, s->ret ? "fexit" : "fentry");
}

int tramp_resolve_plan(struct spec *s, bool stacks, const struct bpf_insn *insns, size_t n,
		       const char *where, struct probe_resolved *res, struct spec_error *err)
{
	bool chosen = s->via == VIA_AUTO;
	char why[sizeof(err->msg)];
	size_t len;
	int rc;

	tramp_choose(s, stacks, insns, n, where, why, sizeof(why));
	rc = probe_resolve(s, NULL, res, err);
	if (rc && chosen && s->via == VIA_FENTRY) {
		pr_debug("%s: a kprobe after all: %s", where, err->msg);
		s->via = VIA_KPROBE;
		snprintf(why, sizeof(why), "%s", err->msg);
		rc = probe_resolve(s, NULL, res, err);
	}
	/* FUNC%return PARAM: what a kretprobe lacks, and why fexit, which has it, was not used */
	len = strlen(err->msg);
	if (rc != -EINVAL || !s->ret || !spec_needs_fexit(s) || len >= sizeof(err->msg) - 1)
		return rc;
	if (chosen && *why)
		snprintf(err->msg + len, sizeof(err->msg) - len, "; fexit would have them, and it is not "
			 "used here: %.*s", (int)(sizeof(err->msg) - len), why);
	else if (s->via == VIA_KPROBE)
		snprintf(err->msg + len, sizeof(err->msg) - len, "; fexit has them (drop via=kprobe)");
	return rc;
}

int tramp_set_target(struct bpf_program *prog, const char *where, const char *name, bool tp, bool ret,
		     bool kprobes)
{
	enum bpf_attach_type type = tp ? BPF_TRACE_RAW_TP : ret ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY;
	char why[256];
	int err;

	if (!tp && tramp_probe(name, ret, false, why, sizeof(why))) {
		pr_err("%s: this kernel refuses BPF trampolines (%s); probe %s with a kprobe%s", where,
		       why, name, kprobes ? "" : ", on a kernel that has them");
		return -EOPNOTSUPP;
	}
	bpf_program__set_type(prog, BPF_PROG_TYPE_TRACING);
	bpf_program__set_expected_attach_type(prog, type);
	err = bpf_program__set_attach_target(prog, 0, name);
	if (err)
		pr_err("%s: no %s '%s' in the kernel's BTF (vmlinux or a loaded module)", where,
		       tp ? "BTF-typed tracepoint" : "function", name);
	return err;
}

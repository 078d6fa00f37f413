/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_TRAMPOLINE_H
#define VTRACE_TRAMPOLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>

#include "bpf/prologue.h"

/*
 * An arg of a trampoline program (fentry, fexit, tp_btf) whose first
 * a->direct reads are plain BTF-typed loads, into its slot of the scratch
 * sample (bpf/trampoline.c).  -EINVAL if it is not such an arg.
 */
int tramp_fetch_one(struct insn_buf *b, const struct wrapper *w, const struct fetch_arg *a,
		    size_t idx, uint32_t slot, uint32_t slot_size);

/*
 * Does this kernel load an fentry (fexit: ret) program on vmlinux's func
 * (and attach it, when attach)?  0, or -errno with why filled ("loading an
 * fentry program on F fails: ...").
 */
int tramp_probe(const char *func, bool ret, bool attach, char *why, size_t size);

/*
 * fentry, fexit, tp_btf: prog becomes a tracing program with the BTF id of
 * name (vmlinux's or a module's; libbpf finds it).  A kernel that refuses
 * trampolines is said so, after where, before anything loads (kprobes:
 * whether it has kprobes to offer instead).
 */
struct bpf_program;
int tramp_set_target(struct bpf_program *prog, const char *where, const char *name, bool tp, bool ret,
		     bool kprobes);

/*
 * A kernel function spec without via=: the trampoline where this kernel
 * loads and attaches it there (s->via becomes VIA_FENTRY), else a kprobe
 * (and with -g, stacks: a kprobe's kernel stack starts at the function),
 * why it stays a kprobe in why (empty when it was not a choice); -v says
 * which and why (where names the program).
 */
struct spec;
struct spec_error;
struct probe_resolved;
void tramp_choose(struct spec *s, bool stacks, const struct bpf_insn *insns, size_t n,
		  const char *where, char *why, size_t size);

/*
 * The plan of a spec, with the attach model chosen as tramp_choose() does:
 * probe_resolve() of the choice, a kprobe after all when the trampoline
 * cannot fetch what the spec asks, and a return probe's parameters refused
 * with why fexit, which has them, was not used.  0 or -errno with err.
 */
int tramp_resolve_plan(struct spec *s, bool stacks, const struct bpf_insn *insns, size_t n,
		       const char *where, struct probe_resolved *res, struct spec_error *err);

/*
 * Might the program (its user function, before vtrace's prologue) read r1,
 * its ctx, which is a struct pt_regs at a kprobe and the u64 args at the
 * trampoline?  Conservative: any read of r1 that is not after a write of
 * it on every path, a call included, says yes.
 */
bool tramp_reads_ctx(const struct bpf_insn *insns, size_t n);

#endif

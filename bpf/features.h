/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_FEATURES_H
#define VTRACE_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

/*
 * User memory that is not paged in (a string literal in .rodata nothing
 * touched yet, a file mapping never read, a page reclaimed).  The probe-read
 * helpers run with page faults disabled and fail there, so the arg reads as
 * (fault); gdb, reading through ptrace, faults the page in.  A sleepable
 * uprobe program can fault too: it reads with bpf_copy_from_user() (5.10;
 * sleepable uprobes since 5.19) and bpf_copy_from_user_str() (a kfunc, 6.12).
 * Only from 6.10 on does a uprobe run its programs before it takes a
 * per-CPU lock (features.c): earlier a program sleeping in a read would
 * keep every other uprobe hit on its CPU waiting for the page.
 *
 * A sleepable program may sleep in the middle of a fetch, on the CPU it
 * started on (uprobe programs run with migration disabled, not
 * preemption): another thread hitting a probe there would overwrite a
 * per-CPU scratch sample under it.  Sleepable programs fetch into a sample
 * of their thread instead (task storage), which a thread cannot reuse
 * before its program ends: it runs no uprobe while in the kernel.
 */
struct user_reads {
	bool sleepable;		/* uprobe specs that read user memory load sleepable */
	int str_kfunc;		/* vmlinux BTF id of bpf_copy_from_user_str; 0: none */
	int scratch_fd;		/* task storage, one sample per thread; -1: none */
	char why[192];		/* why not sleepable, for -v */
};

/* BPF_F_PAD_ZEROS (uapi since 6.12): a failed read leaves the buffer zeroed, as the helpers do. */
#define VTRACE_F_PAD_ZEROS 1

/* A call of the vmlinux kfunc whose BTF id is id (bpf/insn.h's shape). */
#define KFUNC_CALL(id) \
	((struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL, .imm = (id) })

/* Set (not empty, not "0") in the environment: the probe-read helpers, as before. */
#define VTRACE_NO_SLEEPABLE_ENV "VTRACE_NO_SLEEPABLE"

void user_reads_init(struct user_reads *ur);
/*
 * What the running kernel offers, asked once: a sleepable uprobe program
 * with bpf_copy_from_user() and task storage of sample_size bytes, and the
 * kfunc.  Never fails: without them ur->sleepable is false and ur->why says
 * why.
 */
void user_reads_setup(struct user_reads *ur, uint32_t sample_size);
void user_reads_close(struct user_reads *ur);

/*
 * Does the kernel take insns (a spec program as libbpf would load it, with
 * opts) as a sleepable program?  The verifier refuses in sleepable programs
 * some maps and helpers a user's function may use (perf event arrays, stack
 * maps).  0, or -errno with the verifier's reason in why.
 */
int sleepable_try(const char *obj_path, const char *name, const struct bpf_insn *insns, size_t n,
		  const struct bpf_prog_load_opts *opts, char *why, size_t size);

#endif

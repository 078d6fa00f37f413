/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_ATTACH_H
#define VTRACE_ATTACH_H

#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>

#include "probe/fetch.h"

/*
 * Where a program attaches, in one table of section kinds (libbpf's
 * SEC_DEF table, vtrace's way).  Every program has a plan, struct
 * probe_resolved (probe/fetch.h): its target, its instances and what
 * each fetches.  A probe spec is resolved into a plan by probe/; a kind's
 * own section (uprobe/PATH:FUNC, kprobe/FUNC, raw_tp/NAME, ...) is a plan
 * with one instance and no args, the symbol table's.  Either way the
 * kind of the plan's target says the program type and how instance i is
 * attached; nothing downstream asks which of the two it was.
 *
 * To add a kind: a target in enum probe_target, a row here (its prefix,
 * its section parser if its own sections name a place without args) and
 * its attach function.
 */
struct sec_def {
	const char *prefix;		/* the section's prefix, as libbpf matches it */
	const char *kind;		/* what vtrace list shows */
	enum probe_target target;
	bool ret;			/* a return probe */
	enum bpf_prog_type prog_type;
	enum bpf_attach_type attach_type;	/* the expected one, for libbpf; 0: none */
	/*
	 * The rest of a section without args into a one-instance plan (the
	 * binary as written); NULL: every section of the kind is a probe spec
	 * (tp/, whose record the sample carries).  0, or -EINVAL with *col.
	 */
	int (*parse)(const struct sec_def *d, const char *sec, const char *rest,
		     struct probe_resolved *plan, int *col);
	/*
	 * What can be checked before anything loads (the function exists, the
	 * kernel has the kind); fills in the plan (the binary's real path, the
	 * file offset) or the program (what it attaches to).  0 or -errno,
	 * the message printed after where.
	 */
	int (*check)(struct bpf_program *prog, struct probe_resolved *plan, const char *where);
	/*
	 * What the program attaches to, for a kind's sections and its specs
	 * alike (the trampoline's kinds: the BTF id of the function or
	 * tracepoint); NULL: nothing to set.  0 or -errno, the message
	 * printed after where.
	 */
	int (*set_target)(struct bpf_program *prog, const struct probe_resolved *plan, const char *where);
	/* Instance i of the plan, with the cookie the program reads. */
	struct bpf_link *(*attach)(struct bpf_program *prog, const struct probe_resolved *plan,
				   size_t i, uint64_t cookie);
};

/* Every row; the first of a target and ret is its kind's own. */
extern const struct sec_def sec_defs[];
extern const size_t sec_defs_count;

/*
 * A section name: a kind's own section (0, *def its row, plan filled),
 * a probe spec (0, *def NULL, plan untouched: probe_resolve() makes it),
 * malformed (-EINVAL, *col where), or nothing vtrace attaches (-ENOENT).
 */
int sec_plan(const char *sec, const struct sec_def **def, struct probe_resolved *plan, int *col);

/* The row of a resolved plan's target: its program type, kind and attach. */
const struct sec_def *sec_def_of(enum probe_target target, bool ret);

/* The kernel has kprobes (CONFIG_KPROBES). */
bool have_kprobes(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_MMAP_EVENTS_H
#define VTRACE_MMAP_EVENTS_H

#include <stddef.h>
#include <sys/types.h>

#include "probe/stack.h"

/*
 * record -g: the mappings of every process as they change, from the
 * kernel's own mmap, fork and exec records (a dummy perf event per CPU,
 * as perf record keeps them), so a process that exits right after its
 * last sample still has its mappings known.  A process first seen by a
 * mapping of its own (it was there before) starts from /proc/PID/maps.
 */
struct mmap_proc;

struct mmap_events {
	int ncpus;
	int *fds;
	void **rings;
	size_t ring_size;	/* data bytes per CPU */
	struct mmap_proc *procs;
	size_t nprocs;
	unsigned long long lost;
};

int mmap_events_open(struct mmap_events *me);
/* Reads what arrived, in time order. */
void mmap_events_drain(struct mmap_events *me);
/* pid's mappings to ss if they changed since; 0 if known, -ENOENT if never seen. */
int mmap_events_sync(struct mmap_events *me, struct stack_syms *ss, pid_t pid);
void mmap_events_close(struct mmap_events *me);

#endif

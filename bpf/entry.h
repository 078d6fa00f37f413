/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_ENTRY_H
#define VTRACE_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/fetch.h"

/* The registers saved at a function's entry: rax..r15 by DWARF number. */
#define ENTRY_REGS 16

struct entry_key {
	uint64_t tid;		/* the thread id (low half of pid_tgid) */
	uint64_t cfa;		/* the frame: rsp + 8 at the entry */
	uint64_t func;		/* the function: its link-time entry address */
};

struct entry_regs {
	uint64_t reg[ENTRY_REGS];
};

struct entry_link {
	int pfd;		/* the uprobe perf event */
	int link_fd;
	uint64_t func;		/* what it saves for */
	const char *binary;
};

/* A session's entry probes: the map, the saver, one link per function. */
struct entry_probes {
	int map_fd;
	int prog_fd;
	struct entry_link *links;
	size_t n;
};

void entry_probes_init(struct entry_probes *ep);
/* Does any fetch of r use entry values? */
bool entry_probes_needed(const struct probe_resolved *r);
/* Savers at the entries r's fetches need (attached before r's own probes). */
int entry_probes_attach(struct entry_probes *ep, const struct probe_resolved *r, int pids_fd);
void entry_probes_close(struct entry_probes *ep);

/* The LRU map of saved entries; an fd, or -errno. */
int entry_map_create(void);
/* The saver program (pids_fd >= 0: only traced processes); an fd, or -errno. */
int entry_saver_load(int map_fd, int pids_fd);
/* The saver on a uprobe at binary's file_offset; cookie is the function's entry address. */
int entry_saver_attach(int prog_fd, const char *binary, uint64_t file_offset, uint64_t cookie,
		       struct entry_link *out);
void entry_link_close(struct entry_link *l);

#endif

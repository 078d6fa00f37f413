/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_REGISTRY_H
#define VTRACE_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bpf/session.h"
#include "lib/strbuf.h"

/*
 * What `vtrace list` shows.  The kernel says what is attached (its link
 * ids, their programs, who holds them); each running `vtrace record`
 * publishes in /run/vtrace/PID only what the kernel cannot know: per link,
 * the event, kind, target and spec, and per probe the samples recorded.
 * A file whose links are gone (vtrace was killed) adds nothing and is
 * removed by the next `vtrace list`.
 */
struct registry_entry {
	uint32_t link_id;
	uint32_t prog_id;
	uint32_t probe_id;
	char *kind;
	char *event;
	char *target;
	char *spec;
};

struct attached {
	pid_t owner;		/* the process holding the link, 0 if none found */
	uint32_t link_id, prog_id;
	uint64_t run_cnt;	/* 0 unless kernel.bpf_stats_enabled */
	bool stats;
	uint64_t samples;	/* recorded by the owner */
	struct registry_entry *e;
};

/* record: publish (again, with counts) and remove.  0 or -errno. */
int registry_publish(struct session *s, const unsigned long long *samples);
void registry_remove(struct session *s);

/* list: every link of a live vtrace, joined with what it published. */
int registry_collect(struct attached **out, size_t *n, struct registry_entry **entries, size_t *nentries);
void registry_free(struct attached *a, size_t n, struct registry_entry *e, size_t ne);

#endif

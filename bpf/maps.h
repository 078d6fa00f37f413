/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_MAPS_H
#define VTRACE_MAPS_H

#include <stdbool.h>
#include <stdio.h>

#include "bpf/session.h"
#include "lib/datafile.h"
#include "lib/mapprint.h"

/*
 * The maps a loaded session's programs declared, read back and printed
 * (lib/mapprint.h): aggregations (vtrace.h's VTRACE_COUNT() ..., found by
 * their VTRACE_AGG_SECTION records) at every --interval and at exit, any
 * other map at exit.  vtrace's own maps (vtrace_*) and libbpf's global
 * data maps (.bss, .data, .rodata) are not printed.
 */
struct map_set {
	struct agg *aggs;
	int *agg_fds;
	size_t naggs;
	struct umap *umaps;
	int *umap_fds;
	size_t numaps;
	int *drop_fds;		/* each object's vtrace_agg_drops */
	size_t ndrops;
	unsigned ncpus;
	bool fresh;		/* read by map_set_save(): the last print reads nothing again */
};

/* After session_load(); -errno, said why. */
int map_set_open(struct map_set *ms, struct session *s);
bool map_set_has_aggs(const struct map_set *ms);
/*
 * Reads and prints the aggregations; interval 0 is the last print at exit,
 * which adds the other maps.  Returns 0 or -errno of a map read.
 */
int map_set_print(struct map_set *ms, FILE *out, bool json, unsigned interval);
/*
 * Reads every map once more (the end of the run) and writes them into the
 * data file (REC_AGG, REC_UMAP), so vtrace script prints them as record
 * does; the next map_set_print() prints what was read here.  0 or -errno.
 */
int map_set_save(struct map_set *ms, struct datafile_writer *w);
/* Aggregation updates lost because a map was full. */
unsigned long long map_set_dropped(const struct map_set *ms);
void map_set_close(struct map_set *ms);

#endif

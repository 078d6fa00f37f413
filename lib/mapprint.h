/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_MAPPRINT_H
#define VTRACE_MAPPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/strbuf.h"
#include "lib/value.h"

/*
 * Printing BPF maps after a run, typed by their BTF (lib/value.h types),
 * with no libbpf: an aggregation (vtrace.h's VTRACE_COUNT() ...) as
 * bpftrace prints it, any other map as bpftool's dump lists it, and both
 * as JSON objects.  The caller adds what it read, one CPU's entry at a
 * time; entries of one key are merged when printed.
 */
struct agg_row {
	unsigned char *key;
	uint64_t slot;		/* histograms: the bucket */
	uint64_t count;
	int64_t value;
};

struct agg {
	char *name;
	uint32_t kind;		/* enum vtrace_agg_kind */
	uint32_t flags;		/* VTRACE_AGG_F_NOKEY */
	int64_t min, max, step;	/* linear histograms */
	struct value_type *key_type;	/* NULL: printed as bytes */
	uint32_t key_size;
	struct agg_row *rows;
	size_t nrows, cap;
};

/* key_type is the agg's from then on (freed by agg_free). */
int agg_init(struct agg *a, const char *name, uint32_t kind, uint32_t flags, int64_t min,
	     int64_t max, int64_t step, struct value_type *key_type, uint32_t key_size);
/* One CPU's struct vtrace_stat for key. */
int agg_add_stat(struct agg *a, const void *key, uint64_t count, int64_t value);
/* One CPU's count in a histogram's bucket for key. */
int agg_add_bucket(struct agg *a, const void *key, uint64_t slot, uint64_t count);
/* Buckets of a histogram (VTRACE_HIST_SLOTS, or a linear one's). */
uint64_t agg_nslots(const struct agg *a);
/* Forgets the rows (before reading the maps again). */
void agg_clear(struct agg *a);
/* @name[key]: value lines, or a histogram per key; a blank line after each. */
void agg_print(struct agg *a, struct strbuf *sb);
/* One JSON object (no newline); interval > 0 says which --interval print it is. */
void agg_print_json(struct agg *a, struct strbuf *sb, unsigned interval);
void agg_free(struct agg *a);

/* Any other map: its entries, a value per CPU for per-CPU maps. */
struct umap_row {
	unsigned char *key;
	unsigned char *value;	/* ncpus values of value_stride bytes for per-CPU maps */
};

struct umap {
	char *name;
	char *type_name;	/* "hash", "array", ... */
	unsigned ncpus;		/* 0: not per-CPU */
	struct value_type *key_type, *value_type;	/* NULL: printed as bytes */
	uint32_t key_size, value_size, value_stride;
	struct umap_row *rows;
	size_t nrows, cap;
};

int umap_init(struct umap *m, const char *name, const char *type_name, unsigned ncpus,
	      struct value_type *key_type, uint32_t key_size, struct value_type *value_type,
	      uint32_t value_size);
/* value: value_size bytes, or ncpus values of value_stride (value_size rounded up to 8) */
int umap_add(struct umap *m, const void *key, const void *value);
void umap_clear(struct umap *m);
void umap_print(struct umap *m, struct strbuf *sb);
void umap_print_json(struct umap *m, struct strbuf *sb);
void umap_free(struct umap *m);

#endif

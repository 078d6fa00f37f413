/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_DATAFILE_H
#define VTRACE_DATAFILE_H

#include <stdint.h>
#include <stdio.h>

#include "lib/decode.h"
#include "lib/mapprint.h"

/*
 * vtrace's data file (vtrace-data(5)): the magic "VTRACEDF", a u32 format
 * version and a u32 of flags, then records, each a u32 type, a u32 length
 * and that many bytes, padded to 8.  The records before the samples say
 * everything printing needs (see lib/decode.h), so a file prints the same
 * on any machine.  All integers are little endian.
 */
#define DATAFILE_MAGIC "VTRACEDF"
#define DATAFILE_VERSION 2	/* 2: AGG and UMAP records */

enum datafile_record {
	REC_META = 1,		/* "key=value\n" lines: host, kernel, command, time */
	REC_OBJECT = 2,		/* u32 obj */
	REC_FORMAT = 3,		/* u32 obj, u32 id, str text */
	REC_PROBE = 4,		/* u32 id, str event, u32 obj, u32 args_size, u32 nargs, args,
				   str tp_system, str tp_format (empty unless a raw record),
				   str spec (the program's section) */
	REC_TYPE = 5,		/* u32 obj, u32 id, type */
	REC_SAMPLE = 6,		/* a ring-buffer sample as it arrived */
	REC_LOST = 7,		/* u64 samples lost */
	REC_END = 8,		/* u64 samples written: the file is complete */
	REC_MAPS = 9,		/* u32 pid, then a process's mappings as text (record -g):
				   /proc/PID/maps lines of its files, "# build-id HEX PATH" lines */
	REC_AGG = 10,		/* an aggregation at exit: str name, u32 kind, u32 flags,
				   u64 min, max, step, u32 key_size, type key, u64 nrows,
				   rows of key_size bytes, u64 slot, u64 count, u64 value */
	REC_UMAP = 11,		/* any other map at exit: str name, str type, u32 ncpus,
				   u32 key_size, u32 value_size, type key, type value,
				   u64 nrows, rows of key_size bytes and the values' bytes */
};

struct datafile_writer {
	FILE *f;
	struct decoder *d;
	uint8_t **typed;	/* per object, per type id: its TYPE record is written */
	size_t *ntyped;
	uint64_t samples;
	int err;
};

/* Writes the header records; 0 or -errno. */
int datafile_create(struct datafile_writer *w, const char *path, struct decoder *d, const char *meta);
int datafile_sample(struct datafile_writer *w, const void *data, size_t size);
int datafile_lost(struct datafile_writer *w, uint64_t lost);
/* A process's mappings, before the first of its samples with a stack. */
int datafile_maps(struct datafile_writer *w, uint32_t pid, const char *text, size_t len);
/* The programs' maps as they were at the end (bpf/maps.c), before datafile_close(). */
int datafile_agg(struct datafile_writer *w, const struct agg *a);
int datafile_umap(struct datafile_writer *w, const struct umap *m);
/* Writes the end record and closes; 0 or -errno (the first error seen). */
int datafile_close(struct datafile_writer *w);

struct datafile_callbacks {
	int (*sample)(void *ctx, struct decoder *d, const void *data, size_t size);
	int (*lost)(void *ctx, uint64_t lost);
	void (*meta)(void *ctx, const char *text);	/* the META record, when read */
	void *ctx;
	/* a MAPS record (may be NULL): text is not NUL-terminated */
	int (*maps)(void *ctx, uint32_t pid, const char *text, size_t len);
	/* an AGG or UMAP record (may be NULL): freed after the call */
	int (*agg)(void *ctx, struct agg *a);
	int (*umap)(void *ctx, struct umap *m);
};

/*
 * Reads path into d and calls back for each sample, in order.  On a
 * damaged file, everything before the damage has been called back and
 * one message names the offset (printed here, where it is known);
 * -EPROTO for a newer format, -EBADMSG for damage, else -errno.
 * *meta (malloc'd) gets the META text.
 */
int datafile_read(const char *path, struct decoder *d, const struct datafile_callbacks *cb,
		  char **meta);
/*
 * The same for a file's len bytes at data, named name in messages
 * (lib/datafile_read.c: every count, size, index and width in them is
 * checked against its record and one budget for what the reader keeps).
 */
int datafile_parse(const char *name, const char *data, size_t len, struct decoder *d,
		   const struct datafile_callbacks *cb, char **meta);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_READER_H
#define VTRACE_READER_H

#include <stdio.h>

#include "bpf/mmap_events.h"
#include "bpf/session.h"
#include "lib/datafile.h"
#include "lib/decode.h"
#include "lib/strbuf.h"
#include "probe/stack.h"

/* Reads the session's ring buffer into text lines, JSON lines or a data file. */
struct reader_opts {
	FILE *out;		/* text or JSON */
	const char *path;	/* -o: a data file instead */
	bool json;
	unsigned fields;	/* -F, for text */
	const char *meta;	/* for the data file's header */
};

struct reader {
	struct session *s;
	struct ring_buffer *rb;
	struct reader_opts o;
	struct decoder dec;
	struct datafile_writer df;
	bool file;
	struct strbuf line;
	unsigned long long samples;
	unsigned long long malformed;
	unsigned long long *per_probe;	/* samples by probe id, for vtrace list */
	struct stack_syms *syms;	/* record -g: mappings and symbols */
	struct mmap_events mmaps;	/* record -g: how they change */
	bool mmaps_open;
};

int reader_open(struct reader *r, struct session *s, const struct reader_opts *o);
/* Reads what is there without waiting; returns samples read or -errno. */
int reader_consume(struct reader *r);
/* Becomes readable when samples arrive. */
int reader_fd(const struct reader *r);
/* Records the lost count (JSON, data file); closes; 0 or -errno of the output. */
int reader_close(struct reader *r, unsigned long long lost);

/* The decoder for a loaded session: formats and arg types move into it. */
int decoder_from_session(struct decoder *d, struct session *s);

#endif

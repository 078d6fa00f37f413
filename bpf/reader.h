/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_READER_H
#define VTRACE_READER_H

#include <stdio.h>

#include "bpf/mmap_events.h"
#include "bpf/ringread.h"
#include "bpf/session.h"
#include "lib/datafile.h"
#include "lib/decode.h"
#include "lib/outq.h"
#include "lib/strbuf.h"
#include "probe/stack.h"

/* Reads the session's ring buffer into text lines, JSON lines or a data file. */
struct reader_opts {
	FILE *out;		/* text or JSON */
	const char *path;	/* -o: a data file instead */
	bool json;
	unsigned fields;	/* -F, for text */
	const char *meta;	/* for the data file's header */
	struct outq *q;		/* out is this queue's FILE: a sample that does not fit is counted */
	unsigned batch;		/* reader_consume() returns -EAGAIN after this many samples */
};

struct reader {
	struct session *s;
	struct ringread ring;
	struct ringread *rb;	/* &ring once it is open */
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
	int ep;			/* reader_fd(): the ring buffer's and the drain timer's */
	int tfd;		/* the drain timer */
	unsigned drain_ms;
	unsigned batched;
};

int reader_open(struct reader *r, struct session *s, const struct reader_opts *o);
/* Reads what is there without waiting; returns samples read, -EAGAIN after o.batch, or -errno. */
int reader_consume(struct reader *r);
/*
 * Becomes readable when samples should be read: every few milliseconds
 * while they come (the programs send without waking the reader), at
 * once when a program woke it.  Call reader_consume() then.
 */
int reader_fd(const struct reader *r);
/* Records the lost count (JSON, data file); closes; 0 or -errno of the output. */
int reader_close(struct reader *r, unsigned long long lost);

/* The decoder for a loaded session: formats and arg types move into it. */
int decoder_from_session(struct decoder *d, struct session *s);

#endif

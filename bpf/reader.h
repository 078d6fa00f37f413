/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_READER_H
#define VTRACE_READER_H

#include <stdio.h>

#include "bpf/session.h"
#include "lib/strbuf.h"

/* Reads the session's ring buffer and prints one line per sample. */
struct reader {
	struct session *s;
	struct ring_buffer *rb;
	FILE *out;
	struct strbuf line;
	unsigned long long samples;
	unsigned long long malformed;
};

int reader_open(struct reader *r, struct session *s, FILE *out);
/* Reads what is there without waiting; returns samples read or -errno. */
int reader_consume(struct reader *r);
/* Becomes readable when samples arrive. */
int reader_fd(const struct reader *r);
void reader_close(struct reader *r);

/* Formats one sample (no newline) into sb; -EINVAL for a malformed one. */
int sample_format(struct strbuf *sb, struct session *s, const void *data, size_t size);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_OUTQ_H
#define VTRACE_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A bounded output queue in front of a pipe, a terminal or a socket, so
 * that a reader who stops reading never stops vtrace.  Lines go through a
 * FILE (outq_file()) into memory; outq_flush() writes what the descriptor
 * takes without blocking.  A record (a sample's line) that would go past
 * the limit is refused (outq_room() is false) and counted; at the end,
 * the records not (completely) written are counted too: outq_lost().
 */
struct outq {
	int fd;			/* written without blocking */
	int orig_flags;		/* fd's flags, restored: -1 when fd is vtrace's own */
	bool own_fd;
	FILE *file;
	char *buf;
	size_t head, tail, cap, limit;
	uint64_t appended, written;	/* bytes, since the start */
	uint64_t *ends;			/* where each queued record ends */
	size_t ends_head, ends_tail, ends_cap;
	unsigned long long refused;
	int err;			/* the descriptor's write error (-EPIPE ...) */
};

/* Queues output to fd (not closed by outq_close) up to limit bytes; 0 or -errno. */
int outq_open(struct outq *q, int fd, size_t limit);
/* The FILE to print into (unbuffered, into the queue). */
FILE *outq_file(struct outq *q);
/* Whether another record fits; false counts it as refused. */
bool outq_room(struct outq *q);
/* The bytes printed since the last call are one record. */
void outq_end_record(struct outq *q);
/* Writes what fd takes now: 0 when empty, -EAGAIN when some is left, or the error. */
int outq_flush(struct outq *q);
/* Flushes for at most ms milliseconds, giving up on a stop signal; as outq_flush. */
int outq_drain(struct outq *q, int ms);
size_t outq_pending(const struct outq *q);
/* Records refused and records queued but not written. */
unsigned long long outq_lost(const struct outq *q);
/* Counts what is left as lost, restores fd's flags, frees. */
void outq_close(struct outq *q);

#endif

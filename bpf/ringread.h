/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_RINGREAD_H
#define VTRACE_RINGREAD_H

/*
 * The BPF ring buffer's consumer, with the data area mapped once.
 * libbpf's ring_buffer maps it twice in a row, so that a record that
 * wraps reads as one piece; the kernel maps every page of both at mmap
 * time, which made the ring cost twice its size in resident memory.
 * Here a record that wraps (rare: one per pass over the ring at most) is
 * copied into a buffer in two pieces instead.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int (*ringread_fn)(void *ctx, void *data, size_t size);

/* The positions and data of a ring, wherever they are mapped. */
struct ring_view {
	unsigned long *consumer_pos;
	const unsigned long *producer_pos;
	const uint8_t *data;
	size_t size;		/* of data: a power of two */
	uint8_t *bounce;	/* a wrapped record's copy; grown as needed */
	size_t bounce_size;
};

struct ringread {
	struct ring_view v;
	int fd;			/* the map's, for poll/epoll (not owned) */
	void *cons_map, *prod_map;
	size_t page, prod_len;
	ringread_fn fn;
	void *ctx;
};

/* Maps the ring of RINGBUF map fd.  0 or -errno. */
int ringread_open(struct ringread *r, int fd, ringread_fn fn, void *ctx);
/*
 * Calls fn for every record there (discarded ones skipped); stops at a
 * record still being written, or when fn returns < 0 (then that).  The
 * records read, or fn's error.
 */
int ringread_consume(struct ringread *r);
void ringread_close(struct ringread *r);

/* ringread_consume() on a view: the protocol, for tests with a ring in plain memory. */
int ring_view_consume(struct ring_view *v, ringread_fn fn, void *ctx);

#endif

// SPDX-License-Identifier: GPL-2.0
/* bpf/ringread.c's reading of the ring protocol, on a ring in plain memory. */
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "bpf/ringread.h"
#include "test.h"

#define SIZE 64

static unsigned long cons, prod;
static uint8_t data[SIZE];

/* A record of len bytes of fill at logical position prod, header flags too. */
static void put(size_t len, uint8_t fill, uint32_t flags)
{
	uint32_t hdr[2] = { (uint32_t)len | flags, 0 };

	memcpy(data + (prod & (SIZE - 1)), hdr, sizeof(hdr));
	for (size_t i = 0; i < len; i++)
		data[(prod + BPF_RINGBUF_HDR_SZ + i) & (SIZE - 1)] = fill;
	prod += (BPF_RINGBUF_HDR_SZ + len + 7) & ~7ul;
}

static char seen[256];
static int fail_at = -1;

static int record(void *ctx, void *p, size_t size)
{
	const uint8_t *b = p;
	char one[32];
	bool same = true;

	(void)ctx;
	for (size_t i = 1; i < size; i++)
		same = same && b[i] == b[0];
	snprintf(one, sizeof(one), "%s%c%zu", *seen ? " " : "", same ? b[0] : '?', size);
	strcat(seen, one);
	return b[0] == fail_at ? -11 : 0;
}

int main(void)
{
	struct ring_view v = { &cons, &prod, data, SIZE, NULL, 0 };
	int n;

	put(4, 'a', 0);				/* [0, 16) */
	put(20, 'b', 0);			/* [16, 48) */
	n = ring_view_consume(&v, record, NULL);
	CHECK_INT(n, 2, "two records read");
	CHECK_STR(seen, "a4 b20", "each record with its size and bytes");
	CHECK_INT(cons, 48, "the consumer position moves past both, 8-aligned");

	*seen = 0;
	put(16, 'c', 0);			/* [48, 72): its data wraps at 64 */
	put(5, 'd', BPF_RINGBUF_DISCARD_BIT);	/* [72, 88) */
	put(3, 'e', 0);				/* [88, 104) */
	n = ring_view_consume(&v, record, NULL);
	CHECK_INT(n, 2, "a wrapping record and one after a discarded one");
	CHECK_STR(seen, "c16 e3", "the wrapped record whole, the discarded one skipped");
	CHECK_INT(cons, 104, "the consumer position past the discarded record too");

	*seen = 0;
	put(8, 'f', 0);				/* [104, 120) */
	put(8, 'g', BPF_RINGBUF_BUSY_BIT);	/* [120, 136): still being written */
	n = ring_view_consume(&v, record, NULL);
	CHECK_INT(n, 1, "reading stops at a record still being written");
	CHECK_INT(cons, 120, "and leaves it for the next read");
	*(uint32_t *)(data + (120 & (SIZE - 1))) &= ~BPF_RINGBUF_BUSY_BIT;
	*seen = 0;
	n = ring_view_consume(&v, record, NULL);
	CHECK_STR(seen, "g8", "read once it is committed");

	*seen = 0;
	fail_at = 'h';
	put(8, 'h', 0);
	put(8, 'i', 0);
	n = ring_view_consume(&v, record, NULL);
	CHECK_INT(n, -11, "the callback's error stops the read");
	CHECK_INT(cons, 152, "past the record it was given, not the next");
	fail_at = -1;
	*seen = 0;
	n = ring_view_consume(&v, record, NULL);
	CHECK_STR(seen, "i8", "the next read goes on from there");
	CHECK_INT(ring_view_consume(&v, record, NULL), 0, "an empty ring reads nothing");
	free(v.bounce);
	return test_failures > 0;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "bpf/ringread.h"

/*
 * The kernel's layout (kernel/bpf/ringbuf.c): a page with the consumer
 * position (the only page the reader may write), a page with the producer
 * position, then the data; each record an 8-byte header (length with the
 * busy and discard bits, page offset) and its data, 8-byte aligned.
 */
int ring_view_consume(struct ring_view *v, ringread_fn fn, void *ctx)
{
	unsigned long cons = __atomic_load_n(v->consumer_pos, __ATOMIC_ACQUIRE);
	size_t mask = v->size - 1;
	int n = 0;
	bool more;

	do {
		unsigned long prod = __atomic_load_n(v->producer_pos, __ATOMIC_ACQUIRE);

		more = false;
		while (cons < prod) {
			const uint32_t *hdr = (const uint32_t *)(v->data + (cons & mask));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			size_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			size_t off = (cons + BPF_RINGBUF_HDR_SZ) & mask;
			void *rec = (void *)(v->data + off);
			int rc = 0;

			if (len & BPF_RINGBUF_BUSY_BIT)
				return n;
			more = true;
			cons += (BPF_RINGBUF_HDR_SZ + size + 7) & ~7ul;
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				if (off + size > v->size) {	/* wraps: in two pieces */
					size_t first = v->size - off;

					if (size > v->bounce_size) {
						uint8_t *b = realloc(v->bounce, size);

						if (!b)
							return -ENOMEM;	/* left there, for a later read */
						v->bounce = b;
						v->bounce_size = size;
					}
					memcpy(v->bounce, rec, first);
					memcpy(v->bounce + first, v->data, size - first);
					rec = v->bounce;
				}
				rc = fn(ctx, rec, size);
				if (rc >= 0)
					n++;
			}
			__atomic_store_n(v->consumer_pos, cons, __ATOMIC_RELEASE);
			if (rc < 0)
				return rc;
		}
	} while (more);
	return n;
}

int ringread_open(struct ringread *r, int fd, ringread_fn fn, void *ctx)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	void *p;

	memset(r, 0, sizeof(*r));
	memset(&info, 0, sizeof(info));
	r->fd = fd;
	r->fn = fn;
	r->ctx = ctx;
	r->page = sysconf(_SC_PAGESIZE);
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries ||
	    (info.max_entries & (info.max_entries - 1)))
		return -EINVAL;
	p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->cons_map = p;
	/* the producer page and the data, once (libbpf maps 2 * max_entries) */
	r->prod_len = r->page + info.max_entries;
	p = mmap(NULL, r->prod_len, PROT_READ, MAP_SHARED, fd, r->page);
	if (p == MAP_FAILED) {
		int err = -errno;

		munmap(r->cons_map, r->page);
		r->cons_map = NULL;
		return err;
	}
	r->prod_map = p;
	r->v.consumer_pos = r->cons_map;
	r->v.producer_pos = r->prod_map;
	r->v.data = (const uint8_t *)r->prod_map + r->page;
	r->v.size = info.max_entries;
	return 0;
}

int ringread_consume(struct ringread *r)
{
	return ring_view_consume(&r->v, r->fn, r->ctx);
}

void ringread_close(struct ringread *r)
{
	if (r->cons_map)
		munmap(r->cons_map, r->page);
	if (r->prod_map)
		munmap(r->prod_map, r->prod_len);
	free(r->v.bounce);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

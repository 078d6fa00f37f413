// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "bpf/mmap_events.h"
#include "lib/array.h"
#include "lib/strbuf.h"

#define RING_PAGES 64	/* 256 KiB of records per CPU */

struct mapping {
	uint64_t start, end, pgoff;
	bool exec;
	char *path;
	uint32_t maj, min;
	uint64_t ino;
};

struct mmap_proc {
	pid_t pid;
	struct mapping *maps;
	size_t n, cap;
	bool dirty;
};

/* a record copied out of a ring, with its time */
struct rec {
	uint64_t time;
	size_t seq;
	struct perf_event_header *h;
};

int mmap_events_open(struct mmap_events *me)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_DUMMY,
		.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME,
		.mmap = 1, .mmap2 = 1, .mmap_data = 1, .comm = 1, .comm_exec = 1, .task = 1,
		.sample_id_all = 1, .use_clockid = 1, .clockid = CLOCK_MONOTONIC,
		.exclude_kernel = 1, .exclude_hv = 1,
	};
	long page = sysconf(_SC_PAGESIZE);
	int n = libbpf_num_possible_cpus(), opened = 0;

	memset(me, 0, sizeof(*me));
	if (n <= 0)
		return -EINVAL;
	me->ncpus = n;
	me->fds = calloc(n, sizeof(*me->fds));
	me->rings = calloc(n, sizeof(*me->rings));
	if (!me->fds || !me->rings)
		return -ENOMEM;
	me->ring_size = (size_t)page * RING_PAGES;
	for (int cpu = 0; cpu < n; cpu++) {
		void *ring;

		me->fds[cpu] = syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
		if (me->fds[cpu] < 0)
			continue;	/* an offline CPU */
		ring = mmap(NULL, page + me->ring_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    me->fds[cpu], 0);
		if (ring == MAP_FAILED) {
			close(me->fds[cpu]);
			me->fds[cpu] = -1;
			continue;
		}
		me->rings[cpu] = ring;
		opened++;
	}
	return opened ? 0 : -errno;
}

static struct mmap_proc *proc_get(struct mmap_events *me, pid_t pid, bool create)
{
	struct mmap_proc *np;

	for (size_t i = 0; i < me->nprocs; i++)
		if (me->procs[i].pid == pid)
			return &me->procs[i];
	if (!create)
		return NULL;
	np = realloc(me->procs, (me->nprocs + 1) * sizeof(*np));
	if (!np)
		return NULL;
	me->procs = np;
	np = &me->procs[me->nprocs++];
	memset(np, 0, sizeof(*np));
	np->pid = pid;
	return np;
}

static void proc_clear(struct mmap_proc *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->maps[i].path);
	p->n = 0;
	p->dirty = true;
}

static int map_push(struct mmap_proc *p, struct mapping m)
{
	if (!m.path)
		return -ENOMEM;
	if (p->n == p->cap) {
		struct mapping *nm = array_grow(p->maps, &p->cap, sizeof(*nm), 16);

		if (!nm) {
			free(m.path);
			return -ENOMEM;
		}
		p->maps = nm;
	}
	p->maps[p->n++] = m;
	p->dirty = true;
	return 0;
}

/* A new mapping replaces what it overlaps, as mmap(MAP_FIXED) does. */
static void map_add(struct mmap_proc *p, uint64_t start, uint64_t end, uint64_t pgoff, bool exec,
		    const char *path, uint32_t maj, uint32_t min, uint64_t ino)
{
	for (size_t i = 0; i < p->n;) {
		struct mapping *e = &p->maps[i];

		if (e->end <= start || e->start >= end) {
			i++;
			continue;
		}
		if (e->end > end)
			map_push(p, (struct mapping){ end, e->end, e->pgoff + (end - e->start), e->exec,
						      strdup(e->path), e->maj, e->min, e->ino });
		e = &p->maps[i];
		if (e->start < start) {
			e->end = start;
			i++;
		} else {
			free(e->path);
			p->maps[i] = p->maps[--p->n];
		}
	}
	map_push(p, (struct mapping){ start, end, pgoff, exec, strdup(path), maj, min, ino });
}

/* A process that was there before its first record: its mappings now. */
static void proc_seed(struct mmap_proc *p)
{
	struct strbuf sb = STRBUF_INIT;

	stack_maps_proc(&sb, p->pid);
	for (const char *l = sb.buf; l && *l;) {
		unsigned long long s, e, off, ino;
		unsigned maj, min;
		char perms[8], path[4096];
		const char *nl = strchrnul(l, '\n');

		if (sscanf(l, "%llx-%llx %7s %llx %x:%x %llu %4095[^\n]", &s, &e, perms, &off, &maj, &min,
			   &ino, path) == 8)
			map_add(p, s, e, off, perms[2] == 'x', path, maj, min, ino);
		l = *nl ? nl + 1 : nl;
	}
	strbuf_release(&sb);
}

static void apply(struct mmap_events *me, const struct perf_event_header *h)
{
	const char *body = (const char *)(h + 1);
	uint32_t pid, ppid;
	struct mmap_proc *p, *parent;

	switch (h->type) {
	case PERF_RECORD_MMAP2: {
		struct { uint32_t pid, tid; uint64_t addr, len, pgoff; uint32_t maj, min;
			 uint64_t ino, gen; uint32_t prot, flags; } m;
		const char *file = body + sizeof(m);

		if (h->size < sizeof(*h) + sizeof(m) + 16)
			return;
		memcpy(&m, body, sizeof(m));
		if (file[0] != '/' || !strncmp(file, "//anon", 6) ||
		    !memchr(file, 0, h->size - sizeof(*h) - sizeof(m)))
			return;
		p = proc_get(me, m.pid, false);
		if (!p) {
			p = proc_get(me, m.pid, true);
			if (!p)
				return;
			proc_seed(p);
		}
		map_add(p, m.addr, m.addr + m.len, m.pgoff, m.prot & PROT_EXEC, file, m.maj, m.min, m.ino);
		return;
	}
	case PERF_RECORD_COMM:
		if (!(h->misc & PERF_RECORD_MISC_COMM_EXEC) || h->size < sizeof(*h) + 8)
			return;
		memcpy(&pid, body, 4);
		p = proc_get(me, pid, true);
		if (p)
			proc_clear(p);	/* a new program: its mappings follow */
		return;
	case PERF_RECORD_FORK:
		if (h->size < sizeof(*h) + 8)
			return;
		memcpy(&pid, body, 4);
		memcpy(&ppid, body + 4, 4);
		if (pid == ppid)
			return;	/* a thread */
		parent = proc_get(me, ppid, false);
		if (!parent) {
			parent = proc_get(me, ppid, true);
			if (!parent)
				return;
			proc_seed(parent);
		}
		p = proc_get(me, pid, true);
		if (!p)
			return;
		parent = proc_get(me, ppid, false);	/* proc_get may have moved it */
		proc_clear(p);
		for (size_t i = 0; parent && i < parent->n; i++)
			map_push(p, (struct mapping){ parent->maps[i].start, parent->maps[i].end,
						      parent->maps[i].pgoff, parent->maps[i].exec,
						      strdup(parent->maps[i].path), parent->maps[i].maj,
						      parent->maps[i].min, parent->maps[i].ino });
		return;
	case PERF_RECORD_LOST:
		if (h->size >= sizeof(*h) + 16) {
			uint64_t lost;

			memcpy(&lost, body + 8, 8);
			me->lost += lost;
		}
		return;
	}
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void mmap_events_drain(struct mmap_events *me)
{
	struct rec *recs = NULL;
	size_t n = 0, cap = 0;

	for (int cpu = 0; cpu < me->ncpus; cpu++) {
		struct perf_event_mmap_page *meta = me->rings[cpu];
		const char *data;
		uint64_t head, tail;

		if (!meta)
			continue;
		data = (const char *)meta + sysconf(_SC_PAGESIZE);
		head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
		tail = meta->data_tail;
		while (tail < head) {
			struct perf_event_header h;
			size_t off = tail % me->ring_size;
			char *copy;

			for (size_t i = 0; i < sizeof(h); i++)
				((char *)&h)[i] = data[(off + i) % me->ring_size];
			if (h.size < sizeof(h) || tail + h.size > head)
				break;
			copy = malloc(h.size);
			if (copy && (n < cap || (recs = array_grow(recs, &cap, sizeof(*recs), 64)))) {
				uint64_t t = 0;

				for (size_t i = 0; i < h.size; i++)
					copy[i] = data[(off + i) % me->ring_size];
				/* sample_id_all: pid, tid, time at the end (LOST has them too) */
				if (h.size >= sizeof(h) + 16)
					memcpy(&t, copy + h.size - 8, 8);
				recs[n] = (struct rec){ t, n, (struct perf_event_header *)copy };
				n++;
			} else {
				free(copy);
			}
			tail += h.size;
		}
		__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	}
	if (n)
		qsort(recs, n, sizeof(*recs), rec_cmp);
	for (size_t i = 0; i < n; i++) {
		apply(me, recs[i].h);
		free(recs[i].h);
	}
	free(recs);
}

static int map_cmp(const void *a, const void *b)
{
	const struct mapping *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int mmap_events_sync(struct mmap_events *me, struct stack_syms *ss, pid_t pid)
{
	struct mmap_proc *p = proc_get(me, pid, false);
	struct strbuf sb = STRBUF_INIT, ids = STRBUF_INIT;
	size_t maps_len;
	int rc;

	if (!p)
		return -ENOENT;
	if (!p->dirty)
		return 0;
	p->dirty = false;
	if (p->n)
		qsort(p->maps, p->n, sizeof(*p->maps), map_cmp);
	for (size_t i = 0; i < p->n; i++)
		stack_maps_line(&sb, p->maps[i].start, p->maps[i].end, p->maps[i].pgoff,
				p->maps[i].exec, p->maps[i].maj, p->maps[i].min, p->maps[i].ino,
				p->maps[i].path);
	maps_len = sb.len;
	stack_maps_build_ids(&ids, sb.buf ? sb.buf : "", maps_len);
	if (ids.len)
		strbuf_add(&sb, ids.buf, ids.len);
	rc = stack_syms_set_maps(ss, pid, sb.buf ? sb.buf : "", sb.len);
	strbuf_release(&sb);
	strbuf_release(&ids);
	return rc;
}

void mmap_events_close(struct mmap_events *me)
{
	long page = sysconf(_SC_PAGESIZE);

	for (int cpu = 0; cpu < me->ncpus; cpu++) {
		if (me->rings && me->rings[cpu])
			munmap(me->rings[cpu], page + me->ring_size);
		if (me->fds && me->fds[cpu] >= 0)
			close(me->fds[cpu]);
	}
	for (size_t i = 0; i < me->nprocs; i++) {
		proc_clear(&me->procs[i]);
		free(me->procs[i].maps);
	}
	free(me->procs);
	free(me->fds);
	free(me->rings);
	memset(me, 0, sizeof(*me));
}

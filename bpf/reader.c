// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <bpf/btf.h>

#include "bpf/reader.h"
#include "lib/error.h"
#include "probe/btf_value.h"

/* vtrace_emit() types, from the object's BTF, the first time each is seen. */
static struct value_type *find_btf_type(void *ctx, uint32_t obj, uint32_t id)
{
	struct session *s = ctx;
	const struct btf *btf;

	if (obj >= s->nobjs)
		return NULL;
	btf = bpf_object__btf(s->objs[obj]->obj);
	if (!btf || !id || id >= btf__type_cnt(btf))
		return NULL;
	return btf_value_type(btf, id);
}

int decoder_from_session(struct decoder *d, struct session *s)
{
	memset(d, 0, sizeof(*d));
	d->objs = calloc(s->nobjs ? s->nobjs : 1, sizeof(*d->objs));
	d->probes = calloc(s->nprogs ? s->nprogs : 1, sizeof(*d->probes));
	if (!d->objs || !d->probes)
		return -ENOMEM;
	d->nobjs = s->nobjs;
	d->nprobes = s->nprogs;
	d->find_type = find_btf_type;
	d->find_ctx = s;
	for (size_t i = 0; i < s->nobjs; i++) {
		d->objs[i].fmts = s->objs[i]->fmts;
		memset(&s->objs[i]->fmts, 0, sizeof(s->objs[i]->fmts));
	}
	for (size_t i = 0; i < s->nprogs; i++) {
		struct vt_program *p = s->progs[i];
		struct decode_probe *dp = &d->probes[i];

		dp->event = strdup(p->event);
		dp->spec = strdup(p->sec);
		for (size_t o = 0; o < s->nobjs; o++)
			if (s->objs[o] == p->obj)
				dp->obj = o;
		if (p->res.tp_raw) {
			dp->tp_system = strdup(p->res.tp_system);
			dp->tp_format = strdup(p->res.tp_format);
		}
		dp->args_size = p->layout.total;
		dp->nargs = p->layout.nargs;
		dp->args = calloc(dp->nargs ? dp->nargs : 1, sizeof(*dp->args));
		if (!dp->args)
			return -ENOMEM;
		for (size_t j = 0; j < dp->nargs; j++) {
			struct fetch_arg *a = &p->res.insts[0].args[j];
			struct decode_arg *da = &dp->args[j];

			da->name = strdup(a->name);
			da->kind = a->final == FINAL_STRING ? DECODE_STRING :
				   a->final == FINAL_BYTES ? DECODE_BYTES : DECODE_INT;
			da->hex = a->hex;
			da->off = p->layout.off[j];
			da->size = p->layout.size[j];
			da->type = a->type;
			a->type = NULL;
		}
		if (decode_unique_names(dp))
			return -ENOMEM;
	}
	return 0;
}

static int handle_sample(struct reader *r, void *data, size_t size);

/* Returns after batch samples (a busy ring buffer never starves the signals). */
static int on_sample(void *ctx, void *data, size_t size)
{
	struct reader *r = ctx;
	int rc = handle_sample(r, data, size);

	if (!rc && r->o.batch && ++r->batched >= r->o.batch)
		return -EAGAIN;
	return rc;
}

static int handle_sample(struct reader *r, void *data, size_t size)
{
	const struct vtrace_sample *h = data;
	int rc;

	if (size >= sizeof(*h) && h->probe_id < r->s->nprogs)
		r->per_probe[h->probe_id]++;
	if (r->syms && size >= sizeof(*h) && (h->flags & VTRACE_SAMPLE_F_STACK)) {
		const char *maps;
		size_t len;

		/* the process's mappings: as the kernel said they changed, else read now */
		if (r->mmaps_open) {
			mmap_events_drain(&r->mmaps);
			mmap_events_sync(&r->mmaps, r->syms, h->pid);
		}
		if (!stack_syms_track(r->syms, h->pid, &maps, &len) && maps && r->file)
			datafile_maps(&r->df, h->pid, maps, len);
	}
	if (r->file) {
		datafile_sample(&r->df, data, size);
		r->samples++;
		return 0;
	}
	if (r->o.q && !outq_room(r->o.q)) {
		r->samples++;	/* counted by the queue as not written */
		return 0;
	}
	strbuf_reset(&r->line);
	rc = r->o.json ? decode_json(&r->dec, &r->line, data, size) :
			 decode_text(&r->dec, &r->line, data, size, r->o.fields);
	if (rc) {
		r->malformed++;
		return 0;
	}
	strbuf_addch(&r->line, '\n');
	fwrite(r->line.buf, 1, r->line.len, r->o.out);
	if (r->o.q)
		outq_end_record(r->o.q);
	r->samples++;
	return 0;
}

/*
 * The programs send with BPF_RB_NO_WAKEUP (a wakeup per sample cost a
 * context switch per sample): the reader drains on a timer instead, every
 * READER_DRAIN_MS while samples come, backing off to READER_IDLE_MS when
 * none did, so a sample reaches a pipe well within 100 ms.  A program that
 * still wakes the reader (an object built with an older vtrace.h) is read
 * at once, as before.
 */
#define READER_DRAIN_MS 10
#define READER_IDLE_MS 30

/* ms 0: at once (a batch was read and more is waiting) */
static void arm(struct reader *r, unsigned ms)
{
	struct itimerspec its = { .it_value = { ms / 1000, ms ? (ms % 1000) * 1000000L : 1 } };

	r->drain_ms = ms;
	timerfd_settime(r->tfd, 0, &its, NULL);
}

static int poll_open(struct reader *r)
{
	struct epoll_event ev = { .events = EPOLLIN };

	r->ep = epoll_create1(EPOLL_CLOEXEC);
	r->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (r->ep < 0 || r->tfd < 0 ||
	    epoll_ctl(r->ep, EPOLL_CTL_ADD, r->rb->fd, &ev) ||
	    epoll_ctl(r->ep, EPOLL_CTL_ADD, r->tfd, &ev))
		return -errno;
	arm(r, READER_DRAIN_MS);
	return 0;
}

/* Text into a regular file: written in large blocks, not the 4 KiB of stdio's default. */
static void big_buffer(FILE *f)
{
	struct stat st;

	if (!f || fstat(fileno(f), &st) || !S_ISREG(st.st_mode))
		return;
	fflush(f);
	setvbuf(f, NULL, _IOFBF, 1 << 20);
}

int reader_open(struct reader *r, struct session *s, const struct reader_opts *o)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->ep = r->tfd = -1;
	r->s = s;
	r->o = *o;
	if (!r->o.fields)
		r->o.fields = FIELD_DEFAULT;
	r->per_probe = calloc(s->nprogs ? s->nprogs : 1, sizeof(*r->per_probe));
	if (!r->per_probe)
		return -ENOMEM;
	rc = decoder_from_session(&r->dec, s);
	if (!rc && s->stacks) {
		r->syms = stack_syms_new();
		r->dec.stack = stack_syms_print;
		r->dec.stack_ctx = r->syms;
		if (!r->syms)
			rc = -ENOMEM;
		else if (mmap_events_open(&r->mmaps))
			pr_debug("no mmap records from the kernel: mappings are read when a process's "
				 "first stack arrives");
		else
			r->mmaps_open = true;
	}
	if (!rc && o->path) {
		rc = datafile_create(&r->df, o->path, &r->dec, o->meta);
		r->file = !rc;
	}
	if (rc)
		return rc;
	if (!r->file)
		big_buffer(r->o.out);
	rc = ringread_open(&r->ring, s->rb_fd, on_sample, r);
	if (rc)
		return rc;
	r->rb = &r->ring;
	return poll_open(r);
}

int reader_consume(struct reader *r)
{
	uint64_t ticks;
	int n;

	if (read(r->tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return -errno;
	r->batched = 0;
	n = ringread_consume(r->rb);
	/*
	 * -EAGAIN: a batch was read and more is waiting, read on at once (the
	 * next tick would cap the reader at a batch per READER_DRAIN_MS,
	 * 409,600 samples a second, and a storm outruns that)
	 */
	if (n == -EAGAIN)
		arm(r, 0);
	else if (n > 0 || r->drain_ms < READER_DRAIN_MS)
		arm(r, READER_DRAIN_MS);	/* also after an at-once read that found nothing */
	else
		arm(r, r->drain_ms * 2 > READER_IDLE_MS ? READER_IDLE_MS : r->drain_ms * 2);
	return n;
}

int reader_fd(const struct reader *r)
{
	return r->ep;
}

int reader_close(struct reader *r, unsigned long long lost)
{
	int rc = 0;

	if (r->file) {
		if (lost)
			datafile_lost(&r->df, lost);
		rc = datafile_close(&r->df);
	} else if (r->o.json && lost) {
		strbuf_reset(&r->line);
		decode_lost_json(&r->line, lost);
		fprintf(r->o.out, "%s\n", r->line.buf);
	}
	if (r->rb)
		ringread_close(r->rb);
	if (r->ep >= 0)
		close(r->ep);
	if (r->tfd >= 0)
		close(r->tfd);
	r->ep = r->tfd = -1;
	decoder_free(&r->dec);
	stack_syms_free(r->syms);
	r->syms = NULL;
	if (r->mmaps_open)
		mmap_events_close(&r->mmaps);
	r->mmaps_open = false;
	strbuf_release(&r->line);
	free(r->per_probe);
	r->per_probe = NULL;
	r->rb = NULL;
	return rc;
}

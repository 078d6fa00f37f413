// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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
		if (!p->spec)
			continue;
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

static int on_sample(void *ctx, void *data, size_t size)
{
	struct reader *r = ctx;
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
	strbuf_reset(&r->line);
	rc = r->o.json ? decode_json(&r->dec, &r->line, data, size) :
			 decode_text(&r->dec, &r->line, data, size, r->o.fields);
	if (rc) {
		r->malformed++;
		return 0;
	}
	strbuf_addch(&r->line, '\n');
	fwrite(r->line.buf, 1, r->line.len, r->o.out);
	r->samples++;
	return 0;
}

int reader_open(struct reader *r, struct session *s, const struct reader_opts *o)
{
	int rc;

	memset(r, 0, sizeof(*r));
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
	r->rb = ring_buffer__new(s->rb_fd, on_sample, r, NULL);
	return r->rb ? 0 : -errno;
}

int reader_consume(struct reader *r)
{
	return ring_buffer__consume(r->rb);
}

int reader_fd(const struct reader *r)
{
	return ring_buffer__epoll_fd(r->rb);
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
	ring_buffer__free(r->rb);
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

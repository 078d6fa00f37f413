// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/datafile.h"
#include "lib/error.h"
#include "lib/fs.h"
#include "vtrace_sample.h"

/* ---- writing -------------------------------------------------------- */

static void put_u32(struct strbuf *b, uint32_t v)
{
	strbuf_add(b, &v, 4);	/* little endian hosts only, like the samples */
}

static void put_u64(struct strbuf *b, uint64_t v)
{
	strbuf_add(b, &v, 8);
}

static void put_str(struct strbuf *b, const char *s)
{
	uint32_t n = s ? strlen(s) : 0;

	put_u32(b, n);
	if (n)
		strbuf_add(b, s, n);
}

static void put_type(struct strbuf *b, const struct value_type *t)
{
	put_u32(b, t ? 1 : 0);
	if (!t)
		return;
	put_u32(b, t->kind);
	put_u32(b, t->size);
	put_str(b, t->name);
	put_u32(b, t->count);
	put_type(b, t->elem);
	put_u32(b, t->nfields);
	for (uint32_t i = 0; i < t->nfields; i++) {
		put_str(b, t->fields[i].name);
		put_u32(b, t->fields[i].bit_offset);
		put_u32(b, t->fields[i].bit_size);
		put_type(b, t->fields[i].type);
	}
	put_u32(b, t->nenums);
	for (uint32_t i = 0; i < t->nenums; i++) {
		put_str(b, t->enums[i].name);
		put_u64(b, (uint64_t)t->enums[i].value);
	}
}

static int put_record(struct datafile_writer *w, uint32_t type, const void *data, size_t len)
{
	static const char zero[8];
	uint32_t hdr[2] = { type, (uint32_t)len };

	if (w->err)
		return w->err;
	if (fwrite(hdr, sizeof(hdr), 1, w->f) != 1 || (len && fwrite(data, len, 1, w->f) != 1) ||
	    ((len & 7) && fwrite(zero, 8 - (len & 7), 1, w->f) != 1))
		w->err = -errno ? -errno : -EIO;
	return w->err;
}

static int put_buf(struct datafile_writer *w, uint32_t type, struct strbuf *b)
{
	int rc = put_record(w, type, b->buf, b->len);

	strbuf_reset(b);
	return rc;
}

int datafile_create(struct datafile_writer *w, const char *path, struct decoder *d, const char *meta)
{
	struct strbuf b = STRBUF_INIT;
	uint32_t head[2] = { DATAFILE_VERSION, 0 };

	memset(w, 0, sizeof(*w));
	w->d = d;
	w->f = fopen(path, "we");
	if (!w->f)
		return -errno;
	/* Writes go through a large buffer: a burst fills the ring buffer, not write(2). */
	setvbuf(w->f, NULL, _IOFBF, 4 << 20);
	if (fwrite(DATAFILE_MAGIC, 8, 1, w->f) != 1 || fwrite(head, sizeof(head), 1, w->f) != 1)
		w->err = -EIO;
	strbuf_addstr(&b, meta ? meta : "");
	put_buf(w, REC_META, &b);
	w->typed = calloc(d->nobjs ? d->nobjs : 1, sizeof(*w->typed));
	w->ntyped = calloc(d->nobjs ? d->nobjs : 1, sizeof(*w->ntyped));
	for (uint32_t o = 0; o < d->nobjs; o++) {
		put_u32(&b, o);
		put_buf(w, REC_OBJECT, &b);
		for (size_t i = 0; i < d->objs[o].fmts.n; i++) {
			put_u32(&b, o);
			put_u32(&b, d->objs[o].fmts.fmts[i].id);
			put_str(&b, d->objs[o].fmts.fmts[i].text);
			put_buf(w, REC_FORMAT, &b);
		}
	}
	for (uint32_t i = 0; i < d->nprobes; i++) {
		const struct decode_probe *p = &d->probes[i];

		put_u32(&b, i);
		put_str(&b, p->event);
		put_u32(&b, p->obj);
		put_u32(&b, p->args_size);
		put_u32(&b, p->nargs);
		for (size_t j = 0; j < p->nargs; j++) {
			put_str(&b, p->args[j].name);
			put_u32(&b, p->args[j].kind);
			put_u32(&b, p->args[j].hex);
			put_u32(&b, p->args[j].off);
			put_u32(&b, p->args[j].size);
			put_type(&b, p->args[j].type);
		}
		put_str(&b, p->tp_system);
		put_str(&b, p->tp_format);
		put_str(&b, p->spec);
		put_buf(w, REC_PROBE, &b);
	}
	strbuf_release(&b);
	return w->err;
}

/* A struct sample's type goes out before the first sample that needs it. */
static void ensure_type(struct datafile_writer *w, const void *data, size_t size)
{
	const struct vtrace_sample *h = data;
	struct vtrace_struct_payload sp;
	const struct value_type *t;
	struct strbuf b = STRBUF_INIT;
	uint32_t obj;

	if (size < sizeof(*h) + sizeof(sp) || h->kind != VTRACE_SAMPLE_STRUCT || h->probe_id >= w->d->nprobes)
		return;
	memcpy(&sp, (const char *)data + sizeof(*h), sizeof(sp));
	obj = w->d->probes[h->probe_id].obj;
	if (obj >= w->d->nobjs || sp.type_id > 1u << 24)
		return;
	if (sp.type_id < w->ntyped[obj] && w->typed[obj][sp.type_id])
		return;
	t = decode_type(w->d, obj, sp.type_id);
	if (!t)
		return;
	if (sp.type_id >= w->ntyped[obj]) {
		uint8_t *n = realloc(w->typed[obj], sp.type_id + 1);

		if (!n)
			return;
		memset(n + w->ntyped[obj], 0, sp.type_id + 1 - w->ntyped[obj]);
		w->typed[obj] = n;
		w->ntyped[obj] = sp.type_id + 1;
	}
	w->typed[obj][sp.type_id] = 1;
	put_u32(&b, obj);
	put_u32(&b, sp.type_id);
	put_type(&b, t);
	put_buf(w, REC_TYPE, &b);
	strbuf_release(&b);
}

int datafile_sample(struct datafile_writer *w, const void *data, size_t size)
{
	ensure_type(w, data, size);
	w->samples++;
	return put_record(w, REC_SAMPLE, data, size);
}

int datafile_lost(struct datafile_writer *w, uint64_t lost)
{
	return put_record(w, REC_LOST, &lost, sizeof(lost));
}

int datafile_maps(struct datafile_writer *w, uint32_t pid, const char *text, size_t len)
{
	struct strbuf b = STRBUF_INIT;
	int rc;

	put_u32(&b, pid);
	strbuf_add(&b, text, len);
	rc = put_buf(w, REC_MAPS, &b);
	strbuf_release(&b);
	return rc;
}

int datafile_close(struct datafile_writer *w)
{
	int err;

	put_record(w, REC_END, &w->samples, sizeof(w->samples));
	err = w->err;
	if (w->f && fclose(w->f) && !err)
		err = -errno;
	for (size_t i = 0; w->typed && i < w->d->nobjs; i++)
		free(w->typed[i]);
	free(w->typed);
	free(w->ntyped);
	memset(w, 0, sizeof(*w));
	return err;
}

int datafile_agg(struct datafile_writer *w, const struct agg *a)
{
	struct strbuf b = STRBUF_INIT;
	int rc;

	put_str(&b, a->name);
	put_u32(&b, a->kind);
	put_u32(&b, a->flags);
	put_u64(&b, (uint64_t)a->min);
	put_u64(&b, (uint64_t)a->max);
	put_u64(&b, (uint64_t)a->step);
	put_u32(&b, a->key_size);
	put_type(&b, a->key_type);
	put_u64(&b, a->nrows);
	for (size_t i = 0; i < a->nrows; i++) {
		strbuf_add(&b, a->rows[i].key, a->key_size);
		put_u64(&b, a->rows[i].slot);
		put_u64(&b, a->rows[i].count);
		put_u64(&b, (uint64_t)a->rows[i].value);
	}
	rc = b.buf ? put_buf(w, REC_AGG, &b) : -ENOMEM;
	strbuf_release(&b);
	return rc;
}

int datafile_umap(struct datafile_writer *w, const struct umap *m)
{
	size_t vbytes = (size_t)m->value_stride * (m->ncpus ? m->ncpus : 1);
	struct strbuf b = STRBUF_INIT;
	int rc;

	put_str(&b, m->name);
	put_str(&b, m->type_name);
	put_u32(&b, m->ncpus);
	put_u32(&b, m->key_size);
	put_u32(&b, m->value_size);
	put_type(&b, m->key_type);
	put_type(&b, m->value_type);
	put_u64(&b, m->nrows);
	for (size_t i = 0; i < m->nrows; i++) {
		strbuf_add(&b, m->rows[i].key, m->key_size);
		strbuf_add(&b, m->rows[i].value, vbytes);
	}
	rc = b.buf ? put_buf(w, REC_UMAP, &b) : -ENOMEM;
	strbuf_release(&b);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/datafile.h"
#include "lib/fs.h"
#include "vtrace_sample.h"

#define MAX_TYPE_DEPTH 32
#define MAX_RECORD (64u << 20)

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

/* ---- reading -------------------------------------------------------- */

struct cursor {
	const char *p, *end;
	int bad;
};

static uint32_t get_u32(struct cursor *c)
{
	uint32_t v = 0;

	if (c->end - c->p < 4) {
		c->bad = 1;
		return 0;
	}
	memcpy(&v, c->p, 4);
	c->p += 4;
	return v;
}

static uint64_t get_u64(struct cursor *c)
{
	uint64_t v = 0;

	if (c->end - c->p < 8) {
		c->bad = 1;
		return 0;
	}
	memcpy(&v, c->p, 8);
	c->p += 8;
	return v;
}

static char *get_str(struct cursor *c)
{
	uint32_t n = get_u32(c);
	char *s;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = 1;
		return NULL;
	}
	s = strndup(c->p, n);
	c->p += n;
	return s;
}

static struct value_type *get_type(struct cursor *c, int depth)
{
	struct value_type *t;

	if (!get_u32(c) || c->bad)
		return NULL;
	if (depth > MAX_TYPE_DEPTH) {
		c->bad = 1;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		c->bad = 1;
		return NULL;
	}
	t->kind = get_u32(c);
	t->size = get_u32(c);
	t->name = get_str(c);
	t->count = get_u32(c);
	t->elem = get_type(c, depth + 1);
	t->nfields = get_u32(c);
	if (c->bad || t->kind > VK_OPAQUE || t->nfields > (uint32_t)(c->end - c->p)) {
		t->nfields = 0;
		c->bad = 1;
		return t;
	}
	t->fields = calloc(t->nfields ? t->nfields : 1, sizeof(*t->fields));
	for (uint32_t i = 0; t->fields && i < t->nfields && !c->bad; i++) {
		t->fields[i].name = get_str(c);
		t->fields[i].bit_offset = get_u32(c);
		t->fields[i].bit_size = get_u32(c);
		t->fields[i].type = get_type(c, depth + 1);
		if (!t->fields[i].type || t->fields[i].bit_size > 64)
			c->bad = 1;
	}
	t->nenums = c->bad ? 0 : get_u32(c);
	if (t->nenums > (uint32_t)(c->end - c->p)) {
		t->nenums = 0;
		c->bad = 1;
	}
	t->enums = calloc(t->nenums ? t->nenums : 1, sizeof(*t->enums));
	for (uint32_t i = 0; t->enums && i < t->nenums && !c->bad; i++) {
		t->enums[i].name = get_str(c);
		t->enums[i].value = (int64_t)get_u64(c);
	}
	if (t->kind == VK_ARRAY && (!t->elem || (uint64_t)t->count * t->elem->size > t->size))
		c->bad = 1;
	return t;
}

static int fail(char *err, size_t len, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t len, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return rc;
}

static int grow_objs(struct decoder *d, uint32_t obj)
{
	struct decode_obj *n;

	if (obj < d->nobjs)
		return 0;
	if (obj > 4096)
		return -EBADMSG;
	n = realloc(d->objs, (obj + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	memset(n + d->nobjs, 0, (obj + 1 - d->nobjs) * sizeof(*n));
	d->objs = n;
	d->nobjs = obj + 1;
	return 0;
}

static int read_probe(struct decoder *d, struct cursor *c)
{
	uint32_t id = get_u32(c);
	struct decode_probe *p;

	if (c->bad || id > 65536)
		return -EBADMSG;
	if (id >= d->nprobes) {
		struct decode_probe *n = realloc(d->probes, (id + 1) * sizeof(*n));

		if (!n)
			return -ENOMEM;
		memset(n + d->nprobes, 0, (id + 1 - d->nprobes) * sizeof(*n));
		d->probes = n;
		d->nprobes = id + 1;
	}
	p = &d->probes[id];
	if (p->event)
		return -EBADMSG;	/* twice */
	p->event = get_str(c);
	p->obj = get_u32(c);
	p->args_size = get_u32(c);
	p->nargs = get_u32(c);
	if (c->bad || p->nargs > 4096) {
		p->nargs = 0;
		return -EBADMSG;
	}
	p->args = calloc(p->nargs ? p->nargs : 1, sizeof(*p->args));
	for (size_t j = 0; p->args && j < p->nargs && !c->bad; j++) {
		struct decode_arg *a = &p->args[j];

		a->name = get_str(c);
		a->kind = get_u32(c);
		a->hex = get_u32(c);
		a->off = get_u32(c);
		a->size = get_u32(c);
		a->type = get_type(c, 0);
		if (a->kind > DECODE_BYTES || (uint64_t)a->off + a->size > p->args_size)
			c->bad = 1;
	}
	if (!c->bad && p->args && decode_unique_names(p))
		return -ENOMEM;
	p->tp_system = get_str(c);
	p->tp_format = get_str(c);
	p->spec = get_str(c);
	if (p->tp_format && !*p->tp_format) {
		free(p->tp_system);
		free(p->tp_format);
		p->tp_system = p->tp_format = NULL;
	}
	if (!p->event || grow_objs(d, p->obj))
		c->bad = 1;
	return c->bad ? -EBADMSG : 0;
}

int datafile_read(const char *path, struct decoder *d, const struct datafile_callbacks *cb,
		  char **meta, char *err, size_t errlen)
{
	char *data;
	size_t len, off;
	uint32_t version;
	int rc = 0;
	bool ended = false;

	memset(d, 0, sizeof(*d));
	*meta = NULL;
	rc = read_file(path, &data, &len);
	if (rc)
		return fail(err, errlen, rc, "%s: %s", path, strerror(-rc));
	if (len < 16 || memcmp(data, DATAFILE_MAGIC, 8)) {
		free(data);
		return fail(err, errlen, -EBADMSG, "%s is not a vtrace data file (no VTRACEDF magic)", path);
	}
	memcpy(&version, data + 8, 4);
	if (version > DATAFILE_VERSION) {
		free(data);
		return fail(err, errlen, -EPROTO, "%s was written by a newer vtrace (data format %u; this "
			    "one reads format %d): use that vtrace's script", path, version, DATAFILE_VERSION);
	}
	for (off = 16; off < len && !ended;) {
		uint32_t type, rlen;
		struct cursor c;

		if (len - off < 8) {
			rc = fail(err, errlen, -EBADMSG, "%s is truncated at offset %zu (a record header "
				  "is cut short)", path, off);
			break;
		}
		memcpy(&type, data + off, 4);
		memcpy(&rlen, data + off + 4, 4);
		if (rlen > MAX_RECORD || rlen > len - off - 8) {
			rc = fail(err, errlen, -EBADMSG, "%s is %s at offset %zu (a record of %u bytes)",
				  path, rlen > MAX_RECORD ? "corrupted" : "truncated", off, rlen);
			break;
		}
		c.p = data + off + 8;
		c.end = c.p + rlen;
		c.bad = 0;
		switch (type) {
		case REC_META:
			free(*meta);
			*meta = strndup(c.p, rlen);
			if (cb->meta && *meta)
				cb->meta(cb->ctx, *meta);
			break;
		case REC_OBJECT:
			if (grow_objs(d, get_u32(&c)))
				c.bad = 1;
			break;
		case REC_FORMAT: {
			uint32_t obj = get_u32(&c), id = get_u32(&c);
			char *text = get_str(&c), *bad;
			struct printf_fmt *nf;
			int col;

			if (c.bad || grow_objs(d, obj) || !text) {
				free(text);
				c.bad = 1;
				break;
			}
			nf = realloc(d->objs[obj].fmts.fmts, (d->objs[obj].fmts.n + 1) * sizeof(*nf));
			if (!nf || printf_fmt_compile(text, &nf[d->objs[obj].fmts.n], &col)) {
				if (nf)
					d->objs[obj].fmts.fmts = nf;
				c.bad = 1;
			} else {
				d->objs[obj].fmts.fmts = nf;
				nf[d->objs[obj].fmts.n++].id = id;
			}
			bad = text;
			free(bad);
			break;
		}
		case REC_PROBE:
			if (read_probe(d, &c))
				c.bad = 1;
			break;
		case REC_TYPE: {
			uint32_t obj = get_u32(&c), id = get_u32(&c);
			struct value_type *t = get_type(&c, 0);
			struct decode_obj *o;

			if (c.bad || !t || grow_objs(d, obj) || id > 1u << 24) {
				value_type_free(t);
				c.bad = 1;
				break;
			}
			o = &d->objs[obj];
			if (id >= o->ntypes) {
				struct value_type **nt = realloc(o->types, (id + 1) * sizeof(*nt));

				if (!nt) {
					value_type_free(t);
					c.bad = 1;
					break;
				}
				memset(nt + o->ntypes, 0, (id + 1 - o->ntypes) * sizeof(*nt));
				o->types = nt;
				o->ntypes = id + 1;
			}
			value_type_free(o->types[id]);
			o->types[id] = t;
			break;
		}
		case REC_SAMPLE:
			if (cb->sample && cb->sample(cb->ctx, d, c.p, rlen))
				c.bad = 1;
			break;
		case REC_LOST:
			if (cb->lost)
				cb->lost(cb->ctx, get_u64(&c));
			break;
		case REC_END:
			ended = true;
			break;
		case REC_MAPS: {
			uint32_t pid = get_u32(&c);

			if (!c.bad && cb->maps && cb->maps(cb->ctx, pid, c.p, c.end - c.p))
				c.bad = 1;
			break;
		}
		default:
			c.bad = 1;
		}
		if (c.bad) {
			rc = fail(err, errlen, -EBADMSG, "%s is corrupted at offset %zu (a record of type %u "
				  "does not parse)", path, off, type);
			break;
		}
		off += 8 + ((rlen + 7) & ~7u);
	}
	if (!rc && !ended)
		rc = fail(err, errlen, -EBADMSG, "%s is truncated at offset %zu (no end record: was "
			  "vtrace killed?)", path, off);
	free(data);
	return rc;
}

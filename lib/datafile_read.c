// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a data file (vtrace-data(5)), which may come from anywhere: every
 * count, size, index and width in it is checked against the record that
 * carries it, and what the reader keeps against one budget, before
 * anything is allocated or looped over.  A record that fails is damage,
 * named with its offset; names and text that would reach a terminal as
 * escape sequences are escaped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/datafile.h"
#include "lib/error.h"
#include "lib/fs.h"
#include "vtrace_sample.h"

#define MAX_TYPE_DEPTH 32
#define MAX_RECORD (64u << 20)
/* all the tables a file's records make (probes, types, formats, names) */
#define READ_BUDGET (64u << 20)
/* printing a value walks at most this many of its type's members and elements */
#define MAX_TYPE_COST (1u << 18)
#define MAX_OBJS 4096
#define MAX_PROBES 65536
#define MAX_TYPE_ID (1u << 24)
/* a spec sample's fault word has a bit per arg (bpf/prologue.h) */
#define MAX_ARGS 64
#define MAX_LHIST_SLOTS (1u << 16)
/* buckets a histogram record may make its printing walk */
#define MAX_HIST_WORK (1u << 24)

struct reader {
	size_t left;		/* of READ_BUDGET */
	bool over;		/* a record asked for more than was left */
};

struct cursor {
	const char *p, *end;
	int bad;
	const char *why;	/* the first thing found wrong, for the message */
	struct reader *r;
};

/* Marks the record bad; the first reason given is the one told. */
static void bad(struct cursor *c, const char *why)
{
	c->bad = 1;
	if (!c->why)
		c->why = why;
}

/* Takes n bytes of the budget, or marks the record bad. */
static bool spend(struct cursor *c, uint64_t n)
{
	if (n > c->r->left) {
		c->bad = 1;	/* told by datafile_parse(), which knows the budget */
		c->r->over = true;
		return false;
	}
	c->r->left -= n;
	return true;
}

static size_t left(const struct cursor *c)
{
	return c->end - c->p;
}

static uint32_t get_u32(struct cursor *c)
{
	uint32_t v = 0;

	if (left(c) < 4) {
		bad(c, "a field runs past the record's end");
		return 0;
	}
	memcpy(&v, c->p, 4);
	c->p += 4;
	return v;
}

static uint64_t get_u64(struct cursor *c)
{
	uint64_t v = 0;

	if (left(c) < 8) {
		bad(c, "a field runs past the record's end");
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

	if (c->bad || left(c) < n || !spend(c, (uint64_t)n + 1)) {
		bad(c, "a string is longer than the rest of the record");
		return NULL;
	}
	s = strndup(c->p, n);
	if (!s)
		bad(c, "out of memory");
	c->p += n;
	return s;
}

/*
 * A name (an event's, an arg's, a type's, a member's, a map's): one that a
 * terminal would act on is kept escaped, so that every printer shows it
 * as text.
 */
static char *get_name(struct cursor *c)
{
	struct strbuf sb = STRBUF_INIT;
	char *s = get_str(c);

	if (!s || str_is_plain(s, strlen(s)))
		return s;
	strbuf_add_escaped(&sb, s, (size_t)-1, 0);
	free(s);
	if (!spend(c, sb.len + 1)) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

/* How many members and elements printing a value of t walks (t is complete). */
static uint64_t type_cost(const struct value_type *t)
{
	uint64_t cost = 1;

	if (!t)
		return 1;
	for (uint32_t i = 0; i < t->nfields; i++)
		cost += type_cost(t->fields[i].type);
	cost += t->nenums;
	if (t->kind == VK_ARRAY && t->elem)
		cost += t->elem->kind == VK_CHAR ? 1 : (uint64_t)t->count * type_cost(t->elem);
	return cost;
}

/* The encodings' smallest sizes: what a count in a record is checked against. */
#define FIELD_MIN 16	/* str name, u32 bit_offset, u32 bit_size, type (u32 present) */
#define ENUM_MIN 12	/* str name, u64 value */
#define ARG_MIN 24	/* str name, u32 kind, hex, off, size, type */

static struct value_type *get_type(struct cursor *c, int depth)
{
	struct value_type *t;

	if (!get_u32(c) || c->bad)
		return NULL;
	if (depth > MAX_TYPE_DEPTH) {
		bad(c, "a type nests deeper than 32 levels");
		return NULL;
	}
	if (!spend(c, sizeof(*t)))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t) {
		bad(c, "out of memory");
		return NULL;
	}
	t->kind = get_u32(c);
	t->size = get_u32(c);
	t->name = get_name(c);
	t->count = get_u32(c);
	t->elem = get_type(c, depth + 1);
	t->nfields = get_u32(c);
	if (!c->bad && t->kind > VK_OPAQUE)
		bad(c, "a type of no kind this vtrace knows");
	if (!c->bad && t->nfields > left(c) / FIELD_MIN)
		bad(c, "a type's member count is more than the record holds");
	if (c->bad || !spend(c, (uint64_t)t->nfields * sizeof(*t->fields))) {
		t->nfields = 0;
		c->bad = 1;
		return t;
	}
	t->fields = calloc(t->nfields ? t->nfields : 1, sizeof(*t->fields));
	if (!t->fields) {
		t->nfields = 0;
		bad(c, "out of memory");
		return t;
	}
	for (uint32_t i = 0; i < t->nfields && !c->bad; i++) {
		t->fields[i].name = get_name(c);
		t->fields[i].bit_offset = get_u32(c);
		t->fields[i].bit_size = get_u32(c);
		t->fields[i].type = get_type(c, depth + 1);
		if (!t->fields[i].type || t->fields[i].bit_size > 64)
			bad(c, "a member is a bitfield of more than 64 bits, or has no type");
	}
	t->nenums = c->bad ? 0 : get_u32(c);
	if (t->nenums > left(c) / ENUM_MIN)
		bad(c, "an enum's value count is more than the record holds");
	if (c->bad || !spend(c, (uint64_t)t->nenums * sizeof(*t->enums))) {
		t->nenums = 0;
		c->bad = 1;
	}
	t->enums = calloc(t->nenums ? t->nenums : 1, sizeof(*t->enums));
	if (!t->enums) {
		t->nenums = 0;
		bad(c, "out of memory");
	}
	for (uint32_t i = 0; i < t->nenums && !c->bad; i++) {
		t->enums[i].name = get_name(c);
		t->enums[i].value = (int64_t)get_u64(c);
		if (!t->enums[i].name)
			bad(c, "an enum's value has no name");
	}
	/* an array's elements have a size and fit in it (a count of 4G zero-size elements spun) */
	if (t->kind == VK_ARRAY && (!t->elem || (t->count && !t->elem->size) ||
				    (uint64_t)t->count * t->elem->size > t->size))
		bad(c, "an array's elements have no size, or more of them than its size holds");
	if (!c->bad && depth == 0 && type_cost(t) > MAX_TYPE_COST)
		bad(c, "a type with more than 262,144 members and elements to print");
	return t;
}

/* n bytes at the cursor, or NULL (and bad) when fewer are left. */
static const void *get_bytes(struct cursor *c, size_t n)
{
	const void *p = c->p;

	if (c->bad || left(c) < n) {
		bad(c, "a row runs past the record's end");
		return NULL;
	}
	c->p += n;
	return p;
}

/* An AGG record, handed to cb->agg as lib/mapprint.h's struct agg. */
static void read_agg(struct cursor *c, const struct datafile_callbacks *cb)
{
	char *name = get_name(c);
	uint32_t kind = get_u32(c), flags = get_u32(c);
	int64_t min = (int64_t)get_u64(c), max = (int64_t)get_u64(c), step = (int64_t)get_u64(c);
	uint32_t key_size = get_u32(c);
	struct value_type *kt = get_type(c, 0);
	uint64_t nrows = get_u64(c), nslots = VTRACE_HIST_SLOTS;
	bool hist = kind == VTRACE_AGG_HIST || kind == VTRACE_AGG_LHIST;
	struct agg a;

	/* a linear histogram's bounds are ints (vtrace.h): (max - min) / step buckets */
	if (kind == VTRACE_AGG_LHIST) {
		if (min < INT32_MIN || max > INT32_MAX || step <= 0 || max <= min ||
		    (uint64_t)(max - min) / (uint64_t)step + 2 > MAX_LHIST_SLOTS)
			bad(c, "a linear histogram's bounds or step are out of range: int bounds, "
			    "a positive step, at most 65,536 buckets");
		else
			nslots = (uint64_t)(max - min) / (uint64_t)step + 2;
	}
	if (!c->bad && key_size > (1u << 20))
		bad(c, "a key of more than 1 MB");
	if (!c->bad && nrows > left(c) / ((uint64_t)key_size + 24))
		bad(c, "the row count is more than the record holds");
	if (!c->bad && hist && nrows * nslots > MAX_HIST_WORK)
		bad(c, "a histogram of more buckets than a file may print (16M)");
	if (c->bad || !name) {
		free(name);
		value_type_free(kt);
		c->bad = 1;
		return;
	}
	if (agg_init(&a, name, kind, flags, min, max, step, kt, key_size))
		bad(c, "an aggregation of no kind this vtrace knows");	/* agg_free() frees kt */
	free(name);
	for (uint64_t i = 0; i < nrows && !c->bad; i++) {
		const void *key = get_bytes(c, key_size);
		uint64_t slot = get_u64(c), count = get_u64(c), value = get_u64(c);

		if (!c->bad && (hist ? agg_add_bucket(&a, key, slot, count) :
				agg_add_stat(&a, key, count, (int64_t)value)))
			bad(c, "a row's bucket is out of the histogram's range");
	}
	if (!c->bad && cb->agg && cb->agg(cb->ctx, &a))
		bad(c, "the aggregation does not print");
	agg_free(&a);
}

/* A UMAP record, handed to cb->umap. */
static void read_umap(struct cursor *c, const struct datafile_callbacks *cb)
{
	char *name = get_name(c), *type_name = get_name(c);
	uint32_t ncpus = get_u32(c), key_size = get_u32(c), value_size = get_u32(c);
	struct value_type *kt = get_type(c, 0), *vt = c->bad ? NULL : get_type(c, 0);
	uint64_t nrows = get_u64(c), row;
	struct umap m;
	size_t vbytes;

	/* every row takes bytes of the record, and a per-CPU value a byte per CPU at least */
	if (!c->bad && (key_size > (1u << 20) || value_size > (1u << 20)))
		bad(c, "a key or value of more than 1 MB");
	if (!c->bad && (ncpus > 65536 || (ncpus && !value_size)))
		bad(c, "a per-CPU map of more than 65,536 CPUs, or of values without a size");
	if (c->bad || !name || !type_name) {
		free(name);
		free(type_name);
		value_type_free(kt);
		value_type_free(vt);
		c->bad = 1;
		return;
	}
	if (umap_init(&m, name, type_name, ncpus, kt, key_size, vt, value_size))
		bad(c, "out of memory");	/* umap_free() below frees the types */
	free(name);
	free(type_name);
	vbytes = (size_t)m.value_stride * (ncpus ? ncpus : 1);
	row = (uint64_t)key_size + vbytes;
	if (nrows && (!row || nrows > left(c) / row))
		bad(c, "the row count is more than the record holds");
	for (uint64_t i = 0; i < nrows && !c->bad; i++) {
		const void *key = get_bytes(c, key_size), *value = get_bytes(c, vbytes);

		if (!c->bad && umap_add(&m, key, value))
			bad(c, "out of memory");
	}
	if (!c->bad && cb->umap && cb->umap(cb->ctx, &m))
		bad(c, "the map does not print");
	umap_free(&m);
}

/* What is wrong with the file, said once here where the offset is known; returns rc. */
static int fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(int rc, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("%s", msg);
	return rc;
}

static int grow_objs(struct decoder *d, struct cursor *c, uint32_t obj)
{
	struct decode_obj *n;

	if (obj < d->nobjs)
		return 0;
	if (obj >= MAX_OBJS) {
		bad(c, "an object number over 4,095");
		return -EBADMSG;
	}
	if (!spend(c, (uint64_t)(obj + 1 - d->nobjs) * sizeof(*n)))
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

	if (!c->bad && id >= MAX_PROBES)
		bad(c, "a probe number over 65,535");
	if (c->bad)
		return -EBADMSG;
	if (id >= d->nprobes) {
		struct decode_probe *n;

		if (!spend(c, (uint64_t)(id + 1 - d->nprobes) * sizeof(*n)))
			return -EBADMSG;
		n = realloc(d->probes, (id + 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		memset(n + d->nprobes, 0, (id + 1 - d->nprobes) * sizeof(*n));
		d->probes = n;
		d->nprobes = id + 1;
	}
	p = &d->probes[id];
	if (p->event) {
		bad(c, "a probe described twice");
		return -EBADMSG;
	}
	p->event = get_name(c);
	p->obj = get_u32(c);
	p->args_size = get_u32(c);
	p->nargs = get_u32(c);
	if (!c->bad && p->nargs > MAX_ARGS)
		bad(c, "a probe of more than 64 args");
	if (!c->bad && p->nargs > left(c) / ARG_MIN)
		bad(c, "the arg count is more than the record holds");
	if (c->bad || !p->event || !spend(c, p->nargs * sizeof(*p->args))) {
		p->nargs = 0;
		c->bad = 1;
		return -EBADMSG;
	}
	p->args = calloc(p->nargs ? p->nargs : 1, sizeof(*p->args));
	if (!p->args) {
		p->nargs = 0;
		return -ENOMEM;
	}
	for (size_t j = 0; j < p->nargs && !c->bad; j++) {
		struct decode_arg *a = &p->args[j];

		a->name = get_name(c);
		a->kind = get_u32(c);
		a->hex = get_u32(c);
		a->off = get_u32(c);
		a->size = get_u32(c);
		a->type = get_type(c, 0);
		/* an int is an 8-byte slot, read whole */
		if (!c->bad && (!a->name || a->kind > DECODE_BYTES || (a->kind == DECODE_INT && a->size != 8)))
			bad(c, "an arg of no kind this vtrace knows, or an int not in an 8-byte slot");
		if (!c->bad && (uint64_t)a->off + a->size > p->args_size)
			bad(c, "an arg past the end of the sample's args");
	}
	if (!c->bad && decode_unique_names(p))
		return -ENOMEM;
	p->tp_system = get_name(c);
	p->tp_format = get_str(c);
	p->spec = get_name(c);
	if (p->tp_format && !*p->tp_format) {
		free(p->tp_system);
		free(p->tp_format);
		p->tp_system = p->tp_format = NULL;
	}
	if (grow_objs(d, c, p->obj))
		c->bad = 1;
	return c->bad ? -EBADMSG : 0;
}

static int read_format(struct decoder *d, struct cursor *c)
{
	uint32_t obj = get_u32(c), id = get_u32(c);
	char *text = get_str(c);
	struct printf_fmt *nf;
	struct fmt_table *t;
	int col, rc = -EBADMSG;

	if (c->bad || !text || grow_objs(d, c, obj) || !spend(c, sizeof(*nf)))
		goto out;
	t = &d->objs[obj].fmts;
	nf = realloc(t->fmts, (t->n + 1) * sizeof(*nf));
	if (!nf) {
		rc = -ENOMEM;
		goto out;
	}
	t->fmts = nf;
	if (printf_fmt_compile(text, &nf[t->n], &col)) {
		bad(c, "a printf format with a conversion vtrace does not print, or a width "
		    "or precision over 4,096");
		goto out;
	}
	if (!spend(c, strlen(text) + 1 + nf[t->n].npieces * sizeof(*nf->pieces))) {
		printf_fmt_free(&nf[t->n]);
		goto out;
	}
	nf[t->n++].id = id;
	rc = 0;
out:
	free(text);
	return rc;
}

static int read_type(struct decoder *d, struct cursor *c)
{
	uint32_t obj = get_u32(c), id = get_u32(c);
	struct value_type *t = get_type(c, 0);
	struct decode_obj *o;

	if (!c->bad && id >= MAX_TYPE_ID)
		bad(c, "a type number over 16M");
	if (c->bad || !t || grow_objs(d, c, obj))
		goto bad;
	o = &d->objs[obj];
	if (id >= o->ntypes) {
		struct value_type **nt;

		/* a table by id: the budget bounds it (16M ids in 16 objects took 2 GB) */
		if (!spend(c, (uint64_t)(id + 1 - o->ntypes) * sizeof(*nt)))
			goto bad;
		nt = realloc(o->types, (id + 1) * sizeof(*nt));
		if (!nt)
			goto bad;
		memset(nt + o->ntypes, 0, (id + 1 - o->ntypes) * sizeof(*nt));
		o->types = nt;
		o->ntypes = id + 1;
	}
	value_type_free(o->types[id]);
	o->types[id] = t;
	return 0;
bad:
	value_type_free(t);
	return -EBADMSG;
}

/* "a probe record", for the message */
static const char *record_name(uint32_t type)
{
	static const char *const names[] = {
		[REC_META] = "the metadata record", [REC_OBJECT] = "an object record",
		[REC_FORMAT] = "a printf format record", [REC_PROBE] = "a probe record",
		[REC_TYPE] = "a type record", [REC_SAMPLE] = "a sample record",
		[REC_LOST] = "a lost-count record", [REC_END] = "the end record",
		[REC_MAPS] = "a mappings record", [REC_AGG] = "an aggregation record",
		[REC_UMAP] = "a map record",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] :
	       "a record of unknown type";
}

/* One record at c; *ended at the end record. */
static int read_record(struct decoder *d, struct cursor *c, uint32_t type,
		       const struct datafile_callbacks *cb, char **meta, bool *ended)
{
	size_t len = left(c);

	switch (type) {
	case REC_META:
		free(*meta);
		*meta = NULL;
		if (!spend(c, len + 1))
			return -EBADMSG;
		*meta = strndup(c->p, len);
		if (cb->meta && *meta)
			cb->meta(cb->ctx, *meta);
		return 0;
	case REC_OBJECT:
		return grow_objs(d, c, get_u32(c)) || c->bad ? -EBADMSG : 0;
	case REC_FORMAT:
		return read_format(d, c);
	case REC_PROBE:
		return read_probe(d, c);
	case REC_TYPE:
		return read_type(d, c);
	case REC_SAMPLE:
		if (cb->sample && cb->sample(cb->ctx, d, c->p, len)) {
			bad(c, "a sample that does not decode: no probe record before it, or "
			    "not of its probe's layout");
			return -EBADMSG;
		}
		return 0;
	case REC_LOST: {
		uint64_t lost = get_u64(c);

		if (!c->bad && cb->lost)
			cb->lost(cb->ctx, lost);
		return c->bad ? -EBADMSG : 0;
	}
	case REC_END:
		*ended = true;
		return 0;
	case REC_MAPS: {
		uint32_t pid = get_u32(c);

		if (!c->bad && cb->maps && cb->maps(cb->ctx, pid, c->p, left(c)))
			bad(c, "the mappings do not parse");
		return c->bad ? -EBADMSG : 0;
	}
	case REC_AGG:
		read_agg(c, cb);
		return c->bad ? -EBADMSG : 0;
	case REC_UMAP:
		read_umap(c, cb);
		return c->bad ? -EBADMSG : 0;
	default:
		bad(c, "a record type this vtrace does not know");
		return -EBADMSG;
	}
}

int datafile_parse(const char *name, const char *data, size_t len, struct decoder *d,
		   const struct datafile_callbacks *cb, char **meta)
{
	struct reader r = { READ_BUDGET, false };
	uint32_t version;
	size_t off;
	bool ended = false;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	*meta = NULL;
	if (len < 16 || memcmp(data, DATAFILE_MAGIC, 8))
		return fail(-EBADMSG, "%s is not a vtrace data file (no VTRACEDF magic)", name);
	memcpy(&version, data + 8, 4);
	if (version > DATAFILE_VERSION)
		return fail(-EPROTO, "%s was written by a newer vtrace (data format %u; this "
			    "one reads format %d): use that vtrace's script", name, version, DATAFILE_VERSION);
	for (off = 16; off < len && !ended;) {
		uint32_t type, rlen;
		struct cursor c;

		if (len - off < 8) {
			rc = fail(-EBADMSG, "%s is truncated at offset %zu (a record header "
				  "is cut short)", name, off);
			break;
		}
		memcpy(&type, data + off, 4);
		memcpy(&rlen, data + off + 4, 4);
		if (rlen > MAX_RECORD || rlen > len - off - 8) {
			rc = fail(-EBADMSG, "%s is %s at offset %zu (a record of %u bytes)",
				  name, rlen > MAX_RECORD ? "corrupted" : "truncated", off, rlen);
			break;
		}
		c = (struct cursor){ data + off + 8, data + off + 8 + rlen, 0, NULL, &r };
		rc = read_record(d, &c, type, cb, meta, &ended);
		if (rc == -ENOMEM) {
			rc = fail(rc, "%s: out of memory at offset %zu", name, off);
			break;
		}
		if (rc || c.bad) {
			if (r.over)
				rc = fail(-EBADMSG, "%s is corrupted at offset %zu (%s asks for more "
					  "than the %u MB a file's tables may take)",
					  name, off, record_name(type), READ_BUDGET >> 20);
			else
				rc = fail(-EBADMSG, "%s is corrupted at offset %zu (%s: %s)", name, off,
					  record_name(type), c.why ? c.why : "it does not parse");
			break;
		}
		off += 8 + ((rlen + 7) & ~7u);
	}
	if (!rc && !ended)
		rc = fail(-EBADMSG, "%s is truncated at offset %zu (no end record: was "
			  "vtrace killed?)", name, off);
	return rc;
}

int datafile_read(const char *path, struct decoder *d, const struct datafile_callbacks *cb,
		  char **meta)
{
	char *data;
	size_t len;
	int rc;

	memset(d, 0, sizeof(*d));
	*meta = NULL;
	rc = read_file(path, &data, &len);
	if (rc)
		return fail(rc, "%s: %s", path, strerror(-rc));
	rc = datafile_parse(path, data, len, d, cb, meta);
	free(data);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/mapprint.h"
#include "vtrace_sample.h"

#define BAR_WIDTH 52

static const char *const kind_names[] = {
	[VTRACE_AGG_COUNT] = "count", [VTRACE_AGG_SUM] = "sum", [VTRACE_AGG_MIN] = "min",
	[VTRACE_AGG_MAX] = "max", [VTRACE_AGG_AVG] = "avg", [VTRACE_AGG_HIST] = "hist",
	[VTRACE_AGG_LHIST] = "lhist",
};

static bool is_hist(const struct agg *a)
{
	return a->kind == VTRACE_AGG_HIST || a->kind == VTRACE_AGG_LHIST;
}

static bool is_scalar(const struct value_type *t)
{
	switch (t->kind) {
	case VK_INT: case VK_UINT: case VK_CHAR: case VK_BOOL: case VK_PTR: case VK_ENUM:
		return true;
	default:
		return false;
	}
}

/* Keys in order: integers by value, structs field by field, the rest by bytes. */
static int cmp_typed(const struct value_type *t, const unsigned char *a, const unsigned char *b,
		     uint32_t size)
{
	if (t && t->size <= size && is_scalar(t)) {
		bool sgn = t->kind == VK_INT || t->kind == VK_ENUM;
		uint64_t x = value_load_int(a, t->size, sgn), y = value_load_int(b, t->size, sgn);

		if (x == y)
			return 0;
		return sgn ? ((int64_t)x < (int64_t)y ? -1 : 1) : (x < y ? -1 : 1);
	}
	if (t && t->size <= size && t->kind == VK_STRUCT) {
		for (uint32_t i = 0; i < t->nfields; i++) {
			const struct value_field *f = &t->fields[i];
			uint32_t off = f->bit_offset / 8;
			int c;

			if (f->bit_size || !f->type || (uint64_t)off + f->type->size > size)
				break;
			c = cmp_typed(f->type, a + off, b + off, size - off);
			if (c)
				return c;
		}
	}
	if (t && t->kind == VK_ARRAY && t->elem && t->elem->kind == VK_CHAR && t->size <= size)
		return strncmp((const char *)a, (const char *)b, t->count);
	return memcmp(a, b, size);
}

static void add_hex(struct strbuf *sb, const unsigned char *p, uint32_t size, bool json)
{
	if (json)
		strbuf_addch(sb, '[');
	for (uint32_t i = 0; i < size; i++)
		strbuf_addf(sb, json ? "%s\"0x%02x\"" : "%s%02x", i ? (json ? "," : " ") : "", p[i]);
	if (json)
		strbuf_addch(sb, ']');
}

static void add_value(struct strbuf *sb, const struct value_type *t, const unsigned char *p,
		      uint32_t size, bool json)
{
	if (!t)
		add_hex(sb, p, size, json);
	else if (json)
		value_print_json(sb, t, p, size);
	else
		value_print(sb, t, p, size);
}

/* A key as bpftrace prints one: 3, abc (a char array unquoted), 3, abc for a struct. */
static void add_key_text(struct strbuf *sb, const struct value_type *t, const unsigned char *p,
			 uint32_t size)
{
	if (t && t->kind == VK_ARRAY && t->elem && t->elem->kind == VK_CHAR && t->size <= size) {
		strbuf_add_escaped(sb, (const char *)p, t->count, 0);
		return;
	}
	if (t && t->kind == VK_STRUCT && t->size <= size) {
		bool plain = true;

		for (uint32_t i = 0; i < t->nfields; i++)
			plain = plain && t->fields[i].name && !t->fields[i].bit_size && t->fields[i].type;
		if (plain) {
			for (uint32_t i = 0; i < t->nfields; i++) {
				uint32_t off = t->fields[i].bit_offset / 8;

				if (i)
					strbuf_addstr(sb, ", ");
				/* a hostile data file's member may lie past the key */
				if (off > size)
					strbuf_addstr(sb, "(truncated)");
				else
					add_key_text(sb, t->fields[i].type, p + off, size - off);
			}
			return;
		}
	}
	add_value(sb, t, p, size, false);
}

int agg_init(struct agg *a, const char *name, uint32_t kind, uint32_t flags, int64_t min,
	     int64_t max, int64_t step, struct value_type *key_type, uint32_t key_size)
{
	memset(a, 0, sizeof(*a));
	a->key_type = key_type;
	if (kind < VTRACE_AGG_COUNT || kind > VTRACE_AGG_LHIST ||
	    (kind == VTRACE_AGG_LHIST && (step <= 0 || max <= min)))
		return -EINVAL;
	a->name = strdup(name);
	if (!a->name)
		return -ENOMEM;
	a->kind = kind;
	a->flags = flags;
	a->min = min;
	a->max = max;
	a->step = step;
	a->key_size = key_size;
	return 0;
}

uint64_t agg_nslots(const struct agg *a)
{
	if (a->kind == VTRACE_AGG_LHIST)
		return (uint64_t)(a->max - a->min) / (uint64_t)a->step + 2;
	return VTRACE_HIST_SLOTS;
}

static int add_row(struct agg *a, const void *key, uint64_t slot, uint64_t count, int64_t value)
{
	struct agg_row *r;

	if (a->nrows == a->cap) {
		struct agg_row *n = array_grow(a->rows, &a->cap, sizeof(*n), 64);

		if (!n)
			return -ENOMEM;
		a->rows = n;
	}
	r = &a->rows[a->nrows];
	r->key = malloc(a->key_size ? a->key_size : 1);
	if (!r->key)
		return -ENOMEM;
	memcpy(r->key, key, a->key_size);
	r->slot = slot;
	r->count = count;
	r->value = value;
	a->nrows++;
	return 0;
}

int agg_add_stat(struct agg *a, const void *key, uint64_t count, int64_t value)
{
	if (!count)
		return 0;	/* another CPU's entry for the key */
	return add_row(a, key, 0, count, value);
}

int agg_add_bucket(struct agg *a, const void *key, uint64_t slot, uint64_t count)
{
	if (!count)
		return 0;
	if (slot >= agg_nslots(a))
		return -ERANGE;
	return add_row(a, key, slot, count, 0);
}

void agg_clear(struct agg *a)
{
	for (size_t i = 0; i < a->nrows; i++)
		free(a->rows[i].key);
	a->nrows = 0;
}

void agg_free(struct agg *a)
{
	agg_clear(a);
	free(a->rows);
	free(a->name);
	value_type_free(a->key_type);
	memset(a, 0, sizeof(*a));
}

/* qsort has no context argument: the agg being sorted. */
static const struct agg *sorting;

static int cmp_key_slot(const void *x, const void *y)
{
	const struct agg_row *a = x, *b = y;
	int c = cmp_typed(sorting->key_type, a->key, b->key, sorting->key_size);

	if (c)
		return c;
	return a->slot < b->slot ? -1 : a->slot > b->slot;
}

static int64_t stat_value(const struct agg *a, const struct agg_row *r)
{
	switch (a->kind) {
	case VTRACE_AGG_COUNT:
		return (int64_t)r->count;
	case VTRACE_AGG_AVG:
		return r->count ? r->value / (int64_t)r->count : 0;
	default:
		return r->value;
	}
}

static int cmp_stat(const void *x, const void *y)
{
	const struct agg_row *a = x, *b = y;
	int64_t va = stat_value(sorting, a), vb = stat_value(sorting, b);

	if (va != vb)
		return va < vb ? -1 : 1;
	return cmp_typed(sorting->key_type, a->key, b->key, sorting->key_size);
}

/* One row per key (and bucket): the CPUs' entries merged. */
static void merge(struct agg *a)
{
	size_t out = 0;

	if (!a->nrows)
		return;
	sorting = a;
	qsort(a->rows, a->nrows, sizeof(*a->rows), cmp_key_slot);
	for (size_t i = 0; i < a->nrows; i++) {
		struct agg_row *r = &a->rows[i], *o = out ? &a->rows[out - 1] : NULL;

		if (o && o->slot == r->slot && !memcmp(o->key, r->key, a->key_size)) {
			if ((a->kind == VTRACE_AGG_MIN && r->value < o->value) ||
			    (a->kind == VTRACE_AGG_MAX && r->value > o->value))
				o->value = r->value;
			else if (a->kind == VTRACE_AGG_SUM || a->kind == VTRACE_AGG_AVG)
				o->value += r->value;
			o->count += r->count;
			free(r->key);
			continue;
		}
		a->rows[out++] = *r;
	}
	a->nrows = out;
	if (!is_hist(a))
		qsort(a->rows, a->nrows, sizeof(*a->rows), cmp_stat);
	sorting = NULL;
}

static void add_name(struct agg *a, struct strbuf *sb, const struct agg_row *r)
{
	strbuf_addf(sb, "@%s", a->name);
	if (a->flags & VTRACE_AGG_F_NOKEY)
		return;
	strbuf_addch(sb, '[');
	add_key_text(sb, a->key_type, r->key, a->key_size);
	strbuf_addch(sb, ']');
}

/* 1024 -> 1K, as bpftrace labels its buckets */
static void add_pow(struct strbuf *sb, uint64_t v)
{
	static const char suffix[] = " KMGTPE";
	int i = 0;

	while (v >= 1024 && !(v % 1024) && i < 6) {
		v /= 1024;
		i++;
	}
	strbuf_addf(sb, "%" PRIu64, v);
	if (i)
		strbuf_addch(sb, suffix[i]);
}

/* A bucket's bounds: lo (has_lo), hi inclusive (has_hi); log2 buckets are powers of two. */
struct bucket {
	bool has_lo, has_hi;
	int64_t lo, hi;
	uint64_t ulo, uhi;	/* log2: [ulo, uhi] */
};

static struct bucket bucket_of(const struct agg *a, uint64_t slot)
{
	struct bucket b = { true, true, 0, 0, 0, 0 };

	if (a->kind == VTRACE_AGG_HIST) {
		if (slot == 0) {
			b.has_lo = false;
			b.hi = -1;
		} else if (slot >= 2) {
			b.ulo = 1ULL << (slot - 2);
			b.uhi = (b.ulo << 1) - 1;	/* wraps to UINT64_MAX for the last */
		}
		return b;
	}
	if (slot == 0) {
		b.has_lo = false;
		b.hi = a->min - 1;
	} else if (slot + 1 == agg_nslots(a)) {
		b.has_hi = false;
		b.lo = a->max;
	} else {
		b.lo = a->min + (int64_t)(slot - 1) * a->step;
		b.hi = b.lo + a->step - 1;
	}
	return b;
}

static void add_label(const struct agg *a, struct strbuf *sb, uint64_t slot)
{
	struct bucket b = bucket_of(a, slot);

	if (a->kind == VTRACE_AGG_HIST) {
		if (slot == 0) {
			strbuf_addstr(sb, "(..., 0)");
		} else if (slot == 1) {
			strbuf_addstr(sb, "[0]");
		} else if (slot == 2) {
			strbuf_addstr(sb, "[1]");
		} else {
			strbuf_addch(sb, '[');
			add_pow(sb, b.ulo);
			strbuf_addstr(sb, ", ");
			if (b.uhi == UINT64_MAX)
				strbuf_addstr(sb, "16E");
			else
				add_pow(sb, b.uhi + 1);
			strbuf_addch(sb, ')');
		}
		return;
	}
	if (!b.has_lo)
		strbuf_addf(sb, "(..., %" PRId64 ")", a->min);
	else if (!b.has_hi)
		strbuf_addf(sb, "[%" PRId64 ", ...)", b.lo);
	else
		strbuf_addf(sb, "[%" PRId64 ", %" PRId64 ")", b.lo, b.hi + 1);
}

/* rows[from, to) are one key's buckets: counts by slot, and the range that has any. */
static void hist_slots(const struct agg *a, size_t from, size_t to, uint64_t *slots,
		       uint64_t *first, uint64_t *last, uint64_t *peak, uint64_t *total)
{
	uint64_t n = agg_nslots(a);

	memset(slots, 0, n * sizeof(*slots));
	*first = n;
	*last = 0;
	*peak = 0;
	*total = 0;
	for (size_t i = from; i < to; i++) {
		uint64_t s = a->rows[i].slot;

		slots[s] += a->rows[i].count;
		*total += a->rows[i].count;
		if (s < *first)
			*first = s;
		if (s > *last)
			*last = s;
	}
	for (uint64_t s = *first; s <= *last && s < n; s++)
		if (slots[s] > *peak)
			*peak = slots[s];
}

static size_t key_end(const struct agg *a, size_t i)
{
	size_t j = i + 1;

	while (j < a->nrows && !memcmp(a->rows[j].key, a->rows[i].key, a->key_size))
		j++;
	return j;
}

void agg_print(struct agg *a, struct strbuf *sb)
{
	uint64_t *slots;

	merge(a);
	if (!is_hist(a)) {
		for (size_t i = 0; i < a->nrows; i++) {
			add_name(a, sb, &a->rows[i]);
			strbuf_addf(sb, ": %" PRId64 "\n", stat_value(a, &a->rows[i]));
		}
		if (a->nrows)
			strbuf_addch(sb, '\n');
		return;
	}
	slots = calloc(agg_nslots(a), sizeof(*slots));
	if (!slots)
		return;
	for (size_t i = 0, j; i < a->nrows; i = j) {
		uint64_t first, last, peak, total;

		j = key_end(a, i);
		hist_slots(a, i, j, slots, &first, &last, &peak, &total);
		add_name(a, sb, &a->rows[i]);
		strbuf_addstr(sb, ":\n");
		for (uint64_t s = first; s <= last; s++) {
			size_t at = sb->len, bar = peak ? (size_t)(slots[s] * BAR_WIDTH / peak) : 0;

			add_label(a, sb, s);
			while (sb->len < at + 16)
				strbuf_addch(sb, ' ');
			strbuf_addf(sb, "%8" PRIu64 " |", slots[s]);
			for (size_t k = 0; k < BAR_WIDTH; k++)
				strbuf_addch(sb, k < bar ? '@' : ' ');
			strbuf_addstr(sb, "|\n");
		}
		strbuf_addch(sb, '\n');
	}
	free(slots);
}

void agg_print_json(struct agg *a, struct strbuf *sb, unsigned interval)
{
	uint64_t *slots = NULL;

	merge(a);
	strbuf_addstr(sb, "{\"type\":\"aggregation\",\"name\":");
	strbuf_add_json_string(sb, a->name, (size_t)-1);
	strbuf_addf(sb, ",\"kind\":\"%s\"", kind_names[a->kind]);
	if (a->kind == VTRACE_AGG_LHIST)
		strbuf_addf(sb, ",\"min\":%" PRId64 ",\"max\":%" PRId64 ",\"step\":%" PRId64,
			    a->min, a->max, a->step);
	if (interval)
		strbuf_addf(sb, ",\"interval\":%u", interval);
	strbuf_addstr(sb, ",\"entries\":[");
	if (is_hist(a))
		slots = calloc(agg_nslots(a), sizeof(*slots));
	for (size_t i = 0, j; i < a->nrows; i = j) {
		const struct agg_row *r = &a->rows[i];

		j = is_hist(a) ? key_end(a, i) : i + 1;
		strbuf_addstr(sb, i ? ",{" : "{");
		if (!(a->flags & VTRACE_AGG_F_NOKEY)) {
			strbuf_addstr(sb, "\"key\":");
			add_value(sb, a->key_type, r->key, a->key_size, true);
			strbuf_addch(sb, ',');
		}
		if (!is_hist(a)) {
			strbuf_addf(sb, "\"value\":%" PRId64 ",\"count\":%" PRIu64 "}",
				    stat_value(a, r), r->count);
			continue;
		}
		if (slots) {
			uint64_t first, last, peak, total;

			hist_slots(a, i, j, slots, &first, &last, &peak, &total);
			strbuf_addf(sb, "\"count\":%" PRIu64 ",\"buckets\":[", total);
			for (uint64_t s = first; s <= last; s++) {
				struct bucket b = bucket_of(a, s);
				bool log2 = a->kind == VTRACE_AGG_HIST && s >= 2;

				strbuf_addstr(sb, s == first ? "{" : ",{");
				if (b.has_lo)
					strbuf_addf(sb, log2 ? "\"min\":%" PRIu64 "," : "\"min\":%" PRId64 ",",
						    log2 ? b.ulo : (uint64_t)b.lo);
				if (b.has_hi)
					strbuf_addf(sb, log2 ? "\"max\":%" PRIu64 "," : "\"max\":%" PRId64 ",",
						    log2 ? b.uhi : (uint64_t)b.hi);
				strbuf_addf(sb, "\"count\":%" PRIu64 "}", slots[s]);
			}
			strbuf_addch(sb, ']');
		}
		strbuf_addch(sb, '}');
	}
	strbuf_addstr(sb, "]}");
	free(slots);
}

int umap_init(struct umap *m, const char *name, const char *type_name, unsigned ncpus,
	      struct value_type *key_type, uint32_t key_size, struct value_type *value_type,
	      uint32_t value_size)
{
	memset(m, 0, sizeof(*m));
	m->key_type = key_type;
	m->value_type = value_type;
	m->name = strdup(name);
	m->type_name = strdup(type_name);
	if (!m->name || !m->type_name)
		return -ENOMEM;
	m->ncpus = ncpus;
	m->key_size = key_size;
	m->value_size = value_size;
	m->value_stride = ncpus ? (value_size + 7) & ~7u : value_size;
	return 0;
}

int umap_add(struct umap *m, const void *key, const void *value)
{
	size_t vbytes = (size_t)m->value_stride * (m->ncpus ? m->ncpus : 1);
	struct umap_row *r;

	if (m->nrows == m->cap) {
		struct umap_row *n = array_grow(m->rows, &m->cap, sizeof(*n), 64);

		if (!n)
			return -ENOMEM;
		m->rows = n;
	}
	r = &m->rows[m->nrows];
	r->key = malloc(m->key_size ? m->key_size : 1);
	r->value = malloc(vbytes ? vbytes : 1);
	if (!r->key || !r->value) {
		free(r->key);
		free(r->value);
		return -ENOMEM;
	}
	memcpy(r->key, key, m->key_size);
	memcpy(r->value, value, vbytes);
	m->nrows++;
	return 0;
}

void umap_clear(struct umap *m)
{
	for (size_t i = 0; i < m->nrows; i++) {
		free(m->rows[i].key);
		free(m->rows[i].value);
	}
	m->nrows = 0;
}

void umap_free(struct umap *m)
{
	umap_clear(m);
	free(m->rows);
	free(m->name);
	free(m->type_name);
	value_type_free(m->key_type);
	value_type_free(m->value_type);
	memset(m, 0, sizeof(*m));
}

static const struct umap *sorting_umap;

static int cmp_umap(const void *x, const void *y)
{
	const struct umap_row *a = x, *b = y;

	return cmp_typed(sorting_umap->key_type, a->key, b->key, sorting_umap->key_size);
}

static void umap_sort(struct umap *m)
{
	if (!m->nrows)
		return;
	sorting_umap = m;
	qsort(m->rows, m->nrows, sizeof(*m->rows), cmp_umap);
	sorting_umap = NULL;
}

void umap_print(struct umap *m, struct strbuf *sb)
{
	umap_sort(m);
	strbuf_addf(sb, "map %s (%s, %zu entr%s):\n", m->name, m->type_name, m->nrows,
		    m->nrows == 1 ? "y" : "ies");
	for (size_t i = 0; i < m->nrows; i++) {
		const struct umap_row *r = &m->rows[i];

		strbuf_addstr(sb, "key: ");
		add_value(sb, m->key_type, r->key, m->key_size, false);
		if (!m->ncpus) {
			strbuf_addstr(sb, "  value: ");
			add_value(sb, m->value_type, r->value, m->value_size, false);
		}
		for (unsigned c = 0; c < m->ncpus; c++) {
			strbuf_addf(sb, "  value (CPU %u): ", c);
			add_value(sb, m->value_type, r->value + (size_t)c * m->value_stride,
				  m->value_size, false);
		}
		strbuf_addch(sb, '\n');
	}
	strbuf_addch(sb, '\n');
}

void umap_print_json(struct umap *m, struct strbuf *sb)
{
	umap_sort(m);
	strbuf_addstr(sb, "{\"type\":\"map\",\"name\":");
	strbuf_add_json_string(sb, m->name, (size_t)-1);
	strbuf_addstr(sb, ",\"map_type\":");
	strbuf_add_json_string(sb, m->type_name, (size_t)-1);
	strbuf_addstr(sb, ",\"entries\":[");
	for (size_t i = 0; i < m->nrows; i++) {
		const struct umap_row *r = &m->rows[i];

		strbuf_addstr(sb, i ? ",{\"key\":" : "{\"key\":");
		add_value(sb, m->key_type, r->key, m->key_size, true);
		if (!m->ncpus) {
			strbuf_addstr(sb, ",\"value\":");
			add_value(sb, m->value_type, r->value, m->value_size, true);
		} else {
			strbuf_addstr(sb, ",\"values\":[");
			for (unsigned c = 0; c < m->ncpus; c++) {
				strbuf_addf(sb, "%s{\"cpu\":%u,\"value\":", c ? "," : "", c);
				add_value(sb, m->value_type, r->value + (size_t)c * m->value_stride,
					  m->value_size, true);
				strbuf_addch(sb, '}');
			}
			strbuf_addch(sb, ']');
		}
		strbuf_addch(sb, '}');
	}
	strbuf_addstr(sb, "]}");
}

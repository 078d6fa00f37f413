// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "bpf/maps.h"
#include "lib/error.h"
#include "probe/btf_value.h"
#include "probe/elf.h"
#include "vtrace_sample.h"

static bool is_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool dumpable(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_LRU_HASH ||
	       is_percpu(t);
}

/* The printable type of a map's key or value; NULL (bytes) without BTF. */
static struct value_type *map_type(const struct btf *btf, __u32 id)
{
	return btf && id ? btf_value_type(btf, id) : NULL;
}

/* A histogram's key is { __u64 slot; KEY key; }: KEY's type and offset. */
static struct value_type *hist_key_type(const struct btf *btf, __u32 id, uint32_t *off)
{
	struct value_type *t = map_type(btf, id), *k = NULL;

	*off = 8;
	for (uint32_t i = 0; t && t->kind == VK_STRUCT && i < t->nfields; i++)
		if (t->fields[i].name && !strcmp(t->fields[i].name, "key")) {
			*off = t->fields[i].bit_offset / 8;
			k = t->fields[i].type;
			t->fields[i].type = NULL;
		}
	value_type_free(t);
	return k;
}

static const struct vtrace_agg_rec *find_rec(const void *recs, size_t len, const char *name)
{
	for (size_t off = 0; off + sizeof(struct vtrace_agg_rec) <= len;
	     off += sizeof(struct vtrace_agg_rec)) {
		const struct vtrace_agg_rec *r = (const void *)((const char *)recs + off);

		if (!strncmp(r->map, name, sizeof(r->map)))
			return r;
	}
	return NULL;
}

static int add_agg(struct map_set *ms, const struct bpf_map *map, const struct btf *btf,
		   const struct vtrace_agg_rec *r, const char *src)
{
	bool hist = r->kind == VTRACE_AGG_HIST || r->kind == VTRACE_AGG_LHIST;
	uint32_t off = 8, ksize = bpf_map__key_size(map);
	struct value_type *kt;
	struct agg *na;
	int *nf, err;

	kt = hist ? hist_key_type(btf, bpf_map__btf_key_type_id(map), &off)
		  : map_type(btf, bpf_map__btf_key_type_id(map));
	if (hist && off != 8) {
		pr_err("%s: aggregation '%s': its key's type is aligned to more than 8 bytes",
		       src, bpf_map__name(map));
		value_type_free(kt);
		return -EINVAL;
	}
	if (hist)
		ksize = kt ? kt->size : ksize - 8;
	na = realloc(ms->aggs, (ms->naggs + 1) * sizeof(*na));
	if (na)
		ms->aggs = na;
	nf = realloc(ms->agg_fds, (ms->naggs + 1) * sizeof(*nf));
	if (nf)
		ms->agg_fds = nf;
	if (!na || !nf) {
		value_type_free(kt);
		return -ENOMEM;
	}
	err = agg_init(&ms->aggs[ms->naggs], bpf_map__name(map), r->kind, r->flags, r->min, r->max,
		       r->step, kt, ksize);
	if (err) {
		pr_err("%s: aggregation '%s' has a malformed %s record", src, bpf_map__name(map),
		       VTRACE_AGG_SECTION);
		agg_free(&ms->aggs[ms->naggs]);
		return err;
	}
	ms->agg_fds[ms->naggs++] = bpf_map__fd(map);
	return 0;
}

static int add_umap(struct map_set *ms, const struct bpf_map *map, const struct btf *btf)
{
	enum bpf_map_type t = bpf_map__type(map);
	const char *tn = libbpf_bpf_map_type_str(t);
	struct umap *nu;
	int *nf, err;

	nu = realloc(ms->umaps, (ms->numaps + 1) * sizeof(*nu));
	if (nu)
		ms->umaps = nu;
	nf = realloc(ms->umap_fds, (ms->numaps + 1) * sizeof(*nf));
	if (nf)
		ms->umap_fds = nf;
	if (!nu || !nf)
		return -ENOMEM;
	err = umap_init(&ms->umaps[ms->numaps], bpf_map__name(map), tn ? tn : "?",
			is_percpu(t) ? ms->ncpus : 0,
			map_type(btf, bpf_map__btf_key_type_id(map)), bpf_map__key_size(map),
			map_type(btf, bpf_map__btf_value_type_id(map)), bpf_map__value_size(map));
	if (err) {
		umap_free(&ms->umaps[ms->numaps]);
		return err;
	}
	ms->umap_fds[ms->numaps++] = bpf_map__fd(map);
	return 0;
}

static int add_object(struct map_set *ms, struct vt_object *o)
{
	const struct btf *btf = bpf_object__btf(o->obj);
	struct bpf_map *map;
	void *recs = NULL;
	size_t len = 0;
	int err;

	err = elf_section_bytes(o->path, VTRACE_AGG_SECTION, &recs, &len);
	if (err && err != -ENOENT)
		return err;
	err = 0;
	bpf_object__for_each_map(map, o->obj) {
		const char *name = bpf_map__name(map);
		const struct vtrace_agg_rec *r;

		if (!strcmp(name, "vtrace_agg_drops")) {
			int *nd = realloc(ms->drop_fds, (ms->ndrops + 1) * sizeof(*nd));

			if (!nd) {
				err = -ENOMEM;
				break;
			}
			ms->drop_fds = nd;
			ms->drop_fds[ms->ndrops++] = bpf_map__fd(map);
			continue;
		}
		if (bpf_map__is_internal(map) || !strncmp(name, "vtrace_", 7))
			continue;
		r = find_rec(recs, len, name);
		if (r && bpf_map__type(map) == BPF_MAP_TYPE_PERCPU_HASH)
			err = add_agg(ms, map, btf, r, o->src);
		else if (dumpable(bpf_map__type(map)))
			err = add_umap(ms, map, btf);
		else
			pr_debug("%s: map '%s' (%s) is not printed", o->src, name,
				 libbpf_bpf_map_type_str(bpf_map__type(map)));
		if (err)
			break;
	}
	free(recs);
	return err;
}

int map_set_open(struct map_set *ms, struct session *s)
{
	int n = libbpf_num_possible_cpus(), err = 0;

	memset(ms, 0, sizeof(*ms));
	if (n <= 0)
		return n ? n : -EINVAL;
	ms->ncpus = n;
	for (size_t i = 0; !err && i < s->nobjs; i++)
		err = add_object(ms, s->objs[i]);
	if (err)
		pr_err("cannot read the programs' maps: %s", strerror(-err));
	return err;
}

bool map_set_has_aggs(const struct map_set *ms)
{
	return ms->naggs > 0;
}

/* Every key of fd through get_next_key; cb(key, values) with ncpus values when per-CPU. */
typedef int (*entry_fn)(void *ctx, const void *key, const void *value);

static int each_entry(int fd, uint32_t ksize, size_t vbytes, entry_fn cb, void *ctx)
{
	unsigned char *key = calloc(1, ksize ? ksize : 1), *next = calloc(1, ksize ? ksize : 1);
	unsigned char *val = calloc(1, vbytes ? vbytes : 1);
	int err = 0;
	bool first = true;

	if (!key || !next || !val) {
		err = -ENOMEM;
		goto out;
	}
	while (!bpf_map_get_next_key(fd, first ? NULL : key, next)) {
		first = false;
		memcpy(key, next, ksize);
		if (bpf_map_lookup_elem(fd, key, val))
			continue;	/* deleted meanwhile */
		err = cb(ctx, key, val);
		if (err)
			break;
	}
out:
	free(key);
	free(next);
	free(val);
	return err;
}

struct agg_ctx {
	struct agg *a;
	unsigned ncpus;
	bool hist;
	uint32_t key_off;
};

static int agg_entry(void *ctx, const void *key, const void *value)
{
	struct agg_ctx *c = ctx;
	const unsigned char *k = key;
	int err = 0;

	for (unsigned cpu = 0; !err && cpu < c->ncpus; cpu++) {
		if (c->hist) {
			uint64_t slot, n;

			memcpy(&slot, k, 8);
			memcpy(&n, (const char *)value + (size_t)cpu * 8, 8);
			err = agg_add_bucket(c->a, k + c->key_off, slot, n);
			if (err == -ERANGE)
				err = 0;	/* not a bucket vtrace.h makes */
		} else {
			struct vtrace_stat st;

			memcpy(&st, (const char *)value + (size_t)cpu * sizeof(st), sizeof(st));
			err = agg_add_stat(c->a, k, st.count, st.value);
		}
	}
	return err;
}

static int umap_entry(void *ctx, const void *key, const void *value)
{
	return umap_add(ctx, key, value);
}

static int read_agg(struct map_set *ms, size_t i)
{
	struct agg *a = &ms->aggs[i];
	bool hist = a->kind == VTRACE_AGG_HIST || a->kind == VTRACE_AGG_LHIST;
	struct agg_ctx c = { a, ms->ncpus, hist, 8 };
	struct bpf_map_info info = { 0 };
	__u32 ilen = sizeof(info);

	if (bpf_obj_get_info_by_fd(ms->agg_fds[i], &info, &ilen))
		return -errno;
	agg_clear(a);
	return each_entry(ms->agg_fds[i], info.key_size,
			  (size_t)((info.value_size + 7) & ~7u) * ms->ncpus, agg_entry, &c);
}

static int read_umap(struct map_set *ms, size_t i)
{
	struct umap *m = &ms->umaps[i];

	umap_clear(m);
	return each_entry(ms->umap_fds[i], m->key_size,
			  (size_t)m->value_stride * (m->ncpus ? m->ncpus : 1), umap_entry, m);
}

int map_set_print(struct map_set *ms, FILE *out, bool json, unsigned interval)
{
	struct strbuf sb = STRBUF_INIT;
	int err = 0;

	for (size_t i = 0; i < ms->naggs; i++) {
		int rc = ms->fresh && !interval ? 0 : read_agg(ms, i);

		if (rc) {
			err = err ? err : rc;
			continue;
		}
		strbuf_reset(&sb);
		if (json) {
			agg_print_json(&ms->aggs[i], &sb, interval);
			strbuf_addch(&sb, '\n');
		} else {
			agg_print(&ms->aggs[i], &sb);
		}
		if (sb.len)
			fwrite(sb.buf, 1, sb.len, out);
	}
	for (size_t i = 0; !interval && i < ms->numaps; i++) {
		int rc = ms->fresh ? 0 : read_umap(ms, i);

		if (rc) {
			err = err ? err : rc;
			continue;
		}
		strbuf_reset(&sb);
		if (json) {
			umap_print_json(&ms->umaps[i], &sb);
			strbuf_addch(&sb, '\n');
		} else {
			umap_print(&ms->umaps[i], &sb);
		}
		fwrite(sb.buf, 1, sb.len, out);
	}
	strbuf_release(&sb);
	fflush(out);
	return err;
}

int map_set_save(struct map_set *ms, struct datafile_writer *w)
{
	int err = 0;

	for (size_t i = 0; i < ms->naggs; i++) {
		int rc = read_agg(ms, i);

		rc = rc ? rc : datafile_agg(w, &ms->aggs[i]);
		err = err ? err : rc;
	}
	for (size_t i = 0; i < ms->numaps; i++) {
		int rc = read_umap(ms, i);

		rc = rc ? rc : datafile_umap(w, &ms->umaps[i]);
		err = err ? err : rc;
	}
	ms->fresh = true;
	return err;
}

unsigned long long map_set_dropped(const struct map_set *ms)
{
	unsigned long long sum = 0;
	__u64 *vals = calloc(ms->ncpus ? ms->ncpus : 1, sizeof(*vals));
	__u32 key = 0;

	for (size_t i = 0; vals && i < ms->ndrops; i++)
		if (!bpf_map_lookup_elem(ms->drop_fds[i], &key, vals))
			for (unsigned c = 0; c < ms->ncpus; c++)
				sum += vals[c];
	free(vals);
	return sum;
}

void map_set_close(struct map_set *ms)
{
	for (size_t i = 0; i < ms->naggs; i++)
		agg_free(&ms->aggs[i]);
	for (size_t i = 0; i < ms->numaps; i++)
		umap_free(&ms->umaps[i]);
	free(ms->aggs);
	free(ms->agg_fds);
	free(ms->umaps);
	free(ms->umap_fds);
	free(ms->drop_fds);
	memset(ms, 0, sizeof(*ms));
}

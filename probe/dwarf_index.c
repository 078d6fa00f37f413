// SPDX-License-Identifier: GPL-2.0
/*
 * The function index: one walk over every unit's DIE tree per opened file,
 * instead of a search per name or per instance.  LTO output is why it
 * walks everything: an abstract function, its out-of-line copies and its
 * inlined copies each live in different units, tied only by
 * DW_AT_abstract_origin references across them, so no per-CU search (nor
 * dwarf_func_inline_instances(), which stays in one CU) finds them all.
 */
#include <dwarf.h>
#include <errno.h>
#include <gelf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "lib/array.h"
#include "probe/dwarf_index.h"
#include "probe/dwarf_int.h"
#include "probe/elf.h"

/* A bound on the recursion: real DIE trees nest a few dozen deep. */
#define WALK_DEPTH 256

struct builder {
	struct dw_index *ix;
	size_t cap, node_cap;
	Dwarf_Off last_off;
	bool cxx;		/* the unit's language has member functions in class bodies */
	int err;
};

bool dw_is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * Past an operator function's symbol at p ("operator+=", "operator()",
 * "operator<<"), or p when p names no operator.  Longest symbol first:
 * the '<' of "operator-<int>" opens template arguments, that of
 * "operator<" does not.
 */
const char *dw_skip_operator(const char *p)
{
	static const char *const ops[] = {
		"->*", "<<=", ">>=", "<=>", "()", "[]", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=",
		"&&", "||", "+=", "-=", "*=", "/=", "%=", "^=", "&=", "|=", "+", "-", "*", "/", "%", "^",
		"&", "|", "~", "!", "=", "<", ">", ",",
	};
	const char *q = p + 8;

	if (strncmp(p, "operator", 8) || dw_is_ident_char(p[8]))
		return p;
	while (*q == ' ')
		q++;
	for (size_t i = 0; i < sizeof(ops) / sizeof(*ops); i++)
		if (!strncmp(q, ops[i], strlen(ops[i])))
			return q + strlen(ops[i]);
	return p + 8;	/* new, delete, a conversion: words, not symbols */
}

/*
 * How much of a DIE's name is its name without template arguments:
 * "scaled" of "scaled<int>", "vector" of "vector<int, std::allocator<int> >",
 * as gdb's break matches a name written without them.
 */
size_t dw_name_base_len(const char *name)
{
	const char *p = strchr(dw_skip_operator(name), '<');

	if (!p)
		return strlen(name);
	while (p > name && p[-1] == ' ')
		p--;
	return p - name;
}

static uint64_t base_hash(const char *name)
{
	size_t n = dw_name_base_len(name);
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3ULL;
	return h;
}

static int add_fn(struct builder *b, Dwarf_Die *die, bool inlined)
{
	struct dw_index *ix = b->ix;
	const char *name = dwarf_diename(die);
	Dwarf_Addr entry;

	if (!name || !dw_instance_pc(die, &entry))
		return 0;
	if (ix->nfns == b->cap) {
		struct dw_fn *nv = array_grow(ix->fns, &b->cap, sizeof(*nv), 1024);

		if (!nv)
			return -ENOMEM;
		ix->fns = nv;
	}
	ix->fns[ix->nfns++] = (struct dw_fn){ *die, name, entry, base_hash(name), inlined, b->cxx };
	return 0;
}

/* Records die as a node under parent; its index, or DW_NO_NODE with b->err set. */
static size_t add_node(struct builder *b, Dwarf_Die *die, size_t parent)
{
	struct dw_index *ix = b->ix;
	Dwarf_Off off = dwarf_dieoffset(die);

	if (ix->nnodes == b->node_cap) {
		struct dw_node *nv = array_grow(ix->nodes, &b->node_cap, sizeof(*nv), 1024);

		if (!nv) {
			b->err = -ENOMEM;
			return DW_NO_NODE;
		}
		ix->nodes = nv;
	}
	if (ix->nnodes && off <= b->last_off)
		ix->nodes_sorted = false;
	b->last_off = off;
	ix->nodes[ix->nnodes] = (struct dw_node){ *die, parent };
	return ix->nnodes++;
}

static bool has_code(Dwarf_Die *die)
{
	return dwarf_hasattr(die, DW_AT_low_pc) || dwarf_hasattr(die, DW_AT_ranges);
}

/*
 * Functions are found under the unit, in functions (inlined copies, local
 * functions of other languages), blocks and namespaces; C++ may define a
 * member function inside its class.  Other subtrees (types, variables,
 * call sites) hold none and are skipped whole.
 */
static void walk(struct builder *b, Dwarf_Die *parent, size_t parent_node, int depth)
{
	Dwarf_Die child;

	if (depth > WALK_DEPTH || dwarf_child(parent, &child))
		return;
	do {
		int tag = dwarf_tag(&child);
		size_t node;

		switch (tag) {
		case DW_TAG_subprogram:
		case DW_TAG_inlined_subroutine:
			if (has_code(&child)) {
				b->err = add_fn(b, &child, tag == DW_TAG_inlined_subroutine);
				if (b->err)
					return;
			}
			break;
		case DW_TAG_class_type:
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
			if (b->cxx)
				break;
			continue;	/* to the next sibling */
		case DW_TAG_enumeration_type:
			/* a node (for its scope's name in parameter lists), with nothing to walk into */
			if (b->cxx && add_node(b, &child, parent_node) == DW_NO_NODE)
				return;
			continue;
		case DW_TAG_lexical_block:
		case DW_TAG_namespace:
		case DW_TAG_module:
		case DW_TAG_try_block:
		case DW_TAG_catch_block:
			break;
		default:
			continue;	/* to the next sibling */
		}
		node = add_node(b, &child, parent_node);
		if (b->err)
			return;
		walk(b, &child, node, depth + 1);
		if (b->err)
			return;
	} while (dwarf_siblingof(&child, &child) == 0);
}

bool dw_lang_cxx(Dwarf_Die *cu)
{
	return die_unit_cxx(cu);
}

/* Every unit that can hold code: compile and partial units, split units through their skeletons. */
static int walk_units(struct builder *b, Dwarf *dbg)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	uint8_t type;

	while (dwarf_get_units(dbg, cu, &cu, NULL, &type, &cudie, &subdie) == 0) {
		/* a skeleton's code is described in its split unit, when that was found */
		Dwarf_Die *root = type == DW_UT_skeleton && subdie.addr ? &subdie : &cudie;

		if (type == DW_UT_type || type == DW_UT_split_type)
			continue;	/* type units describe types only */
		b->cxx = dw_lang_cxx(root);
		walk(b, root, add_node(b, root, DW_NO_NODE), 0);
		if (b->err)
			return b->err;
	}
	return 0;
}

static int cmp_name(const void *a, const void *b, void *arg)
{
	const struct dw_index *ix = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (ix->fns[i].hash != ix->fns[j].hash)
		return ix->fns[i].hash < ix->fns[j].hash ? -1 : 1;
	return (i > j) - (i < j);
}

static int cmp_entry(const void *a, const void *b, void *arg)
{
	const struct dw_index *ix = arg;
	const struct dw_fn *x = &ix->fns[*(const size_t *)a], *y = &ix->fns[*(const size_t *)b];

	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

static int cmp_sym(const void *a, const void *b)
{
	const struct dw_sym *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return (x->addr > y->addr) - (x->addr < y->addr);
}

struct sym_builder {
	struct dw_index *ix;
	size_t cap;
};

static int sym_cb(const char *name, uint64_t addr, void *arg)
{
	struct sym_builder *sb = arg;
	struct dw_index *ix = sb->ix;
	size_t first;

	if (!dw_index_at(ix, addr, &first))
		return 0;	/* not a function the DWARF describes */
	if (ix->nsyms == sb->cap) {
		struct dw_sym *nv = array_grow(ix->syms, &sb->cap, sizeof(*nv), 1024);

		if (!nv)
			return -ENOMEM;
		ix->syms = nv;
	}
	ix->syms[ix->nsyms++] = (struct dw_sym){ name, elf_sym_name_len(name), addr };
	return 0;
}

/*
 * The symbols of the binary and of its separate debug file: a stripped
 * binary keeps .dynsym only, the debug file the full .symtab (local
 * aliases such as _IO_new_fopen), and either may spell a version.
 */
static int collect_syms(struct dw_index *ix, struct dwarf_file *df)
{
	struct sym_builder sb = { .ix = ix };
	Elf *dbg_elf = dwarf_getelf(df->dbg);
	GElf_Ehdr eh;
	size_t out = 0;
	int rc = 0;

	/* a relocatable object's (a kernel module's) symbols are section-relative */
	if (!df->elf || !gelf_getehdr(df->elf, &eh) || eh.e_type == ET_REL)
		return 0;
	rc = elf_each_func_symbol(df->elf, sym_cb, &sb);
	if (!rc && dbg_elf && dbg_elf != df->elf)
		rc = elf_each_func_symbol(dbg_elf, sym_cb, &sb);
	if (rc)
		return rc;
	qsort(ix->syms, ix->nsyms, sizeof(*ix->syms), cmp_sym);
	for (size_t i = 0; i < ix->nsyms; i++)
		if (!out || cmp_sym(&ix->syms[out - 1], &ix->syms[i]))
			ix->syms[out++] = ix->syms[i];
	ix->nsyms = out;
	return 0;
}

void dw_index_free(struct dw_index *ix)
{
	if (!ix)
		return;
	free(ix->fns);
	free(ix->by_name);
	free(ix->by_entry);
	free(ix->syms);
	free(ix->nodes);
	free(ix->ranges);
	free(ix->ranges_maxend);
	free(ix);
}

int dw_index_get(struct dwarf_file *df, const struct dw_index **out)
{
	struct builder b = { 0 };
	struct dw_index *ix;
	int rc;

	if (df->index) {
		*out = df->index;
		return 0;
	}
	ix = calloc(1, sizeof(*ix));
	if (!ix)
		return -ENOMEM;
	b.ix = ix;
	ix->nodes_sorted = true;
	rc = walk_units(&b, df->dbg);
	if (rc)
		goto fail;
	rc = -ENOMEM;
	ix->by_name = malloc((ix->nfns + 1) * sizeof(*ix->by_name));
	ix->by_entry = malloc((ix->nfns + 1) * sizeof(*ix->by_entry));
	if (!ix->by_name || !ix->by_entry)
		goto fail;
	for (size_t i = 0; i < ix->nfns; i++) {
		ix->by_name[i] = i;
		if (!ix->fns[i].inlined)
			ix->by_entry[ix->nby_entry++] = i;
	}
	qsort_r(ix->by_name, ix->nfns, sizeof(*ix->by_name), cmp_name, ix);
	qsort_r(ix->by_entry, ix->nby_entry, sizeof(*ix->by_entry), cmp_entry, ix);
	rc = collect_syms(ix, df);
	if (rc)
		goto fail;
	df->index = ix;
	*out = ix;
	return 0;
fail:
	dw_index_free(ix);
	return rc;
}

/* The first of by_name whose hash is not below h. */
static size_t hash_lower_bound(const struct dw_index *ix, uint64_t h)
{
	size_t lo = 0, hi = ix->nfns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->fns[ix->by_name[mid]].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int dw_index_each_named(const struct dw_index *ix, const char *name,
			int (*cb)(const struct dw_fn *fn, void *arg), void *arg)
{
	uint64_t h = base_hash(name);

	for (size_t i = hash_lower_bound(ix, h); i < ix->nfns && ix->fns[ix->by_name[i]].hash == h; i++) {
		const struct dw_fn *fn = &ix->fns[ix->by_name[i]];
		int rc;

		if (strcmp(fn->name, name))
			continue;	/* another name with that hash */
		rc = cb(fn, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int dw_index_each_based(const struct dw_index *ix, const char *base, size_t len,
			int (*cb)(const struct dw_fn *fn, void *arg), void *arg)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)base[i]) * 0x100000001b3ULL;
	for (size_t i = hash_lower_bound(ix, h); i < ix->nfns && ix->fns[ix->by_name[i]].hash == h; i++) {
		const struct dw_fn *fn = &ix->fns[ix->by_name[i]];
		int rc;

		if (dw_name_base_len(fn->name) != len || memcmp(fn->name, base, len))
			continue;	/* another name with that hash */
		rc = cb(fn, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int dw_index_each_name(const struct dw_index *ix, int (*cb)(const char *name, void *arg), void *arg)
{
	size_t run = 0;

	for (size_t i = 0; i < ix->nfns; i++) {
		const struct dw_fn *fn = &ix->fns[ix->by_name[i]];
		bool seen = false;
		int rc;

		if (fn->hash != ix->fns[ix->by_name[run]].hash)
			run = i;
		for (size_t k = run; k < i && !seen; k++)
			seen = !strcmp(ix->fns[ix->by_name[k]].name, fn->name);
		if (seen)
			continue;
		rc = cb(fn->name, arg);
		if (rc)
			return rc;
	}
	return 0;
}

size_t dw_index_at(const struct dw_index *ix, Dwarf_Addr addr, size_t *first)
{
	size_t lo = 0, hi = ix->nby_entry, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->fns[ix->by_entry[mid]].entry < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < ix->nby_entry && ix->fns[ix->by_entry[end]].entry == addr; end++)
		;
	*first = lo;
	return end - lo;
}

size_t dw_index_syms(const struct dw_index *ix, const char *name, size_t *first)
{
	struct dw_sym key = { name, strlen(name), 0 };
	size_t lo = 0, hi = ix->nsyms, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_sym(&ix->syms[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < ix->nsyms && ix->syms[end].len == key.len &&
	     !memcmp(ix->syms[end].name, name, key.len); end++)
		;
	*first = lo;
	return end - lo;
}

static size_t node_of(const struct dw_index *ix, Dwarf_Die *die)
{
	Dwarf_Off off = dwarf_dieoffset(die);
	size_t lo = 0, hi = ix->nnodes;

	if (!ix->nodes_sorted)
		return DW_NO_NODE;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		Dwarf_Off m = dwarf_dieoffset(&ix->nodes[mid].die);

		if (m == off)
			return ix->nodes[mid].die.addr == die->addr ? mid : DW_NO_NODE;
		if (m < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return DW_NO_NODE;
}

struct scopes {
	Dwarf_Die *v;
	int n, cap;
};

static int push(struct scopes *s, Dwarf_Die *die)
{
	if (s->n == s->cap) {
		int ncap = s->cap ? s->cap * 2 : 16;
		Dwarf_Die *nv = realloc(s->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n++] = *die;
	return 0;
}

/* node's parents, outward to its unit, after what s holds. */
static int push_parents(const struct dw_index *ix, size_t node, struct scopes *s)
{
	int rc = 0;

	for (size_t p = ix->nodes[node].parent; !rc && p != DW_NO_NODE; p = ix->nodes[p].parent)
		rc = push(s, &ix->nodes[p].die);
	return rc;
}

bool dw_index_parent(const struct dw_index *ix, Dwarf_Die *die, Dwarf_Die *parent)
{
	size_t node = node_of(ix, die);

	if (node == DW_NO_NODE || ix->nodes[node].parent == DW_NO_NODE)
		return false;
	*parent = ix->nodes[ix->nodes[node].parent].die;
	return true;
}

int dw_index_die_scopes(const struct dw_index *ix, Dwarf_Die *die, Dwarf_Die **scopes)
{
	size_t node = node_of(ix, die);
	struct scopes s = { 0 };

	if (node == DW_NO_NODE)
		return 0;
	if (push(&s, die) || push_parents(ix, node, &s)) {
		free(s.v);
		return -ENOMEM;
	}
	*scopes = s.v;
	return s.n;
}

static bool is_function(int tag)
{
	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
}

/* fn's blocks containing pc, outermost first (reversed by the caller). */
static int inner_blocks(Dwarf_Die *fn, Dwarf_Addr pc, struct scopes *s)
{
	Dwarf_Die cur = *fn, child;
	int depth = 0;

	while (depth++ < WALK_DEPTH && dwarf_child(&cur, &child) == 0) {
		bool found = false;

		do {
			int tag = dwarf_tag(&child);

			if (is_function(tag) || (tag != DW_TAG_lexical_block && tag != DW_TAG_try_block &&
						 tag != DW_TAG_catch_block))
				continue;
			if (dwarf_haspc(&child, pc) == 1) {
				found = true;
				break;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
		if (!found)
			break;
		if (push(s, &child))
			return -ENOMEM;
		cur = child;
	}
	return 0;
}

int dw_index_scopes_at(const struct dw_index *ix, Dwarf_Die *fn, Dwarf_Addr pc, Dwarf_Die **scopes)
{
	struct scopes s = { 0 };
	Dwarf_Attribute a;
	Dwarf_Die origin;
	size_t node = node_of(ix, fn), outer = node;

	if (node == DW_NO_NODE)
		return 0;
	if (dwarf_tag(fn) == DW_TAG_inlined_subroutine) {
		/* an inlined copy sees what its definition sees, not its caller's locals */
		if (!dwarf_attr(fn, DW_AT_abstract_origin, &a) || !dwarf_formref_die(&a, &origin))
			return 0;
		outer = node_of(ix, &origin);
		if (outer == DW_NO_NODE)
			return 0;
	}
	if (inner_blocks(fn, pc, &s))
		goto nomem;
	for (int i = 0; i < s.n / 2; i++) {
		Dwarf_Die t = s.v[i];

		s.v[i] = s.v[s.n - 1 - i];
		s.v[s.n - 1 - i] = t;
	}
	if (push(&s, fn) || push_parents(ix, outer, &s))
		goto nomem;
	*scopes = s.v;
	return s.n;
nomem:
	free(s.v);
	return -ENOMEM;
}

static int cmp_range(const void *a, const void *b)
{
	const struct dw_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

/* Every piece of every out-of-line function, by start address. */
static int build_ranges(struct dw_index *ix)
{
	size_t cap = 0;

	for (size_t i = 0; i < ix->nby_entry; i++) {
		size_t f = ix->by_entry[i];
		Dwarf_Addr base, start, end;
		ptrdiff_t off = 0;

		while ((off = dwarf_ranges(&ix->fns[f].die, off, &base, &start, &end)) > 0) {
			if (end <= start)
				continue;
			if (ix->nranges == cap) {
				struct dw_range *nv = array_grow(ix->ranges, &cap, sizeof(*nv), 1024);

				if (!nv)
					return -ENOMEM;
				ix->ranges = nv;
			}
			ix->ranges[ix->nranges++] = (struct dw_range){ start, end, f };
		}
	}
	qsort(ix->ranges, ix->nranges, sizeof(*ix->ranges), cmp_range);
	ix->ranges_maxend = malloc((ix->nranges + 1) * sizeof(*ix->ranges_maxend));
	if (!ix->ranges_maxend)
		return -ENOMEM;
	for (size_t i = 0; i < ix->nranges; i++)
		ix->ranges_maxend[i] = i && ix->ranges_maxend[i - 1] > ix->ranges[i].end ?
				       ix->ranges_maxend[i - 1] : ix->ranges[i].end;
	return 0;
}

/* The out-of-line function holding pc: the latest-starting range that does. */
static const struct dw_fn *outer_function_at(const struct dw_index *ix, Dwarf_Addr pc)
{
	size_t lo = 0, hi = ix->nranges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->ranges[mid].start <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* ranges[0..lo) start at or before pc; those ending after it hold it */
	while (lo-- > 0 && ix->ranges_maxend[lo] > pc)
		if (ix->ranges[lo].end > pc)
			return &ix->fns[ix->ranges[lo].fn];
	return NULL;
}

int dw_index_function_at(struct dwarf_file *df, Dwarf_Addr pc, Dwarf_Die *fn, bool *inlined)
{
	const struct dw_index *cix;
	struct dw_index *ix;
	const struct dw_fn *outer;
	Dwarf_Die cur, child;
	int rc = dw_index_get(df, &cix), depth = 0;

	if (rc)
		return rc;
	ix = df->index;
	if (!ix->ranges_maxend) {
		rc = build_ranges(ix);
		if (rc) {
			free(ix->ranges);
			ix->ranges = NULL;
			ix->nranges = 0;
			return rc;
		}
	}
	outer = outer_function_at(ix, pc);
	if (!outer)
		return -ENOENT;
	/* down through the blocks and inlined copies that hold pc */
	*fn = cur = outer->die;
	*inlined = false;
	while (depth++ < WALK_DEPTH && dwarf_child(&cur, &child) == 0) {
		bool found = false;

		do {
			int tag = dwarf_tag(&child);

			if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_lexical_block &&
			    tag != DW_TAG_try_block && tag != DW_TAG_catch_block)
				continue;
			if (dwarf_haspc(&child, pc) == 1) {
				found = true;
				break;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
		if (!found)
			break;
		cur = child;
		if (dwarf_tag(&cur) == DW_TAG_inlined_subroutine) {
			*fn = cur;
			*inlined = true;
		}
	}
	return 0;
}

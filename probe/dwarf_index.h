/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_DWARF_INDEX_H
#define VTRACE_DWARF_INDEX_H

/*
 * Every function instance of a binary, indexed once per opened file (the
 * index lives as long as its struct dwarf_file): concrete out-of-line
 * copies and inlined copies from every unit, named through their abstract
 * origins wherever those live (another CU in LTO output, a partial unit),
 * and the ELF symbols (.symtab and .dynsym of the binary and of its debug
 * file) that name an out-of-line copy by its entry address: glibc's malloc
 * is __libc_malloc's DWARF.  Inside the DWARF resolver only.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <elfutils/libdw.h>

#include "probe/dwarf.h"

struct dw_fn {
	Dwarf_Die die;		/* DW_TAG_subprogram or DW_TAG_inlined_subroutine, with code */
	const char *name;	/* its DW_AT_name, through abstract origins and specifications */
	Dwarf_Addr entry;	/* where a probe goes: dw_instance_pc() */
	uint64_t hash;		/* of name without template arguments (dw_name_base_len) */
	bool inlined;
	bool cxx;		/* in a C++ unit: named with its scopes and parameters */
};

/* A DIE the walk went into (units, functions, blocks, namespaces), for its parents. */
struct dw_node {
	Dwarf_Die die;
	size_t parent;		/* index in nodes, or DW_NO_NODE for a unit */
};

#define DW_NO_NODE ((size_t)-1)

struct dw_range {
	Dwarf_Addr start, end;
	size_t fn;
};

struct dw_sym {
	const char *name;	/* in the ELF string table: "fopen@@GLIBC_2.2.5" too */
	size_t len;		/* without any "@VERSION" */
	Dwarf_Addr addr;
};

struct dw_index {
	struct dw_fn *fns;	/* in DWARF order */
	size_t nfns;
	size_t *by_name;	/* fns, sorted by name's hash (then DWARF order) */
	size_t *by_entry;	/* the out-of-line fns, sorted by entry */
	size_t nby_entry;
	struct dw_sym *syms;	/* function symbols at an out-of-line fn's entry, by name */
	size_t nsyms;
	struct dw_node *nodes;	/* in DWARF order, */
	size_t nnodes;
	bool nodes_sorted;	/* which is DIE offset order (not with split units) */
	struct dw_range *ranges;	/* the out-of-line fns' code, by start; built on first use */
	Dwarf_Addr *ranges_maxend;	/* the highest end of ranges[0..i] */
	size_t nranges;
};

/* The file's index, built on first use. 0, or -ENOMEM. */
int dw_index_get(struct dwarf_file *df, const struct dw_index **out);
void dw_index_free(struct dw_index *ix);

/* cb(fn, arg) for each fn whose DWARF name is name, in DWARF order, until cb returns nonzero. */
int dw_index_each_named(const struct dw_index *ix, const char *name,
			int (*cb)(const struct dw_fn *fn, void *arg), void *arg);
/* cb(fn, arg) for each fn whose name without template arguments is base[0, len). */
int dw_index_each_based(const struct dw_index *ix, const char *base, size_t len,
			int (*cb)(const struct dw_fn *fn, void *arg), void *arg);
/* cb(name, arg) once for each DWARF name with an instance (in no order), until cb returns nonzero. */
int dw_index_each_name(const struct dw_index *ix, int (*cb)(const char *name, void *arg), void *arg);
/* [*first, *first + return) of ix->by_entry: the out-of-line fns entered at addr. */
size_t dw_index_at(const struct dw_index *ix, Dwarf_Addr addr, size_t *first);
/* [*first, *first + return) of ix->syms: the symbols spelled name (any version). */
size_t dw_index_syms(const struct dw_index *ix, const char *name, size_t *first);

/*
 * The DIE containing die (a namespace, class, function or unit) when die is
 * in the index's nodes (functions, their declarations in classes, classes,
 * enums and namespaces of C++ units); false otherwise (ask libdw).
 */
bool dw_index_parent(const struct dw_index *ix, Dwarf_Die *die, Dwarf_Die *parent);

/*
 * dwarf_getscopes_die(die) from the index, without walking the unit:
 * die and the DIEs containing it, up to its unit.  The count, 0 when die is
 * not in the index (the caller asks libdw), or -ENOMEM.
 */
int dw_index_die_scopes(const struct dw_index *ix, Dwarf_Die *die, Dwarf_Die **scopes);

/*
 * The scopes visible at pc in the function instance fn, innermost first:
 * fn's blocks that contain pc (not those of other functions inlined
 * into it), fn, then, as dwarf_getscopes() has it, the scopes containing
 * fn's abstract origin for an inlined copy, or fn's own for an
 * out-of-line one.  The count, 0 when fn is not in the index, or -ENOMEM.
 */
int dw_index_scopes_at(const struct dw_index *ix, Dwarf_Die *fn, Dwarf_Addr pc, Dwarf_Die **scopes);

/*
 * The innermost function instance (an inlined copy, or the out-of-line
 * function) whose code holds pc, without asking the units' address ranges
 * (which some LTO units do not cover their code with).  0, -ENOENT, or
 * -ENOMEM.
 */
int dw_index_function_at(struct dwarf_file *df, Dwarf_Addr pc, Dwarf_Die *fn, bool *inlined);

bool dw_is_ident_char(char c);
/* The unit's language has member functions in class bodies (C++, Objective-C++). */
bool dw_lang_cxx(Dwarf_Die *cu);
size_t dw_name_base_len(const char *name);
const char *dw_skip_operator(const char *p);

/*
 * C++ names (dwarf_names.c), as gdb's break and info functions read them.
 *
 * A name as a spec writes it: scopes and name ("Cart::add", "Box<int>::get",
 * "(anonymous namespace)::tally"), optionally a parameter list and "const"
 * ("add(const Item&)", "count()const"), or a mangled name ("_ZN...").
 */
#define CXX_NAME_MAX_COMPS 32
#define CXX_NAME_MAX_PARAMS 32

struct cxx_name {
	char *comp[CXX_NAME_MAX_COMPS];		/* canonical, outermost first */
	size_t ncomps;
	bool has_params;
	char *param[CXX_NAME_MAX_PARAMS];	/* canonical */
	size_t nparams;
	bool is_const;
	bool mangled;
	const char *text;
};

/* 0, -EINVAL (not a name this grammar reads), or -ENOMEM. */
int cxx_name_parse(const char *text, struct cxx_name *out);
void cxx_name_free(struct cxx_name *n);
/* A plain identifier ("add"): matched as before, by its DWARF name. */
bool cxx_name_is_plain(const struct cxx_name *n);
/* Does the function instance match the name?  -ENOMEM, 0 (no) or 1. */
int cxx_name_matches(const struct dw_index *ix, const struct dw_fn *fn, const struct cxx_name *want,
		     bool ignore_params);
/* The linkage name of fn's declaration (through origins and specifications), or NULL. */
const char *dw_fn_linkage_name(Dwarf_Die *fn);
/*
 * The name a listing shows for a function instance: in C++ its scopes,
 * name and parameter list as gdb's info functions has them
 * ("market::Cart::add(market::Item const&)"), else its DWARF name.
 * NULL on -ENOMEM.
 */
char *dw_fn_display_name(const struct dw_index *ix, Dwarf_Die *fn, bool cxx);
/* dw_fn_display_name() of a candidate's function, in its unit's language; NULL on -ENOMEM. */
char *dw_instance_name(struct dwarf_file *df, Dwarf_Die *fn, Dwarf_Die *cu);
/* The DIE that declares fn: through DW_AT_abstract_origin and DW_AT_specification. */
void dw_fn_decl(Dwarf_Die *fn, Dwarf_Die *decl);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_DWARF_INT_H
#define VTRACE_DWARF_INT_H

/*
 * Inside the DWARF resolver: what its files (types, locations, points, args,
 * listings) share.  Not for use outside probe/dwarf*.c.
 */

#include <stdbool.h>
#include <elfutils/libdw.h>

#include "lib/value.h"
#include "probe/dwarf.h"

#define MAX_DEPTH 32

/* dwarf_type.c */
bool die_type(Dwarf_Die *die, Dwarf_Die *type);
/* struct, class or union: a type with members */
bool die_is_record(Dwarf_Die *type);
/* a C++ reference (T &, T &&): used like the object it refers to */
bool die_is_reference(Dwarf_Die *type);
/* libstdc++'s std::string: *char_ptr_off is where its char pointer sits */
bool die_is_std_string(Dwarf_Die *type, Dwarf_Word *char_ptr_off);
int die_peel(Dwarf_Die *type, Dwarf_Die *out);
/* dwarf_aggregate_size(), also for arrays in dwz's partial units (which have no language) */
int die_type_size(Dwarf_Die *type, Dwarf_Word *size);
/* the default lower bound of an array index in die's unit (0 or -errno), and whether it is C++ */
int die_lower_bound(Dwarf_Die *die, Dwarf_Sword *lower);
bool die_unit_cxx(Dwarf_Die *die);
bool dw_lang_is_cxx(int lang);
char *die_type_name(Dwarf_Die *type);
/* An array type's element count (its first dimension), 0 when it has none (int a[]). */
uint32_t die_array_count(Dwarf_Die *arr);
int die_array_dims(Dwarf_Die *arr, Dwarf_Word *counts, int max);
bool die_is_last_member(Dwarf_Die *m);
void die_member_bits(Dwarf_Die *m, Dwarf_Word byte_off, uint32_t *bit_off, uint32_t *bit_size);
struct value_type *die_value_type(Dwarf_Die *type, int depth);
bool die_find_member(Dwarf_Die *st, const char *name, Dwarf_Die *out, Dwarf_Word *off, int depth);
void die_list_members(Dwarf_Die *st, struct strbuf *sb, int depth);

/*
 * dwarf.c: for dwz's partial units of dbg (or of the file dbg is the
 * supplementary file of), what its compile units agree on: the default
 * lower bound of an array index (0, or -ENOENT where they differ), and
 * whether they are C++.
 */
int dw_file_lower_bound(Dwarf *dbg, Dwarf_Sword *lower);
bool dw_file_cxx(Dwarf *dbg);

/* dwarf_decl.c: a declared C++ class's definition in another unit (false: none) */
bool die_complete_type(Dwarf_Die *type, Dwarf_Die *out);
void dw_decl_forget(void);

/* dwarf_loc.c */
struct loc {
	enum fetch_base base;
	int reg;
	int64_t offset;
	uint64_t value;
	struct fetch_op ops[FETCH_EXPR_MAX_OPS];	/* FETCH_EXPR, FETCH_MEM_EXPR */
	size_t nops;
	bool entry;		/* uses entry values (FOP_ENTRY_REG) */
	bool pc_relative;	/* an address relative to the probe's (globals) */
	bool computed;		/* FETCH_REG from DW_OP_bregN + DW_OP_stack_value, not a register */
	unsigned bad_atom;	/* -ENOTSUP: the op that cannot be fetched, */
	const char *why;	/* and why */
};

/* dwarf_callsite.c: the call sites passing param, with the value each passes */
struct call_site {
	Dwarf_Addr return_pc;	/* link-time address the call returns to */
	Dwarf_Attribute value;	/* DW_AT_call_value: an expression in the caller at the call */
};

int dw_call_sites(struct dwarf_file *df, Dwarf_Die *param, struct call_site **out, size_t *n);

/* dwarf_expr.c */
const char *dw_op_name(unsigned atom, char *buf, size_t size);
int dw_reg_of_op(uint8_t atom, Dwarf_Word number, bool *is_breg);
int dw_translate(struct dwarf_file *df, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t n, Dwarf_Addr pc,
		 const struct loc *fb, struct loc *out);

int dw_cfa_at(struct dwarf_file *df, Dwarf_Addr pc, struct loc *out);
int loc_eval(struct dwarf_file *df, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t n,
		     Dwarf_Addr pc, const struct loc *frame_base, struct loc *out);
int loc_frame_base(struct dwarf_file *df, Dwarf_Die *fn, Dwarf_Addr pc, struct loc *out);
int loc_lookup(struct dwarf_file *df, Dwarf_Die *var, Dwarf_Attribute *attr, Dwarf_Addr pc, int view,
	       bool (*jumped_to)(void *arg), void *arg, bool views_first, Dwarf_Op **ops, size_t *nops);
struct loc_piece {
	uint32_t off, size;	/* where in the value, how many bytes */
	bool empty;		/* optimized out */
	struct loc loc;
};

bool loc_is_composite(Dwarf_Op *ops, size_t n);
int loc_pieces(struct dwarf_file *df, Dwarf_Attribute *attr, Dwarf_Op *ops, size_t n, Dwarf_Addr pc,
	       const struct loc *frame_base, struct loc_piece **out, size_t *nout, struct loc *bad);
void loc_available(Dwarf_Die *var, struct strbuf *sb);

/* dwarf_points.c */
struct candidate {
	Dwarf_Die fn;		/* DW_TAG_subprogram or DW_TAG_inlined_subroutine */
	Dwarf_Die cu;
	Dwarf_Addr addr;
	bool inlined;
};

bool dw_path_matches(const char *path, const char *want);
int dw_instance_decl(const struct candidate *cd, const char **file);
int dw_instance_line(const struct candidate *cd, const char *file, long line, Dwarf_Addr *out);

struct candidates {
	struct candidate *v;
	size_t n, cap;
};

struct func_search {
	struct dwarf_file *df;
	const struct spec *spec;
	Dwarf_Die cu;
	struct candidates *out;
	int found_abstract;	/* matched, but only inlined and inlines=no */
	int err;
};

int cand_add(struct candidates *c, Dwarf_Die *fn, Dwarf_Die *cu, Dwarf_Addr addr, bool inlined);
bool die_entry(Dwarf_Die *fn, Dwarf_Addr *entry);
void dw_for_each_cu(struct dwarf_file *df, void (*cb)(Dwarf_Die *cu, void *arg), void *arg);
void dw_search_cu(Dwarf_Die *cu, void *arg);
bool dw_function_at(struct dwarf_file *df, Dwarf_Addr pc, Dwarf_Die *cu, Dwarf_Die *fn, bool *inlined);
int dw_find_points(struct dwarf_file *df, const struct spec *s, struct candidates *c,
		       struct spec_error *err);
int dw_find_func(struct func_search *fs);
bool dw_instance_pc(Dwarf_Die *fn, Dwarf_Addr *pc);

/* dwarf_args.c */
struct arg_ctx {
	struct dwarf_file *df;
	const struct spec *spec;
	Dwarf_Die *scopes;
	int nscopes;
	Dwarf_Addr pc;
	struct candidate *cd;
	/*
	 * tolerant: a variable optimized out (or not fetchable) here becomes
	 * FETCH_UNAVAILABLE, its reason appended to *why, when other instances
	 * of the spec may have it; the caller decides once all are resolved.
	 */
	bool tolerant;
	struct strbuf *why;
	/* the point's location view (point_view()), whether a jump lands on it (point_jumped_to()) */
	bool view_known;
	int view;
	bool jumped_known, jumped_to;
	bool views_first;	/* a function's own entry: its first view decides */
};

int dw_resolve_var(struct arg_ctx *x, Dwarf_Die *var, const struct spec_arg *sa,
		       struct fetch_arg *a, struct spec_error *err);

/* dwarf_steps.c: what an arg's type does to its fetch */
/* The final read of a value of type (size, sign, string, bytes). */
int dw_set_final(struct fetch_arg *a, Dwarf_Die *type, const struct spec_arg *sa,
		 struct spec_error *err);
/* A :TYPE cast. */
int dw_apply_type(struct fetch_arg *a, const struct spec_arg *sa, struct spec_error *err);
/* A reference is used as the object it refers to: one more read, type the referred one. */
int dw_follow_reference(struct fetch_arg *a, Dwarf_Die *type, int col, int len,
			struct spec_error *err);
/* A std::string prints as its text (as gdb's pretty printer): 1 when it is one. */
int dw_std_string(struct fetch_arg *a, Dwarf_Die *type, const struct spec_arg *sa);
/* The ->, . and [] steps from a variable of type *type located by a; *type becomes the last's. */
int dw_apply_steps(struct fetch_arg *a, Dwarf_Die *type, const struct spec_arg *sa,
		   struct spec_error *err);
int dw_each_visible(struct arg_ctx *x, bool params,
			int (*cb)(struct arg_ctx *x, Dwarf_Die *var, void *arg), void *arg);
int dw_resolve_args(struct arg_ctx *x, struct probe_instance *in, struct spec_error *err);

/* dwarf.c */
int dw_scopes_at(struct candidate *cd, Dwarf_Die **scopes);
int dw_scopes_in(struct dwarf_file *df, struct candidate *cd, Dwarf_Die **scopes);
char *die_func_name(Dwarf_Die *fn);

#endif

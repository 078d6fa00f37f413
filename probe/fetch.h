/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_FETCH_H
#define VTRACE_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/strbuf.h"
#include "lib/value.h"
#include "probe/arch.h"
#include "probe/spec.h"

/*
 * What the resolver hands the prologue generator: for each address a probe
 * spec lands on, and for each arg, exactly how to fetch it.  The same
 * structure whether DWARF, BTF or a tracepoint format answered.
 *
 * A fetch starts at a base, then follows derefs, then reads the value:
 *
 *   FETCH_REG       value = reg + offset                 (no derefs)
 *   FETCH_MEM_REG   addr  = reg + offset
 *   FETCH_MEM_PC    addr  = pc + offset                  (a global, position-independent)
 *   FETCH_CONST     value = value                        (no derefs)
 *
 * then for each deref d:   addr = *(u64 *)addr + d
 * and finally              value = *(size bytes *)addr   (MEM kinds)
 * A string is then read at value (a char pointer), at most STR_MAX bytes.
 */
enum fetch_base {
	FETCH_REG,
	FETCH_MEM_REG,
	FETCH_MEM_PC,
	FETCH_CONST,
	FETCH_EXPR,		/* value = the expression's result (+ offset)        */
	FETCH_MEM_EXPR,		/* addr  = the expression's result + offset           */
	FETCH_UNAVAILABLE,	/* optimized out at this instance (others have it)   */
	FETCH_PIECES,		/* assembled from pieces (DW_OP_piece): each a fetch  */
};

/*
 * A computed location (DWARF's stack machine, as gcc -O2 emits for
 * "status % 7 + 1"): ops over a stack of u64, the result on top.
 */
enum fetch_op_kind {
	FOP_REG,		/* push reg + arg */
	FOP_CONST,		/* push arg */
	FOP_ADD, FOP_SUB, FOP_MUL, FOP_DIV, FOP_MOD,
	FOP_AND, FOP_OR, FOP_XOR, FOP_SHL, FOP_SHR, FOP_SHRA,
	FOP_NEG, FOP_NOT,
	FOP_PLUS_CONST,		/* top += arg */
	FOP_DUP, FOP_DROP, FOP_SWAP, FOP_OVER,
	FOP_DEREF,		/* top = *(u64 *)top */
	FOP_DEREF_SIZE,		/* top = *(arg bytes *)top, zero-extended */
	FOP_EXT,		/* top = top truncated to arg bytes, sign-extended if reg */
	FOP_UDIV, FOP_SMOD,	/* unsigned division, signed remainder (typed operands) */
	FOP_EQ, FOP_NE, FOP_LT, FOP_GT, FOP_LE, FOP_GE,	/* 1 or 0; unsigned if reg */
	FOP_ABS,
	FOP_PICK,		/* push the entry arg below the top (0: the top) */
	FOP_ROT,		/* the top three: a b c -> c a b (c on top before) */
	FOP_ENTRY_REG,		/* push the value reg had at the function's entry */
	FOP_UNAVAIL,		/* push 0; the value is unavailable at this hit */
	FOP_SKIP,		/* go on at op arg (forward) */
	FOP_BRA,		/* pop; nonzero: go on at op arg (forward) */
};

struct fetch_op {
	uint8_t kind;
	int reg;
	int64_t arg;
};

#define FETCH_EXPR_MAX_OPS 128
#define FETCH_EXPR_MAX_DEPTH 8

enum fetch_final {
	FINAL_INT,		/* an integer (signedness in is_signed), pointer, char, bool, enum */
	FINAL_STRING,		/* the value is a char pointer: copy the string */
	FINAL_BYTES,		/* an array or struct: copy size bytes */
};

struct fetch_arg {
	char *name;
	char *type_name;	/* C type of what is printed */
	enum fetch_base base;
	int reg;
	int64_t offset;
	uint64_t value;
	int64_t *derefs;
	size_t nderefs;
	struct fetch_op *ops;	/* FETCH_EXPR, FETCH_MEM_EXPR */
	size_t nops;
	enum fetch_final final;
	uint32_t size;		/* bytes read at the end (string: the pointer, 8) */
	bool is_signed;
	uint8_t bit_offset;	/* bitfields: bits within the size bytes read */
	uint8_t bit_size;
	bool hex;		/* x8..x64 */
	/*
	 * Trampoline programs (TARGET_FENTRY, TARGET_TP_BTF): how many of the
	 * fetch's reads, from the first (the ctx slot), are plain loads the
	 * verifier types from BTF; the rest are probe reads (probe/btf_args.c).
	 */
	uint8_t direct;
	struct value_type *type;	/* for printing */
	/*
	 * FOP_ENTRY_REG: registers saved by a companion probe at the entry of
	 * the function the probe is in, found again by thread and frame: the
	 * CFA, which at the probe is cfa_reg + cfa_off (from CFI).
	 */
	/*
	 * FETCH_PIECES: each piece is a fetch of its own (base, reg, offset,
	 * value, ops; FETCH_UNAVAILABLE when optimized out) of size bytes,
	 * stored piece_off bytes into the value.
	 */
	struct fetch_arg *pieces;
	size_t npieces;
	uint32_t piece_off;
	bool uses_entry;
	uint64_t entry_func;	/* link-time address of that function's entry */
	uint64_t entry_file_offset;
	int cfa_reg;
	int64_t cfa_off;
};

struct probe_instance {
	uint64_t addr;		/* link-time address of the probe */
	uint64_t file_offset;	/* uprobes: where in the file; a module's: in section */
	char section[32];	/* a kernel module's: the ELF section of addr ("": not one) */
	char *func;		/* the function the address is in */
	uint64_t func_offset;	/* addr - that function's entry */
	char *src_file;
	int src_line;
	bool inlined;
	uint64_t die_offset;	/* the DWARF DIE of the function copy (0: none) */
	struct fetch_arg *args;
	size_t nargs;
};

enum probe_target {
	TARGET_USER,		/* uprobes on binary */
	TARGET_KERNEL,		/* kprobes on vmlinux or a module */
	TARGET_RAW_TP,
	TARGET_TP,
	TARGET_FENTRY,		/* fentry, or fexit (ret): args in the ctx's u64 array */
	TARGET_TP_BTF,		/* a BTF-typed raw tracepoint: args in the ctx's u64 array */
};

struct probe_resolved {
	enum probe_target target;
	char *binary;		/* exec= path, module path, or NULL for vmlinux */
	bool ret;		/* %return */
	char *tp_system;	/* tracepoints: the format, for printing the raw record */
	char *tp_format;
	bool tp_raw;		/* no args named: the sample carries the raw record */
	struct probe_instance *insts;
	size_t ninsts;
	char *note;		/* for the user at start: args unavailable at some instances */
};

void fetch_arg_free(struct fetch_arg *a);
/* Appends a to the instance's args, which own it from then: 0 or -ENOMEM. */
int probe_instance_add_arg(struct probe_instance *in, struct fetch_arg *a);
/*
 * What a resolver does with an arg it built with status rc: named name and
 * appended when rc is 0, freed when anything failed; rc or -ENOMEM.
 */
int probe_instance_keep_arg(struct probe_instance *in, struct fetch_arg *a, const char *name, int rc);

/* Building a fetch while walking ->, . and []: */
/* one more dereference, landing off bytes past the pointer read */
int fetch_push_deref(struct fetch_arg *a, int64_t off);
/* the address the fetch ends at moves by off bytes (a member, an element) */
void fetch_add_offset(struct fetch_arg *a, int64_t off);
/* the pointer the fetch holds so far is followed, off bytes in */
int fetch_follow(struct fetch_arg *a, int64_t off);
/* :u8..:x64 on an integer arg: its size, sign, hex-ness and printed type */
void fetch_cast(struct fetch_arg *a, enum spec_type type);
void probe_resolved_free(struct probe_resolved *r);

/* One line per fetch, as `vtrace probe --dry-run` prints it, e.g.
 *   len = *(s32 *)(*(u64 *)(%rdi + 8) + 16)   [int]  */
void fetch_arg_describe(struct strbuf *sb, const struct fetch_arg *a);
const char *dwarf_reg_name(int reg);
/* Two fetches read the same thing the same way (same program serves both). */
bool fetch_args_equal(const struct fetch_arg *a, size_t na, const struct fetch_arg *b, size_t nb);

#endif

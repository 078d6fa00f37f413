/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_SPEC_H
#define VTRACE_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A probe spec, as a section name or a command-line argument:
 *
 *   [key=value;]... [[GROUP:]EVENT=]POINT [ARG]...
 *   raw_tp/NAME [ARG]...        tp/CATEGORY/NAME [ARG]...
 *   fentry/FUNC [ARG]...        fexit/FUNC [ARG]...        tp_btf/NAME [ARG]...
 *
 *   POINT := FUNC[@FILE] [+OFF | :RELLINE | %return] | FILE:LINE | 0xADDR
 *   ARG   := [NAME=] EXPR [:TYPE]
 *   EXPR  := VAR { ->FIELD | .FIELD | [INDEX] } | $retval | $params | $vars
 *            | %REG | @GLOBAL { ... }
 *   TYPE  := u8 u16 u32 u64 s8 s16 s32 s64 x8 x16 x32 x64 string
 *
 * Parsing is syntax only; what the names mean is the resolver's business.
 * Every piece keeps its column so that errors can point at it.
 */

enum spec_point_kind {
	POINT_FUNC,		/* FUNC[@FILE] [+OFF | :RELLINE | %return] */
	POINT_LINE,		/* FILE:LINE */
	POINT_ADDR,		/* 0xADDR */
	POINT_RAW_TP,		/* raw_tp/NAME */
	POINT_TP,		/* tp/CATEGORY/NAME */
	POINT_FENTRY,		/* fentry/FUNC, fexit/FUNC (ret): the BPF trampoline */
	POINT_TP_BTF,		/* tp_btf/NAME: a BTF-typed raw tracepoint */
};

enum spec_expr_kind {
	EXPR_VAR,		/* a variable in scope */
	EXPR_GLOBAL,		/* @NAME */
	EXPR_REG,		/* %REG */
	EXPR_RETVAL,		/* $retval */
	EXPR_PARAMS,		/* $params */
	EXPR_VARS,		/* $vars */
};

enum spec_step_kind { STEP_ARROW, STEP_DOT, STEP_INDEX };

struct spec_step {
	enum spec_step_kind kind;
	char *field;		/* ARROW, DOT */
	long index;		/* INDEX */
	int col;
};

enum spec_type {
	TYPE_DEFAULT = 0,	/* the variable's own C type */
	TYPE_U8, TYPE_U16, TYPE_U32, TYPE_U64,
	TYPE_S8, TYPE_S16, TYPE_S32, TYPE_S64,
	TYPE_X8, TYPE_X16, TYPE_X32, TYPE_X64,
	TYPE_STRING,		/* a char pointer followed to a NUL-terminated string */
};

struct spec_arg {
	char *name;		/* NAME= given, else derived from the expression */
	bool named;
	enum spec_expr_kind kind;
	char *var;		/* VAR, GLOBAL, REG */
	struct spec_step *steps;
	size_t nsteps;
	enum spec_type type;
	char *text;		/* the arg as written */
	int col, len;		/* where it is in the spec */
	int type_col;
};

struct spec {
	char *text;
	char *exec;		/* exec=PATH: a user binary (uprobe) */
	char *module;		/* module=NAME: a kernel module */
	bool inlines;		/* inlines=yes|no (default yes) */
	bool force;		/* force=yes|no */
	enum spec_via { VIA_AUTO, VIA_KPROBE, VIA_FENTRY } via;	/* via=kprobe|fentry */
	char *group;
	char *event;		/* EVENT=, or derived from the point (event_derived) */
	int event_col;
	bool event_derived;

	enum spec_point_kind point;
	char *func;		/* POINT_FUNC; raw_tp / tp name */
	char *file;		/* @FILE, FILE:LINE */
	char *category;		/* tp category */
	int func_col, file_col, point_col, point_len;
	unsigned long offset;	/* +OFF */
	bool has_offset;
	long line;		/* FILE:LINE, or FUNC:RELLINE when has_relline */
	bool has_relline;
	bool ret;		/* %return */
	uint64_t addr;		/* 0xADDR */
	int suffix_col;

	struct spec_arg *args;
	size_t nargs;
};

/*
 * At most this many args per event: a sample says which of its args
 * faulted in one 64-bit word (bpf/prologue.h), one bit per arg.
 */
#define SPEC_ARGS_MAX 64

struct spec_error {
	int col;		/* where in the spec */
	int len;		/* how many columns to underline */
	char msg[512];		/* what is wrong and what to do */
};

/* 0, or -EINVAL with err filled. */
int spec_parse(const char *text, struct spec *spec, struct spec_error *err);
void spec_free(struct spec *spec);

/*
 * -E2BIG with err filled when $params or $vars made nfetched args out of
 * the spec's, more than SPEC_ARGS_MAX; else 0.  (The parser refuses more
 * than SPEC_ARGS_MAX written args itself.)
 */
int spec_check_nargs(const struct spec *spec, size_t nfetched, struct spec_error *err);

/*
 * raw_tp/, tp/, fentry/, fexit/ and tp_btf/ specs are spelled like the
 * sections they replace and name no event: the program's name is the event.
 */
bool spec_point_is_section(const struct spec *spec);

/*
 * Can a kernel function spec (EVENT=FUNC, EVENT=FUNC%return) go through
 * the trampoline instead of a kprobe?  0, or -EINVAL with *why.
 */
int spec_tramp_eligible(const struct spec *spec, const char **why);

/* FUNC%return with a parameter or local: only fexit has them at the return */
bool spec_needs_fexit(const struct spec *spec);
/*
 * A return probe that is not fexit asks for a parameter or local: -EINVAL
 * with err, the caret under it.  spec_parse() checks exec= and module=
 * specs; a kernel function's waits for the choice of fexit or kretprobe.
 */
int spec_check_return(const struct spec *spec, struct spec_error *err);

/* "u32", "string", ... */
const char *spec_type_name(enum spec_type t);

/*
 * The one way probe/ reports: fills err (col, len, message) and returns
 * -EINVAL (spec_fail: the spec is wrong, len at least 1) or rc, a -errno
 * kept with the message (spec_fail_errno: -ENOENT for a function or module
 * that is not there; len 0 underlines nothing, the spec as a whole).  The
 * caller that knows the file and program prints it once (spec_error_print).
 */
int spec_fail(struct spec_error *err, int col, int len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int spec_fail_errno(struct spec_error *err, int rc, int col, int len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Prints "vtrace: WHERE: MSG" then the spec with a caret line. */
void spec_error_print(const char *where, const char *text, const struct spec_error *err);

#endif

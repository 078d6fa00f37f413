/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_FILTER_H
#define VTRACE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/spec.h"

/*
 * A --filter expression over a spec's args, in perf's (ftrace's) filter
 * syntax:
 *
 *   EXPR  := EXPR || EXPR | EXPR && EXPR | ! EXPR | ( EXPR ) | CMP
 *   CMP   := ARG [& MASK] OP VALUE | ARG & MASK | ARG ~ "GLOB" | ARG !~ "GLOB"
 *   OP    := == != < <= > >=
 *   VALUE := INTEGER (decimal or 0x hex, optionally negative) | "STRING" | ARG
 *
 * ARG is an arg's name as the output prints it.  && binds tighter than
 * ||.  A string compares only with == and != (with a literal or another
 * string arg).  ARG & MASK alone holds when a bit of MASK is set (perf's
 * '&'); with an OP it compares the masked value.  ~ matches a string
 * against a shell glob (perf's: * any run, ? one byte, [abc] [a-z] [!a]
 * one of a set).  Parsing is syntax only; filter_bind() checks the names
 * and types against the spec's args.
 */
enum filter_kind { FILTER_CMP, FILTER_AND, FILTER_OR, FILTER_NOT };
enum filter_op { FLT_EQ, FLT_NE, FLT_LT, FLT_LE, FLT_GT, FLT_GE, FLT_GLOB, FLT_NOGLOB };

struct filter_node {
	enum filter_kind kind;
	struct filter_node *l, *r;	/* AND, OR: both; NOT: l */
	/* CMP */
	char *name;
	int name_col, name_len;
	enum filter_op op;
	int op_col, op_len;
	bool is_str;
	uint64_t value;			/* the integer's bits (two's complement) */
	bool negative;			/* written with a '-' */
	char *str;			/* the string, unescaped */
	size_t str_len;
	int val_col, val_len;
	bool has_mask;			/* ARG & MASK ... */
	uint64_t mask;
	int mask_col, mask_len;
	char *rhs;			/* VALUE is this arg (NULL: a literal) */
	/* filter_bind() */
	size_t arg;
	size_t rhs_arg;
	bool strings;			/* the arg is a string */
	bool is_signed;			/* compared signed: the arg (and the rhs arg) signed */
};

struct filter {
	char *text;
	struct filter_node *root;
};

/* A ~ glob, compiled: one element per byte it matches, or a '*'. */
enum glob_kind { GLOB_STAR, GLOB_ANY, GLOB_BYTE, GLOB_SET };

struct glob_elem {
	enum glob_kind kind;
	unsigned char byte;		/* GLOB_BYTE */
	uint8_t set[32];		/* GLOB_SET: a bit per byte it matches (never NUL) */
};

/* 0 with *out (malloc'd) and *n, or -EINVAL (a '[' not closed), -ENOMEM. */
int glob_compile(const char *s, size_t len, struct glob_elem **out, size_t *n);

/* 0, or -EINVAL with err (column, length, message) filled. */
int filter_parse(const char *text, struct filter *f, struct spec_error *err);
void filter_free(struct filter *f);

/* What an arg of the spec is, for filter_bind(). */
enum filter_arg_kind { FARG_INT, FARG_STRING, FARG_OTHER };

struct filter_arg {
	const char *name;
	enum filter_arg_kind kind;
	bool is_signed;
	bool is_pointer;		/* FARG_INT: an address (a char * not fetched :string) */
	size_t str_max;			/* FARG_STRING: bytes with the NUL */
	uint32_t size;			/* FARG_INT: the value's bytes (narrower unsigned compare signed, as in C) */
};

/*
 * Finds each comparison's arg by name and checks its value's type:
 * -EINVAL with err under the bad name or value.
 */
int filter_bind(struct filter *f, const struct filter_arg *args, size_t nargs,
		struct spec_error *err);

#endif

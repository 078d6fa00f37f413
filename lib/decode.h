/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_DECODE_H
#define VTRACE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/printfmt.h"
#include "lib/strbuf.h"
#include "lib/value.h"

/*
 * Everything printing a sample needs, and nothing else: no libbpf, no
 * DWARF.  Live, it is built from the session; in a data file, it is
 * written out, so that `vtrace script` prints the same lines anywhere.
 */
enum decode_arg_kind {
	DECODE_INT,		/* 8-byte slot: the value, sign-extended as its type says */
	DECODE_STRING,		/* NUL-terminated, at most size bytes */
	DECODE_BYTES,		/* a struct or an array: its type prints it */
};

struct decode_arg {
	char *name;
	uint8_t kind;
	bool hex;
	uint32_t off, size;	/* in the sample */
	struct value_type *type;
};

struct decode_probe {
	char *event;
	char *spec;			/* the program's section: its spec */
	uint32_t obj;			/* the object whose formats and types it uses */
	struct decode_arg *args;	/* spec programs */
	size_t nargs;
	uint32_t args_size;		/* a spec sample's size */
	/* a tracepoint's raw record (its only arg), printed from its format */
	char *tp_system, *tp_format;
	void *tep;			/* libtraceevent's handle, made on first use */
	void *seq;			/* its struct trace_seq, reset per sample */
	int tp_id;
	/* its event (p->tep's) when its print format divides by a field: fields printed */
	void *tp_fields_of;
};

/* An object's printf formats and the types its vtrace_emit() calls sent. */
struct decode_obj {
	struct fmt_table fmts;
	struct value_type **types;	/* by BTF id; NULL until known */
	size_t ntypes;
};

/* How a sample's stack (record -g) is printed. */
enum decode_stack_mode {
	STACK_TEXT,		/* perf script's frame lines, after the sample line */
	STACK_JSON,		/* ,"stack":[{...}] */
	STACK_FOLDED,		/* outer;...;inner (no comm, no count) */
};

struct vtrace_sample;

struct decoder {
	struct decode_probe *probes;
	size_t nprobes;
	struct decode_obj *objs;
	size_t nobjs;
	/* live: finds an emitted type the first time it is seen (may be NULL) */
	struct value_type *(*find_type)(void *ctx, uint32_t obj, uint32_t id);
	void *find_ctx;
	/* symbolizes a stack block (vtrace_sample.h); NULL: stacks print as addresses */
	int (*stack)(void *ctx, struct strbuf *sb, const struct vtrace_sample *h, const void *blk,
		     size_t len, enum decode_stack_mode mode);
	void *stack_ctx;
};

/* Output fields, for -F. */
enum {
	FIELD_COMM = 1 << 0,
	FIELD_TID = 1 << 1,
	FIELD_PID = 1 << 2,
	FIELD_CPU = 1 << 3,
	FIELD_TIME = 1 << 4,
	FIELD_EVENT = 1 << 5,
	FIELD_ARGS = 1 << 6,
	FIELD_DEFAULT = FIELD_COMM | FIELD_TID | FIELD_CPU | FIELD_TIME | FIELD_EVENT | FIELD_ARGS,
};

/* "comm,pid,time" into a mask; -EINVAL with *bad at an unknown name. */
int decode_fields_parse(const char *spec, unsigned *mask, const char **bad);

/* One sample as a text line (no newline) or a JSON object; -EINVAL if malformed. */
int decode_text(struct decoder *d, struct strbuf *sb, const void *data, size_t size, unsigned fields);
int decode_json(struct decoder *d, struct strbuf *sb, const void *data, size_t size);
void decode_lost_json(struct strbuf *sb, uint64_t lost);

/*
 * A sample's stack as one folded line's key, "comm;outer;...;inner"
 * (vtrace script --folded); -ENOENT when the sample has no stack.
 */
int decode_folded(struct decoder *d, struct strbuf *sb, const void *data, size_t size);

/* The stack block of a sample with VTRACE_SAMPLE_F_STACK: its offset, or size if none; -1 if malformed. */
long decode_stack_split(const void *data, size_t size);

/*
 * An arg whose name an earlier arg has (a $params or $vars expansion next
 * to an arg of the same name) becomes NAME_2, NAME_3, ...: a JSON object
 * keeps every value.  0 or -ENOMEM.
 */
int decode_unique_names(struct decode_probe *p);

/* The type of obj's BTF id, through find_type the first time. */
const struct value_type *decode_type(struct decoder *d, uint32_t obj, uint32_t id);

/* Frees what the decoder owns (all of it). */
void decoder_free(struct decoder *d);

#endif

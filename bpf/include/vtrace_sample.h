/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ring-buffer sample layout, shared by BPF programs (through vtrace.h)
 * and by vtrace's decoder.  Every sample starts with struct vtrace_sample;
 * its kind says what follows.
 */
#ifndef __VTRACE_SAMPLE_H
#define __VTRACE_SAMPLE_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* An ld_imm64 of this constant is patched to the program's probe id at load. */
#define VTRACE_PROBE_ID_MAGIC 0x5654524350524f42ULL

/* Section holding printf formats and emitted types, never loaded. */
#define VTRACE_FMT_SECTION ".vtrace.fmt"

enum vtrace_sample_kind {
	VTRACE_SAMPLE_PRINTF = 1,	/* struct vtrace_printf_payload + arg slots */
	VTRACE_SAMPLE_STRUCT = 2,	/* struct vtrace_struct_payload + bytes */
	VTRACE_SAMPLE_ARGS = 3,		/* a spec probe's fetched args */
};

/* flags: a spec sample (VTRACE_SAMPLE_ARGS) has an unavailable word after its fault word */
#define VTRACE_SAMPLE_F_UNAVAIL 0x1

struct vtrace_sample {
	__u32 probe_id;
	__u16 kind;
	__u16 flags;
	__u32 pid;		/* process (tgid) */
	__u32 tid;		/* thread */
	__u64 time_ns;		/* CLOCK_MONOTONIC */
	__u32 cpu;
	__u32 instance;		/* which address of a spec probe */
	char comm[16];
};

#define VTRACE_PRINTF_MAX_ARGS 8

/* Each printf argument is typed at compile time (C11 _Generic). */
enum vtrace_arg_tag {
	VT_ARG_NONE = 0,
	VT_ARG_S8, VT_ARG_U8, VT_ARG_S16, VT_ARG_U16,
	VT_ARG_S32, VT_ARG_U32, VT_ARG_S64, VT_ARG_U64,
	VT_ARG_CHAR, VT_ARG_BOOL, VT_ARG_PTR,
	VT_ARG_STR,		/* slot of VTRACE_STR_MAX bytes */
	VT_ARG_STR_FAULT,	/* the string could not be read */
};

struct vtrace_printf_payload {
	__u32 fmt_id;
	__u16 nargs;
	__u16 str_max;
	__u8 tags[VTRACE_PRINTF_MAX_ARGS];
	/* then one slot per arg: 8 bytes, or str_max bytes for strings */
};

struct vtrace_struct_payload {
	__u32 type_id;		/* in the object's own BTF */
	__u32 size;
	/* then the bytes */
};

enum vtrace_fmt_kind {
	VTRACE_FMT_PRINTF = 1,
};

/* Records in VTRACE_FMT_SECTION: id, kind, NUL-terminated text, 4-aligned. */
struct vtrace_fmt_rec {
	__u32 id;
	__u32 kind;
};

#endif

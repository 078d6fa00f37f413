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
/* flags: the sample ends with a struct vtrace_stack_trailer (record -g) */
#define VTRACE_SAMPLE_F_STACK 0x2

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

/*
 * Stacks (record -g).  A sample with VTRACE_SAMPLE_F_STACK ends with a
 * trailer; the stack block it points at follows the payload:
 *
 *   struct vtrace_stack_block
 *   kern_bytes of kernel return addresses (u64, innermost first), in
 *   kern_room bytes when that is larger
 *   regs_bytes of the user registers (struct pt_regs of x86-64, 168 bytes)
 *   stack_bytes of user stack, copied from the registers' sp up
 *   (pad to 8) struct vtrace_stack_trailer
 *
 * User stacks are unwound in user space from the registers and the copy
 * with the binaries' CFI (as perf's --call-graph dwarf), so code built
 * without frame pointers unwinds as gdb unwinds it.
 */
#define VTRACE_STACK_MAGIC 0x4b535456	/* "VTSK" */
#define VTRACE_KSTACK_MAX 1016		/* 127 frames, the kernel's default limit */
#define VTRACE_UREGS_SIZE 168
#define VTRACE_USTACK_MAX 8192

struct vtrace_stack_block {
	__u32 kern_bytes;
	__u32 regs_bytes;
	__u32 stack_bytes;
	__u32 kern_room;	/* bytes kept for kernel frames (the registers follow); 0: kern_bytes */
};

/* An ld_imm64 of this constant is patched to the program's stack bits (record -g) at load. */
#define VTRACE_STACK_FLAGS_MAGIC 0x565452435354434bULL
#define VTRACE_STACK_F_USER 0x1
#define VTRACE_STACK_F_KERNEL 0x2

struct vtrace_stack_trailer {
	__u32 block_off;	/* from the start of the sample */
	__u32 magic;		/* VTRACE_STACK_MAGIC */
};

enum vtrace_fmt_kind {
	VTRACE_FMT_PRINTF = 1,
};

/* Records in VTRACE_FMT_SECTION: id, kind, NUL-terminated text, 4-aligned. */
struct vtrace_fmt_rec {
	__u32 id;
	__u32 kind;
};

/*
 * Aggregations (vtrace.h's VTRACE_COUNT() ... VTRACE_LHIST()): each map
 * has a record in VTRACE_AGG_SECTION naming it, its kind and, for a
 * linear histogram, its range.  Count, sum, min, max and avg maps are
 * per-CPU hashes from the program's key to struct vtrace_stat; histogram
 * maps are per-CPU hashes from { __u64 slot; KEY key; } to a __u64 count.
 */
#define VTRACE_AGG_SECTION ".vtrace.agg"
#define VTRACE_AGG_NAME_MAX 64

enum vtrace_agg_kind {
	VTRACE_AGG_COUNT = 1,
	VTRACE_AGG_SUM,
	VTRACE_AGG_MIN,
	VTRACE_AGG_MAX,
	VTRACE_AGG_AVG,
	VTRACE_AGG_HIST,	/* slot 0: < 0, 1: 0, k >= 2: [2^(k-2), 2^(k-1)) */
	VTRACE_AGG_LHIST,	/* slot 0: < min, i: [min+(i-1)*step, min+i*step), last: >= max */
};

#define VTRACE_AGG_F_NOKEY 0x1	/* declared without a key: prints as @name */

struct vtrace_agg_rec {
	__u32 kind;
	__u32 flags;
	__s64 min, max, step;
	char map[VTRACE_AGG_NAME_MAX];
};

struct vtrace_stat {
	__u64 count;		/* updates on this CPU */
	__s64 value;		/* sum (sum, avg), min or max */
};

#define VTRACE_HIST_SLOTS 66

#endif

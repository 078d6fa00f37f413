/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_SECTION_H
#define VTRACE_SECTION_H

#include <stdbool.h>
#include <linux/bpf.h>

/* Where a program attaches, from its ELF section name. */
enum probe_kind {
	PROBE_KPROBE,
	PROBE_KRETPROBE,
	PROBE_UPROBE,
	PROBE_URETPROBE,
	PROBE_RAW_TP,
	PROBE_TP,
	PROBE_SPEC,		/* a probe spec: "[key=v;]EVENT=POINT ARGS" */
};

struct probe_point {
	enum probe_kind kind;
	char *binary;		/* uprobes: the executable or library */
	char *func;		/* kprobes, uprobes: the symbol */
	unsigned long offset;	/* kprobes, uprobes: bytes past the symbol */
	char *category;		/* tp: the subsystem */
	char *name;		/* tp, raw_tp: the event */
};

/*
 * Classifies a libbpf-style section name:
 *   kprobe/FUNC[+OFF]  kretprobe/FUNC  uprobe/PATH:FUNC[+OFF]  uretprobe/PATH:FUNC
 *   raw_tp/NAME  raw_tracepoint/NAME  tp/CAT/NAME  tracepoint/CAT/NAME
 * Anything else containing '=' is a probe spec (PROBE_SPEC, nothing parsed).
 * Returns 0; -EINVAL for a malformed standard section (*col set to where),
 * -ENOENT for a section that is neither.
 */
int section_parse(const char *sec, struct probe_point *pp, int *col);
void probe_point_free(struct probe_point *pp);

const char *probe_kind_name(enum probe_kind kind);
enum bpf_prog_type probe_kind_prog_type(enum probe_kind kind);

/* The section prefixes vtrace registers with libbpf, NULL-terminated. */
extern const char *const section_prefixes[];

#endif

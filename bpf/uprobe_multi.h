/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_UPROBE_MULTI_H
#define VTRACE_UPROBE_MULTI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* enum bpf_attach_type's BPF_TRACE_UPROBE_MULTI (uapi since 6.6) */
#define VTRACE_TRACE_UPROBE_MULTI 48

/* Set (not empty, not "0") in the environment: one perf event per place, as on kernels before 6.6. */
#define VTRACE_NO_UPROBE_MULTI_ENV "VTRACE_NO_UPROBE_MULTI"

/* Does the running kernel have uprobe multi links?  Asked once. */
bool uprobe_multi_supported(void);

/*
 * One link: prog_fd (loaded with expected attach type
 * VTRACE_TRACE_UPROBE_MULTI) at n file offsets of path, each with its
 * cookie; ret: return probes.  The link's fd, or -errno.
 */
int uprobe_multi_attach(int prog_fd, const char *path, const uint64_t *offsets,
			const uint64_t *cookies, size_t n, bool ret);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_KPROBE_MULTI_H
#define VTRACE_KPROBE_MULTI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/fetch.h"

/* Set (not empty, not "0") in the environment: one kprobe per place, as on kernels without fprobe. */
#define VTRACE_NO_KPROBE_MULTI_ENV "VTRACE_NO_KPROBE_MULTI"

/*
 * Does the running kernel have kprobe multi links (fprobe, Linux 5.18;
 * Debian's 6.1 is built without CONFIG_FPROBE, its 6.12 with)?  Asked once.
 */
bool kprobe_multi_supported(void);

/*
 * Can a kernel spec's places share one kprobe multi link: more than one,
 * each at a function's entry (an fprobe attaches nowhere else).
 */
bool kprobe_multi_fits(const struct probe_resolved *res);

/*
 * Where instance i is in the running kernel: a vmlinux function by name
 * (*addr 0, the kernel resolves it), a module's place by address, from
 * where the kernel loaded its section.  0 or -errno (-ENOENT: the module
 * is not loaded).
 */
int kernel_instance_addr(const struct probe_resolved *res, size_t i, uint64_t *addr);

/*
 * One link: prog_fd (loaded with expected attach type
 * BPF_TRACE_KPROBE_MULTI) at every place of res, each with its cookie.
 * The link's fd, or -errno.
 */
int kprobe_multi_attach(int prog_fd, const struct probe_resolved *res, const uint64_t *cookies);

#endif

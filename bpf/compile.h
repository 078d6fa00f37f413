/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_COMPILE_H
#define VTRACE_COMPILE_H

#include <stddef.h>

/*
 * Compiles a BPF program written in C with clang, through a cache keyed by
 * the source, every header it included, the flags and the compiler.  On a
 * compile error clang's diagnostics have already reached stderr and
 * -EINVAL comes back.  obj gets the cached object's path.
 */
int bpf_compile(const char *src, char *obj, size_t size);

/* The directory holding vmlinux.h for the running kernel (generated once). */
int vmlinux_h_dir(char *dir, size_t size);

/* The directory holding vtrace.h and vtrace_sample.h. */
int vtrace_include_dir(char *dir, size_t size);

#endif

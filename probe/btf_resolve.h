/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_BTF_RESOLVE_H
#define VTRACE_BTF_RESOLVE_H

#include "lib/strbuf.h"
#include "probe/fetch.h"
#include "probe/spec.h"

/*
 * Kernel functions without DWARF, from BTF: parameters by name at the
 * function's entry (the calling convention says which register), $retval
 * at %return, member chains through the kernel's types.  Raw tracepoint
 * args by name (from __bpf_trace_NAME's prototype), read from the
 * program's u64 args[].
 */
int btf_resolve(const struct spec *spec, struct probe_resolved *out, struct spec_error *err);

/* Tracepoint fields by name, from tracefs' format file (libtraceevent). */
int tp_resolve(const struct spec *spec, struct probe_resolved *out, struct spec_error *err);

/* Kernel functions with BTF, matching glob (NULL: all). */
int btf_list_funcs(const char *glob, struct strbuf *out);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_RESOLVE_H
#define VTRACE_RESOLVE_H

#include "probe/fetch.h"
#include "probe/spec.h"

/*
 * Resolves a parsed spec through whichever source knows: DWARF for exec=
 * binaries and module= modules, BTF for kernel functions and raw
 * tracepoints, the tracefs format for tracepoints.  binary overrides
 * exec= (vtrace probe -x).  On error, err is filled (0 col when the spec
 * as a whole is at fault) and -errno returned.
 */
int probe_resolve(const struct spec *spec, const char *binary, struct probe_resolved *out,
		  struct spec_error *err);

#endif

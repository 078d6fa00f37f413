/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_RESOLVE_H
#define VTRACE_RESOLVE_H

#include <stddef.h>

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

/*
 * The file a binary's name means (exec=NAME, -x NAME): a path as given, a
 * library as the dynamic loader finds it, a command as the shell finds it
 * on PATH (lib/ldpath.h).  0 and *path (malloc'd); else -errno and msg
 * says what was searched.
 */
int probe_find_binary(const char *name, char **path, char *msg, size_t size);

/* The message for dwarf_file_open()'s rc on path, which name was looked up as. */
void probe_open_error(const char *name, const char *path, int rc, char *msg, size_t size);

#endif

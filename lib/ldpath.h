/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_LDPATH_H
#define VTRACE_LDPATH_H

#include <stdbool.h>

#include "lib/strbuf.h"

/*
 * Where the binary a person names is (exec=NAME, -x NAME), found the way
 * the program that would load it finds it:
 *   - a name with a '/' is a path, used as given;
 *   - a library name (NAME.so or NAME.so.N...) as the dynamic loader finds
 *     it: LD_LIBRARY_PATH, /etc/ld.so.cache, then the default directories;
 *   - any other name as the shell finds a command: on PATH.
 * A name found neither way but present in the current directory is that
 * file (specs written before this lookup said exec=prog for ./prog).
 *
 * 0 and *path (malloc'd); -ENOENT with what was searched appended to
 * *searched (for the caller's message), or -ENOMEM.
 */
int binary_lookup(const char *name, char **path, struct strbuf *searched);

/* NAME.so or NAME.so.VERSION (no '/'): what DT_NEEDED and dlopen() name, looked up as a library. */
bool library_name(const char *name);

/*
 * The library entries of a glibc ld.so.cache (new format, "glibc-ld.so.cache1.1",
 * alone or after the old one) for this machine's ABI, in the file's order:
 * cb(soname, path, arg) for each; cb returning nonzero stops the walk with
 * that value.  -ENOENT without a cache file, -EINVAL for one not understood.
 */
int ld_cache_each(const char *cache_path, int (*cb)(const char *soname, const char *path, void *arg),
		  void *arg);

#endif

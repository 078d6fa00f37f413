/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_FS_H
#define VTRACE_FS_H

#include <stddef.h>

/* Small file helpers; all return 0 or -errno. */
int mkdir_p(const char *path, int mode);
/* Reads a whole file; *data is NUL-terminated (not counted in *len). */
int read_file(const char *path, char **data, size_t *len);
/* Writes through a temporary file and rename(), so readers never see half a file. */
int write_file_atomic(const char *path, const void *data, size_t len);
/* Writes only when the content differs (keeps mtimes stable for caches). */
int write_file_if_changed(const char *path, const void *data, size_t len);

/* The cache root: $XDG_CACHE_HOME/vtrace, else $HOME/.cache/vtrace. */
int cache_root(char *out, size_t size);
/* cache_root()/sub, created if needed. */
int cache_subdir(const char *sub, char *out, size_t size);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_TRUST_H
#define VTRACE_TRUST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Trust nothing another user controls.  vtrace runs as root: a directory
 * it keeps compiled objects or its registry in, a file it loads or a path
 * it writes must not be one an unprivileged user can plant or redirect.
 * Each check says why it refuses, once, and returns -EPERM (or -errno).
 */

/*
 * path (and every directory above it) is a directory owned by root or by
 * the caller, writable by nobody else (an ancestor may be sticky and
 * world-writable, as /tmp is, if root owns it); symlinks are not followed
 * in path itself.  what names it in the message ("the compile cache").
 */
int trust_dir(const char *path, const char *what);
/* mkdir path (mode 0755, parents too) and trust_dir() it. */
int trust_mkdir(const char *path, const char *what);
/* A file vtrace reads back (a cached object): regular, owned by root or the caller. */
bool trust_file_ok(const char *path);
/*
 * Reads a regular file owned by root (or the caller) without following a
 * symlink or blocking on a FIFO, up to max bytes (-EFBIG beyond).
 */
int trust_read_file(const char *path, size_t max, char **data, size_t *len);
/*
 * -o PATH: refused when it is a symlink, or a file of another user, in a
 * sticky world-writable directory (/tmp): root would follow it elsewhere.
 */
int trust_output_path(const char *path);
/*
 * -e PATH that is not a regular file: only standard input or an anonymous
 * pipe (/dev/stdin, /dev/fd/N, <(...)); a named pipe or a device is refused.
 */
bool trust_stream_ok(const char *path);

#endif

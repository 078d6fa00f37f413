/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_STACK_H
#define VTRACE_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/decode.h"

/*
 * record -g's stacks in user space: per process, its mappings (read from
 * /proc/PID/maps live, or from a data file's MAPS records) reported to
 * libdwfl; a sample's user registers and stack copy unwound with the
 * binaries' CFI; every pc symbolized with its inlined frames from DWARF;
 * kernel addresses from /proc/kallsyms.
 */
struct stack_syms;

struct stack_syms *stack_syms_new(void);
void stack_syms_free(struct stack_syms *ss);

/*
 * Live: reads pid's mappings the first time it is seen.  *text (owned by
 * ss, valid until the next call) gets them when they were read now, for a
 * data file's MAPS record; NULL otherwise.  0 or -errno.
 */
int stack_syms_track(struct stack_syms *ss, pid_t pid, const char **text, size_t *len);

/* Replay: a MAPS record's text for pid (a later one replaces it). */
int stack_syms_add_maps(struct stack_syms *ss, pid_t pid, const char *text, size_t len);

/* Live: pid's mappings changed (bpf/mmap_events.c); the next track hands them out again. */
int stack_syms_set_maps(struct stack_syms *ss, pid_t pid, const char *text, size_t len);

/* MAPS text: a maps line; the file lines of /proc/PID/maps; "# build-id" lines for maps' files. */
void stack_maps_line(struct strbuf *sb, uint64_t start, uint64_t end, uint64_t pgoff, bool exec,
		     uint32_t maj, uint32_t min, uint64_t ino, const char *path);
int stack_maps_proc(struct strbuf *sb, pid_t pid);
void stack_maps_build_ids(struct strbuf *sb, const char *maps, size_t len);

/* The decoder's stack callback (lib/decode.h); ctx is a struct stack_syms. */
int stack_syms_print(void *ctx, struct strbuf *sb, const struct vtrace_sample *h, const void *blk,
		     size_t len, enum decode_stack_mode mode);

#endif

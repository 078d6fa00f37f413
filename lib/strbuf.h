/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_STRBUF_H
#define VTRACE_STRBUF_H

#include <stddef.h>

/* A growable, always NUL-terminated string (git's strbuf, reduced). */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends s (at most max bytes, stopping at NUL) with C escapes; quoted adds "". */
void strbuf_add_escaped(struct strbuf *sb, const char *s, size_t max, int quoted);
/* Appends s (at most max bytes, stopping at NUL) as a JSON string; bytes
 * that are not printable ASCII become \u00XX, so the output is valid UTF-8. */
void strbuf_add_json_string(struct strbuf *sb, const char *s, size_t max);
void strbuf_reset(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Returns the buffer (caller frees) and resets sb. */
char *strbuf_detach(struct strbuf *sb);

#endif

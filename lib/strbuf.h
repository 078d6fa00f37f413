/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_STRBUF_H
#define VTRACE_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
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
/* inline: the text printer adds a character at a time, millions of lines a second */
static inline void strbuf_addch(struct strbuf *sb, char c)
{
	if (sb->len + 1 >= sb->alloc)
		strbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = 0;
}
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Decimal v right-aligned in width with pad ('0' or ' '), and signed: no printf. */
void strbuf_add_uint(struct strbuf *sb, unsigned long long v, int width, char pad);
void strbuf_add_int(struct strbuf *sb, long long v);
/* s inside a C string literal: quotes and backslashes escaped, control bytes as octal. */
void strbuf_add_c_string(struct strbuf *sb, const char *s);
/*
 * Appends s (at most max bytes, stopping at NUL; max (size_t)-1: to its
 * NUL) with C escapes; quoted adds "".  Reversible: valid UTF-8 passes as
 * it is, \\ \n \t \r (and \" when quoted) stand for themselves, every
 * other control byte, DEL, each byte of a C1 control (U+0080..U+009F,
 * which terminals obey) and every byte that is not part of a valid UTF-8
 * sequence is \xHH.
 */
void strbuf_add_escaped(struct strbuf *sb, const char *s, size_t max, int quoted);
/*
 * Appends len bytes of text for a terminal: printable ASCII, tabs,
 * newlines and printable UTF-8 as they are; every other control byte (a
 * terminal's escape sequences), DEL, a C1 control and a byte that is not
 * valid UTF-8 as \xHH.
 */
void strbuf_add_text(struct strbuf *sb, const char *s, size_t len);
/* Whether strbuf_add_escaped() would append len bytes of s unchanged (no NUL in them). */
bool str_is_plain(const char *s, size_t len);
/*
 * Appends s as a JSON string: valid UTF-8 passes as it is, control bytes
 * are \uXXXX, and a byte that is not valid UTF-8 is \udcHH (U+DC80..U+DCFF,
 * Python's surrogateescape: bytes.decode("utf-8", "surrogateescape") reads
 * the same string, and .encode("utf-8", "surrogateescape") gives the bytes).
 */
void strbuf_add_json_string(struct strbuf *sb, const char *s, size_t max);
/* The length of the valid UTF-8 sequence at s (at most max bytes), 0 if none. */
size_t utf8_valid_len(const char *s, size_t max);
void strbuf_reset(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Returns the buffer (caller frees) and resets sb. */
char *strbuf_detach(struct strbuf *sb);

#endif

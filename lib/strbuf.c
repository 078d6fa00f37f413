// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;

	if (want <= sb->alloc)
		return;
	sb->alloc = sb->alloc ? sb->alloc : 64;
	while (sb->alloc < want)
		sb->alloc *= 2;
	sb->buf = realloc(sb->buf, sb->alloc);
	if (!sb->buf)
		abort();
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = 0;
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	/* once into the room there is (the hot path's lines fit), again only when it was short */
	strbuf_grow(sb, 64);
	va_copy(copy, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, copy);
	va_end(copy);
	if (n < 0) {
		sb->buf[sb->len] = 0;
		return;
	}
	if ((size_t)n >= sb->alloc - sb->len) {
		strbuf_grow(sb, n);
		vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
	}
	sb->len += n;
}

/* Decimal digits of v, right-aligned in width with pad ('0' or ' '): no printf. */
void strbuf_add_uint(struct strbuf *sb, unsigned long long v, int width, char pad)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	strbuf_grow(sb, (size_t)(n > width ? n : width));
	for (; width > n; width--)
		sb->buf[sb->len++] = pad;
	memcpy(sb->buf + sb->len, tmp + sizeof(tmp) - n, n);
	sb->len += n;
	sb->buf[sb->len] = 0;
}

void strbuf_add_int(struct strbuf *sb, long long v)
{
	if (v < 0) {
		strbuf_addch(sb, '-');
		strbuf_add_uint(sb, 0ULL - (unsigned long long)v, 0, ' ');
	} else {
		strbuf_add_uint(sb, (unsigned long long)v, 0, ' ');
	}
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_add_c_string(struct strbuf *sb, const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addch(sb, '\\');
		if ((unsigned char)*p < ' ')
			strbuf_addf(sb, "\\%03o", (unsigned char)*p);
		else
			strbuf_addch(sb, *p);
	}
}

size_t utf8_valid_len(const char *str, size_t max)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > max)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* no overlong forms, no surrogates, nothing past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * \xHH without printf: strbuf_addf() grows the buffer by 64 first, which a
 * fixed buffer (output_header()'s comm, room for 16 bytes escaped) has not.
 */
static void add_xhh(struct strbuf *sb, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

	strbuf_add(sb, e, 4);
}

/* The length of the printable UTF-8 sequence at s: 0 for invalid UTF-8 and for a C1 control (U+0080..U+009F, which terminals obey as escape sequences). */
static size_t printable_utf8_len(const char *s, size_t max)
{
	size_t n = utf8_valid_len(s, max);

	if (n == 2 && (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] < 0xa0)
		return 0;
	return n;
}

void strbuf_add_text(struct strbuf *sb, const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n;

		if (c == '\t' || c == '\n' || (c >= 0x20 && c < 0x7f)) {
			strbuf_addch(sb, c);
			i++;
		} else if (c >= 0x80 && (n = printable_utf8_len(s + i, len - i))) {
			strbuf_add(sb, s + i, n);
			i += n;
		} else {
			add_xhh(sb, c);
			i++;
		}
	}
}

bool str_is_plain(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n;

		if (c == '\\' || c < 0x20 || c == 0x7f)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		n = printable_utf8_len(s + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

void strbuf_add_escaped(struct strbuf *sb, const char *s, size_t max, int quoted)
{
	size_t len = strnlen(s, max);

	if (quoted)
		strbuf_addch(sb, '"');
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n;

		switch (c) {
		case '\n': strbuf_addstr(sb, "\\n"); break;
		case '\t': strbuf_addstr(sb, "\\t"); break;
		case '\r': strbuf_addstr(sb, "\\r"); break;
		case '\\': strbuf_addstr(sb, "\\\\"); break;
		case '"':
			strbuf_addstr(sb, quoted ? "\\\"" : "\"");
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				add_xhh(sb, c);
			} else if (c < 0x80) {
				strbuf_addch(sb, c);
			} else if ((n = printable_utf8_len(s + i, len - i))) {
				strbuf_add(sb, s + i, n);	/* valid UTF-8 as it is */
				i += n;
				continue;
			} else {
				add_xhh(sb, c);
			}
		}
		i++;
	}
	if (quoted)
		strbuf_addch(sb, '"');
}

void strbuf_add_json_string(struct strbuf *sb, const char *s, size_t max)
{
	size_t len = strnlen(s, max);

	strbuf_addch(sb, '"');
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n;

		if (c == '"' || c == '\\')
			strbuf_addf(sb, "\\%c", c);
		else if (c == '\n')
			strbuf_addstr(sb, "\\n");
		else if (c == '\t')
			strbuf_addstr(sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(sb, "\\u%04x", c);
		else if (c < 0x80)
			strbuf_addch(sb, c);
		else if ((n = utf8_valid_len(s + i, len - i))) {
			strbuf_add(sb, s + i, n);
			i += n;
			continue;
		} else {
			/* PEP 383's surrogateescape: byte 0xHH is U+DCHH, which UTF-8 cannot hold */
			strbuf_addf(sb, "\\udc%02x", c);
		}
		i++;
	}
	strbuf_addch(sb, '"');
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = 0;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

char *strbuf_detach(struct strbuf *sb)
{
	char *s = sb->buf ? sb->buf : strdup("");

	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	return s;
}

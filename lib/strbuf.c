// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
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

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	strbuf_grow(sb, n);
	vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
	sb->len += n;
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
				strbuf_addf(sb, "\\x%02x", c);
			} else if (c < 0x80) {
				strbuf_addch(sb, c);
			} else if ((n = utf8_valid_len(s + i, len - i))) {
				strbuf_add(sb, s + i, n);	/* valid UTF-8 as it is */
				i += n;
				continue;
			} else {
				strbuf_addf(sb, "\\x%02x", c);
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

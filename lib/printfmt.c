// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/printfmt.h"

static int add_piece(struct printf_fmt *f, const struct fmt_piece *p)
{
	struct fmt_piece *np = realloc(f->pieces, (f->npieces + 1) * sizeof(*np));

	if (!np)
		return -ENOMEM;
	f->pieces = np;
	f->pieces[f->npieces++] = *p;
	return 0;
}

int printf_fmt_compile(const char *text, struct printf_fmt *f, int *col)
{
	const char *p = text, *lit = text;
	int err = 0;

	memset(f, 0, sizeof(*f));
	f->text = strdup(text);
	if (!f->text)
		return -ENOMEM;
	p = lit = f->text;
	while (*p && !err) {
		struct fmt_piece piece = { 0 };
		const char *start = p, *flags, *fend;
		int bits = 32;
		unsigned long width;
		size_t n;

		if (*p != '%') {
			p++;
			continue;
		}
		if (p[1] == '%') {
			/* literal up to and including one '%' */
			piece.lit = lit;
			piece.lit_len = p + 1 - lit;
			err = add_piece(f, &piece);
			p += 2;
			lit = p;
			continue;
		}
		if (p > lit) {
			piece.lit = lit;
			piece.lit_len = p - lit;
			err = add_piece(f, &piece);
			if (err)
				break;
			memset(&piece, 0, sizeof(piece));
		}
		p++;
		flags = p;
		while (*p && strchr("-+ #0", *p))
			p++;
		width = strtoul(p, NULL, 10);
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '.') {
			p++;
			if (strtoul(p, NULL, 10) > width)
				width = strtoul(p, NULL, 10);
			while (*p >= '0' && *p <= '9')
				p++;
		}
		fend = p;
		if (*p == 'h') {
			bits = 16;
			if (*++p == 'h') {
				bits = 8;
				p++;
			}
		} else if (*p == 'l' || *p == 'j' || *p == 'z' || *p == 't') {
			bits = 64;
			if (*p == 'l' && p[1] == 'l')
				p++;
			p++;
		}
		if (!*p || !strchr("diuxXocsp", *p) || fend - flags > 12 || width > PRINTF_WIDTH_MAX) {
			*col = start - f->text;
			err = -EINVAL;
			break;
		}
		piece.conv = *p;
		piece.bits = *p == 'p' ? 64 : bits;
		n = fend - flags;
		piece.plain = !n;	/* no flags, width or precision: printed without printf */
		switch (*p) {
		case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
			snprintf(piece.spec, sizeof(piece.spec), "%%%.*sll%c", (int)n, flags, *p);
			break;
		case 'p':
			snprintf(piece.spec, sizeof(piece.spec), "0x%%%.*sllx", (int)n, flags);
			break;
		default:
			snprintf(piece.spec, sizeof(piece.spec), "%%%.*s%c", (int)n, flags, *p);
		}
		err = add_piece(f, &piece);
		p++;
		lit = p;
	}
	if (!err && p > lit) {
		struct fmt_piece piece = { .lit = lit, .lit_len = p - lit };

		err = add_piece(f, &piece);
	}
	if (err)
		printf_fmt_free(f);
	return err;
}

void printf_fmt_free(struct printf_fmt *f)
{
	free(f->text);
	free(f->pieces);
	memset(f, 0, sizeof(*f));
}

static uint64_t truncate_bits(uint64_t v, int bits, int is_signed)
{
	if (bits >= 64)
		return v;
	v &= (1ULL << bits) - 1;
	if (is_signed && (v >> (bits - 1)) & 1)
		v |= ~((1ULL << bits) - 1);
	return v;
}

static void addf(struct strbuf *sb, const char *spec, ...)
	__attribute__((format(printf, 2, 3)));

static void addf(struct strbuf *sb, const char *spec, ...)
{
	va_list ap;

	va_start(ap, spec);
	strbuf_vaddf(sb, spec, ap);
	va_end(ap);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void printf_fmt_render(struct strbuf *sb, const struct printf_fmt *f,
		       const void *payload, size_t len)
{
	const struct vtrace_printf_payload *p = payload;
	const char *slots = (const char *)payload + sizeof(*p);
	size_t off = 0, avail;
	unsigned arg = 0;

	if (len < sizeof(*p)) {
		strbuf_addstr(sb, "(truncated sample)");
		return;
	}
	avail = len - sizeof(*p);
	for (size_t i = 0; i < f->npieces; i++) {
		const struct fmt_piece *pc = &f->pieces[i];
		uint8_t tag;
		uint64_t v = 0;
		size_t slot;

		if (!pc->conv) {
			/* tabs and newlines as written; a terminal's escape sequences are not let through */
			strbuf_add_text(sb, pc->lit, pc->lit_len);
			continue;
		}
		if (arg >= p->nargs || arg >= VTRACE_PRINTF_MAX_ARGS) {
			strbuf_addstr(sb, "(missing)");
			continue;
		}
		tag = p->tags[arg++];
		slot = (tag == VT_ARG_STR || tag == VT_ARG_STR_FAULT) ? p->str_max : 8;
		if (off + slot > avail) {
			strbuf_addstr(sb, "(truncated)");
			off = avail;
			continue;
		}
		if (slot == 8)
			memcpy(&v, slots + off, 8);
		if (pc->conv == 's') {
			if (tag == VT_ARG_STR) {
				struct strbuf esc = STRBUF_INIT;

				strbuf_add_escaped(&esc, slots + off, slot, 0);
				addf(sb, pc->spec, esc.buf ? esc.buf : "");
				strbuf_release(&esc);
			} else {
				strbuf_addstr(sb, tag == VT_ARG_STR_FAULT ? "(fault)" : "(not a string)");
			}
		} else if (tag == VT_ARG_STR || tag == VT_ARG_STR_FAULT) {
			strbuf_addstr(sb, "(string)");
		} else if (pc->conv == 'c' && ((v & 0xff) < 0x20 || (v & 0xff) >= 0x7f)) {
			/* a byte a terminal would act on: escaped, in the field as %s puts it */
			char spec[sizeof(pc->spec)], c = (char)v;
			struct strbuf esc = STRBUF_INIT;

			memcpy(spec, pc->spec, sizeof(spec));
			spec[strlen(spec) - 1] = 's';
			strbuf_add_escaped(&esc, &c, 1, 0);
			addf(sb, spec, esc.buf ? esc.buf : "\\x00");
			strbuf_release(&esc);
		} else if (pc->conv == 'c') {
			addf(sb, pc->spec, (int)(unsigned char)v);
		} else if (pc->plain && (pc->conv == 'd' || pc->conv == 'i')) {
			strbuf_add_int(sb, (long long)truncate_bits(v, pc->bits, 1));
		} else if (pc->plain && pc->conv == 'u') {
			strbuf_add_uint(sb, truncate_bits(v, pc->bits, 0), 0, ' ');
		} else if (pc->conv == 'd' || pc->conv == 'i') {
			addf(sb, pc->spec, (long long)truncate_bits(v, pc->bits, 1));
		} else {
			addf(sb, pc->spec, (unsigned long long)truncate_bits(v, pc->bits, 0));
		}
		off += slot;
	}
}
#pragma GCC diagnostic pop

int fmt_table_parse(struct fmt_table *t, const void *data, size_t len,
		    const char **bad, int *col)
{
	const char *p = data, *end = p + len;

	memset(t, 0, sizeof(*t));
	while (p + sizeof(struct vtrace_fmt_rec) < end) {
		struct vtrace_fmt_rec rec;
		const char *text = p + sizeof(rec);
		size_t tlen = strnlen(text, end - text);
		struct printf_fmt *nf;
		int err;

		memcpy(&rec, p, sizeof(rec));
		if (text + tlen >= end)
			return -EINVAL;
		if (rec.kind == VTRACE_FMT_PRINTF) {
			nf = realloc(t->fmts, (t->n + 1) * sizeof(*nf));
			if (!nf)
				return -ENOMEM;
			t->fmts = nf;
			err = printf_fmt_compile(text, &t->fmts[t->n], col);
			if (err) {
				*bad = text;
				return err;
			}
			t->fmts[t->n++].id = rec.id;
		}
		p = text + tlen + 1;
		p += (4 - ((p - (const char *)data) & 3)) & 3;
	}
	return 0;
}

const struct printf_fmt *fmt_table_find(const struct fmt_table *t, uint32_t id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->fmts[i].id == id)
			return &t->fmts[i];
	return NULL;
}

void fmt_table_free(struct fmt_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		printf_fmt_free(&t->fmts[i]);
	free(t->fmts);
	memset(t, 0, sizeof(*t));
}

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_PRINTFMT_H
#define VTRACE_PRINTFMT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/strbuf.h"
#include "vtrace_sample.h"

/*
 * vtrace_printf() formats, compiled once per object so that rendering a
 * sample walks a list instead of parsing text.
 */
struct fmt_piece {
	char conv;		/* 0: literal text */
	uint8_t bits;		/* integer width the length modifier asks for */
	bool plain;		/* no flags, width or precision */
	char spec[24];		/* conversion for snprintf, length as "ll" */
	const char *lit;	/* literal: points into the format text */
	size_t lit_len;
};

struct printf_fmt {
	uint32_t id;
	char *text;
	struct fmt_piece *pieces;
	size_t npieces;
};

struct fmt_table {
	struct printf_fmt *fmts;
	size_t n;
};

/* The widest field width or precision a conversion may ask for. */
#define PRINTF_WIDTH_MAX 4096

/* 0, or -EINVAL with *col at an unsupported conversion (or one wider than PRINTF_WIDTH_MAX). */
int printf_fmt_compile(const char *text, struct printf_fmt *f, int *col);
void printf_fmt_free(struct printf_fmt *f);

/* Renders one sample's payload (after struct vtrace_sample). */
void printf_fmt_render(struct strbuf *sb, const struct printf_fmt *f,
		       const void *payload, size_t len);

/*
 * Builds the table from the bytes of an object's .vtrace.fmt section.
 * On -EINVAL *bad names the format that does not compile (col in *col).
 */
int fmt_table_parse(struct fmt_table *t, const void *data, size_t len,
		    const char **bad, int *col);
const struct printf_fmt *fmt_table_find(const struct fmt_table *t, uint32_t id);
void fmt_table_free(struct fmt_table *t);

#endif

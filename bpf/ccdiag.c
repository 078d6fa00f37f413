// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/ccdiag.h"

enum cc_kind { CC_NONE, CC_ERROR, CC_WARNING, CC_NOTE };

/* "error: ", "fatal error: ", ... at s: the kind, and *skip past it. */
static enum cc_kind kind_word(const char *s, size_t len, size_t *skip)
{
	static const struct { const char *word; enum cc_kind kind; } words[] = {
		{ "error: ", CC_ERROR }, { "fatal error: ", CC_ERROR },
		{ "warning: ", CC_WARNING }, { "note: ", CC_NOTE }, { "remark: ", CC_NOTE },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i].word);

		if (len >= n && !memcmp(s, words[i].word, n)) {
			*skip = n;
			return words[i].kind;
		}
	}
	return CC_NONE;
}

static size_t digits_before(const char *s, size_t pos)
{
	size_t n = 0;

	while (n < pos && s[pos - n - 1] >= '0' && s[pos - n - 1] <= '9')
		n++;
	return n;
}

/* Does "FILE:12:7" or "FILE:12" end the text before pos? */
static int ends_with_location(const char *line, size_t pos)
{
	size_t n = digits_before(line, pos);

	return n && pos - n >= 2 && line[pos - n - 1] == ':';
}

/*
 * Is the line a diagnostic's first line?  "FILE:L:C: error: ...",
 * "clang: error: ...", "error: ...".  *located: it names a source place
 * (a source line and a caret follow).
 */
static enum cc_kind header_kind(const char *line, size_t len, int *located)
{
	size_t skip;
	enum cc_kind k;

	*located = 0;
	k = kind_word(line, len, &skip);
	if (k != CC_NONE)
		return k;
	for (size_t i = 0; i + 2 < len; i++) {
		if (line[i] != ':' || line[i + 1] != ' ')
			continue;
		k = kind_word(line + i + 2, len - i - 2, &skip);
		if (k == CC_NONE)
			continue;
		if (ends_with_location(line, i)) {
			*located = 1;
			return k;
		}
		/* the driver: "clang: error: ...", "clang-14: warning: ..." */
		if (!strncmp(line, "clang", 5) && !memchr(line, ' ', i))
			return k;
	}
	return CC_NONE;
}

static int is_include_line(const char *line, size_t len, int after_include)
{
	if (len > 22 && !strncmp(line, "In file included from ", 22))
		return 1;
	if (after_include) {
		size_t i = 0;

		while (i < len && line[i] == ' ')
			i++;
		return i > 0 && len - i > 5 && !strncmp(line + i, "from ", 5) && line[len - 1] == ':';
	}
	return 0;
}

/* "3 errors generated.", "1 warning and 2 errors generated." */
static int is_count_line(const char *line, size_t len)
{
	return len > 11 && line[0] >= '0' && line[0] <= '9' &&
	       !memcmp(line + len - 11, " generated.", 11);
}

struct seen {
	char **v;
	size_t n;
};

/* Adds the header unless it is already there; 1 when it was new. */
static int seen_add(struct seen *s, const char *line, size_t len)
{
	char **nv;

	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == len && !memcmp(s->v[i], line, len))
			return 0;
	nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
	if (!nv)
		return 1;
	s->v = nv;
	s->v[s->n] = strndup(line, len);
	if (s->v[s->n])
		s->n++;
	return 1;
}

static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

#define SNIPPET_MAX 3	/* source line, caret, fix-it */

void cc_diag_shorten(const char *text, struct strbuf *out, struct cc_summary *sum)
{
	const char *line = text, *first_err = NULL, *first_warn = NULL;
	size_t err_len = 0, warn_len = 0;
	struct seen errs = { 0 }, warns = { 0 };
	/* the diagnostic whose lines are being collected */
	const char **cur = NULL;
	size_t *cur_len = NULL;
	int snippet = 0, after_include = 0;

	memset(sum, 0, sizeof(*sum));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		int located;
		enum cc_kind k = header_kind(line, len, &located);

		if (k != CC_NONE) {
			cur = NULL;
			snippet = 0;
			after_include = 0;
			if (k == CC_ERROR && seen_add(&errs, line, len) && !first_err) {
				first_err = line;
				cur = &first_err;
				cur_len = &err_len;
			} else if (k == CC_WARNING && seen_add(&warns, line, len) && !first_warn) {
				first_warn = line;
				cur = &first_warn;
				cur_len = &warn_len;
			}
			if (cur) {
				*cur_len = len + 1;
				snippet = located ? SNIPPET_MAX : 0;
			}
		} else if (is_include_line(line, len, after_include) || is_count_line(line, len)) {
			cur = NULL;
			after_include = 1;
		} else if (cur && snippet > 0) {
			*cur_len = (size_t)(line - *cur) + len + 1;
			snippet--;
		} else {
			cur = NULL;
		}
		line = nl ? nl + 1 : NULL;
	}
	sum->errors = (int)errs.n;
	sum->warnings = (int)warns.n;
	seen_free(&errs);
	seen_free(&warns);
	if (first_err)
		strbuf_add(out, first_err, strnlen(first_err, err_len));
	else if (first_warn)
		strbuf_add(out, first_warn, strnlen(first_warn, warn_len));
	else
		return;
	if (out->len && out->buf[out->len - 1] != '\n')
		strbuf_addch(out, '\n');
}

int cc_diag_signed_division(const char *text, char *loc, size_t size)
{
	const char *hit = strstr(text, "Unsupport signed division");
	const char *end, *p, *fn;

	if (!hit)
		return 0;
	end = strchrnul(hit, '\n');
	/* the DAG node ends with its debug location: ", prog.c:7:17Please ..." */
	for (p = end; p > hit; p--) {
		unsigned line, col;
		int n = 0;
		char file[256];

		if (p[-1] != ' ' || p - 1 <= hit || p[-2] != ',')
			continue;
		if (sscanf(p, "%255[^:\n]:%u:%u%n", file, &line, &col, &n) == 3 && n > 0 &&
		    p + n <= end) {
			snprintf(loc, size, "%s:%u:%u", file, line, col);
			return 1;
		}
		break;
	}
	fn = strstr(text, "In function: ");
	if (fn) {
		fn += 13;
		snprintf(loc, size, "function %.*s", (int)(strchrnul(fn, '\n') - fn), fn);
	} else {
		snprintf(loc, size, "?");
	}
	return 1;
}

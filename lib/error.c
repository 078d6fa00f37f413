// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"

int verbose;
int quiet;

static void vprint(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("vtrace: ", fmt, ap);
	va_end(ap);
}

const char *prog_where(char *buf, size_t size, const char *file, const char *prog, const char *spec)
{
	snprintf(buf, size, spec ? "%s: program '%s' (%s)" : "%s: program '%s'", file, prog, spec);
	return buf;
}

int pr_prog_err(int err, const char *file, const char *prog, const char *spec, const char *fmt, ...)
{
	char where[PROG_WHERE_MAX], msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("%s: %s", prog_where(where, sizeof(where), file, prog, spec), msg);
	return err;
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vprint("vtrace: warning: ", fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vprint("vtrace: debug: ", fmt, ap);
	va_end(ap);
}

void pr_caret(const char *text, int col, int len)
{
	fprintf(stderr, "    %s\n    %*s", text, col, "");
	for (int i = 0; i < (len > 0 ? len : 1); i++)
		fputc('^', stderr);
	fputc('\n', stderr);
}

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_ERROR_H
#define VTRACE_ERROR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Functions return 0 or -errno.  The message for the person is printed once,
 * by the caller that knows the context, through these.
 */
extern int verbose;
/* -q: pr_warn() and pr_info() print nothing. */
extern int quiet;

void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only with -v. */
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * "FILE: program 'NAME' (SPEC)": how every message about one program of a
 * BPF object starts (spec NULL: without the parenthesis).  Returns buf.
 */
#define PROG_WHERE_MAX 1024
const char *prog_where(char *buf, size_t size, const char *file, const char *prog, const char *spec);
/* pr_err() after that start and ": "; returns err, the -errno the message is about. */
int pr_prog_err(int err, const char *file, const char *prog, const char *spec, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* "spec: <text>\n      ^^^" : a caret line under text[col, col+len). */
void pr_caret(const char *text, int col, int len);

#endif

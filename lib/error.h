/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_ERROR_H
#define VTRACE_ERROR_H

#include <stdbool.h>

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

/* "spec: <text>\n      ^^^" : a caret line under text[col, col+len). */
void pr_caret(const char *text, int col, int len);

#endif

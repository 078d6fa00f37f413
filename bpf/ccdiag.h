/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_CCDIAG_H
#define VTRACE_CCDIAG_H

#include <stddef.h>

#include "lib/strbuf.h"

/*
 * clang's diagnostics, shortened for a person who made a first mistake:
 * one diagnostic with its source line, caret and fix-it, and how many
 * others there were.  Notes (macro backtraces, "declared here") and
 * "In file included from" lines are dropped, and a diagnostic repeated
 * word for word at the same place (one bad argument of a macro that uses
 * it five times) counts once.
 */
struct cc_summary {
	int errors;		/* distinct errors (fatal ones included) */
	int warnings;		/* distinct warnings */
};

/*
 * Appends to out the first error of text (clang's stderr), or the first
 * warning when there is no error, with the lines that belong to it (at
 * most source, caret and fix-it); fills sum.  Nothing is appended when
 * text holds no diagnostic.
 */
void cc_diag_shorten(const char *text, struct strbuf *out, struct cc_summary *sum);

/*
 * clang 14's BPF backend cannot select signed division or modulo and
 * crashes ("Unsupport signed division for DAG: ..., prog.c:7:17").  Returns
 * 1 and puts the source location ("prog.c:7:17", or "function f" when the
 * object has no debug info) in loc when text is that crash, else 0.
 */
int cc_diag_signed_division(const char *text, char *loc, size_t size);

#endif

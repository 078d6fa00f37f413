/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_DWARF_H
#define VTRACE_DWARF_H

#include <elfutils/libdwfl.h>

#include "lib/strbuf.h"
#include "probe/fetch.h"
#include "probe/spec.h"

struct dw_index;

/* A binary's debug info, found in it, through .gnu_debuglink, or by build id. */
struct dwarf_file {
	char *path;
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf *dbg;
	Dwarf_Addr bias;
	Dwarf_CFI *cfi;
	Dwarf_Addr cfi_bias;
	Elf *elf;		/* the code (for instruction boundaries) */
	struct dw_index *index;	/* every function instance, built on first use */
};

/* 0; -ENOENT (no file), -ENOEXEC (not ELF), -ENODATA (no DWARF). */
int dwarf_file_open(const char *path, struct dwarf_file *df);
void dwarf_file_close(struct dwarf_file *df);

/*
 * Every address the spec's point lands on, and every arg's fetch there.
 * On -EINVAL/-ENOENT err says what and where in the spec.
 */
int dwarf_resolve(struct dwarf_file *df, const struct spec *spec, struct probe_resolved *out,
		  struct spec_error *err);

/* vtrace probe --funcs / --lines / --vars. */
int dwarf_list_funcs(struct dwarf_file *df, const char *glob, struct strbuf *out);
int dwarf_list_lines(struct dwarf_file *df, const char *func, struct strbuf *out);
int dwarf_list_vars(struct dwarf_file *df, const struct spec *spec, struct strbuf *out,
		    struct spec_error *err);

#endif

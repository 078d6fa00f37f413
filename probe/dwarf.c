// SPDX-License-Identifier: GPL-2.0
/*
 * DWARF resolution with libdw: where a spec's point is (every instance,
 * inlined ones included) and, at each address, how to fetch each arg.
 */
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elfutils/libdw.h>

#include "probe/dwarf_index.h"
#include "probe/dwarf_int.h"

static char *debuginfo_path;

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/*
 * What the units without a language take from the file: dwz (run on nearly
 * every distribution's debug info) moves shared types into partial units,
 * in the file or in its supplementary (.gnu_debugaltlink) file, without a
 * DW_AT_language; they have the language of the compile units importing
 * them.  One entry per open file, keyed by its Dwarf and its supplementary
 * file's, worked out on first use from all its compile units.
 */
struct unit_lang {
	Dwarf *dbg, *alt;
	bool known;
	int lower_err;		/* 0: every unit's arrays start at lower; -ENOENT: they differ */
	Dwarf_Sword lower;
	bool cxx;		/* some units are C++ */
	struct unit_lang *next;
};

static struct unit_lang *unit_langs;

static void compile_units_lang(struct unit_lang *u)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	uint8_t unit_type;
	bool have = false;

	u->lower_err = -ENOENT;
	while (dwarf_get_units(u->dbg, cu, &cu, NULL, &unit_type, &cudie, NULL) == 0) {
		int lang;
		Dwarf_Sword lower;

		if (unit_type == DW_UT_partial || unit_type == DW_UT_type)
			continue;
		lang = dwarf_srclang(&cudie);
		u->cxx |= dw_lang_is_cxx(lang);
		/* units of a language without arrays (GNU as's) declare no array types */
		if (lang < 0 || dwarf_default_lower_bound(lang, &lower))
			continue;
		if (have && lower != u->lower) {
			u->lower_err = -ENOENT;
			return;
		}
		have = true;
		u->lower = lower;
		u->lower_err = 0;
	}
}

static struct unit_lang *unit_lang_of(Dwarf *dbg)
{
	for (struct unit_lang *u = unit_langs; u; u = u->next) {
		if (u->dbg != dbg && u->alt != dbg)
			continue;
		if (!u->known)
			compile_units_lang(u);
		u->known = true;
		return u;
	}
	return NULL;
}

int dw_file_lower_bound(Dwarf *dbg, Dwarf_Sword *lower)
{
	struct unit_lang *u = unit_lang_of(dbg);

	if (!u)
		return -ENOENT;
	*lower = u->lower;
	return u->lower_err;
}

bool dw_file_cxx(Dwarf *dbg)
{
	struct unit_lang *u = unit_lang_of(dbg);

	return u && u->cxx;
}

static void unit_lang_add(Dwarf *dbg)
{
	struct unit_lang *u = calloc(1, sizeof(*u));

	if (!u)
		return;		/* partial units' arrays then stay unsized: refused, not guessed */
	u->dbg = dbg;
	u->alt = dwarf_getalt(dbg);
	u->next = unit_langs;
	unit_langs = u;
}

static void unit_lang_remove(Dwarf *dbg)
{
	for (struct unit_lang **u = &unit_langs; *u; u = &(*u)->next) {
		if ((*u)->dbg == dbg) {
			struct unit_lang *gone = *u;

			*u = gone->next;
			free(gone);
			return;
		}
	}
}

int dwarf_file_open(const char *path, struct dwarf_file *df)
{
	memset(df, 0, sizeof(*df));
	if (access(path, R_OK))
		return -errno;
	df->path = strdup(path);
	df->dwfl = dwfl_begin(&offline_callbacks);
	if (!df->dwfl)
		return -ENOMEM;
	df->mod = dwfl_report_offline(df->dwfl, path, path, -1);
	dwfl_report_end(df->dwfl, NULL, NULL);
	if (!df->mod)
		return -ENOEXEC;
	df->elf = dwfl_module_getelf(df->mod, &df->bias);
	df->dbg = dwfl_module_getdwarf(df->mod, &df->bias);
	if (!df->dbg)
		return -ENODATA;
	unit_lang_add(df->dbg);
	df->cfi = dwfl_module_eh_cfi(df->mod, &df->cfi_bias);
	if (!df->cfi)
		df->cfi = dwfl_module_dwarf_cfi(df->mod, &df->cfi_bias);
	return 0;
}

void dwarf_file_close(struct dwarf_file *df)
{
	dw_index_free(df->index);
	dw_decl_forget();
	if (df->dbg)
		unit_lang_remove(df->dbg);
	if (df->dwfl)
		dwfl_end(df->dwfl);
	free(df->path);
	memset(df, 0, sizeof(*df));
}

int dw_scopes_at(struct candidate *cd, Dwarf_Die **scopes)
{
	int n = dwarf_getscopes(&cd->cu, cd->addr, scopes);

	for (int i = 0; i < n; i++)
		if (dwarf_dieoffset(&(*scopes)[i]) == dwarf_dieoffset(&cd->fn))
			return n;
	if (n > 0)
		free(*scopes);
	return dwarf_getscopes_die(&cd->fn, scopes);
}

/*
 * dw_scopes_at() from the function index: libdw's dwarf_getscopes() walks
 * the whole unit from its root for every call, which a function inlined
 * a thousand times into LTO units pays a thousand times.
 */
int dw_scopes_in(struct dwarf_file *df, struct candidate *cd, Dwarf_Die **scopes)
{
	const struct dw_index *ix;
	int n = 0;

	if (!dw_index_get(df, &ix))
		n = dw_index_scopes_at(ix, &cd->fn, cd->addr, scopes);
	return n ? n : dw_scopes_at(cd, scopes);
}

char *die_func_name(Dwarf_Die *fn)
{
	const char *n = dwarf_diename(fn);
	Dwarf_Attribute a;
	Dwarf_Die origin;

	if (!n && dwarf_attr(fn, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &origin))
		n = dwarf_diename(&origin);
	return strdup(n ? n : "?");
}

/* The file offset of a link-time address (what uprobes attach at). */
static uint64_t file_offset(struct dwarf_file *df, uint64_t addr)
{
	size_t n;

	if (!df->elf || elf_getphdrnum(df->elf, &n))
		return addr;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(df->elf, i, &ph) && ph.p_type == PT_LOAD && addr >= ph.p_vaddr &&
		    addr < ph.p_vaddr + ph.p_filesz)
			return addr - ph.p_vaddr + ph.p_offset;
	}
	return addr;
}

/*
 * A kernel module's (relocatable) address as its section and the offset in
 * it: where the kernel loaded the section (/sys/module/M/sections/) is
 * known at attach time.  Two static functions of one name in two files of
 * a module are told apart only so.
 */
static void module_section(struct dwarf_file *df, struct probe_instance *in)
{
	GElf_Ehdr eh;
	Dwarf_Addr a = in->addr + df->bias;
	const char *name;
	GElf_Word shndx;
	int idx;

	if (!df->elf || !gelf_getehdr(df->elf, &eh) || eh.e_type != ET_REL)
		return;
	idx = dwfl_module_relocate_address(df->mod, &a);
	name = idx >= 0 ? dwfl_module_relocation_info(df->mod, idx, &shndx) : NULL;
	if (!name || strlen(name) >= sizeof(in->section))
		return;
	strcpy(in->section, name);
	in->file_offset = a;
}

/*
 * Args resolved tolerantly, each instance on its own: one unavailable at
 * every instance is an error (the first instance's, resolved again
 * strictly); one unavailable at some prints "(unavailable)" on those hits,
 * and the note says where and why.
 */
static int settle_unavailable(struct dwarf_file *df, const struct spec *s, struct candidates *c,
			      struct probe_resolved *out, struct strbuf *why, struct spec_error *err)
{
	struct strbuf note = STRBUF_INIT;
	size_t nargs = out->ninsts ? out->insts[0].nargs : 0;

	for (size_t j = 0; j < nargs; j++) {
		size_t missing = 0;

		for (size_t i = 0; i < out->ninsts; i++)
			if (j < out->insts[i].nargs && out->insts[i].args[j].base == FETCH_UNAVAILABLE)
				missing++;
		if (missing == out->ninsts) {
			/*
			 * nowhere: the strict resolution says why, at the first
			 * instance where the variable is in scope (its type known)
			 */
			size_t at = 0;
			struct arg_ctx x = { .df = df, .spec = s };
			struct probe_instance tmp = { 0 };
			int rc;

			while (at + 1 < out->ninsts && !out->insts[at].args[j].type_name)
				at++;
			if (!out->insts[at].args[j].type_name)
				at = 0;
			x.pc = c->v[at].addr;
			x.cd = &c->v[at];
			tmp.func = out->insts[at].func;	/* for the message; not freed here */
			tmp.func_offset = out->insts[at].func_offset;
			x.nscopes = dw_scopes_at(&c->v[at], &x.scopes);
			rc = x.nscopes > 0 ? dw_resolve_args(&x, &tmp, err) : -ENOENT;
			free(x.scopes);
			for (size_t k = 0; k < tmp.nargs; k++)
				fetch_arg_free(&tmp.args[k]);
			free(tmp.args);
			strbuf_release(&note);
			return rc ? rc : -ENOENT;
		}
		for (size_t i = 0; missing && i < out->ninsts; i++) {
			struct fetch_arg *a = &out->insts[i].args[j];
			const struct fetch_arg *from = NULL;

			for (size_t k = 0; !a->type_name && !from && k < out->ninsts; k++)
				if (out->insts[k].args[j].type_name)
					from = &out->insts[k].args[j];
			if (!from)
				continue;
			/* not in scope there: the type the other instances print */
			a->type_name = strdup(from->type_name);
			a->type = value_type_dup(from->type);
			a->final = from->final;
			a->size = from->size;
			a->is_signed = from->is_signed;
			a->bit_offset = from->bit_offset;
			a->bit_size = from->bit_size;
			a->hex = from->hex;
			if (!a->type_name)
				return -ENOMEM;
		}
		if (missing)
			strbuf_addf(&note, "%s'%s' is unavailable at %zu of %zu instances, which print "
				    "(unavailable)", note.len ? "; " : "", out->insts[0].args[j].name, missing,
				    out->ninsts);
	}
	for (size_t i = 0; note.len && i < out->ninsts; i++)
		if (why[i].len)
			strbuf_addf(&note, "\n  at 0x%llx: %s", (unsigned long long)out->insts[i].addr,
				    why[i].buf);
	out->note = note.len ? strbuf_detach(&note) : NULL;
	strbuf_release(&note);
	return 0;
}

int dwarf_resolve(struct dwarf_file *df, const struct spec *s, struct probe_resolved *out,
		  struct spec_error *err)
{
	struct candidates c = { 0 };
	struct strbuf *why = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->ret = s->ret;
	rc = dw_find_points(df, s, &c, err);
	if (rc)
		goto done;
	out->insts = calloc(c.n, sizeof(*out->insts));
	why = calloc(c.n, sizeof(*why));
	if (!out->insts || !why) {
		rc = -ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < c.n; i++) {
		struct candidate *cd = &c.v[i];
		struct probe_instance *in = &out->insts[out->ninsts++];
		struct arg_ctx x = { .df = df, .spec = s, .pc = cd->addr, .cd = cd };
		Dwarf_Addr entry = cd->addr;
		Dwarf_Line *line;

		in->addr = cd->addr;
		in->inlined = cd->inlined;
		in->die_offset = dwarf_dieoffset(&cd->fn);
		/* C++: "market::Cart::add(int)", what a spec or gdb calls this overload */
		in->func = dw_instance_name(df, &cd->fn, &cd->cu);
		if (!in->func) {
			rc = -ENOMEM;
			goto done;
		}
		dw_instance_pc(&cd->fn, &entry);
		in->func_offset = cd->addr - entry;
		in->file_offset = file_offset(df, cd->addr);
		module_section(df, in);
		line = dwarf_getsrc_die(&cd->cu, cd->addr);
		if (line) {
			const char *src = dwarf_linesrc(line, NULL, NULL);

			in->src_file = src ? strdup(src) : NULL;
			dwarf_lineno(line, &in->src_line);
		}
		/* For %return the args are fetched as the function returns: only $retval and globals. */
		x.nscopes = dw_scopes_in(df, cd, &x.scopes);
		if (x.nscopes <= 0) {
			rc = spec_fail(err, s->point_col, s->point_len, "no scope information at 0x%llx",
				  (unsigned long long)cd->addr);
			goto done;
		}
		x.tolerant = c.n > 1;
		x.why = &why[i];
		rc = dw_resolve_args(&x, in, err);
		free(x.scopes);
		if (rc)
			goto done;
		for (size_t j = 0; j < in->nargs; j++)
			if (in->args[j].uses_entry)
				in->args[j].entry_file_offset = file_offset(df, in->args[j].entry_func);
	}
	rc = settle_unavailable(df, s, &c, out, why, err);
done:
	for (size_t i = 0; why && i < c.n; i++)
		strbuf_release(&why[i]);
	free(why);
	free(c.v);
	if (rc)
		probe_resolved_free(out);
	return rc;
}

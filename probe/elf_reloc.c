// SPDX-License-Identifier: GPL-2.0
/*
 * Where a shared library's code really finds its exported globals.  An
 * executable that uses one gets its own copy (R_X86_64_COPY), and the
 * library reads it, like any interposable global, through its GOT slot
 * (R_X86_64_GLOB_DAT): the address DWARF gives is the library's original,
 * which then goes stale.  vtrace reads through the slot, as the code does.
 */
#include <errno.h>
#include <gelf.h>
#include <stdint.h>

#include "probe/elf.h"

int elf_got_slot(Elf *elf, uint64_t addr, uint64_t *slot)
{
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;

	if (!elf || !gelf_getehdr(elf, &eh) || eh.e_type != ET_DYN || eh.e_machine != EM_X86_64)
		return -ENOENT;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh, symsh;
		Elf_Data *rel, *syms;
		Elf_Scn *symscn;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || !sh.sh_entsize ||
		    !(symscn = elf_getscn(elf, sh.sh_link)) || !gelf_getshdr(symscn, &symsh) ||
		    symsh.sh_type != SHT_DYNSYM)
			continue;
		rel = elf_getdata(scn, NULL);
		syms = elf_getdata(symscn, NULL);
		if (!rel || !syms)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Rela r;
			GElf_Sym sym;

			if (!gelf_getrela(rel, i, &r) || GELF_R_TYPE(r.r_info) != R_X86_64_GLOB_DAT ||
			    !gelf_getsym(syms, GELF_R_SYM(r.r_info), &sym))
				continue;
			if (sym.st_shndx != SHN_UNDEF && GELF_ST_TYPE(sym.st_info) == STT_OBJECT &&
			    sym.st_value == addr) {
				*slot = r.r_offset;
				return 0;
			}
		}
	}
	return -ENOENT;
}

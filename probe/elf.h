/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_ELF_H
#define VTRACE_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libelf.h>

/* All return 0 or -errno. */

/* -ENOEXEC when path is not an ELF file; *machine gets e_machine. */
int elf_machine(const char *path, int *machine);

/*
 * Is path code vtrace can probe (a 64-bit ELF for probe/arch.h's machine)?
 * 0 yes; -ENOEXEC not an ELF file (msg untouched); -EOPNOTSUPP another
 * class or machine, with the message in msg ("X is a 32-bit ELF for i386;
 * ...").
 */
int elf_target_check(const char *path, char *msg, size_t size);

/*
 * Does an instruction start at addr, decoding from entry (a function's
 * first byte, link-time addresses)?  0 yes, -EINVAL no, -ENOTSUP or
 * -ENOENT when it cannot be told (no decoder, no code there).
 */
int elf_insn_starts_at(Elf *elf, uint64_t entry, uint64_t addr);
int elf_path_insn_starts_at(const char *path, uint64_t entry, uint64_t addr);

/*
 * Finds function symbol name (.symtab, then .dynsym) and the file offset
 * its address maps to (what a uprobe attaches at).  A versioned symbol
 * ("fopen@@GLIBC_2.2.5") is found by its bare name, the default version
 * before others.  -ENOENT: no such function.
 */
int elf_func_offset(const char *path, const char *name, uint64_t *addr,
		    uint64_t *size, uint64_t *file_off);

/* Copies the bytes of section name; -ENOENT when there is none. */
int elf_section_bytes(const char *path, const char *name, void **data, size_t *len);

/*
 * cb(name, address, arg) for every defined function symbol (STT_FUNC; not
 * STT_GNU_IFUNC, whose address is the resolver's) in elf's .symtab and
 * .dynsym; names as stored, versions included.  cb's nonzero return stops
 * the walk and is returned.
 */
int elf_each_func_symbol(Elf *elf, int (*cb)(const char *name, uint64_t addr, void *arg), void *arg);

/*
 * A shared library's exported global at addr, read by its code through a
 * GOT slot (GLOB_DAT) that points to the copy in use (the executable's,
 * after a copy relocation): *slot is that slot's address.  -ENOENT: none.
 */
int elf_got_slot(Elf *elf, uint64_t addr, uint64_t *slot);

/*
 * Does a jump in the code of ranges ([start, end) link-time addresses)
 * land on pc?  An indirect jump counts as landing anywhere.
 */
int elf_jumps_to(Elf *elf, const uint64_t (*ranges)[2], size_t nranges, uint64_t pc, bool *jumped);

/* The length of a symbol's name without its "@VERSION" or "@@VERSION". */
size_t elf_sym_name_len(const char *name);

#endif

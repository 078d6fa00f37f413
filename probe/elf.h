/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_ELF_H
#define VTRACE_ELF_H

#include <stddef.h>
#include <stdint.h>

/* All return 0 or -errno. */

/* -ENOEXEC when path is not an ELF file; *machine gets e_machine. */
int elf_machine(const char *path, int *machine);

/*
 * Finds function symbol name (.symtab, then .dynsym) and the file offset
 * its address maps to (what a uprobe attaches at).  -ENOENT: no such
 * function.
 */
int elf_func_offset(const char *path, const char *name, uint64_t *addr,
		    uint64_t *size, uint64_t *file_off);

/* Copies the bytes of section name; -ENOENT when there is none. */
int elf_section_bytes(const char *path, const char *name, void **data, size_t *len);

#endif

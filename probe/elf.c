// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe/arch.h"
#include "probe/elf.h"

static int elf_open(const char *path, int *fd, Elf **elf)
{
	elf_version(EV_CURRENT);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	*elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!*elf || elf_kind(*elf) != ELF_K_ELF) {
		if (*elf)
			elf_end(*elf);
		close(*fd);
		return -ENOEXEC;
	}
	return 0;
}

static void elf_close(int fd, Elf *elf)
{
	elf_end(elf);
	close(fd);
}

int elf_machine(const char *path, int *machine)
{
	GElf_Ehdr eh;
	Elf *elf;
	int fd, err;

	err = elf_open(path, &fd, &elf);
	if (err)
		return err;
	if (!gelf_getehdr(elf, &eh))
		err = -ENOEXEC;
	else
		*machine = eh.e_machine;
	elf_close(fd, elf);
	return err;
}

static const char *machine_name(int machine)
{
	switch (machine) {
	case EM_386: return "i386";
	case EM_X86_64: return "x86-64";
	case EM_AARCH64: return "aarch64";
	case EM_ARM: return "arm";
	case EM_RISCV: return "riscv";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390";
	case EM_BPF: return "BPF";
	default: return NULL;
	}
}

int elf_target_check(const char *path, char *msg, size_t size)
{
	const char *name;
	GElf_Ehdr eh;
	Elf *elf;
	int fd, err, class;

	err = elf_open(path, &fd, &elf);
	if (err)
		return err;
	class = gelf_getclass(elf);
	if (!gelf_getehdr(elf, &eh))
		err = -ENOEXEC;
	else if (class != ELFCLASS64 || eh.e_machine != ARCH_ELF_MACHINE)
		err = -EOPNOTSUPP;
	elf_close(fd, elf);
	if (err != -EOPNOTSUPP)
		return err;
	name = machine_name(eh.e_machine);
	if (name)
		snprintf(msg, size, "%s is a %d-bit ELF for %s; vtrace probes 64-bit %s code only",
			 path, class == ELFCLASS64 ? 64 : 32, name, ARCH_NAME);
	else
		snprintf(msg, size, "%s is a %d-bit ELF for machine %d; vtrace probes 64-bit %s "
			 "code only", path, class == ELFCLASS64 ? 64 : 32, eh.e_machine, ARCH_NAME);
	return err;
}

int elf_path_insn_starts_at(const char *path, uint64_t entry, uint64_t addr)
{
	Elf *elf;
	int fd, err;

	err = elf_open(path, &fd, &elf);
	if (err)
		return err;
	err = elf_insn_starts_at(elf, entry, addr);
	elf_close(fd, elf);
	return err;
}

size_t elf_sym_name_len(const char *name)
{
	return strcspn(name, "@");
}

static int find_in_symtab(Elf *elf, Elf_Scn *scn, const char *name, GElf_Sym *out)
{
	size_t want = strlen(name);
	bool other_version = false;
	GElf_Shdr sh;
	Elf_Data *data;
	size_t n;

	if (!gelf_getshdr(scn, &sh) || !sh.sh_entsize)
		return -ENOENT;
	data = elf_getdata(scn, NULL);
	if (!data)
		return -ENOENT;
	n = sh.sh_size / sh.sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *s;

		if (!gelf_getsym(data, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    !sym.st_value)
			continue;
		s = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (!s || elf_sym_name_len(s) != want || strncmp(s, name, want))
			continue;
		/* "name" and "name@@V" are the default; a "name@V" only if nothing else is */
		if (!s[want] || s[want + 1] == '@') {
			*out = sym;
			return 0;
		}
		if (!other_version)
			*out = sym;
		other_version = true;
	}
	return other_version ? 0 : -ENOENT;
}

int elf_each_func_symbol(Elf *elf, int (*cb)(const char *name, uint64_t addr, void *arg), void *arg)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *s;
			int rc;

			if (!gelf_getsym(data, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF || !sym.st_value)
				continue;
			s = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!s || !*s)
				continue;
			rc = cb(s, sym.st_value, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int elf_func_offset(const char *path, const char *name, uint64_t *addr,
		    uint64_t *size, uint64_t *file_off)
{
	Elf_Scn *scn = NULL, *symtab = NULL, *dynsym = NULL;
	GElf_Sym sym;
	size_t nph;
	Elf *elf;
	int fd, err;

	err = elf_open(path, &fd, &elf);
	if (err)
		return err;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			symtab = scn;
		else if (sh.sh_type == SHT_DYNSYM)
			dynsym = scn;
	}
	err = -ENOENT;
	if (symtab)
		err = find_in_symtab(elf, symtab, name, &sym);
	if (err && dynsym)
		err = find_in_symtab(elf, dynsym, name, &sym);
	if (err)
		goto out;

	*addr = sym.st_value;
	*size = sym.st_size;
	/* The loadable segment holding the address gives the file offset. */
	err = -ENOENT;
	if (elf_getphdrnum(elf, &nph))
		goto out;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (sym.st_value >= ph.p_vaddr && sym.st_value < ph.p_vaddr + ph.p_memsz) {
			*file_off = sym.st_value - ph.p_vaddr + ph.p_offset;
			err = 0;
			break;
		}
	}
out:
	elf_close(fd, elf);
	return err;
}

int elf_section_bytes(const char *path, const char *name, void **data, size_t *len)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	Elf *elf;
	int fd, err;

	err = elf_open(path, &fd, &elf);
	if (err)
		return err;
	err = -ENOENT;
	if (elf_getshdrstrndx(elf, &shstrndx))
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *s;

		if (!gelf_getshdr(scn, &sh))
			continue;
		s = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!s || strcmp(s, name))
			continue;
		d = elf_getdata(scn, NULL);
		*len = d ? d->d_size : 0;
		*data = malloc(*len ? *len : 1);
		if (!*data) {
			err = -ENOMEM;
			break;
		}
		if (*len)
			memcpy(*data, d->d_buf, *len);
		err = 0;
		break;
	}
out:
	elf_close(fd, elf);
	return err;
}

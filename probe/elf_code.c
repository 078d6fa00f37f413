// SPDX-License-Identifier: GPL-2.0
/*
 * What the machine code says about an address: whether any jump lands on
 * it.  A location GCC gives only at a view of an address (an inlined
 * copy's entry) holds when execution passes through that view, which a
 * jump back to the address (a loop's head) does not.
 */
#include <errno.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>

#include "probe/arch.h"
#include "probe/elf.h"

/* The bytes of [lo, hi) from the executable section holding them. */
static const uint8_t *code_at(Elf *elf, uint64_t lo, uint64_t hi)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) ||
		    lo < sh.sh_addr || hi > sh.sh_addr + sh.sh_size)
			continue;
		data = elf_getdata(scn, NULL);
		return data && data->d_buf ? (const uint8_t *)data->d_buf + (lo - sh.sh_addr) : NULL;
	}
	return NULL;
}

int elf_jumps_to(Elf *elf, const uint64_t (*ranges)[2], size_t nranges, uint64_t pc, bool *jumped)
{
	int rc = 0;

	*jumped = false;
	if (!elf)
		return -ENOTSUP;
	for (size_t r = 0; r < nranges && !rc && !*jumped; r++) {
		const uint8_t *code = code_at(elf, ranges[r][0], ranges[r][1]);

		if (!code)
			return -ENOENT;
		rc = arch_jumps_to(code, ranges[r][1] - ranges[r][0], ranges[r][0], pc, jumped);
	}
	return rc;
}

int elf_insn_starts_at(Elf *elf, uint64_t entry, uint64_t addr)
{
	Elf_Scn *scn = NULL;

	if (!elf)
		return -ENOTSUP;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		uint64_t size;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) ||
		    entry < sh.sh_addr || addr < entry || addr >= sh.sh_addr + sh.sh_size)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf || data->d_size < sh.sh_size)
			return -ENOENT;
		/* decoding stops where the instruction holding addr ends */
		size = addr - entry + 16;
		if (entry - sh.sh_addr + size > sh.sh_size)
			size = sh.sh_size - (entry - sh.sh_addr);
		return arch_insn_starts_at((const uint8_t *)data->d_buf + (entry - sh.sh_addr), size,
					   entry, addr);
	}
	return -ENOENT;
}

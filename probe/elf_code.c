// SPDX-License-Identifier: GPL-2.0
/*
 * What the machine code says about an address: whether any jump lands on
 * it.  A location GCC gives only at a view of an address (an inlined
 * copy's entry) holds when execution passes through that view, which a
 * jump back to the address (a loop's head) does not.
 */
#include <capstone/capstone.h>
#include <errno.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>

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
	csh cs;
	cs_insn *insn;
	int rc = 0;

	*jumped = false;
	if (!elf || cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return -ENOTSUP;
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	insn = cs_malloc(cs);
	for (size_t r = 0; r < nranges && !rc && !*jumped; r++) {
		const uint8_t *code = code_at(elf, ranges[r][0], ranges[r][1]);
		size_t size = ranges[r][1] - ranges[r][0];
		uint64_t addr = ranges[r][0];

		if (!code) {
			rc = -ENOENT;
			break;
		}
		while (size && cs_disasm_iter(cs, &code, &size, &addr, insn)) {
			cs_x86 *x = &insn->detail->x86;

			if (!cs_insn_group(cs, insn, CS_GRP_JUMP))
				continue;
			/* an indirect jump (a switch's table) may land anywhere */
			if (x->op_count != 1 || x->operands[0].type != X86_OP_IMM ||
			    (uint64_t)x->operands[0].imm == pc) {
				*jumped = true;
				break;
			}
		}
	}
	cs_free(insn, 1);
	cs_close(&cs);
	return rc;
}

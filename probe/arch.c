// SPDX-License-Identifier: GPL-2.0
/* x86-64: see probe/arch.h. */
#include <capstone/capstone.h>
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "probe/arch.h"
#include "vtrace_sample.h"

_Static_assert(ARCH_ELF_MACHINE == EM_X86_64, "probe/arch.h names the machine");
_Static_assert(ARCH_PT_REGS_SIZE == VTRACE_UREGS_SIZE, "a sample's user registers are a struct pt_regs");

static const struct {
	const char *name, *short_name, *low32;
	int pt_regs;		/* byte offset in struct pt_regs */
} regs[DREG_NUM] = {
	[DREG_RAX] = { "rax", "ax", "eax", 80 },
	[DREG_RDX] = { "rdx", "dx", "edx", 96 },
	[DREG_RCX] = { "rcx", "cx", "ecx", 88 },
	[DREG_RBX] = { "rbx", "bx", "ebx", 40 },
	[DREG_RSI] = { "rsi", "si", "esi", 104 },
	[DREG_RDI] = { "rdi", "di", "edi", 112 },
	[DREG_RBP] = { "rbp", "bp", "ebp", 32 },
	[DREG_RSP] = { "rsp", "sp", "esp", 152 },
	[DREG_R8] = { "r8", "r8", "r8d", 72 },
	[DREG_R9] = { "r9", "r9", "r9d", 64 },
	[DREG_R10] = { "r10", "r10", "r10d", 56 },
	[DREG_R11] = { "r11", "r11", "r11d", 48 },
	[DREG_R12] = { "r12", "r12", "r12d", 24 },
	[DREG_R13] = { "r13", "r13", "r13d", 16 },
	[DREG_R14] = { "r14", "r14", "r14d", 8 },
	[DREG_R15] = { "r15", "r15", "r15d", 0 },
	[DREG_RIP] = { "rip", "ip", "eip", 128 },
};

/* The SysV calling convention's integer argument registers, in order. */
static const int arg_regs[ARCH_ARG_REGS] = { DREG_RDI, DREG_RSI, DREG_RDX, DREG_RCX, DREG_R8, DREG_R9 };

int pt_regs_offset(int reg)
{
	return reg >= 0 && reg < DREG_NUM ? regs[reg].pt_regs : -1;
}

const char *arch_reg_name(int reg)
{
	return reg >= 0 && reg < DREG_NUM ? regs[reg].name : NULL;
}

int arch_reg_by_name(const char *name)
{
	for (int i = 0; i < DREG_NUM; i++)
		if (!strcmp(name, regs[i].name) || !strcmp(name, regs[i].short_name) ||
		    !strcmp(name, regs[i].low32))
			return i;
	return -1;
}

int arch_arg_reg(unsigned i)
{
	return i < ARCH_ARG_REGS ? arg_regs[i] : -1;
}

/* DWARF register numbers 17..32 are xmm0..15. */
bool arch_is_vector_reg(int reg)
{
	return reg >= 17 && reg <= 32;
}

static int open_decoder(csh *cs, bool detail)
{
	if (cs_open(CS_ARCH_X86, CS_MODE_64, cs) != CS_ERR_OK)
		return -ENOTSUP;
	if (detail)
		cs_option(*cs, CS_OPT_DETAIL, CS_OPT_ON);
	return 0;
}

int arch_insn_starts_at(const uint8_t *code, size_t size, uint64_t start, uint64_t addr)
{
	uint64_t pc = start;
	cs_insn *insn;
	int rc = -EINVAL;
	csh cs;

	if (open_decoder(&cs, false))
		return -ENOTSUP;
	insn = cs_malloc(cs);
	while (pc <= addr && cs_disasm_iter(cs, &code, &size, &pc, insn)) {
		if (insn->address == addr) {
			rc = 0;
			break;
		}
	}
	if (pc == addr)
		rc = 0;
	cs_free(insn, 1);
	cs_close(&cs);
	return rc;
}

int arch_jumps_to(const uint8_t *code, size_t size, uint64_t start, uint64_t pc, bool *jumped)
{
	uint64_t addr = start;
	cs_insn *insn;
	csh cs;

	if (open_decoder(&cs, true))
		return -ENOTSUP;
	insn = cs_malloc(cs);
	while (size && cs_disasm_iter(cs, &code, &size, &addr, insn)) {
		cs_x86 *x = &insn->detail->x86;

		if (!cs_insn_group(cs, insn, CS_GRP_JUMP))
			continue;
		/* an indirect jump (a switch's table) may land anywhere */
		if (x->op_count != 1 || x->operands[0].type != X86_OP_IMM || (uint64_t)x->operands[0].imm == pc) {
			*jumped = true;
			break;
		}
	}
	cs_free(insn, 1);
	cs_close(&cs);
	return 0;
}

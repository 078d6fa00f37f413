// SPDX-License-Identifier: GPL-2.0
/* probe/arch.c against the system's own headers and a few hand-decoded instructions. */
#include <errno.h>
#include <stddef.h>
#include <asm/ptrace.h>

#include "probe/arch.h"
#include "test.h"

int main(void)
{
	/* the user-space struct pt_regs of <asm/ptrace.h> is the kernel's layout */
	static const struct { int reg; size_t off; } regs[] = {
		{ DREG_RAX, offsetof(struct pt_regs, rax) }, { DREG_RDX, offsetof(struct pt_regs, rdx) },
		{ DREG_RCX, offsetof(struct pt_regs, rcx) }, { DREG_RBX, offsetof(struct pt_regs, rbx) },
		{ DREG_RSI, offsetof(struct pt_regs, rsi) }, { DREG_RDI, offsetof(struct pt_regs, rdi) },
		{ DREG_RBP, offsetof(struct pt_regs, rbp) }, { DREG_RSP, offsetof(struct pt_regs, rsp) },
		{ DREG_R8, offsetof(struct pt_regs, r8) }, { DREG_R9, offsetof(struct pt_regs, r9) },
		{ DREG_R10, offsetof(struct pt_regs, r10) }, { DREG_R11, offsetof(struct pt_regs, r11) },
		{ DREG_R12, offsetof(struct pt_regs, r12) }, { DREG_R13, offsetof(struct pt_regs, r13) },
		{ DREG_R14, offsetof(struct pt_regs, r14) }, { DREG_R15, offsetof(struct pt_regs, r15) },
		{ DREG_RIP, offsetof(struct pt_regs, rip) },
	};
	bool all = true;
	/* push %rbp; mov %rsp,%rbp; jmp +0 (to 6); ret */
	static const uint8_t code[] = { 0x55, 0x48, 0x89, 0xe5, 0xeb, 0x00, 0xc3 };
	bool jumped;

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		all = all && pt_regs_offset(regs[i].reg) == (int)regs[i].off;
	CHECK(all, "pt_regs offsets are <asm/ptrace.h>'s");
	CHECK_INT(ARCH_PT_REGS_SIZE, sizeof(struct pt_regs), "pt_regs size");
	CHECK_INT(pt_regs_offset(DREG_NUM), -1, "no offset past the registers");
	CHECK_INT(pt_regs_offset(-1), -1, "none for -1");

	CHECK_STR(arch_reg_name(DREG_RDI), "rdi", "DWARF 5 is rdi");
	CHECK_STR(arch_reg_name(DREG_R8), "r8", "DWARF 8 is r8");
	CHECK(!arch_reg_name(DREG_CTX), "ctx is no machine register");
	CHECK_INT(arch_reg_by_name("di"), DREG_RDI, "di");
	CHECK_INT(arch_reg_by_name("rdi"), DREG_RDI, "rdi");
	CHECK_INT(arch_reg_by_name("edi"), DREG_RDI, "edi");
	CHECK_INT(arch_reg_by_name("r9d"), DREG_R9, "r9d");
	CHECK_INT(arch_reg_by_name("ip"), DREG_RIP, "ip");
	CHECK_INT(arch_reg_by_name("xmm0"), -1, "xmm0 is not an integer register");
	CHECK(arch_arg_reg(0) == DREG_RDI && arch_arg_reg(1) == DREG_RSI && arch_arg_reg(2) == DREG_RDX &&
	      arch_arg_reg(3) == DREG_RCX && arch_arg_reg(4) == DREG_R8 && arch_arg_reg(5) == DREG_R9,
	      "SysV argument registers in order");
	CHECK_INT(arch_arg_reg(6), -1, "the 7th argument is on the stack");
	CHECK(arch_is_vector_reg(17) && arch_is_vector_reg(32) && !arch_is_vector_reg(16) &&
	      !arch_is_vector_reg(33), "xmm0..15 are DWARF 17..32");

	CHECK_INT(arch_insn_starts_at(code, sizeof(code), 0x1000, 0x1001), 0, "mov starts after push");
	CHECK_INT(arch_insn_starts_at(code, sizeof(code), 0x1000, 0x1002), -EINVAL, "inside mov");
	CHECK_INT(arch_insn_starts_at(code, sizeof(code), 0x1000, 0x1004), 0, "jmp starts after mov");
	CHECK_INT(arch_insn_starts_at(code, sizeof(code), 0x1000, 0x1005), -EINVAL, "inside jmp");
	jumped = false;
	CHECK_INT(arch_jumps_to(code, sizeof(code), 0x1000, 0x1006, &jumped), 0, "jumps decoded");
	CHECK(jumped, "the jmp lands on the ret");
	jumped = false;
	arch_jumps_to(code, sizeof(code), 0x1000, 0x1001, &jumped);
	CHECK(!jumped, "nothing jumps to the mov");
	return TEST_DONE();
}

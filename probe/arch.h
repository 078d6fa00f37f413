/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_ARCH_H
#define VTRACE_ARCH_H
/*
 * Every fact about the machine vtrace probes (x86-64) in one place, as
 * perf's arch/ and bpftrace's arch/x86_64.cpp keep them: register numbers
 * and names, where struct pt_regs keeps each register, which registers
 * carry a call's arguments, and the instruction decoder's questions.
 * (The BPF-side header bpf/include/vtrace.h, compiled for the target,
 * reads the user sp from a pt_regs copy by its own index.)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* DWARF register numbers (the psABI's), which fetches use. */
enum {
	DREG_RAX, DREG_RDX, DREG_RCX, DREG_RBX, DREG_RSI, DREG_RDI, DREG_RBP, DREG_RSP,
	DREG_R8, DREG_R9, DREG_R10, DREG_R11, DREG_R12, DREG_R13, DREG_R14, DREG_R15,
	DREG_RIP, DREG_NUM,
	DREG_CTX = DREG_NUM,	/* the program's context: raw_tp u64 args[], a tp record */
};

/* the ELF machine (e_machine) of the code vtrace probes, and its name */
#define ARCH_ELF_MACHINE 62	/* EM_X86_64 */
#define ARCH_NAME "x86-64"

/* sizeof(struct pt_regs): what a user-register copy holds */
#define ARCH_PT_REGS_SIZE 168
/* integer arguments passed in registers */
#define ARCH_ARG_REGS 6
/* plain char is signed */
#define ARCH_CHAR_SIGNED true

/* Byte offset in struct pt_regs of a DWARF register, -1 if none. */
int pt_regs_offset(int dwarf_reg);
/* "rax".."r15", "rip"; NULL for a number that is not one of those. */
const char *arch_reg_name(int dwarf_reg);
/* A register by any of its names (rax, ax, eax; r8, r8d; rip, ip), -1 if none. */
int arch_reg_by_name(const char *name);
/* The DWARF register of the i-th integer argument, -1 past the registers. */
int arch_arg_reg(unsigned i);
/* A vector register (xmm0..15), which a BPF program cannot read. */
bool arch_is_vector_reg(int dwarf_reg);

/*
 * The machine code.  Does an instruction start at addr, decoding size
 * bytes of code from start (0 yes, -EINVAL no, -ENOTSUP no decoder)?
 * Does a jump in those bytes land on pc, or anywhere unknown (an
 * indirect jump): *jumped (0, or -ENOTSUP)?
 */
int arch_insn_starts_at(const uint8_t *code, size_t size, uint64_t start, uint64_t addr);
int arch_jumps_to(const uint8_t *code, size_t size, uint64_t start, uint64_t pc, bool *jumped);

#endif

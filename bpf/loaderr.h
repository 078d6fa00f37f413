/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_LOADERR_H
#define VTRACE_LOADERR_H

#include <stddef.h>
#include <linux/bpf.h>

/*
 * Why the kernel refused a program, told in one line: the verifier's
 * reason and the source line it names.  When the reason is an instruction
 * libbpf poisoned because a CO-RE relocation found nothing in the running
 * kernel (a call to 0xbad2310, "invalid func unknown#195896080"), the line
 * names that relocation instead: its kind, the type and the field, and the
 * source line that reads the field.
 *
 * src: the program's file as the user named it; prog: the program's name;
 * log: libbpf's warnings for the load (the verifier's log between
 * "-- BEGIN PROG LOAD LOG --" and "-- END PROG LOAD LOG --"); relos:
 * libbpf's debug lines about CO-RE relocations ("prog 'f': relo #0: ...",
 * "CO-RE relocating [26] struct x: ..."), or NULL; insns, cnt: the program
 * as it went to the kernel (vtrace's code in front), or NULL.
 *
 * Prints through pr_err() and returns 0, or -ENOENT (printing nothing)
 * when log holds no verifier log (a program over the kernel's size limit
 * is named as such: the kernel refuses it before the verifier runs).
 */
int load_error_report(const char *src, const char *prog, const char *log, const char *relos,
		      const struct bpf_insn *insns, size_t cnt);

/* The call libbpf puts where a CO-RE relocation failed. */
#define LIBBPF_POISON_CORE_IMM 195896080	/* 0xbad2310 */

#endif

// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "bpf/insn.h"
#include "bpf/rewrite.h"
#include "test.h"
#include "vtrace_sample.h"

int main(void)
{
	struct bpf_insn pre[PROLOGUE_PID_FILTER_LEN], user[6];
	struct bpf_func_info fi[2] = { { 0, 3 }, { 4, 5 } };
	struct bpf_line_info li[3] = { { 0, 1, 1, 0 }, { 2, 1, 2, 0 }, { 4, 1, 3, 0 } };
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	struct rewrite rw;
	size_t n;

	n = prologue_pid_filter(pre, 42);
	CHECK_INT(n, PROLOGUE_PID_FILTER_LEN, "pid filter length is fixed");
	CHECK(pre[0].code == (BPF_ALU64 | BPF_MOV | BPF_X) && pre[0].dst_reg == 6 && pre[0].src_reg == 1,
	      "filter saves ctx in r6");
	CHECK(pre[6].code == (BPF_LD | BPF_DW | BPF_IMM) && pre[6].src_reg == BPF_PSEUDO_MAP_FD &&
	      pre[6].imm == 42, "filter loads the pid map by fd");
	CHECK(pre[n - 1].code == (BPF_ALU64 | BPF_MOV | BPF_X) && pre[n - 1].dst_reg == 1 &&
	      pre[n - 1].src_reg == 6, "filter restores ctx in r1");
	CHECK(pre[9].code == (BPF_JMP | BPF_JNE | BPF_K) && pre[9].off == 2 &&
	      pre[12].code == (BPF_ALU64 | BPF_MOV | BPF_X), "a traced pid jumps over the early exit");

	/* main: 0..3 with an ld_imm64 of the magic at 1; subprog at 4 */
	user[0] = MOV64_IMM(BPF_REG_0, 0);
	user[1] = LD_IMM64_LO(BPF_REG_1, 0, VTRACE_PROBE_ID_MAGIC);
	user[2] = LD_IMM64_HI(VTRACE_PROBE_ID_MAGIC);
	user[3] = EXIT_INSN();
	user[4] = MOV64_IMM(BPF_REG_0, 1);
	user[5] = EXIT_INSN();
	opts.func_info = fi;
	opts.func_info_cnt = 2;
	opts.func_info_rec_size = sizeof(fi[0]);
	opts.line_info = li;
	opts.line_info_cnt = 3;
	opts.line_info_rec_size = sizeof(li[0]);

	CHECK_INT(rewrite_program(&rw, pre, n, user, 6, 7, &opts), 0, "rewrite");
	CHECK_INT(rw.cnt, n + 6, "prologue + user instructions");
	CHECK(!memcmp(rw.insns, pre, n * sizeof(pre[0])), "prologue first");
	CHECK_INT(rw.insns[n + 1].imm, 7, "probe id patched into the low half");
	CHECK_INT(rw.insns[n + 2].imm, 0, "and the high half cleared");
	CHECK_INT(((struct bpf_func_info *)opts.func_info)[0].insn_off, 0, "main func info stays at 0");
	CHECK_INT(((struct bpf_func_info *)opts.func_info)[1].insn_off, 4 + n, "subprog func info shifted");
	CHECK_INT(((struct bpf_line_info *)opts.line_info)[0].insn_off, 0, "first line info stays at 0");
	CHECK_INT(((struct bpf_line_info *)opts.line_info)[1].insn_off, 2 + n, "line info shifted");
	CHECK_INT(((struct bpf_line_info *)opts.line_info)[2].insn_off, 4 + n, "last line info shifted");
	CHECK_INT(fi[1].insn_off, 4, "libbpf's own copy untouched");
	rewrite_free(&rw);

	/* no prologue: code unchanged but for the id; BTF info untouched */
	opts.func_info = fi;
	CHECK_INT(rewrite_program(&rw, NULL, 0, user, 6, 9, &opts), 0, "rewrite without prologue");
	CHECK(opts.func_info == fi && rw.insns[1].imm == 9 && rw.cnt == 6, "only the id changes");
	CHECK_INT(rewrite_patch_probe_id(rw.insns, rw.cnt, 3), 0, "nothing left to patch");
	rewrite_free(&rw);
	return TEST_DONE();
}

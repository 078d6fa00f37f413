// SPDX-License-Identifier: GPL-2.0
/* The prologue generator, a pure function from fetch operations to BPF code. */
#include <stdlib.h>

#include "bpf/insn.h"
#include "bpf/prologue.h"
#include "bpf/rewrite.h"
#include "test.h"

static struct fetch_arg reg_arg(int reg, int size, bool sign)
{
	return (struct fetch_arg){ .name = "a", .base = FETCH_REG, .reg = reg, .final = FINAL_INT,
				   .size = size, .is_signed = sign };
}

static int count_calls(const struct insn_buf *b, int helper)
{
	int n = 0;

	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].code == (BPF_JMP | BPF_CALL) && b->v[i].src_reg == 0 && b->v[i].imm == helper)
			n++;
	return n;
}

int main(void)
{
	struct fetch_arg args[3] = { reg_arg(DREG_RDI, 8, 1), reg_arg(DREG_RSI, 8, 0), reg_arg(DREG_RDX, 8, 0) };
	struct probe_instance in = { .args = args, .nargs = 3 }, two[2];
	struct sample_layout l;
	struct insn_buf b = { 0 };
	struct wrapper w = { .target = TARGET_USER, .insts = &in, .ninsts = 1, .layout = &l, .probe_id = 5,
			     .scratch_fd = 10, .rb_fd = 11, .lost_fd = 12, .pids_fd = -1 };
	size_t bad, call_at = 0;
	int64_t deref = 8;

	CHECK(prologue_is_fast(&in, 1), "register args take the fast path");
	CHECK_INT(prologue_fast_fetch(&b, &in), 0, "fast fetch");
	CHECK_INT(b.n, 4, "fast path: n + 1 instructions for n register args");
	CHECK(b.v[0].code == (BPF_LDX | BPF_MEM | BPF_DW) && b.v[0].dst_reg == BPF_REG_3 &&
	      b.v[0].src_reg == BPF_REG_6 && b.v[0].off == pt_regs_offset(DREG_RDI), "r3 = regs->di");
	CHECK(b.v[1].dst_reg == BPF_REG_4 && b.v[1].off == pt_regs_offset(DREG_RSI), "r4 = regs->si");
	CHECK(b.v[2].dst_reg == BPF_REG_5 && b.v[2].off == pt_regs_offset(DREG_RDX), "r5 = regs->dx");
	CHECK(b.v[3].code == (BPF_ALU64 | BPF_MOV | BPF_K) && b.v[3].dst_reg == BPF_REG_2 && b.v[3].imm == 0,
	      "r2 = 0");
	insn_buf_free(&b);

	args[0] = reg_arg(DREG_RDI, 4, 1);
	args[1] = reg_arg(DREG_RSI, 2, 0);
	prologue_fast_fetch(&b, &in);
	CHECK_INT(b.n, 6, "a narrow signed register arg takes two more (sign extension)");
	CHECK(b.v[0].code == (BPF_LDX | BPF_MEM | BPF_W) && b.v[1].imm == 32 &&
	      b.v[2].code == (BPF_ALU64 | BPF_ARSH | BPF_K) && b.v[2].imm == 32, "int: load 4, shift 32 both ways");
	CHECK(b.v[3].code == (BPF_LDX | BPF_MEM | BPF_H), "unsigned short: one 2-byte load");
	insn_buf_free(&b);

	/* a memory arg: the slow path reads through the probe-read helper of the target */
	args[2] = (struct fetch_arg){ .name = "m", .base = FETCH_MEM_REG, .reg = DREG_RDI, .offset = 16,
				      .derefs = &deref, .nderefs = 1, .final = FINAL_INT, .size = 4,
				      .is_signed = 1 };
	CHECK(!prologue_is_fast(&in, 1), "a memory arg leaves the fast path");
	CHECK_INT(sample_layout_build(&l, &in), 0, "sample layout");
	CHECK(l.off[0] == SAMPLE_ARGS_OFF && l.off[1] == SAMPLE_ARGS_OFF + 8 && l.total == SAMPLE_ARGS_OFF + 24,
	      "three 8-byte slots after the header and the fault word");
	CHECK_INT(prologue_emit(&b, &w, &bad), 0, "wrapper for a uprobe");
	CHECK_INT(count_calls(&b, BPF_FUNC_probe_read_user), 2, "a deref and the final read: two user reads");
	CHECK_INT(count_calls(&b, BPF_FUNC_probe_read_kernel), 0, "no kernel reads for a uprobe");
	CHECK_INT(count_calls(&b, BPF_FUNC_ringbuf_output), 1, "one ring buffer output");
	CHECK_INT(count_calls(&b, BPF_FUNC_get_attach_cookie), 0, "one instance: no dispatch");
	for (size_t i = 0; i < b.n; i++)
		if (b.v[i].code == (BPF_JMP | BPF_CALL) && b.v[i].src_reg == BPF_PSEUDO_CALL)
			call_at = i;
	CHECK(call_at && b.v[call_at].imm == (int)(b.n - call_at - 1), "the call lands right after the wrapper");
	CHECK(b.v[b.n - 1].code == (BPF_JMP | BPF_EXIT), "the wrapper ends with exit");
	insn_buf_free(&b);

	w.target = TARGET_KERNEL;
	prologue_emit(&b, &w, &bad);
	CHECK_INT(count_calls(&b, BPF_FUNC_probe_read_kernel), 2, "kernel probes read kernel addresses with probe_read_kernel");
	CHECK_INT(count_calls(&b, BPF_FUNC_probe_read_user), 2, "and user addresses (a syscall's buffer) with probe_read_user");
	insn_buf_free(&b);

	/* two instances with different layouts: dispatch on the attach cookie */
	two[0] = in;
	two[1] = in;
	w.insts = two;
	w.ninsts = 2;
	w.target = TARGET_USER;
	prologue_emit(&b, &w, &bad);
	CHECK_INT(count_calls(&b, BPF_FUNC_get_attach_cookie), 1, "two instances: the cookie picks the layout");
	CHECK_INT(count_calls(&b, BPF_FUNC_probe_read_user), 4, "each instance its own reads");
	insn_buf_free(&b);

	/* a raw tracepoint cannot read pt_regs */
	w.target = TARGET_RAW_TP;
	w.ninsts = 1;
	w.insts = &in;
	CHECK_INT(prologue_emit(&b, &w, &bad), -22, "registers are refused for a raw tracepoint");
	CHECK_INT(bad, 2, "and the arg is named");
	insn_buf_free(&b);
	sample_layout_free(&l);

	{
		/* a computed location: status % 7 + 1 as gcc -O2 writes it, x - (x/7)*7 + 1 */
		struct fetch_op ops[] = {
			{ FOP_REG, DREG_RSI, 0 }, { FOP_CONST, 0, 7 }, { FOP_OVER, 0, 0 }, { FOP_OVER, 0, 0 },
			{ FOP_DIV, 0, 0 }, { FOP_MUL, 0, 0 }, { FOP_SUB, 0, 0 }, { FOP_PLUS_CONST, 0, 1 },
		};
		struct fetch_arg e = { .name = "factor", .base = FETCH_EXPR, .ops = ops, .nops = 8,
				       .final = FINAL_INT, .size = 4, .is_signed = 1 };
		struct probe_instance ein = { .args = &e, .nargs = 1 };
		struct sample_layout el;
		struct wrapper ew = w;
		int divs = 0, negs = 0, faults = 0;

		CHECK(!prologue_is_fast(&ein, 1), "a computed value is not a fast-path register");
		sample_layout_build(&el, &ein);
		ew.insts = &ein;
		ew.ninsts = 1;
		ew.layout = &el;
		ew.target = TARGET_USER;
		CHECK_INT(prologue_emit(&b, &ew, &bad), 0, "wrapper for a computed value");
		for (size_t i = 0; i < b.n; i++) {
			divs += b.v[i].code == (BPF_ALU64 | BPF_DIV | BPF_X);
			negs += b.v[i].code == (BPF_ALU64 | BPF_NEG);
			/* the arg's fault path would set bit 0 of r9 */
			faults += b.v[i].code == (BPF_ALU64 | BPF_OR | BPF_K) && b.v[i].dst_reg == BPF_REG_9;
		}
		CHECK(divs == 1 && negs == 3, "DWARF's signed division: magnitudes divided, sign restored");
		CHECK_INT(faults, 0, "no deref, no fault path (it would be unreachable code)");
		insn_buf_free(&b);
		sample_layout_free(&el);
	}

	{
		/* rewrite_wrap: the wrapper is the entry, the user's function a subprogram */
		struct bpf_insn wrap[3] = { MOV64_IMM(0, 0), MOV64_IMM(0, 0), EXIT_INSN() };
		struct bpf_insn user[4] = { MOV64_IMM(0, 1), EXIT_INSN(), MOV64_IMM(0, 2), EXIT_INSN() };
		struct bpf_func_info fi[2] = { { 0, 7 }, { 2, 9 } };
		struct bpf_line_info li[2] = { { 0, 1, 1, 0 }, { 2, 1, 5, 0 } };
		LIBBPF_OPTS(bpf_prog_load_opts, opts, .func_info = fi, .func_info_cnt = 2,
			    .func_info_rec_size = sizeof(fi[0]), .line_info = li, .line_info_cnt = 2,
			    .line_info_rec_size = sizeof(li[0]));
		struct rewrite rw;
		const struct bpf_func_info *nf;
		const struct bpf_line_info *nl;

		CHECK_INT(rewrite_wrap(&rw, wrap, 3, user, 4, 1, &opts), 0, "rewrite_wrap");
		nf = opts.func_info;
		nl = opts.line_info;
		CHECK(opts.func_info_cnt == 3 && nf[0].insn_off == 0 && nf[0].type_id == 7 &&
		      nf[1].insn_off == 3 && nf[1].type_id == 7 && nf[2].insn_off == 5, "func info: entry, user, subprog");
		CHECK(opts.line_info_cnt == 3 && nl[0].insn_off == 0 && nl[1].insn_off == 3 &&
		      nl[2].insn_off == 5 && nl[2].line_off == 5, "line info: one at 0, the rest shifted");
		rewrite_free(&rw);
	}
	return TEST_DONE();
}

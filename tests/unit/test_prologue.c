// SPDX-License-Identifier: GPL-2.0
/* The prologue generator, a pure function from fetch operations to BPF code. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/insn.h"
#include "bpf/prologue.h"
#include "bpf/rewrite.h"
#include "test.h"
#include "vtrace_sample.h"

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

/*
 * A small interpreter for what the generator emits, its helpers mocked: a
 * wrapper runs on a fake pt_regs over a fake address space, and the test
 * looks at the sample it sends.  Fake addresses are only read through the
 * probe-read helpers; loads and stores go to real (host) memory: the
 * context, the stack and the scratch sample.
 */
struct region {
	uint64_t addr;
	const void *data;
	size_t len;
};

struct vm {
	const struct region *mem;
	size_t nmem;
	uint64_t regs[32];		/* pt_regs */
	uint8_t scratch[4096];		/* the map value lookups return */
	uint8_t sample[4096];		/* what ringbuf_output (or submit) sent */
	uint8_t reserved[4096];		/* what ringbuf_reserve gave: old bytes, ring_fill */
	uint64_t reserved_size;
	uint8_t ring_fill;
	bool ring_full;			/* ringbuf_reserve fails */
	int nsamples;
	uint64_t seen[4];		/* r2..r5 as the user's function saw them */
	uint64_t reads, bad_reads;	/* probe-read calls; those at an address off the map */
	uint64_t lost;			/* the lost-sample counter */
	bool no_task_storage;		/* task_storage_get fails */
	uint64_t pid_tgid;		/* get_current_pid_tgid; its tgid is the traced one (PIDS_FD) */
	int pid_calls;
	int fault_reads;		/* reads that may fault pages in (sleepable programs') */
};

#define OBSERVE 9999	/* the "helper" the user's function calls to show r2..r5 */
#define STR_KFUNC 4242	/* bpf_copy_from_user_str's BTF id, for the tests */
#define TASK_SCRATCH_FD 13
#define PIDS_FD 14
#define TRACED_TGID 4711

/*
 * The generator's read modes: probe-read helpers, a sleepable program with
 * the string kfunc, and one without it (strings touch their pages first).
 */
enum read_mode { PROBE_READ, SLEEPABLE, SLEEPABLE_NO_KFUNC };
static enum read_mode mode;
static const char *const mode_prefix[] = { "", "sleepable: ", "sleepable, no kfunc: " };

static void set_mode(struct wrapper *w)
{
	w->sleepable = mode != PROBE_READ;
	w->task_scratch_fd = TASK_SCRATCH_FD;
	w->str_kfunc = mode == SLEEPABLE ? STR_KFUNC : 0;
}

/* A check named for the read mode it runs in. */
#define MCHECK(cond, name) do {							char n_[256];								snprintf(n_, sizeof(n_), "%s%s", mode_prefix[mode], name);		CHECK(cond, n_);						} while (0)

static const uint8_t *vm_find(const struct vm *vm, uint64_t addr, uint64_t len)
{
	for (size_t i = 0; i < vm->nmem; i++)
		if (addr >= vm->mem[i].addr && len <= vm->mem[i].len &&
		    addr - vm->mem[i].addr <= vm->mem[i].len - len)
			return (const uint8_t *)vm->mem[i].data + (addr - vm->mem[i].addr);
	return NULL;
}

static uint64_t vm_helper(struct vm *vm, int id, uint64_t *r)
{
	uint8_t *dst = (uint8_t *)(uintptr_t)r[1];
	const uint8_t *src;
	size_t n;

	switch (id) {
	case BPF_FUNC_map_lookup_elem:
		if (r[1] == PIDS_FD)
			return *(uint32_t *)(uintptr_t)r[2] == TRACED_TGID ? (uint64_t)(uintptr_t)&vm->lost : 0;
		return r[1] == 10 ? (uint64_t)(uintptr_t)vm->scratch :
		       r[1] == 12 ? (uint64_t)(uintptr_t)&vm->lost : 0;
	case BPF_FUNC_task_storage_get:
		if (r[1] != TASK_SCRATCH_FD || r[2] != 0x7a5c || r[4] != BPF_LOCAL_STORAGE_GET_F_CREATE ||
		    vm->no_task_storage)
			return 0;
		return (uint64_t)(uintptr_t)vm->scratch;
	case BPF_FUNC_get_current_task_btf:
		return 0x7a5c;
	case BPF_FUNC_copy_from_user:
		/* the same convention: 0 or -EFAULT, a zeroed destination */
		vm->fault_reads++;
		return vm_helper(vm, BPF_FUNC_probe_read_user, r);
	case BPF_FUNC_probe_read_user:
	case BPF_FUNC_probe_read_kernel:
		vm->reads++;
		src = vm_find(vm, r[3], r[2]);
		if (!src) {
			vm->bad_reads++;
			memset(dst, 0, r[2]);	/* as the kernel's helpers do */
			return -14;
		}
		memcpy(dst, src, r[2]);
		return 0;
	case BPF_FUNC_probe_read_user_str:
	case BPF_FUNC_probe_read_kernel_str:
		vm->reads++;
		src = vm_find(vm, r[3], 1);
		if (!src) {
			vm->bad_reads++;
			memset(dst, 0, r[2]);
			return -14;
		}
		for (n = 0; n + 1 < r[2] && vm_find(vm, r[3] + n, 1) && src[n]; n++)
			dst[n] = src[n];
		dst[n] = 0;
		return n + 1;
	case BPF_FUNC_ringbuf_output:
		memcpy(vm->sample, (void *)(uintptr_t)r[2], r[3]);
		vm->nsamples++;
		return 0;
	case BPF_FUNC_ringbuf_reserve:
		if (r[1] != 11 || r[3] || r[2] > sizeof(vm->reserved) || vm->ring_full)
			return 0;
		memset(vm->reserved, vm->ring_fill, sizeof(vm->reserved));
		vm->reserved_size = r[2];
		return (uint64_t)(uintptr_t)vm->reserved;
	case BPF_FUNC_ringbuf_submit:
		if (r[1] != (uint64_t)(uintptr_t)vm->reserved || r[2] != BPF_RB_NO_WAKEUP)
			return 0;
		memcpy(vm->sample, vm->reserved, vm->reserved_size);
		vm->nsamples++;
		return 0;
	case BPF_FUNC_get_current_comm:
		memset(dst, 0, r[2]);	/* the kernel's pads with zeros */
		memcpy(dst, "t", 2);
		return 0;
	case BPF_FUNC_get_current_pid_tgid:
		vm->pid_calls++;
		return vm->pid_tgid;
	case OBSERVE:
		memcpy(vm->seen, &r[2], sizeof(vm->seen));
		return 0;
	default:	/* pid_tgid, ktime, cpu, attach cookie: 0 will do */
		return 0;
	}
}

static int64_t vm_alu(int op, uint64_t d, uint64_t s)
{
	switch (op) {
	case BPF_ADD: return d + s;
	case BPF_SUB: return d - s;
	case BPF_MUL: return d * s;
	case BPF_DIV: return s ? d / s : 0;
	case BPF_MOD: return s ? d % s : d;
	case BPF_OR: return d | s;
	case BPF_AND: return d & s;
	case BPF_XOR: return d ^ s;
	case BPF_LSH: return d << (s & 63);
	case BPF_RSH: return d >> (s & 63);
	case BPF_ARSH: return (uint64_t)((int64_t)d >> (s & 63));
	case BPF_NEG: return -d;
	default: return s;	/* BPF_MOV */
	}
}

static bool vm_cond(int op, uint64_t d, uint64_t s)
{
	switch (op) {
	case BPF_JEQ: return d == s;
	case BPF_JNE: return d != s;
	case BPF_JGT: return d > s;
	case BPF_JGE: return d >= s;
	case BPF_JSGT: return (int64_t)d > (int64_t)s;
	case BPF_JSGE: return (int64_t)d >= (int64_t)s;
	case BPF_JSLT: return (int64_t)d < (int64_t)s;
	case BPF_JSLE: return (int64_t)d <= (int64_t)s;
	default: return true;	/* BPF_JA */
	}
}

/*
 * bpf_copy_from_user_str(dst, size, src, flags): as probe_read_user_str, and
 * with BPF_F_PAD_ZEROS zeroed past the string; returned as an int leaves
 * r0, its upper half zero.
 */
static uint64_t vm_kfunc(struct vm *vm, int id, uint64_t *r)
{
	uint8_t *dst = (uint8_t *)(uintptr_t)r[1];
	uint64_t ret;

	if (id != STR_KFUNC || r[4] != 1)
		return (uint32_t)-22;
	vm->fault_reads++;
	memset(dst, 0, r[2]);
	ret = vm_helper(vm, BPF_FUNC_probe_read_user_str, r);
	return (uint32_t)ret;
}

/* Runs prog (a wrapper and the user's function after it); returns r0. */
static uint64_t vm_run(struct vm *vm, const struct bpf_insn *prog, size_t n)
{
	static uint8_t stack[8][512];
	uint64_t r[11] = { 0 }, saved[8][6];
	size_t pc = 0, depth = 0;

	r[1] = (uint64_t)(uintptr_t)vm->regs;
	r[10] = (uint64_t)(uintptr_t)(stack[0] + 512);
	while (pc < n) {
		const struct bpf_insn *in = &prog[pc++];
		int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
		uint64_t src = BPF_SRC(in->code) == BPF_X ? r[in->src_reg] : (uint64_t)(int64_t)in->imm;
		int size = BPF_SIZE(in->code) == BPF_B ? 1 : BPF_SIZE(in->code) == BPF_H ? 2 :
			   BPF_SIZE(in->code) == BPF_W ? 4 : 8;
		uint64_t v = 0;

		switch (cls) {
		case BPF_ALU64:
			r[in->dst_reg] = vm_alu(op, r[in->dst_reg], src);
			break;
		case BPF_LD:	/* ld_imm64 */
			r[in->dst_reg] = (uint32_t)in->imm | (uint64_t)(uint32_t)prog[pc++].imm << 32;
			break;
		case BPF_LDX:
			memcpy(&v, (void *)(uintptr_t)(r[in->src_reg] + in->off), size);
			r[in->dst_reg] = v;
			break;
		case BPF_STX:
		case BPF_ST:
			v = cls == BPF_STX ? r[in->src_reg] : (uint64_t)(int64_t)in->imm;
			memcpy((void *)(uintptr_t)(r[in->dst_reg] + in->off), &v, size);
			break;
		case BPF_JMP:
			if (op == BPF_CALL && in->src_reg == BPF_PSEUDO_CALL) {
				memcpy(saved[depth], &r[6], 4 * sizeof(r[0]));
				saved[depth][4] = r[10];
				saved[depth][5] = pc;
				depth++;
				r[10] = (uint64_t)(uintptr_t)(stack[depth] + 512);
				pc += in->imm;
			} else if (op == BPF_CALL && in->src_reg == BPF_PSEUDO_KFUNC_CALL) {
				r[0] = vm_kfunc(vm, in->imm, r);
			} else if (op == BPF_CALL) {
				r[0] = vm_helper(vm, in->imm, r);
			} else if (op == BPF_EXIT) {
				if (!depth)
					return r[0];
				depth--;
				memcpy(&r[6], saved[depth], 4 * sizeof(r[0]));
				r[10] = saved[depth][4];
				pc = saved[depth][5];
			} else if (vm_cond(op, r[in->dst_reg], src)) {
				pc += in->off;
			}
			break;
		}
	}
	return ~0ULL;	/* ran off the end */
}

/* The wrapper for insts, then a user's function that shows r2..r5 and records the event. */
static void emit_user(struct insn_buf *b)
{
	struct bpf_insn user[] = { CALL_HELPER(OBSERVE), MOV64_IMM(BPF_REG_0, 1), EXIT_INSN() };

	for (size_t i = 0; i < sizeof(user) / sizeof(user[0]); i++) {
		if (b->n == b->cap) {
			b->cap = b->cap ? 2 * b->cap : 64;
			b->v = realloc(b->v, b->cap * sizeof(*b->v));
		}
		b->v[b->n++] = user[i];
	}
}

static int vm_load(struct insn_buf *b, struct wrapper *w)
{
	size_t bad;
	int rc = prologue_emit(b, w, &bad);

	emit_user(b);
	return rc;
}

/* Parameter i past the sixth: *(s64 *)(%rsp + 8 * (i + 1)). */
static struct fetch_arg stack_arg(size_t i)
{
	return (struct fetch_arg){ .name = "p", .base = FETCH_MEM_REG, .reg = DREG_RSP,
				   .offset = 8 * (i + 1), .final = FINAL_INT, .size = 8, .is_signed = 1 };
}

static uint64_t slot(const struct vm *vm, const struct sample_layout *l, size_t i)
{
	uint64_t v;

	memcpy(&v, vm->sample + l->off[i], 8);
	return v;
}

static uint64_t faults_of(const struct vm *vm)
{
	uint64_t v;

	memcpy(&v, vm->sample + SAMPLE_FAULTS_OFF, 8);
	return v;
}

static int cond_jumps(const struct insn_buf *b)
{
	int n = 0;

	for (size_t i = 0; i < b->n; i++)
		n += BPF_CLASS(b->v[i].code) == BPF_JMP && BPF_OP(b->v[i].code) != BPF_JA &&
		     BPF_OP(b->v[i].code) != BPF_CALL && BPF_OP(b->v[i].code) != BPF_EXIT;
	return n;
}

/* One arg on its own, run with rdi = addr; the sample's slot and fault word out. */
static void run_one(struct fetch_arg *a, const struct region *mem, size_t nmem, uint64_t rdi,
		    struct vm *vm, uint64_t *value)
{
	struct probe_instance in = { .args = a, .nargs = 1 };
	struct sample_layout l;
	struct insn_buf b = { 0 };
	struct wrapper w = { .target = TARGET_USER, .insts = &in, .ninsts = 1, .layout = &l,
			     .scratch_fd = 10, .rb_fd = 11, .lost_fd = 12, .pids_fd = -1 };

	set_mode(&w);
	memset(vm, 0, sizeof(*vm));
	vm->mem = mem;
	vm->nmem = nmem;
	vm->regs[pt_regs_offset(DREG_RDI) / 8] = rdi;
	sample_layout_build(&l, &in);
	if (!vm_load(&b, &w))
		vm_run(vm, b.v, b.n);
	*value = vm->nsamples ? slot(vm, &l, 0) : 0xdead;
	insn_buf_free(&b);
	sample_layout_free(&l);
}

/*
 * Faults are bits, not branches: each arg's bit lands on that arg (40 and
 * 63 of 64), its slot is zero, r2..r5 follow perf's rule, and a fault
 * early in a chain is not undone by a later read that would succeed.
 */
static void fault_tests(enum read_mode m)
{
	enum { N = 64, STACK = 0x70000000, NODE = 0x9000, LEAF = 0xa000 };
	static const char bad[] = "bad";
	int64_t stack[N + 1], node[2] = { 0, 77 }, leaf[2] = { 0, 4242 }, derefs[2] = { 0, 8 };
	struct region mem[] = {
		{ STACK + 8, stack, sizeof(stack) },	/* above the return address */
		{ NODE, node, sizeof(node) }, { LEAF, leaf, sizeof(leaf) },
		{ 0, bad, sizeof(bad) },	/* something where a zeroed pointer points */
	};
	struct fetch_arg args[N + 1];
	struct probe_instance in = { .args = args, .nargs = N };
	struct sample_layout l;
	struct insn_buf b = { 0 };
	struct wrapper w = { .target = TARGET_USER, .insts = &in, .ninsts = 1, .layout = &l, .probe_id = 0,
			     .scratch_fd = 10, .rb_fd = 11, .lost_fd = 12, .pids_fd = -1 };
	struct vm vm;
	bool good = true;
	size_t bad_idx;
	int one_jumps, all_jumps;
	uint64_t v;

	mode = m;
	set_mode(&w);
	for (size_t i = 0; i <= N; i++) {
		args[i] = stack_arg(i);
		stack[i] = (i % 2 ? -1 : 1) * (int64_t)(i * 1000003 + 1);
	}
	/* n40->next->v and n63->next->v: a node pointer on the stack, then two derefs */
	args[40].derefs = args[63].derefs = derefs;
	args[40].nderefs = args[63].nderefs = 2;
	stack[40] = NODE;	/* node.next = NULL: the second deref faults */
	stack[63] = 0x123456;	/* unmapped: the first deref faults */
	sample_layout_build(&l, &in);

	/* only uprobes are sleepable */
	for (int target = TARGET_USER; target <= (mode == PROBE_READ ? TARGET_KERNEL : TARGET_USER); target++) {
		const char *t = target == TARGET_USER ? "uprobe" : "kprobe";
		char name[128];

		w.target = target;
		memset(&vm, 0, sizeof(vm));
		vm.mem = mem;
		vm.nmem = sizeof(mem) / sizeof(mem[0]);
		vm.regs[pt_regs_offset(DREG_RSP) / 8] = STACK;
		MCHECK(!vm_load(&b, &w), "64 args: the wrapper is generated");
		vm_run(&vm, b.v, b.n);
		insn_buf_free(&b);
		snprintf(name, sizeof(name), "%s, 64 args: the fault word has exactly bits 40 and 63", t);
		MCHECK(vm.nsamples == 1 && faults_of(&vm) == (1ULL << 40 | 1ULL << 63), name);
		for (size_t i = 0; i < N; i++)
			if (slot(&vm, &l, i) != (i == 40 || i == 63 ? 0 : (uint64_t)stack[i]))
				good = false;
		snprintf(name, sizeof(name), "%s: the other 62 args are read, the two faulted slots are 0", t);
		MCHECK(good, name);
		snprintf(name, sizeof(name), "%s: a fault: r2 = 1 and r3..r5 = 0", t);
		MCHECK(vm.seen[0] == 1 && !vm.seen[1] && !vm.seen[2] && !vm.seen[3], name);
	}

	w.target = TARGET_USER;
	node[0] = LEAF;		/* n40->next->v reads now */
	memset(&vm, 0, sizeof(vm));
	vm.mem = mem;
	vm.nmem = sizeof(mem) / sizeof(mem[0]);
	vm.regs[pt_regs_offset(DREG_RSP) / 8] = STACK;
	vm_load(&b, &w);
	vm_run(&vm, b.v, b.n);
	insn_buf_free(&b);
	MCHECK(faults_of(&vm) == 1ULL << 63 && slot(&vm, &l, 40) == 4242,
	      "only arg 63 faults: bit 63 alone, arg 40 read through the chain");

	stack[63] = NODE;
	memset(&vm, 0, sizeof(vm));
	vm.mem = mem;
	vm.nmem = sizeof(mem) / sizeof(mem[0]);
	vm.regs[pt_regs_offset(DREG_RSP) / 8] = STACK;
	vm_load(&b, &w);
	vm_run(&vm, b.v, b.n);
	MCHECK(faults_of(&vm) == 0 && vm.seen[0] == 0 && vm.seen[1] == (uint64_t)stack[0] &&
	      vm.seen[2] == (uint64_t)stack[1] && vm.seen[3] == (uint64_t)stack[2],
	      "no fault: r2 = 0, r3..r5 = the first three args");
	/* the verifier walks each path: the fetch code must not branch per read */
	all_jumps = cond_jumps(&b);
	insn_buf_free(&b);
	in.nargs = 1;
	args[0].derefs = derefs;
	args[0].nderefs = 2;
	vm_load(&b, &w);
	one_jumps = cond_jumps(&b);
	insn_buf_free(&b);
	MCHECK(one_jumps == all_jumps, "64 args with 68 reads branch as often as 1 arg with 3 (no jump per read)");
	args[0].derefs = NULL;
	args[0].nderefs = 0;
	sample_layout_free(&l);

	in.nargs = N + 1;
	MCHECK(prologue_emit(&b, &w, &bad_idx) == -E2BIG, "65 args: refused (the fault word has 64 bits)");
	insn_buf_free(&b);

	{
		/* rdi unmapped: the pointer read gives 0, and 0 + 0x9000 is mapped */
		int64_t off = NODE + 8;
		struct fetch_arg a = { .name = "x", .base = FETCH_MEM_REG, .reg = DREG_RDI, .derefs = &off,
				       .nderefs = 1, .final = FINAL_INT, .size = 8 };
		struct fetch_op ops[] = { { FOP_REG, DREG_RDI, 0 }, { FOP_DEREF, 0, 0 }, { FOP_PLUS_CONST, 0, 5 } };
		struct fetch_arg e = { .name = "e", .base = FETCH_EXPR, .ops = ops, .nops = 3,
				       .final = FINAL_INT, .size = 8 };
		struct fetch_arg str = { .name = "s", .base = FETCH_MEM_REG, .reg = DREG_RDI,
					 .final = FINAL_STRING, .size = 8 };

		run_one(&a, mem, 4, 0x123456, &vm, &v);
		MCHECK(faults_of(&vm) == 1 && v == 0 && vm.bad_reads == vm.reads,
		      "a faulted deref: no later read succeeds (not at 0 + offset), the slot is 0");
		run_one(&a, mem, 4, LEAF, &vm, &v);	/* holds 0: then 0 + 0x9008 is read */
		MCHECK(faults_of(&vm) == 0 && v == 77, "the same chain through a good pointer reads");
		run_one(&e, mem, 4, 0x123456, &vm, &v);
		MCHECK(faults_of(&vm) == 1 && v == 0, "a value computed from a faulted read (0 + 5) is 0, and faulted");
		run_one(&e, mem, 4, LEAF + 8, &vm, &v);
		MCHECK(faults_of(&vm) == 0 && v == 4242 + 5, "and computed from a good read, *p + 5");
		run_one(&str, mem, 4, 0x123456, &vm, &v);
		MCHECK(faults_of(&vm) == 1 && v == 0, "a string behind a faulted pointer: empty, not what is at 0");
		stack[N] = 0x123456;
		run_one(&str, mem, 4, STACK + 8 * (N + 1), &vm, &v);
		MCHECK(faults_of(&vm) == 1 && v == 0, "a string read that faults sets the bit");
		stack[N] = 0;	/* a pointer to address 0, where "bad" is mapped in this test */
		run_one(&str, mem, 4, STACK + 8 * (N + 1), &vm, &v);
		MCHECK(faults_of(&vm) == 0 && !memcmp(&v, "bad", 4), "a string read that succeeds sets no bit");
	}
}

static int count_kfuncs(const struct insn_buf *b, int id)
{
	int n = 0;

	for (size_t i = 0; i < b->n; i++)
		n += b->v[i].code == (BPF_JMP | BPF_CALL) && b->v[i].src_reg == BPF_PSEUDO_KFUNC_CALL &&
		     b->v[i].imm == id;
	return n;
}

/*
 * A sleepable program's shape: every user read may fault pages in, the
 * sample is the thread's (task storage), and a thread without one counts a
 * lost sample instead of recording half of one.
 */
static void sleepable_tests(void)
{
	static const char text[] = "paged in";
	int64_t ptr = 0x5000, deref = 0;
	struct region mem[] = { { 0x4000, &ptr, sizeof(ptr) }, { 0x5000, text, sizeof(text) } };
	struct fetch_arg args[2] = {
		{ .name = "n", .base = FETCH_MEM_REG, .reg = DREG_RDI, .derefs = &deref, .nderefs = 1,
		  .final = FINAL_INT, .size = 4, .is_signed = 1 },
		{ .name = "s", .base = FETCH_MEM_REG, .reg = DREG_RDI, .final = FINAL_STRING, .size = 8 },
	};
	struct probe_instance in = { .args = args, .nargs = 2 };
	struct sample_layout l;
	struct insn_buf b = { 0 };
	struct wrapper w = { .target = TARGET_USER, .insts = &in, .ninsts = 1, .layout = &l,
			     .scratch_fd = 10, .rb_fd = 11, .lost_fd = 12, .pids_fd = -1 };
	struct vm vm;
	uint64_t r0;
	int32_t n;

	sample_layout_build(&l, &in);
	mode = SLEEPABLE;
	set_mode(&w);
	CHECK_INT(vm_load(&b, &w), 0, "sleepable: the wrapper is generated");
	CHECK(count_calls(&b, BPF_FUNC_probe_read_user) == 0 && count_calls(&b, BPF_FUNC_probe_read_user_str) == 0,
	      "sleepable: no probe-read helper (they cannot fault pages in)");
	CHECK_INT(count_calls(&b, BPF_FUNC_copy_from_user), 3,
		  "sleepable: bpf_copy_from_user for the pointers and the int");
	CHECK_INT(count_kfuncs(&b, STR_KFUNC), 1, "sleepable: bpf_copy_from_user_str for the string");
	CHECK(count_calls(&b, BPF_FUNC_task_storage_get) == 1 && count_calls(&b, BPF_FUNC_map_lookup_elem) == 1,
	      "sleepable: the thread's sample (task storage); the one map lookup is the lost counter's");
	memset(&vm, 0, sizeof(vm));
	vm.mem = mem;
	vm.nmem = 2;
	vm.regs[pt_regs_offset(DREG_RDI) / 8] = 0x4000;
	r0 = vm_run(&vm, b.v, b.n);
	memcpy(&n, text, 4);
	CHECK(r0 == 1 && vm.nsamples == 1 && faults_of(&vm) == 0 && slot(&vm, &l, 0) == (uint64_t)(int64_t)n &&
	      !strcmp((const char *)vm.sample + l.off[1], text) && vm.fault_reads == 4,
	      "sleepable: both args read by reads that fault pages in, into the thread's sample");
	vm.regs[pt_regs_offset(DREG_RDI) / 8] = 0x123456;
	vm.nsamples = 0;
	vm_run(&vm, b.v, b.n);
	CHECK(vm.nsamples == 1 && faults_of(&vm) == 3 && slot(&vm, &l, 0) == 0 && slot(&vm, &l, 1) == 0,
	      "sleepable: both faulted (the kfunc's int -EFAULT seen as negative), their slots zeroed");

	vm.no_task_storage = true;
	vm.nsamples = 0;
	memset(vm.seen, 0xff, sizeof(vm.seen));
	r0 = vm_run(&vm, b.v, b.n);
	CHECK(r0 == 0 && vm.nsamples == 0 && vm.lost == 1 && vm.seen[0] == ~0ULL,
	      "sleepable: no sample for the thread: not recorded, counted lost, the user's function not run");
	insn_buf_free(&b);

	mode = SLEEPABLE_NO_KFUNC;
	set_mode(&w);
	vm_load(&b, &w);
	CHECK(count_calls(&b, BPF_FUNC_probe_read_user_str) == 1 && count_calls(&b, BPF_FUNC_copy_from_user) == 5 &&
	      count_kfuncs(&b, STR_KFUNC) == 0,
	      "sleepable, no kfunc: the string's two pages touched, then bpf_probe_read_user_str");
	insn_buf_free(&b);
	sample_layout_free(&l);
	mode = PROBE_READ;
}

/* With the process-tree filter, the header's pid and tid are the filter's, asked once. */
static void pid_filter_tests(void)
{
	struct fetch_arg a = reg_arg(DREG_RDI, 8, 0);
	struct probe_instance in = { .args = &a, .nargs = 1 };
	struct sample_layout l;
	struct insn_buf b = { 0 };
	struct wrapper w = { .target = TARGET_USER, .insts = &in, .ninsts = 1, .layout = &l,
			     .scratch_fd = 10, .rb_fd = 11, .lost_fd = 12, .pids_fd = PIDS_FD };
	static struct vm vm;
	struct vtrace_sample h;

	set_mode(&w);
	sample_layout_build(&l, &in);
	if (vm_load(&b, &w))
		return;
	CHECK_INT(count_calls(&b, BPF_FUNC_get_current_pid_tgid), 1,
		  "pid filter: one get_current_pid_tgid for the filter and the header");
	for (int traced = 1; traced >= 0; traced--) {
		memset(&vm, 0, sizeof(vm));
		vm.pid_tgid = ((uint64_t)(traced ? TRACED_TGID : 999) << 32) | 4712;
		vm.regs[pt_regs_offset(DREG_RDI) / 8] = 77;
		vm_run(&vm, b.v, b.n);
		if (!traced) {
			CHECK_INT(vm.nsamples, 0, "pid filter: another process sends nothing");
			continue;
		}
		memcpy(&h, vm.sample, sizeof(h));
		CHECK(vm.nsamples == 1 && h.pid == TRACED_TGID && h.tid == 4712 && slot(&vm, &l, 0) == 77,
		      "pid filter: the traced process's sample carries its pid and tid, and the arg");
		CHECK_INT(vm.pid_calls, 1, "pid filter: the helper ran once for the event");
	}
	/* the fast path of a uprobe: straight into the ring, every byte of the sample written */
	CHECK(count_calls(&b, BPF_FUNC_ringbuf_reserve) == 1 && count_calls(&b, BPF_FUNC_ringbuf_submit) == 1 &&
	      !count_calls(&b, BPF_FUNC_ringbuf_output) && !count_calls(&b, BPF_FUNC_task_storage_get),
	      "uprobe fast path: reserved and submitted in the ring, no scratch, no copy");
	{
		uint8_t first[sizeof(vm.sample)];

		for (int fill = 0; fill < 2; fill++) {
			memset(&vm, 0, sizeof(vm));
			vm.ring_fill = fill ? 0x5a : 0xa5;
			vm.pid_tgid = ((uint64_t)TRACED_TGID << 32) | 4712;
			vm.regs[pt_regs_offset(DREG_RDI) / 8] = 77;
			vm_run(&vm, b.v, b.n);
			if (!fill)
				memcpy(first, vm.sample, sizeof(first));
		}
		CHECK(vm.nsamples == 1 && vm.reserved_size == l.total && !memcmp(first, vm.sample, l.total) &&
		      slot(&vm, &l, 0) == 77, "uprobe fast path: no byte of the sample left from the ring's old data");
		memset(&vm, 0, sizeof(vm));
		vm.ring_full = true;
		vm.pid_tgid = ((uint64_t)TRACED_TGID << 32) | 4712;
		CHECK(vm_run(&vm, b.v, b.n) == 1 && vm.nsamples == 0 && vm.lost == 1,
		      "uprobe fast path, the ring full: counted lost, the user's return kept");
	}
	insn_buf_free(&b);
	sample_layout_free(&l);
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

	pid_filter_tests();
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
	CHECK_INT(count_calls(&b, BPF_FUNC_get_attach_cookie), 1, "two instances: the cookie says which");
	CHECK_INT(count_calls(&b, BPF_FUNC_probe_read_user), 2, "the same fetch code is there once");
	insn_buf_free(&b);
	{
		/* the second instance keeps m elsewhere: two fetch codes, a dispatch between them */
		struct fetch_arg other[3];
		uint32_t group_of[3] = { 9, 9, 9 };
		struct probe_instance three[3];

		memcpy(other, args, sizeof(other));
		other[2].reg = DREG_RBX;
		three[0] = in;
		three[1] = in;
		three[1].args = other;
		three[2] = in;
		w.insts = three;
		w.ninsts = 3;
		w.group_of = group_of;
		CHECK_INT(prologue_emit(&b, &w, &bad), 0, "three instances, two fetch codes");
		CHECK_INT(count_calls(&b, BPF_FUNC_probe_read_user), 4, "each fetch code its own reads");
		CHECK(group_of[0] == 0 && group_of[1] == 1 && group_of[2] == 0,
		      "the instances' groups: 0 1 0 (their cookies' low halves)");
		w.group_of = NULL;
		insn_buf_free(&b);
	}

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
			/* a fetch that can fault ORs its bit into r9 */
			faults += BPF_CLASS(b.v[i].code) == BPF_ALU64 && BPF_OP(b.v[i].code) == BPF_OR &&
				  b.v[i].dst_reg == BPF_REG_9;
		}
		CHECK(divs == 1 && negs == 3, "DWARF's signed division: magnitudes divided, sign restored");
		CHECK_INT(faults, 0, "no deref, no fault bit (nothing can fault)");
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
	fault_tests(PROBE_READ);
	fault_tests(SLEEPABLE);
	fault_tests(SLEEPABLE_NO_KFUNC);
	sleepable_tests();
	return TEST_DONE();
}

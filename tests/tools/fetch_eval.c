// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver's output, evaluated by hand against a stopped process: the
 * other half of the gdb oracle (tests/tools/gdb_oracle.py).
 *
 *   fetch-eval addrs BIN SPEC             instance addresses, one per line
 *   fetch-eval entries BIN SPEC           the function entries SPEC's args
 *                                         read entry values from, one per line
 *   fetch-eval eval BIN SPEC PID REGS     name=value per arg, at the
 *                                         instance where REGS' rip stops
 *   fetch-eval serve BIN                  all three, over stdin/stdout (see serve())
 *
 * REGS holds "NAME VALUE" lines (rax..r15, rip), "tid TID" (the thread
 * stopped) and the registers saved at function entries, "entry TID CFA
 * FUNC R0..R15" (hex; see struct entry_rec).  Each arg of SPEC is resolved
 * on its own, so one that cannot be fetched only marks itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dwarf.h>

#include "probe/dwarf.h"
#include "probe/fetch.h"
#include "probe/resolve.h"
#include "probe/spec.h"

static uint64_t regs[DREG_NUM];
static int mem_fd;
static bool hex_bytes;		/* serve: arrays and structs print as (bytes HEX) */

/*
 * What vtrace's entry probe saves, as gdb saw it: at a stop on the entry of
 * function func (link-time address) in thread tid, the first 16 registers
 * by DWARF number, keyed by the CFA there (rsp + 8).  FOP_ENTRY_REG finds
 * the record as vtrace's BPF does: this thread, the CFA the CFI gives at
 * the stop (regs[cfa_reg] + cfa_off), the arg's entry_func.
 */
struct entry_rec {
	uint64_t tid, cfa, func;
	uint64_t reg[16];
};

static struct entry_rec *recs;
static size_t nrecs, recs_cap;
static uint64_t stop_tid;
static const struct fetch_arg *entry_arg;	/* the arg being evaluated (pieces: its whole) */

static int add_entry_rec(const char *text)
{
	struct entry_rec r;
	char *end;

	r.tid = strtoull(text, &end, 16);
	r.cfa = strtoull(end, &end, 16);
	r.func = strtoull(end, &end, 16);
	for (int i = 0; i < 16; i++) {
		const char *at = end;

		r.reg[i] = strtoull(at, &end, 16);
		if (end == at)
			return -EINVAL;
	}
	if (nrecs == recs_cap) {
		struct entry_rec *n = realloc(recs, (recs_cap ? recs_cap * 2 : 16) * sizeof(*n));

		if (!n)
			exit(1);
		recs = n;
		recs_cap = recs_cap ? recs_cap * 2 : 16;
	}
	recs[nrecs++] = r;
	return 0;
}

/* The arg whose uses_entry, entry_func and CFA rule an entry value of a uses. */
static const struct fetch_arg *entry_of(const struct fetch_arg *a)
{
	return a->uses_entry || !entry_arg ? a : entry_arg;
}

static uint64_t entry_cfa(const struct fetch_arg *e)
{
	return e->cfa_reg >= 0 && e->cfa_reg < DREG_NUM ? regs[e->cfa_reg] + (uint64_t)e->cfa_off : 0;
}

static const struct entry_rec *entry_find(const struct fetch_arg *e)
{
	uint64_t cfa = entry_cfa(e);

	if (!e->uses_entry)
		return NULL;
	for (size_t i = 0; i < nrecs; i++)
		if (recs[i].tid == stop_tid && recs[i].cfa == cfa && recs[i].func == e->entry_func)
			return &recs[i];
	return NULL;
}

static int read_mem(uint64_t addr, void *buf, size_t len)
{
	return pread(mem_fd, buf, len, (off_t)addr) == (ssize_t)len ? 0 : -EFAULT;
}

static void load_regs(const char *path)
{
	FILE *f = fopen(path, "r");
	char name[16];
	unsigned long long v;

	while (f && fscanf(f, "%15s %llx", name, &v) == 2)
		for (int i = 0; i < DREG_NUM; i++)
			if (!strcmp(name, dwarf_reg_name(i)))
				regs[i] = v;
	if (f && !fseek(f, 0, SEEK_SET)) {
		char line[512];

		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "tid ", 4))
				stop_tid = strtoull(line + 4, NULL, 16);
			else if (!strncmp(line, "entry ", 6) && add_entry_rec(line + 6))
				fprintf(stderr, "fetch-eval: a bad entry line: %s", line);
		}
	}
	if (f)
		fclose(f);
}

/* Runtime address of link-time address 0 (PIE load bias; 0 for ET_EXEC). */
static uint64_t load_bias(const char *bin, int pid)
{
	char path[64], line[1024], real[4096];
	uint64_t bias = 0;
	GElf_Ehdr eh;
	Elf *elf;
	FILE *f;
	int fd = open(bin, O_RDONLY);

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || !gelf_getehdr(elf, &eh) || eh.e_type != ET_DYN) {
		if (elf)
			elf_end(elf);
		close(fd);
		return 0;
	}
	elf_end(elf);
	close(fd);
	if (!realpath(bin, real))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long start, off;

		if (!strstr(line, real) || sscanf(line, "%llx-%*x %*s %llx", &start, &off) != 2)
			continue;
		if (off == 0) {
			bias = start;
			break;
		}
	}
	if (f)
		fclose(f);
	return bias;
}

/* The computed location's ops, as DWARF defines them, on the stopped process. */
static int eval_ops(const struct fetch_arg *a, uint64_t *out)
{
	uint64_t st[FETCH_EXPR_MAX_DEPTH + 1], x;
	int d = 0;

	for (size_t i = 0; i < a->nops; i++) {
		const struct fetch_op *op = &a->ops[i];

		if (d > FETCH_EXPR_MAX_DEPTH)
			return -1;
		switch (op->kind) {
		case FOP_REG: st[d++] = regs[op->reg] + op->arg; break;
		case FOP_CONST: st[d++] = op->arg; break;
		case FOP_PLUS_CONST: st[d - 1] += op->arg; break;
		case FOP_NEG: st[d - 1] = -st[d - 1]; break;
		case FOP_NOT: st[d - 1] = ~st[d - 1]; break;
		case FOP_DUP: st[d] = st[d - 1]; d++; break;
		case FOP_OVER: st[d] = st[d - 2]; d++; break;
		case FOP_DROP: d--; break;
		case FOP_SWAP: x = st[d - 1]; st[d - 1] = st[d - 2]; st[d - 2] = x; break;
		case FOP_DEREF:
			if (read_mem(st[d - 1], &x, 8))
				return -1;
			st[d - 1] = x;
			break;
		case FOP_DEREF_SIZE:
			x = 0;
			if (read_mem(st[d - 1], &x, op->arg))
				return -1;
			st[d - 1] = x;
			break;
		case FOP_EXT: {
			unsigned sh = 64 - 8 * op->arg;

			st[d - 1] = op->reg ? (uint64_t)((int64_t)(st[d - 1] << sh) >> sh) : (st[d - 1] << sh) >> sh;
			break;
		}
		case FOP_ABS: st[d - 1] = (int64_t)st[d - 1] < 0 ? -st[d - 1] : st[d - 1]; break;
		case FOP_PICK: st[d] = st[d - 1 - op->arg]; d++; break;
		case FOP_ROT:
			x = st[d - 1];
			st[d - 1] = st[d - 2];
			st[d - 2] = st[d - 3];
			st[d - 3] = x;
			break;
		case FOP_SKIP:
			i = op->arg - 1;	/* forward: the loop's i++ lands on op->arg */
			break;
		case FOP_BRA:
			if (st[--d])
				i = op->arg - 1;
			break;
		case FOP_UNAVAIL:
			return -2;	/* as vtrace's BPF: unavailable */
		case FOP_ENTRY_REG: {
			/* as vtrace's BPF: the saved registers of this frame, or unavailable */
			const struct entry_rec *r = entry_find(entry_of(a));

			if (!r || op->reg < 0 || op->reg >= 16)
				return -2;
			st[d++] = r->reg[op->reg];
			break;
		}
		default:
			x = st[--d];
			switch (op->kind) {
			case FOP_ADD: st[d - 1] += x; break;
			case FOP_SUB: st[d - 1] -= x; break;
			case FOP_MUL: st[d - 1] *= x; break;
			case FOP_DIV:	/* signed, as DWARF (and gdb) divide */
				st[d - 1] = x ? (uint64_t)((int64_t)st[d - 1] / (int64_t)x) : 0;
				break;
			case FOP_MOD: st[d - 1] = x ? st[d - 1] % x : st[d - 1]; break;
			case FOP_AND: st[d - 1] &= x; break;
			case FOP_OR: st[d - 1] |= x; break;
			case FOP_XOR: st[d - 1] ^= x; break;
			case FOP_SHL: st[d - 1] <<= x; break;
			case FOP_SHR: st[d - 1] >>= x; break;
			case FOP_SHRA: st[d - 1] = (uint64_t)((int64_t)st[d - 1] >> x); break;
			case FOP_UDIV: st[d - 1] = x ? st[d - 1] / x : 0; break;
			case FOP_SMOD:
				st[d - 1] = x ? (uint64_t)((int64_t)st[d - 1] % (int64_t)x) : st[d - 1];
				break;
			case FOP_EQ: st[d - 1] = st[d - 1] == x; break;
			case FOP_NE: st[d - 1] = st[d - 1] != x; break;
			case FOP_LT:
				st[d - 1] = op->reg ? st[d - 1] < x : (int64_t)st[d - 1] < (int64_t)x;
				break;
			case FOP_GT:
				st[d - 1] = op->reg ? st[d - 1] > x : (int64_t)st[d - 1] > (int64_t)x;
				break;
			case FOP_LE:
				st[d - 1] = op->reg ? st[d - 1] <= x : (int64_t)st[d - 1] <= (int64_t)x;
				break;
			case FOP_GE:
				st[d - 1] = op->reg ? st[d - 1] >= x : (int64_t)st[d - 1] >= (int64_t)x;
				break;
			}
		}
	}
	*out = st[d - 1];
	return 0;
}

static void eval_value(const struct fetch_arg *a)
{
	uint64_t addr = 0, v = 0;
	int rc;

	printf("%s=", a->name);
	switch (a->base) {
	case FETCH_UNAVAILABLE:
		printf("(unavailable)\n");
		return;
	case FETCH_PIECES: {
		/* each piece where it goes, as DWARF composes them */
		unsigned char buf[4096] = { 0 };

		if (a->size > sizeof(buf)) {
			printf("(too-large %u)\n", a->size);
			return;
		}
		for (size_t i = 0; i < a->npieces; i++) {
			const struct fetch_arg *p = &a->pieces[i];
			uint64_t pv = 0, pa = 0;

			if (p->piece_off + p->size > a->size) {
				printf("(fault)\n");
				return;
			}
			switch (p->base) {
			case FETCH_UNAVAILABLE:
				printf("(unavailable)\n");
				return;
			case FETCH_CONST: pv = p->value; break;
			case FETCH_REG: pv = regs[p->reg] + p->offset; break;
			case FETCH_EXPR:
			case FETCH_MEM_EXPR:
				if ((rc = eval_ops(p, p->base == FETCH_EXPR ? &pv : &pa))) {
					printf(rc == -2 ? "(unavailable)\n" : "(fault)\n");
					return;
				}
				pv += p->base == FETCH_EXPR ? p->offset : 0;
				break;
			case FETCH_MEM_REG: pa = regs[p->reg]; break;
			case FETCH_MEM_PC: pa = regs[DREG_RIP]; break;
			default:
				printf("(fault)\n");
				return;
			}
			if (p->base == FETCH_MEM_REG || p->base == FETCH_MEM_PC || p->base == FETCH_MEM_EXPR) {
				if (read_mem(pa + p->offset, buf + p->piece_off, p->size)) {
					printf("(fault)\n");
					return;
				}
			} else {
				memcpy(buf + p->piece_off, &pv, p->size < 8 ? p->size : 8);
			}
		}
		if (a->final == FINAL_BYTES) {
			if (hex_bytes) {
				printf("(bytes ");
				for (uint32_t i = 0; i < a->size; i++)
					printf("%02x", buf[i]);
				printf(")\n");
			} else {
				printf("(bytes)\n");
			}
			return;
		}
		memcpy(&v, buf, a->size < 8 ? a->size : 8);
		break;
	}
	case FETCH_CONST:
		v = a->value;
		break;
	case FETCH_REG:
		v = regs[a->reg] + a->offset;
		break;
	case FETCH_EXPR:
		if ((rc = eval_ops(a, &v))) {
			printf(rc == -2 ? "(unavailable)\n" : "(fault)\n");
			return;
		}
		v += a->offset;
		break;
	case FETCH_MEM_REG:
	case FETCH_MEM_PC:
	case FETCH_MEM_EXPR:
		if (a->base == FETCH_MEM_EXPR) {
			if ((rc = eval_ops(a, &addr))) {
				printf(rc == -2 ? "(unavailable)\n" : "(fault)\n");
				return;
			}
		} else {
			addr = a->base == FETCH_MEM_PC ? regs[DREG_RIP] : regs[a->reg];
		}
		addr += a->offset;
		for (size_t i = 0; i < a->nderefs; i++) {
			uint64_t p;

			if (read_mem(addr, &p, 8)) {
				printf("(fault)\n");
				return;
			}
			addr = p + a->derefs[i];
		}
		if (a->final == FINAL_BYTES) {
			char buf[4096] = { 0 };

			if (hex_bytes && a->size > sizeof(buf) - 1) {
				printf("(too-large %u)\n", a->size);
				return;
			}
			if (a->size > sizeof(buf) - 1 || read_mem(addr, buf, a->size)) {
				printf("(fault)\n");
				return;
			}
			if (hex_bytes) {
				printf("(bytes ");
				for (uint32_t i = 0; i < a->size; i++)
					printf("%02x", (unsigned char)buf[i]);
				printf(")\n");
				return;
			}
			if (a->type && a->type->kind == VK_ARRAY && a->type->elem &&
			    a->type->elem->kind == VK_CHAR)
				printf("%s\n", buf);
			else
				printf("(bytes)\n");
			return;
		}
		if (read_mem(addr, &v, a->size)) {
			printf("(fault)\n");
			return;
		}
		break;
	}
	if (a->size < 8 && a->base != FETCH_CONST)
		v &= (1ULL << (a->size * 8)) - 1;	/* registers and computed values too */
	if (a->bit_size) {
		v >>= a->bit_offset;
		v &= (1ULL << a->bit_size) - 1;
		if (a->is_signed && (v >> (a->bit_size - 1)) & 1)
			v |= ~((1ULL << a->bit_size) - 1);
	} else if (a->is_signed && a->size < 8 && (v >> (a->size * 8 - 1)) & 1) {
		v |= ~((1ULL << (a->size * 8)) - 1);
	}
	if (a->final == FINAL_STRING) {
		char buf[256] = { 0 };

		for (size_t i = 0; i + 1 < sizeof(buf); i++)
			if (read_mem(v + i, &buf[i], 1) || !buf[i])
				break;
		printf("%s\n", buf);
		return;
	}
	if (a->is_signed)
		printf("%" PRId64 "\n", (int64_t)v);
	else
		printf("%" PRIu64 "\n", v);
}

static bool reads_entry(const struct fetch_arg *a)
{
	for (size_t i = 0; i < a->nops; i++)
		if (a->ops[i].kind == FOP_ENTRY_REG)
			return true;
	for (size_t i = 0; i < a->npieces; i++)
		if (reads_entry(&a->pieces[i]))
			return true;
	return false;
}

/*
 * The ops are DW_OP_entry_value(DW_OP_regN), plus constants at most: the
 * value is that register at the entry (FETCH_EXPR), or what the memory at
 * that address (plus offsets and derefs, as for a register) holds at the
 * stop.  The register, or -1.
 */
static int plain_entry_reg(const struct fetch_arg *a)
{
	if ((a->base != FETCH_EXPR && a->base != FETCH_MEM_EXPR) || !a->nops ||
	    a->ops[0].kind != FOP_ENTRY_REG)
		return -1;
	for (size_t i = 1; i < a->nops; i++)
		if (a->ops[i].kind != FOP_PLUS_CONST)
			return -1;
	return a->ops[0].reg;
}

/*
 * NAME=VALUE; for an arg reading an entry value, then lines for the
 * oracle, "!NAME=cfa CFA func FUNC found 0|1 plain REG|-1": vtrace's CFA at
 * the stop, the function entry, whether a saved record matched, and the
 * register the location is when it is one entry register alone; and
 * "#NAME.fetch=..." as `vtrace probe --dry-run` shows the fetch.
 */
static void print_fetch(const struct fetch_arg *a)
{
	struct strbuf sb = STRBUF_INIT;

	fetch_arg_describe(&sb, a);
	printf("#%s.fetch=%s\n", a->name, sb.buf);
	strbuf_release(&sb);
}

static void eval(const struct fetch_arg *a)
{
	const struct fetch_arg *e;

	entry_arg = a;
	eval_value(a);
	entry_arg = NULL;
	if (!reads_entry(a))
		return;
	print_fetch(a);
	e = a;
	for (size_t i = 0; !e->uses_entry && i < a->npieces; i++)
		if (a->pieces[i].uses_entry)
			e = &a->pieces[i];
	printf("!%s=cfa 0x%" PRIx64 " func 0x%" PRIx64 " found %d plain %d\n", a->name, entry_cfa(e),
	       e->entry_func, entry_find(e) != NULL, plain_entry_reg(a));
}

/* The function entries an instance's args read entry values from, "NAME:0xFUNC,..." or "-". */
static void print_entries(const struct probe_instance *in)
{
	bool any = false;

	for (size_t j = 0; j < in->nargs; j++) {
		const struct fetch_arg *a = &in->args[j], *e = a;

		if (!reads_entry(a))
			continue;
		for (size_t i = 0; !e->uses_entry && i < a->npieces; i++)
			if (a->pieces[i].uses_entry)
				e = &a->pieces[i];
		printf("%s%s:0x%" PRIx64, any ? "," : "", a->name, e->entry_func);
		any = true;
	}
	if (!any)
		printf("-");
}

/*
 * serve BIN: the same evaluation for many points and stops, over a pipe
 * (the oracle's vars mode compares every variable gdb reads at a stop):
 *
 *   point ID HEAD                 "addrs ADDR@FUNC@LOW ..." for "HEAD $vars", or "error MSG";
 *                                 after addrs, "entries E ..." (per instance,
 *                                 print_entries(): the function entries to save)
 *   thread TID                    the next evals' thread; forgets the saved entries
 *   entry TID CFA FUNC R0..R15    registers saved at a function's entry (hex)
 *   eval ID[.K] PID R0..R16 NAME...   NAME=VALUE per name, then "." (K: the
 *                                 instance's index, when several share rip)
 *
 * Points are numbered 0, 1, ... in order; registers are hex, in DWARF order
 * (rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip).  A name is read from the
 * point's $vars at the instance where rip stops; a name $vars skipped there
 * is resolved on its own ("HEAD NAME", once), so a refusal says why;
 * "?NAME" is only looked up in $vars.
 */
struct served_name {
	char *name;
	int rc;
	char msg[512];
	struct probe_resolved r;
};

struct served_point {
	char *head;
	struct probe_resolved vars;
	struct served_name *names;
	size_t nnames;
};

/* The instance where rip stops; the which-th when several share the address. */
static int which = -1;

static struct probe_instance *inst_at(struct probe_resolved *r, uint64_t bias)
{
	if (which >= 0 && (size_t)which < r->ninsts && r->insts[which].addr + bias == regs[DREG_RIP])
		return &r->insts[which];
	for (size_t k = 0; k < r->ninsts; k++)
		if (r->insts[k].addr + bias == regs[DREG_RIP])
			return &r->insts[k];
	return NULL;
}

/* As probe_resolve() resolves a DWARF binary's spec, with its debug info opened once. */
static struct dwarf_file served_df;

static int resolve_text(const char *text, const char *bin, struct probe_resolved *r,
			struct spec_error *err)
{
	struct spec spec;
	int rc = spec_parse(text, &spec, err);

	(void)bin;
	if (!rc) {
		memset(r, 0, sizeof(*r));
		rc = dwarf_resolve(&served_df, &spec, r, err);
		spec_free(&spec);
	}
	for (char *c = err->msg; rc && *c; c++)
		if (*c == '\n')
			*c = ' ';
	return rc;
}

static struct served_name *served_name(struct served_point *p, const char *bin, const char *name)
{
	struct served_name *n;
	struct spec_error err = { 0 };
	char *text;

	for (size_t i = 0; i < p->nnames; i++)
		if (!strcmp(p->names[i].name, name))
			return &p->names[i];
	n = realloc(p->names, (p->nnames + 1) * sizeof(*n));
	if (!n || asprintf(&text, "%s %s", p->head, name) < 0)
		exit(1);
	p->names = n;
	n = &p->names[p->nnames++];
	memset(n, 0, sizeof(*n));
	n->name = strdup(name);
	n->rc = resolve_text(text, bin, &n->r, &err);
	snprintf(n->msg, sizeof(n->msg), "%s", err.msg);
	free(text);
	return n;
}

static void view_note(const struct probe_instance *in, const char *name);

static void serve_eval(struct served_point *p, const char *bin, uint64_t bias, const char *name)
{
	struct probe_instance *in = inst_at(&p->vars, bias);
	struct served_name *n;
	bool vars_only = name[0] == '?';	/* "?NAME": not on its own (gdb has no value) */

	name += vars_only;
	for (size_t j = 0; in && j < in->nargs; j++) {
		if (!strcmp(in->args[j].name, name)) {
			eval(&in->args[j]);
			if (vars_only && in->args[j].base != FETCH_UNAVAILABLE) {
				view_note(in, name);
				if (!reads_entry(&in->args[j]))
					print_fetch(&in->args[j]);
			}
			return;
		}
	}
	if (vars_only) {
		printf("%s=(not in $vars)\n", name);
		return;
	}
	n = served_name(p, bin, name);
	if (n->rc) {
		printf("%s=(unresolved: %s)\n", name, n->msg);
		return;
	}
	in = inst_at(&n->r, bias);
	if (!in || !in->nargs)
		printf("%s=(no instance at 0x%" PRIx64 ")\n", name, regs[DREG_RIP]);
	else
		eval(&in->args[0]);
}

/*
 * The function whose variables $vars lists at an instance, "NAME@LOW": the
 * instance's own function (its inlined copy, for an inlined instance) among
 * the DIEs containing its address, with the lowest address of its ranges, or
 * "NAME@0" when the address is outside its ranges.  Spaces in NAME are sent
 * as DEL (0x7f).
 */
/* The functions and blocks containing pc below die, outermost first, as laid out (callers included). */
static int path_at(Dwarf_Die *die, Dwarf_Addr pc, Dwarf_Die *path, int depth)
{
	Dwarf_Die child;

	if (dwarf_child(die, &child))
		return depth;
	do {
		int tag = dwarf_tag(&child), d;

		if ((tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
		     tag == DW_TAG_lexical_block) && depth < 64 && dwarf_haspc(&child, pc) == 1) {
			path[depth] = child;
			return path_at(&path[depth], pc, path, depth + 1);
		}
		if (tag == DW_TAG_namespace || tag == DW_TAG_class_type || tag == DW_TAG_structure_type) {
			d = path_at(&child, pc, path, depth);
			if (d > depth)
				return d;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return depth;
}

static const char *scope_func(const struct probe_instance *in)
{
	static char name[300];
	static Dwarf_Die path[64];
	Dwarf_Addr cu_bias;
	Dwarf_Die *cu = dwfl_module_addrdie(served_df.mod, in->addr + served_df.bias, &cu_bias);
	int n = cu ? path_at(cu, in->addr + served_df.bias - cu_bias, path, 0) : 0;
	Dwarf_Die *inner = NULL;
	bool own = false;

	for (int i = n - 1; i >= 0; i--) {
		int tag = dwarf_tag(&path[i]);
		const char *fn = dwarf_diename(&path[i]), *linkage = NULL;
		Dwarf_Attribute at;
		Dwarf_Addr entry;

		if (tag != (in->inlined ? DW_TAG_inlined_subroutine : DW_TAG_subprogram))
			continue;
		/*
		 * Copies nested at one address (Cart::size and the vector::size
		 * inlined into it) are instances of their own: one is gdb's scope
		 * here, the innermost; the other's variables are its caller's.
		 */
		if (in->die_offset && dwarf_dieoffset(&path[i]) != in->die_offset)
			continue;
		if (in->die_offset && i != n - 1) {
			bool deeper = false;

			for (int k = i + 1; k < n; k++)
				deeper = deeper || dwarf_tag(&path[k]) == DW_TAG_inlined_subroutine;
			if (deeper)
				break;	/* not the innermost: no scope of its own to compare */
		}
		if (dwarf_attr_integrate(&path[i], DW_AT_linkage_name, &at))
			linkage = dwarf_formstring(&at);
		if ((!fn || strcmp(fn, in->func)) && (!linkage || strcmp(linkage, in->func)))
			continue;
		/* one copy inlined into another at this address: the one entered here */
		if (!dwarf_entrypc(&path[i], &entry) &&
		    entry + cu_bias - served_df.bias == in->addr - in->func_offset) {
			inner = &path[i];
			own = true;
			break;
		}
		if (!own)
			inner = &path[i];
		own = true;
	}
	if (own && inner) {
		Dwarf_Addr base, start, end, low = (Dwarf_Addr)-1;
		ptrdiff_t off = 0;

		while ((off = dwarf_ranges(inner, off, &base, &start, &end)) > 0)
			if (start < low)
				low = start;
		snprintf(name, sizeof(name), "%s@0x%" PRIx64, dwarf_diename(inner) ?: "?",
			 low == (Dwarf_Addr)-1 ? 0 : (uint64_t)(low + cu_bias - served_df.bias));
	} else {
		snprintf(name, sizeof(name), "%s@0", in->func);
	}
	for (char *c = name; *c; c++)	/* "construct<Item, const Item&>": one word */
		if (*c == ' ')
			*c = '\x7f';
	return name;
}

/*
 * For a variable gdb says is optimized out and vtrace reads: whether the
 * location came from a list entry gdb 13 cannot take.  It ignores GCC's
 * location views, so an entry whose address range is empty (begin == end
 * == pc: in force only between two views of pc) never applies for it.
 * "#NAME=viewless N empty E entry_view V": N expressions cover pc by
 * address alone (libdw, as gdb), E entries with content are empty ranges
 * at pc, V the inlined copy's DW_AT_GNU_entry_view (-1: none).  The DIE is
 * the innermost NAME in the blocks at pc, as gdb's scope finds it.
 */
static void view_note(const struct probe_instance *in, const char *name)
{
	static Dwarf_Die path[64];
	Dwarf_Addr cu_bias, pc;
	Dwarf_Die *cu = dwfl_module_addrdie(served_df.mod, in->addr + served_df.bias, &cu_bias);
	int n = cu ? path_at(cu, in->addr + served_df.bias - cu_bias, path, 0) : 0;
	long long entry_view = -1;
	Dwarf_Die var, child;
	bool found = false;

	int top = -1, inner;

	pc = in->addr + served_df.bias - cu_bias;
	/* the instance's own function (the innermost so named), and its blocks, not functions inlined into it */
	for (int i = n - 1; i >= 0 && top < 0; i--) {
		const char *fn = dwarf_diename(&path[i]);
		int tag = dwarf_tag(&path[i]);

		if ((tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) && fn && !strcmp(fn, in->func))
			top = i;
	}
	if (top < 0)
		top = 0;
	for (inner = top; inner + 1 < n && dwarf_tag(&path[inner + 1]) == DW_TAG_lexical_block; inner++)
		;
	for (int i = inner; i >= top && !found; i--) {
		Dwarf_Attribute at;
		Dwarf_Word v;

		if (entry_view < 0 && dwarf_tag(&path[i]) == DW_TAG_inlined_subroutine &&
		    dwarf_attr(&path[i], DW_AT_GNU_entry_view, &at) && !dwarf_formudata(&at, &v))
			entry_view = (long long)v;
		if (dwarf_child(&path[i], &child))
			continue;
		do {
			int tag = dwarf_tag(&child);
			const char *vn = dwarf_diename(&child);

			if ((tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) && vn &&
			    !strcmp(vn, name)) {
				var = child;
				found = true;
				break;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (!found) {
		printf("#%s=viewless -1 empty -1 entry_view %lld\n", name, entry_view);
		return;
	}
	{
		Dwarf_Attribute loc;
		Dwarf_Op *expr;
		size_t len;
		Dwarf_Addr base, start, end;
		ptrdiff_t off = 0;
		int viewless = -1, empty = 0;

		if (dwarf_attr_integrate(&var, DW_AT_location, &loc)) {
			viewless = dwarf_getlocation_addr(&loc, pc, &expr, &len, 1);
			if (viewless > 0 && !len)
				viewless = 0;
			while ((off = dwarf_getlocations(&loc, off, &base, &start, &end, &expr, &len)) > 0)
				empty += start == pc && end == pc && len;
		}
		printf("#%s=viewless %d empty %d entry_view %lld\n", name, viewless < 0 ? -1 : viewless, empty,
		       entry_view);
	}
}

static int serve(const char *bin)
{
	struct served_point *points = NULL;
	size_t npoints = 0, cap = 0;
	char *line = NULL;
	size_t len = 0;
	int pid = -1;
	uint64_t bias = 0;

	hex_bytes = true;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (dwarf_file_open(bin, &served_df)) {
		fprintf(stderr, "fetch-eval: no debug info in %s\n", bin);
		return 1;
	}
	while (getline(&line, &len, stdin) > 0) {
		char *save, *cmd, *id, *tok;
		struct served_point *p;

		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "thread ", 7)) {
			stop_tid = strtoull(line + 7, NULL, 16);
			nrecs = 0;
			continue;
		}
		if (!strncmp(line, "entry ", 6)) {
			if (add_entry_rec(line + 6))
				fprintf(stderr, "fetch-eval: a bad entry line: %s\n", line);
			continue;
		}
		cmd = strtok_r(line, " ", &save);
		id = strtok_r(NULL, " ", &save);
		if (!cmd || !id)
			continue;
		if (!strcmp(cmd, "point")) {
			struct spec_error err = { 0 };
			char *text;

			if (npoints == cap) {
				cap = cap ? cap * 2 : 64;
				points = realloc(points, cap * sizeof(*points));
				if (!points)
					return 1;
			}
			p = &points[npoints++];
			memset(p, 0, sizeof(*p));
			tok = strtok_r(NULL, " ", &save);
			p->head = strdup(tok ? tok : "");
			if (asprintf(&text, "%s $vars", p->head) < 0)
				return 1;
			if (resolve_text(text, bin, &p->vars, &err)) {
				printf("error %s\n", err.msg);
			} else {
				printf("addrs");
				for (size_t k = 0; k < p->vars.ninsts; k++)
					printf(" 0x%" PRIx64 "@%s", p->vars.insts[k].addr,
					       scope_func(&p->vars.insts[k]));
				printf("\nentries");
				for (size_t k = 0; k < p->vars.ninsts; k++) {
					printf(" ");
					print_entries(&p->vars.insts[k]);
				}
				printf("\n");
			}
			free(text);
			continue;
		}
		if (strcmp(cmd, "eval") || (size_t)atoi(id) >= npoints)
			continue;
		p = &points[atoi(id)];
		which = strchr(id, '.') ? atoi(strchr(id, '.') + 1) : -1;
		tok = strtok_r(NULL, " ", &save);
		if (tok && atoi(tok) != pid) {
			char path[64];

			pid = atoi(tok);
			if (mem_fd > 0)
				close(mem_fd);
			snprintf(path, sizeof(path), "/proc/%d/mem", pid);
			mem_fd = open(path, O_RDONLY);
			bias = load_bias(bin, pid);
		}
		for (int i = 0; i < DREG_NUM && (tok = strtok_r(NULL, " ", &save)); i++)
			regs[i] = strtoull(tok, NULL, 16);
		while ((tok = strtok_r(NULL, " ", &save)))
			serve_eval(p, bin, bias, tok);
		printf(".\n");
	}
	free(line);
	dwarf_file_close(&served_df);
	return 0;
}

int main(int argc, char **argv)
{
	struct spec spec;
	struct spec_error err;
	struct probe_resolved r;
	uint64_t bias;

	if (argc == 3 && !strcmp(argv[1], "serve"))
		return serve(argv[2]);
	if (argc < 4)
		return 2;
	if (spec_parse(argv[3], &spec, &err)) {
		fprintf(stderr, "spec: %s\n", err.msg);
		return 1;
	}
	if (!strcmp(argv[1], "entries")) {
		/* each arg on its own, as eval resolves them: every entry any instance reads */
		uint64_t seen[256];
		size_t nseen = 0;
		const char *sp = strchr(argv[3], ' ');
		int head = sp ? (int)(sp - argv[3]) : (int)strlen(argv[3]);

		for (size_t i = 0; i < spec.nargs; i++) {
			struct spec one;
			char *text;

			if (asprintf(&text, "%.*s %s", head, argv[3], spec.args[i].text) < 0)
				return 1;
			if (spec_parse(text, &one, &err) || probe_resolve(&one, argv[2], &r, &err)) {
				free(text);
				continue;
			}
			for (size_t k = 0; k < r.ninsts; k++)
				for (size_t j = 0; j < r.insts[k].nargs; j++) {
					const struct fetch_arg *a = &r.insts[k].args[j], *e = a;
					bool dup = false;

					if (!reads_entry(a))
						continue;
					for (size_t q = 0; !e->uses_entry && q < a->npieces; q++)
						if (a->pieces[q].uses_entry)
							e = &a->pieces[q];
					for (size_t q = 0; q < nseen; q++)
						dup |= seen[q] == e->entry_func;
					if (!dup && nseen < 256) {
						seen[nseen++] = e->entry_func;
						printf("0x%" PRIx64 "\n", e->entry_func);
					}
				}
			probe_resolved_free(&r);
			spec_free(&one);
			free(text);
		}
		spec_free(&spec);
		return 0;
	}
	if (!strcmp(argv[1], "addrs")) {
		/* where the point lands does not depend on the args: resolve the point alone */
		char *head = strndup(argv[3], strcspn(argv[3], " "));

		spec_free(&spec);
		if (spec_parse(head, &spec, &err)) {
			fprintf(stderr, "spec: %s\n", err.msg);
			return 1;
		}
		free(head);
		if (probe_resolve(&spec, argv[2], &r, &err)) {
			fprintf(stderr, "resolve: %s\n", err.msg);
			return 1;
		}
		for (size_t i = 0; i < r.ninsts; i++)
			printf("0x%" PRIx64 "\n", r.insts[i].addr);
		probe_resolved_free(&r);
		spec_free(&spec);
		return 0;
	}
	if (argc < 6)
		return 2;
	load_regs(argv[5]);
	{
		char path[64];

		snprintf(path, sizeof(path), "/proc/%s/mem", argv[4]);
		mem_fd = open(path, O_RDONLY);
	}
	bias = load_bias(argv[2], atoi(argv[4]));
	/* Each arg on its own: "POINT ARG" */
	for (size_t i = 0; i < spec.nargs; i++) {
		struct spec one;
		char *text;
		const char *sp = strchr(argv[3], ' ');
		size_t head = sp ? (size_t)(sp - argv[3]) : strlen(argv[3]);
		bool found = false;

		if (asprintf(&text, "%.*s %s", (int)head, argv[3], spec.args[i].text) < 0)
			return 1;
		if (spec_parse(text, &one, &err) || probe_resolve(&one, argv[2], &r, &err)) {
			printf("%s=(unresolved: %s)\n", spec.args[i].name, err.msg);
			free(text);
			continue;
		}
		for (size_t k = 0; k < r.ninsts; k++) {
			if (r.insts[k].addr + bias != regs[DREG_RIP])
				continue;
			found = true;
			for (size_t j = 0; j < r.insts[k].nargs; j++)
				eval(&r.insts[k].args[j]);
		}
		if (!found)
			printf("%s=(no instance at 0x%" PRIx64 ")\n", spec.args[i].name, regs[DREG_RIP]);
		probe_resolved_free(&r);
		spec_free(&one);
		free(text);
	}
	spec_free(&spec);
	return 0;
}

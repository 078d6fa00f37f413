// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver's output, evaluated by hand against a stopped process: the
 * other half of the gdb oracle (tests/tools/gdb_oracle.py).
 *
 *   fetch-eval addrs BIN SPEC             instance addresses, one per line
 *   fetch-eval eval BIN SPEC PID REGS     name=value per arg, at the
 *                                         instance where REGS' rip stops
 *
 * REGS holds "NAME VALUE" lines (rax..r15, rip).  Each arg of SPEC is
 * resolved on its own, so one that cannot be fetched only marks itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/fetch.h"
#include "probe/resolve.h"
#include "probe/spec.h"

static uint64_t regs[DREG_NUM];
static int mem_fd;

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
			}
		}
	}
	*out = st[d - 1];
	return 0;
}

static void eval(const struct fetch_arg *a)
{
	uint64_t addr = 0, v = 0;

	printf("%s=", a->name);
	switch (a->base) {
	case FETCH_CONST:
		v = a->value;
		break;
	case FETCH_REG:
		v = regs[a->reg] + a->offset;
		break;
	case FETCH_EXPR:
		if (eval_ops(a, &v)) {
			printf("(fault)\n");
			return;
		}
		v += a->offset;
		break;
	case FETCH_MEM_REG:
	case FETCH_MEM_PC:
	case FETCH_MEM_EXPR:
		if (a->base == FETCH_MEM_EXPR) {
			if (eval_ops(a, &addr)) {
				printf("(fault)\n");
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

			if (a->size > sizeof(buf) - 1 || read_mem(addr, buf, a->size)) {
				printf("(fault)\n");
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

int main(int argc, char **argv)
{
	struct spec spec;
	struct spec_error err;
	struct probe_resolved r;
	uint64_t bias;

	if (argc < 4)
		return 2;
	if (spec_parse(argv[3], &spec, &err)) {
		fprintf(stderr, "spec: %s\n", err.msg);
		return 1;
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

// SPDX-License-Identifier: GPL-2.0
/* Stacks: the sample trailer, folded counting, and symbolizing a pc of this very binary. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/decode.h"
#include "lib/folded.h"
#include "probe/stack.h"
#include "test.h"
#include "vtrace_sample.h"

__attribute__((noinline)) int stack_test_probe_me(int x)
{
	return x * 7 + 1;
}

/* a sample of payload bytes, then a stack block of one user pc and no stack copy */
static size_t make_sample(unsigned char *buf, size_t payload, uint64_t ip, uint16_t flags)
{
	struct vtrace_sample *h = (void *)buf;
	struct vtrace_stack_block b = { 0, VTRACE_UREGS_SIZE, 0, 0 };
	struct vtrace_stack_trailer t = { 0, VTRACE_STACK_MAGIC };
	uint64_t regs[VTRACE_UREGS_SIZE / 8] = { 0 };
	size_t off = (sizeof(*h) + payload + 7) & ~7u;

	memset(buf, 0, off);
	h->flags = flags;
	h->pid = getpid();
	regs[16] = ip;
	t.block_off = off;
	memcpy(buf + off, &b, sizeof(b));
	memcpy(buf + off + sizeof(b), regs, sizeof(regs));
	off += sizeof(b) + sizeof(regs);
	memcpy(buf + off, &t, sizeof(t));
	return off + sizeof(t);
}

int main(void)
{
	unsigned char buf[1024];
	struct folded f = { 0 };
	char *out = NULL, exe[PATH_MAX], want[PATH_MAX + 128];
	size_t outlen = 0, n;
	FILE *mem;
	struct stack_syms *ss;
	struct strbuf sb = STRBUF_INIT;
	const char *maps;
	ssize_t el;
	uint64_t ip = (uint64_t)(uintptr_t)stack_test_probe_me;

	/* the trailer: found, refused when damaged, absent without the flag */
	n = make_sample(buf, 13, ip, VTRACE_SAMPLE_F_STACK);
	CHECK_INT(decode_stack_split(buf, n), 64, "the stack block starts after the payload, 8-aligned");
	CHECK_INT(decode_stack_split(buf, n - 1), -1, "a sample cut short has no valid trailer");
	((struct vtrace_sample *)buf)->flags = 0;
	CHECK_INT(decode_stack_split(buf, n), (long)n, "without VTRACE_SAMPLE_F_STACK the whole sample is payload");
	((struct vtrace_sample *)buf)->flags = VTRACE_SAMPLE_F_STACK;

	/* folded: one line per distinct stack, counted, sorted */
	folded_add(&f, "t;main;outer;leaf");
	folded_add(&f, "t;main;leaf");
	folded_add(&f, "t;main;outer;leaf");
	folded_add(&f, "t;main;outer;leaf");
	mem = open_memstream(&out, &outlen);
	CHECK_INT(folded_print(&f, mem), 2, "two distinct stacks");
	fclose(mem);
	CHECK_STR(out, "t;main;leaf 1\nt;main;outer;leaf 3\n", "folded lines: stack and count");
	free(out);
	folded_free(&f);

	/* a pc of this binary, from this process's own mappings */
	ss = stack_syms_new();
	CHECK(ss && !stack_syms_track(ss, getpid(), &maps, &n) && maps && strstr(maps, "# build-id "),
	      "this process's mappings are read, with build ids");
	el = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[el > 0 ? el : 0] = 0;
	n = make_sample(buf, 13, ip, VTRACE_SAMPLE_F_STACK);
	stack_syms_print(ss, &sb, (void *)buf, buf + 64, n - 64 - 8, STACK_TEXT);
	snprintf(want, sizeof(want), "\n\t%16llx stack_test_probe_me+0x0 (%s)\n", (unsigned long long)ip, exe);
	CHECK_STR(sb.buf, want, "a function's entry prints as perf script prints a frame");
	strbuf_reset(&sb);
	make_sample(buf, 13, ip + 2, VTRACE_SAMPLE_F_STACK);
	stack_syms_print(ss, &sb, (void *)buf, buf + 64, n - 64 - 8, STACK_FOLDED);
	CHECK_STR(sb.buf, ";stack_test_probe_me", "folded: the function's name");
	strbuf_reset(&sb);
	stack_syms_print(ss, &sb, (void *)buf, buf + 64, n - 64 - 8, STACK_JSON);
	CHECK(sb.buf && strstr(sb.buf, "\"symbol\":\"stack_test_probe_me\",\"offset\":2,"),
	      "JSON: symbol and offset");

	/* a file whose build id is not the recorded one: its frames are not trusted */
	{
		struct strbuf m = STRBUF_INIT;

		stack_maps_proc(&m, getpid());
		strbuf_addf(&m, "# build-id 0123456789abcdef %s\n", exe);
		stack_syms_set_maps(ss, getpid(), m.buf, m.len);
		strbuf_release(&m);
	}
	strbuf_reset(&sb);
	stack_syms_print(ss, &sb, (void *)buf, buf + 64, n - 64 - 8, STACK_TEXT);
	snprintf(want, sizeof(want), "\n\t%16llx [unknown] (%s)\n", (unsigned long long)ip + 2, exe);
	CHECK_STR(sb.buf, want, "a rebuilt file (another build id) prints [unknown], not wrong symbols");
	strbuf_release(&sb);
	stack_syms_free(ss);
	stack_test_probe_me(1);
	return test_failures ? 1 : 0;
}

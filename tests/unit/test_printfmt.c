// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <stdlib.h>

#include "lib/printfmt.h"
#include "test.h"

/* Builds a payload as vtrace.h would: header, then 8-byte or string slots. */
struct payload {
	char buf[1024];
	size_t len;
};

static void start(struct payload *p, uint32_t fmt_id)
{
	struct vtrace_printf_payload h = { .fmt_id = fmt_id, .str_max = 16 };

	memset(p, 0, sizeof(*p));
	memcpy(p->buf, &h, sizeof(h));
	p->len = sizeof(h);
}

static void add_int(struct payload *p, uint8_t tag, uint64_t v)
{
	struct vtrace_printf_payload *h = (void *)p->buf;

	h->tags[h->nargs++] = tag;
	memcpy(p->buf + p->len, &v, 8);
	p->len += 8;
}

static void add_str(struct payload *p, const char *s, int fault)
{
	struct vtrace_printf_payload *h = (void *)p->buf;

	h->tags[h->nargs++] = fault ? VT_ARG_STR_FAULT : VT_ARG_STR;
	strncpy(p->buf + p->len, s, 16);
	p->len += 16;
}

static char *render(const char *fmt, struct payload *p)
{
	static char out[512];
	struct strbuf sb = STRBUF_INIT;
	struct printf_fmt f;
	int col;

	if (printf_fmt_compile(fmt, &f, &col))
		return NULL;
	printf_fmt_render(&sb, &f, p->buf, p->len);
	snprintf(out, sizeof(out), "%s", sb.buf ? sb.buf : "");
	strbuf_release(&sb);
	printf_fmt_free(&f);
	return out;
}

int main(void)
{
	struct payload p;
	struct printf_fmt f;
	int col = -1;

	start(&p, 1);
	add_int(&p, VT_ARG_S32, (uint64_t)(int64_t)-5);
	add_int(&p, VT_ARG_U64, 18446744073709551615ULL);
	add_int(&p, VT_ARG_S64, (uint64_t)(int64_t)-1234567890123LL);
	CHECK_STR(render("a=%d b=%lu c=%ld", &p), "a=-5 b=18446744073709551615 c=-1234567890123",
		  "signed and unsigned decimal, 32 and 64 bit");

	start(&p, 1);
	add_int(&p, VT_ARG_U32, 0xffffffff);
	add_int(&p, VT_ARG_S32, 300);
	add_int(&p, VT_ARG_S32, 70000);
	CHECK_STR(render("%d %hhd %hu", &p), "-1 44 4464", "length modifiers truncate as C does");

	/* the plain conversions are printed without printf, the others with it: the same as C */
	start(&p, 1);
	add_int(&p, VT_ARG_S32, (uint64_t)(int64_t)-42);
	add_int(&p, VT_ARG_U32, 0xffffffff);
	add_int(&p, VT_ARG_S32, (uint64_t)(int64_t)-42);
	add_int(&p, VT_ARG_U32, 7);
	add_int(&p, VT_ARG_S64, (uint64_t)INT64_MIN);
	CHECK_STR(render("%i|%u|%5d|%-3u|%lld", &p), "-42|4294967295|  -42|7  |-9223372036854775808",
		  "plain %i and %u, widths, INT64_MIN");

	start(&p, 1);
	add_int(&p, VT_ARG_U32, 255);
	add_int(&p, VT_ARG_U32, 255);
	add_int(&p, VT_ARG_PTR, 0x7ffd1234ULL);
	add_int(&p, VT_ARG_CHAR, 'z');
	add_int(&p, VT_ARG_S32, 42);
	add_int(&p, VT_ARG_S32, (uint64_t)(int64_t)-7);
	CHECK_STR(render("%x %#X %p %c [%5d] [%-4d] 100%%", &p), "ff 0XFF 0x7ffd1234 z [   42] [-7  ] 100%",
		  "hex, pointer, char, width, literal percent");

	start(&p, 1);
	add_int(&p, VT_ARG_CHAR, 0x1b);
	add_int(&p, VT_ARG_CHAR, 'q');
	CHECK_STR(render("[%3c] [%c] lit\033[0m", &p), "[\\x1b] [q] lit\\x1b[0m",
		  "a control character from %c or in the format's text is escaped");
	CHECK_INT(printf_fmt_compile("n=%4294967295d", &f, &col), -22, "a width of 4G is refused");
	CHECK_INT(col, 2, "at its conversion");
	CHECK_INT(printf_fmt_compile("n=%.5000s", &f, &col), -22, "a precision past 4096 is refused");
	CHECK_STR(render("[%4096d]", &p) ? "compiled" : "refused", "compiled", "a width of 4096 is taken");

	start(&p, 1);
	add_str(&p, "hello", 0);
	add_str(&p, "", 1);
	add_str(&p, "tab\there\n", 0);
	CHECK_STR(render("s=%s f=%s e=%s", &p), "s=hello f=(fault) e=tab\\there\\n",
		  "strings, faults, escapes");

	start(&p, 1);
	add_int(&p, VT_ARG_S32, 1);
	CHECK_STR(render("%d %d", &p), "1 (missing)", "a conversion without an argument says so");

	start(&p, 1);
	add_int(&p, VT_ARG_S32, 1);
	CHECK_STR(render("%s", &p), "(not a string)", "an integer for %s is not printed as a string");

	CHECK_INT(printf_fmt_compile("x=%f", &f, &col), -22, "%f is refused");
	CHECK_INT(col, 2, "the refusal points at the conversion");
	CHECK_INT(printf_fmt_compile("x=%", &f, &col), -22, "a lone % is refused");

	{
		/* the section format: records, 4-aligned */
		char sec[64] = { 0 };
		struct vtrace_fmt_rec r1 = { 7, VTRACE_FMT_PRINTF }, r2 = { 9, VTRACE_FMT_PRINTF };
		struct fmt_table t;
		const char *bad = NULL;

		memcpy(sec, &r1, 8);
		memcpy(sec + 8, "a=%d", 5);	/* ends at 13, next record at 16 */
		memcpy(sec + 16, &r2, 8);
		memcpy(sec + 24, "b", 2);
		CHECK_INT(fmt_table_parse(&t, sec, 28, &bad, &col), 0, "format section parses");
		CHECK_INT(t.n, 2, "two formats");
		CHECK(fmt_table_find(&t, 9) && !strcmp(fmt_table_find(&t, 9)->text, "b"), "format found by id");
		CHECK(!fmt_table_find(&t, 8), "unknown id is not found");
		fmt_table_free(&t);
	}
	return TEST_DONE();
}

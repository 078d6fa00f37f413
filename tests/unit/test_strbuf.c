// SPDX-License-Identifier: GPL-2.0
/*
 * Escaping for text and JSON: valid UTF-8 passes through, every other byte
 * is escaped so that the original bytes can be read back.  The decoders
 * here are written from the documented rules (vtrace-script(1)), not from
 * the encoder.
 */
#include <stdlib.h>

#include "lib/strbuf.h"
#include "tests/unit/test.h"

/* Reads back text written by strbuf_add_escaped (unquoted). */
static size_t unescape_text(const char *in, char *out)
{
	size_t n = 0;

	while (*in) {
		if (*in != '\\') {
			out[n++] = *in++;
			continue;
		}
		in++;
		switch (*in) {
		case 'n': out[n++] = '\n'; in++; break;
		case 't': out[n++] = '\t'; in++; break;
		case 'r': out[n++] = '\r'; in++; break;
		case '\\': out[n++] = '\\'; in++; break;
		case 'x': {
			char hex[3] = { in[1], in[2], 0 };

			out[n++] = (char)strtoul(hex, NULL, 16);
			in += 3;
			break;
		}
		default:
			out[n++] = '?';
		}
	}
	out[n] = 0;
	return n;
}

int main(void)
{
	struct strbuf sb = STRBUF_INIT;
	char back[256];
	/* every byte 1..255, once */
	char all[256];

	strbuf_add_escaped(&sb, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", (size_t)-1, 1);
	CHECK_STR(sb.buf, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
		  "text: valid UTF-8 (2, 3 and 4 bytes) passes unchanged");
	strbuf_reset(&sb);
	strbuf_add_json_string(&sb, "caf\xc3\xa9", (size_t)-1);
	CHECK_STR(sb.buf, "\"caf\xc3\xa9\"", "JSON: valid UTF-8 passes unchanged");

	strbuf_reset(&sb);
	strbuf_add_escaped(&sb, "a\xc3(\xff\xc0\xaf\xed\xa0\x80\\b", (size_t)-1, 0);
	CHECK_STR(sb.buf, "a\\xc3(\\xff\\xc0\\xaf\\xed\\xa0\\x80\\\\b",
		  "text: a cut sequence, 0xff, an overlong and a surrogate are \\xHH; a backslash is \\\\");
	strbuf_reset(&sb);
	strbuf_add_json_string(&sb, "a\xc3(\xff\x01", (size_t)-1);
	CHECK_STR(sb.buf, "\"a\\udcc3(\\udcff\\u0001\"",
		  "JSON: invalid bytes are \\udcHH (surrogateescape), controls \\u00HH");

	strbuf_reset(&sb);
	strbuf_add_escaped(&sb, "caf\xc3\xa9", 4, 0);
	CHECK_STR(sb.buf, "caf\\xc3", "a sequence cut by the length limit is escaped, not read past");

	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = 0;
	strbuf_reset(&sb);
	strbuf_add_escaped(&sb, all, (size_t)-1, 0);
	CHECK_INT(unescape_text(sb.buf, back), 255, "text: every byte reads back (length)");
	CHECK(!memcmp(back, all, 255), "text: every byte reads back (bytes)");
	strbuf_reset(&sb);
	strbuf_add_escaped(&sb, "x\\x41", (size_t)-1, 0);
	unescape_text(sb.buf, back);
	CHECK_STR(back, "x\\x41", "text: a literal \\x41 in the data is not read back as 'A'");

	/* numbers without printf, checked against snprintf's */
	{
		static const unsigned long long u[] = { 0, 7, 10, 999999, 1000000, 4294967295ULL,
							18446744073709551615ULL };
		static const long long sv[] = { 0, -1, 42, -9223372036854775807LL - 1, 9223372036854775807LL };
		char want[64];
		int bad = 0;

		for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
			strbuf_reset(&sb);
			strbuf_add_uint(&sb, u[i], 0, ' ');
			snprintf(want, sizeof(want), "%llu", u[i]);
			bad += strcmp(sb.buf, want) != 0;
			strbuf_reset(&sb);
			strbuf_add_uint(&sb, u[i], 6, '0');
			snprintf(want, sizeof(want), "%06llu", u[i]);
			bad += strcmp(sb.buf, want) != 0;
			strbuf_reset(&sb);
			strbuf_addstr(&sb, "x");
			strbuf_add_uint(&sb, u[i], 5, ' ');
			snprintf(want, sizeof(want), "x%5llu", u[i]);
			bad += strcmp(sb.buf, want) != 0;
		}
		CHECK_INT(bad, 0, "strbuf_add_uint: as %llu, %06llu, %5llu");
		bad = 0;
		for (size_t i = 0; i < sizeof(sv) / sizeof(sv[0]); i++) {
			strbuf_reset(&sb);
			strbuf_add_int(&sb, sv[i]);
			snprintf(want, sizeof(want), "%lld", sv[i]);
			bad += strcmp(sb.buf, want) != 0;
		}
		CHECK_INT(bad, 0, "strbuf_add_int: as %lld, LLONG_MIN included");
		strbuf_reset(&sb);
		for (int i = 0; i < 100; i++)
			strbuf_addf(&sb, "%d,%s", i, i == 50 ? "a string longer than the room there is left" : "");
		CHECK_INT(sb.len, 10 * 2 + 90 * 3 + 43, "strbuf_addf: a line longer than the room grows it, once");
	}

	/* text for a terminal: tabs and newlines kept, escape sequences and C1 controls not */
	strbuf_reset(&sb);
	strbuf_add_text(&sb, "a\tb\nc\033[31m\x07\x7f\xc2\x9b" "1m\xc3\xa9\\", 19);
	CHECK_STR(sb.buf, "a\tb\nc\\x1b[31m\\x07\\x7f\\xc2\\x9b1m\xc3\xa9\\",
		  "strbuf_add_text: ESC, BEL, DEL and a C1 CSI escaped; tab, newline, UTF-8, backslash kept");
	strbuf_reset(&sb);
	strbuf_add_escaped(&sb, "\xc2\x9b\xc2\xa0", 4, 0);
	CHECK_STR(sb.buf, "\\xc2\\x9b\xc2\xa0", "strbuf_add_escaped: a C1 control escaped, U+00A0 kept");
	CHECK(str_is_plain("ev_1 caf\xc3\xa9", 10), "str_is_plain: a name with UTF-8");
	CHECK(!str_is_plain("ev\033", 3) && !str_is_plain("a\\b", 3) && !str_is_plain("\xc2\x85", 2) &&
	      !str_is_plain("\xff", 1), "str_is_plain: not with ESC, a backslash, a C1 control, bad UTF-8");
	{
		/* output_header()'s comm: a fixed buffer with room for 16 bytes escaped */
		char buf[16 * 4 + 1];
		struct strbuf c = { buf, 0, sizeof(buf) };
		char comm[16];

		memset(comm, 0x1b, sizeof(comm));
		buf[0] = 0;
		strbuf_add_escaped(&c, comm, sizeof(comm), 0);
		CHECK(c.buf == buf && c.len == 64, "16 escaped bytes fit a buffer of 65, no realloc");
	}

	strbuf_release(&sb);
	return TEST_DONE();
}

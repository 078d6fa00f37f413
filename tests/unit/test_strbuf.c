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

	strbuf_release(&sb);
	return TEST_DONE();
}

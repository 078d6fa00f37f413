// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the data-file reader and its printers (vtrace
 * script's text, -F fields, --json and --folded, with stacks symbolized
 * from the file's maps): any byte string is printed or refused; never a
 * crash, a leak, a read out of bounds, a hang or a runaway allocation
 * (built with ASan and UBSan; run with -rss_limit_mb and -timeout), and
 * the text printed holds no control byte but tab and newline (a terminal's
 * escape sequences are escaped), the JSON none at all.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/datafile.h"
#include "lib/error.h"
#include "lib/folded.h"
#include "probe/stack.h"

static FILE *report;

enum mode { TEXT, FIELDS, JSON, FOLDED, NMODES };

struct out {
	enum mode mode;
	struct strbuf line;
	struct stack_syms *syms;
	struct folded folded;
};

/* What would reach the terminal: no control byte but \t and \n (none in JSON). */
static void check_printable(const struct out *o, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == 0x7f || (c < 0x20 && (o->mode == JSON || (c != '\t' && c != '\n')))) {
			fprintf(report ? report : stderr, "control byte 0x%02x at %zu of: %.*s\n", c, i,
				(int)len, s);
			fflush(report);
			abort();
		}
	}
}

static int on_sample(void *ctx, struct decoder *d, const void *data, size_t size)
{
	struct out *o = ctx;
	int rc;

	if (!d->stack) {
		d->stack = stack_syms_print;
		d->stack_ctx = o->syms;
	}
	strbuf_reset(&o->line);
	switch (o->mode) {
	case TEXT:
		rc = decode_text(d, &o->line, data, size, FIELD_DEFAULT);
		break;
	case FIELDS:
		rc = decode_text(d, &o->line, data, size, FIELD_COMM | FIELD_PID | FIELD_EVENT | FIELD_ARGS);
		break;
	case JSON:
		rc = decode_json(d, &o->line, data, size);
		break;
	default:
		rc = decode_folded(d, &o->line, data, size);
		if (!rc && folded_add(&o->folded, o->line.buf))
			rc = -ENOMEM;
		return rc == -ENOENT ? 0 : rc;
	}
	if (!rc)
		check_printable(o, o->line.buf, o->line.len);
	return rc;
}

static int on_lost(void *ctx, uint64_t lost)
{
	struct out *o = ctx;

	strbuf_reset(&o->line);
	decode_lost_json(&o->line, lost);
	return 0;
}

static void on_meta(void *ctx, const char *text)
{
	(void)ctx;
	(void)text;
}

static int on_maps(void *ctx, uint32_t pid, const char *text, size_t len)
{
	struct out *o = ctx;

	return stack_syms_add_maps(o->syms, pid, text, len);
}

static int on_agg(void *ctx, struct agg *a)
{
	struct out *o = ctx;

	strbuf_reset(&o->line);
	if (o->mode == JSON)
		agg_print_json(a, &o->line, 0);
	else
		agg_print(a, &o->line);
	check_printable(o, o->line.buf, o->line.len);
	return 0;
}

static int on_umap(void *ctx, struct umap *m)
{
	struct out *o = ctx;

	strbuf_reset(&o->line);
	if (o->mode == JSON)
		umap_print_json(m, &o->line);
	else
		umap_print(m, &o->line);
	check_printable(o, o->line.buf, o->line.len);
	return 0;
}

/*
 * The reader's one-line messages (a damaged file) are not what is tested:
 * the fuzzer runs with -close_fd_mask=2, and this target's own finding
 * goes to a copy of stderr made before that (sanitizers' reports go to
 * libFuzzer's).
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd = dup(2);

	(void)argc;
	(void)argv;
	report = fd >= 0 ? fdopen(fd, "w") : NULL;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int mode = 0; mode < NMODES; mode++) {
		struct out o = { .mode = mode };
		struct datafile_callbacks cb = { on_sample, on_lost, on_meta, &o, on_maps, on_agg, on_umap };
		struct decoder d;
		char *meta = NULL;
		FILE *null;

		o.syms = stack_syms_new();
		if (!o.syms)
			return 0;
		datafile_parse("fuzz", (const char *)data, size, &d, &cb, &meta);
		if (mode == FOLDED && (null = fopen("/dev/null", "w"))) {
			folded_print(&o.folded, null);
			fclose(null);
		}
		free(meta);
		decoder_free(&d);
		strbuf_release(&o.line);
		folded_free(&o.folded);
		stack_syms_free(o.syms);
	}
	return 0;
}

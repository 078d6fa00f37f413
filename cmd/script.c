// SPDX-License-Identifier: GPL-2.0
/*
 * vtrace script: prints a data file written by `vtrace record -o`, exactly
 * as the live output would have been printed (or as JSON).
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/builtin.h"
#include "lib/datafile.h"
#include "lib/error.h"
#include "lib/folded.h"
#include "probe/stack.h"

struct script_opts {
	const char *input;
	bool json;
	bool header;
	bool folded;
	bool fields_given;
	unsigned fields;
};

enum { OPT_JSON = 0x100, OPT_HEADER, OPT_FOLDED };

static const struct argp_option options[] = {
	{ "input", 'i', "FILE", 0, "The data file (default: vtrace.data, what record -w writes)", 0 },
	{ "json", OPT_JSON, NULL, 0, "One JSON object per sample", 0 },
	{ "fields", 'F', "LIST", 0, "Text fields: comm,pid,tid,cpu,time,event,args", 0 },
	{ "header", OPT_HEADER, NULL, 0, "Print the file's header (host, kernel, command) first", 0 },
	{ "folded", OPT_FOLDED, NULL, 0, "Folded stacks of record -g, one line per stack: "
	  "comm;outer;...;inner COUNT (flamegraph.pl, speedscope)", 0 },
	{ 0 }
};

static const char doc[] =
	"Print a data file written by vtrace record -o, as the live output would have been.\v"
	"The file describes its probes, their args and types, so it prints the same on another "
	"machine.  A damaged file prints every intact sample, then an error naming the offset.\n\n"
	"JSON: one object per line; samples are {\"type\":\"sample\", \"comm\", \"pid\", \"tid\", "
	"\"cpu\", \"time_ns\", \"event\", \"args\"}, lost samples {\"type\":\"lost\", \"count\"}.  "
	"See vtrace-script(1).\n";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct script_opts *o = state->input;
	const char *bad = arg;

	switch (key) {
	case 'i':
		o->input = arg;
		break;
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_HEADER:
		o->header = true;
		break;
	case OPT_FOLDED:
		o->folded = true;
		break;
	case 'F':
		if (decode_fields_parse(arg, &o->fields, &bad))
			argp_error(state, "-F takes comm,pid,tid,cpu,time,event,args; not '%s'", bad);
		o->fields_given = true;
		break;
	case ARGP_KEY_END:
		if (o->json && o->fields_given)
			argp_error(state, "--json prints every field; -F chooses text fields");
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected '%s' (the file is given with -i)", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct printer {
	const struct script_opts *o;
	struct strbuf line;
	unsigned long long samples;
	bool probes_done;
	struct stack_syms *syms;
	struct folded folded;
	unsigned long long unstacked;	/* --folded: samples without a stack */
};

/* --header: each probe's event, spec, and args with their C types. */
static void print_probes(struct printer *p, const struct decoder *d)
{
	p->probes_done = true;
	for (size_t i = 0; i < d->nprobes; i++) {
		const struct decode_probe *dp = &d->probes[i];

		printf("# probe %zu: %s: %s\n", i, dp->event ? dp->event : "?", dp->spec ? dp->spec : "");
		for (size_t j = 0; j < dp->nargs; j++)
			printf("#   %s %s\n", dp->args[j].kind == DECODE_STRING ? "string" :
			       dp->args[j].type && dp->args[j].type->name ? dp->args[j].type->name : "?",
			       dp->args[j].name);
	}
}

static int print_sample(void *ctx, struct decoder *d, const void *data, size_t size)
{
	struct printer *p = ctx;
	int rc;

	if (p->o->header && !p->probes_done)
		print_probes(p, d);
	if (!d->stack) {
		d->stack = stack_syms_print;
		d->stack_ctx = p->syms;
	}
	strbuf_reset(&p->line);
	if (p->o->folded) {
		rc = decode_folded(d, &p->line, data, size);
		if (rc == -ENOENT) {
			p->unstacked++;
			return 0;
		}
		if (!rc && folded_add(&p->folded, p->line.buf))
			rc = -ENOMEM;
		p->samples += !rc;
		return rc;
	}
	rc = p->o->json ? decode_json(d, &p->line, data, size) :
			  decode_text(d, &p->line, data, size, p->o->fields);
	if (rc)
		return rc;
	strbuf_addch(&p->line, '\n');
	fwrite(p->line.buf, 1, p->line.len, stdout);
	p->samples++;
	return 0;
}

static int print_lost(void *ctx, uint64_t lost)
{
	struct printer *p = ctx;

	if (p->o->json) {
		strbuf_reset(&p->line);
		decode_lost_json(&p->line, lost);
		printf("%s\n", p->line.buf);
	} else {
		fprintf(stderr, "[ vtrace: %llu samples were lost while recording ]\n",
			(unsigned long long)lost);
	}
	return 0;
}

static int add_maps(void *ctx, uint32_t pid, const char *text, size_t len)
{
	struct printer *p = ctx;

	return stack_syms_add_maps(p->syms, pid, text, len);
}

/* The maps record printed at exit, printed as it printed them (not under --folded). */
static int print_agg(void *ctx, struct agg *a)
{
	struct printer *p = ctx;

	if (p->o->folded)
		return 0;
	strbuf_reset(&p->line);
	if (p->o->json) {
		agg_print_json(a, &p->line, 0);
		strbuf_addch(&p->line, '\n');
	} else {
		agg_print(a, &p->line);
	}
	if (p->line.len)
		fwrite(p->line.buf, 1, p->line.len, stdout);
	return 0;
}

static int print_umap(void *ctx, struct umap *m)
{
	struct printer *p = ctx;

	if (p->o->folded)
		return 0;
	strbuf_reset(&p->line);
	if (p->o->json) {
		umap_print_json(m, &p->line);
		strbuf_addch(&p->line, '\n');
	} else {
		umap_print(m, &p->line);
	}
	if (p->line.len)
		fwrite(p->line.buf, 1, p->line.len, stdout);
	return 0;
}

/* --header: the file's META lines as comments, before the samples. */
static void print_meta(void *ctx, const char *text)
{
	struct printer *p = ctx;
	const char *line = text;

	if (!p->o->header)
		return;
	while (*line) {
		const char *nl = strchrnul(line, '\n');

		strbuf_reset(&p->line);
		strbuf_add_escaped(&p->line, line, nl - line, 0);
		printf("# %s\n", p->line.buf ? p->line.buf : "");
		line = *nl ? nl + 1 : nl;
	}
}

int cmd_script(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, common_children, NULL, NULL };
	struct script_opts o = { .input = "vtrace.data", .fields = FIELD_DEFAULT };
	struct printer p = { .o = &o };
	struct datafile_callbacks cb = { print_sample, print_lost, print_meta, &p, add_maps,
					 print_agg, print_umap };
	struct decoder d;
	char *meta = NULL;
	int rc;

	argv[0] = "vtrace script";
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return 2;
	if (o.folded && o.json) {
		pr_err("--folded and --json exclude each other");
		return 2;
	}
	p.syms = stack_syms_new();
	if (!p.syms)
		return 1;
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	rc = datafile_read(o.input, &d, &cb, &meta);
	if (o.folded) {
		folded_print(&p.folded, stdout);
		if (p.unstacked)
			pr_warn("%llu samples have no stack (record them with -g)", p.unstacked);
	}
	if (o.header && !p.probes_done)
		print_probes(&p, &d);
	fflush(stdout);
	free(meta);
	decoder_free(&d);
	strbuf_release(&p.line);
	folded_free(&p.folded);
	stack_syms_free(p.syms);
	return rc ? 1 : 0;
}

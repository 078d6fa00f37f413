// SPDX-License-Identifier: GPL-2.0
/*
 * vtrace probe: what can be probed and what a spec resolves to, without
 * loading anything (perf probe -F/-L/-V, and --dry-run).
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/trampoline.h"
#include "cmd/builtin.h"
#include "lib/error.h"
#include "probe/btf_resolve.h"
#include "probe/dwarf.h"
#include "probe/resolve.h"

enum mode { MODE_NONE, MODE_FUNCS, MODE_LINES, MODE_VARS, MODE_DRY_RUN };

struct probe_opts {
	enum mode mode;
	const char *binary;
	const char *arg;
};

enum { OPT_FUNCS = 0x100, OPT_LINES, OPT_VARS, OPT_DRY_RUN };

static const struct argp_option options[] = {
	{ "exec", 'x', "BIN", 0, "The executable or library: a path, a library name as the dynamic loader "
	  "finds it (libc.so.6), a command on PATH (DWARF from it, its debuglink or build id)", 0 },
	{ "funcs", OPT_FUNCS, NULL, 0, "List the functions that can be probed (optionally matching GLOB)", 0 },
	/* optional arguments, so that "--dry-run -x BIN SPEC" reads as it does in perf probe */
	{ "lines", OPT_LINES, "FUNC", OPTION_ARG_OPTIONAL, "List FUNC's source lines that can be probed", 0 },
	{ "vars", OPT_VARS, "POINT", OPTION_ARG_OPTIONAL,
	  "List the variables at POINT (FUNC, FUNC+OFF, FUNC:RELLINE, FILE:LINE)", 0 },
	{ "dry-run", OPT_DRY_RUN, "SPEC", OPTION_ARG_OPTIONAL, "Resolve SPEC and print every instance and fetch", 0 },
	{ "verbose", 'v', NULL, 0, "Say more", 0 },
	{ 0 }
};

static const char doc[] =
	"Show what can be probed, and what a probe spec resolves to.\v"
	"Examples:\n"
	"  vtrace probe --funcs -x ./app 'handle_*'\n"
	"  vtrace probe --funcs -x libc.so.6 'malloc*'\n"
	"  vtrace probe --lines handle_request -x ./app\n"
	"  vtrace probe --vars handle_request+16 -x ./app\n"
	"  vtrace probe --dry-run 'exec=./app;ev=handle_request req->hdr.len req->path:string'\n"
	"  vtrace probe --dry-run -x libc.so.6 'ev=malloc bytes'\n";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct probe_opts *o = state->input;
	enum mode m = MODE_NONE;

	switch (key) {
	case 'x':
		o->binary = arg;
		return 0;
	case 'v':
		verbose++;
		return 0;
	case OPT_FUNCS: m = MODE_FUNCS; break;
	case OPT_LINES: m = MODE_LINES; break;
	case OPT_VARS: m = MODE_VARS; break;
	case OPT_DRY_RUN: m = MODE_DRY_RUN; break;
	case ARGP_KEY_ARG:
		if (o->mode == MODE_NONE || o->arg)
			argp_error(state, "unexpected '%s'", arg);
		o->arg = arg;
		return 0;
	case ARGP_KEY_END:
		if (o->mode == MODE_NONE)
			argp_error(state, "say what to show: --funcs, --lines, --vars or --dry-run");
		if (!o->arg && o->mode != MODE_FUNCS)
			argp_error(state, "%s needs its argument", o->mode == MODE_LINES ? "--lines FUNC" :
				   o->mode == MODE_VARS ? "--vars POINT" : "--dry-run SPEC");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	if (o->mode != MODE_NONE)
		argp_error(state, "--funcs, --lines, --vars and --dry-run exclude each other");
	o->mode = m;
	o->arg = arg;
	return 0;
}

static int open_binary(const char *name, struct dwarf_file *df)
{
	char msg[1024], *path;
	int rc;

	memset(df, 0, sizeof(*df));
	if (!name) {
		pr_err("which binary? --lines needs -x BIN (the kernel's lines need its DWARF)");
		return -EINVAL;
	}
	rc = probe_find_binary(name, &path, msg, sizeof(msg));
	if (rc) {
		pr_err("%s", msg);
		return rc;
	}
	rc = dwarf_file_open(path, df);
	if (rc) {
		probe_open_error(name, path, rc, msg, sizeof(msg));
		pr_err("%s", msg);
	}
	free(path);
	return rc;
}

static int dry_run(const char *text, const char *binary)
{
	struct spec spec;
	struct spec_error err;
	struct probe_resolved r;
	struct strbuf sb = STRBUF_INIT;
	int rc;

	rc = spec_parse(text, &spec, &err);
	if (rc) {
		spec_error_print("spec", text, &err);
		return 2;	/* a usage error, as record says of it */
	}
	/* a kernel function's plan as record makes it: fentry/fexit where they can be */
	if (binary)
		rc = probe_resolve(&spec, binary, &r, &err);
	else
		rc = tramp_resolve_plan(&spec, false, NULL, 0, spec.event ? spec.event : "spec", &r,
					&err);
	if (rc) {
		spec_error_print(spec.event ? spec.event : "spec", text, &err);
		spec_free(&spec);
		return 1;
	}
	printf("%s: %zu instance%s in %s%s\n", spec.event, r.ninsts, r.ninsts == 1 ? "" : "s",
	       r.binary ? r.binary : "the kernel", r.ret ? " (return probe)" : "");
	if (r.note)
		printf("note: %s\n", r.note);
	for (size_t i = 0; i < r.ninsts; i++) {
		struct probe_instance *in = &r.insts[i];

		if (r.target == TARGET_USER)
			printf("  %s+%llu at 0x%llx (file offset 0x%llx)%s", in->func,
			       (unsigned long long)in->func_offset, (unsigned long long)in->addr,
			       (unsigned long long)in->file_offset, in->inlined ? " inlined" : "");
		else if (r.target == TARGET_KERNEL)
			printf("  %s+%llu%s", in->func, (unsigned long long)in->func_offset,
			       in->inlined ? " inlined" : "");
		else if (r.target == TARGET_FENTRY)
			printf("  %s %s", r.ret ? "fexit" : "fentry", in->func);
		else
			printf("  %s %s", r.target == TARGET_TP ? "tracepoint" : r.target == TARGET_TP_BTF ?
			       "BTF-typed tracepoint" : "raw tracepoint", in->func);
		if (in->src_file)
			printf(" %s:%d", in->src_file, in->src_line);
		printf("\n");
		for (size_t j = 0; j < in->nargs; j++) {
			strbuf_reset(&sb);
			fetch_arg_describe(&sb, &in->args[j]);
			printf("    %s\n", sb.buf);
		}
	}
	strbuf_release(&sb);
	probe_resolved_free(&r);
	spec_free(&spec);
	return 0;
}

/* Without -x: the kernel, through BTF. */
static int kernel_listing(const struct probe_opts *o)
{
	struct strbuf out = STRBUF_INIT;
	int rc = 0;

	if (o->mode == MODE_FUNCS) {
		rc = btf_list_funcs(o->arg, &out);
		if (rc)
			pr_err("this kernel has no BTF (/sys/kernel/btf/vmlinux): give -x BIN");
	} else {
		struct spec spec;
		struct spec_error err;
		struct probe_resolved r;
		char *text;

		if (asprintf(&text, "vars=%s $params", o->arg) < 0)
			return 1;
		rc = spec_parse(text, &spec, &err);
		if (!rc) {
			rc = probe_resolve(&spec, NULL, &r, &err);
			spec_free(&spec);
		}
		if (rc) {
			err.col = err.col >= 5 ? err.col - 5 : 0;
			spec_error_print("--vars", o->arg, &err);
		} else {
			strbuf_addf(&out, "%s (kernel, from BTF; at the entry):\n", r.insts[0].func);
			for (size_t i = 0; i < r.insts[0].nargs; i++)
				strbuf_addf(&out, "    %-24s %s\n", r.insts[0].args[i].type_name,
					    r.insts[0].args[i].name);
			probe_resolved_free(&r);
		}
		free(text);
	}
	if (!rc)
		fputs(out.buf ? out.buf : "", stdout);
	strbuf_release(&out);
	return rc ? 1 : 0;
}

int cmd_probe(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[GLOB]", doc, common_children, NULL, NULL };
	struct probe_opts o = { 0 };
	struct dwarf_file df;
	struct strbuf out = STRBUF_INIT;
	int rc = 0;

	argv[0] = "vtrace probe";
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return 2;
	if (o.mode == MODE_DRY_RUN)
		return dry_run(o.arg, o.binary);
	if (!o.binary && o.mode != MODE_LINES)
		return kernel_listing(&o);
	if (open_binary(o.binary, &df)) {
		dwarf_file_close(&df);
		return 1;
	}
	switch (o.mode) {
	case MODE_FUNCS:
		rc = dwarf_list_funcs(&df, o.arg, &out);
		if (rc)
			pr_err("cannot list %s's functions: %s", o.binary, strerror(-rc));
		break;
	case MODE_LINES:
		rc = dwarf_list_lines(&df, o.arg, &out);
		if (rc == -ENOENT)
			pr_err("no function '%s' in %s's debug info", o.arg, o.binary);
		break;
	case MODE_VARS: {
		struct spec spec;
		struct spec_error err;
		char *text;

		if (asprintf(&text, "vars=%s", o.arg) < 0) {
			rc = -ENOMEM;
			break;
		}
		rc = spec_parse(text, &spec, &err);
		if (!rc) {
			rc = dwarf_list_vars(&df, &spec, &out, &err);
			spec_free(&spec);
		}
		if (rc) {
			/* point at the user's text, not ours */
			err.col = err.col >= 5 ? err.col - 5 : 0;
			spec_error_print("--vars", o.arg, &err);
		}
		free(text);
		break;
	}
	default:
		break;
	}
	if (!rc)
		fputs(out.buf ? out.buf : "", stdout);
	strbuf_release(&out);
	dwarf_file_close(&df);
	return rc ? 1 : 0;
}

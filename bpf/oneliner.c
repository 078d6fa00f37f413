// SPDX-License-Identifier: GPL-2.0
/*
 * Programs for the command line: a probe spec given to -e becomes the C
 * source of a spec program that records every hit (perf's convention: the
 * function returns 1), compiled through bpf_compile() and its cache like
 * any other program; a program on standard input is saved by its content.
 *
 * Generated C rather than a generated object: the one path every .c
 * program takes (clang, the cache keyed by content, BTF and line info for
 * the verifier's messages, the prologue rewrite) serves it unchanged, and
 * the second run of a one-liner is a cache hit, not a compile.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/oneliner.h"
#include "bpf/session.h"
#include "lib/error.h"
#include "lib/trust.h"
#include "lib/fs.h"
#include "lib/sha256.h"
#include "lib/strbuf.h"
#include "probe/filter.h"
#include "probe/spec.h"
#include "lib/decode.h"
#include "lib/value.h"

enum event_kind event_classify(const char *arg)
{
	size_t len = strlen(arg);
	struct stat st;

	if (!strcmp(arg, "-"))
		return EVENT_STDIN;
	if (!stat(arg, &st) && S_ISREG(st.st_mode))
		return EVENT_FILE;
	/* /dev/stdin, a pipe, <(...): a program in C read as it streams */
	if (!stat(arg, &st) && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)))
		return EVENT_STDIN;
	if (len > 2 && (!strcmp(arg + len - 2, ".c") || !strcmp(arg + len - 2, ".o")))
		return EVENT_FILE;
	return EVENT_SPEC;
}

int oneliner_spec(const char *arg, const char *exec, char **text)
{
	struct spec spec;
	struct spec_error err;
	int rc;

	*text = NULL;
	rc = spec_parse(arg, &spec, &err);
	if (rc) {
		spec_error_print("-e", arg, &err);
		return rc;
	}
	if (exec && !spec.exec && !spec.module && !spec_point_is_section(&spec))
		rc = asprintf(text, "exec=%s;%s", exec, arg) < 0 ? -ENOMEM : 0;
	else if (!(*text = strdup(arg)))
		rc = -ENOMEM;
	spec_free(&spec);
	if (rc || !exec || !strcmp(*text, arg))
		return rc;
	/* parses again with the exec= in front (a BIN with ';' in it would not) */
	rc = spec_parse(*text, &spec, &err);
	if (rc) {
		spec_error_print("-e (with -x)", *text, &err);
		free(*text);
		*text = NULL;
		return rc;
	}
	spec_free(&spec);
	return 0;
}

static bool is_keyword(const char *s)
{
	static const char *const kw[] = {
		"auto", "break", "case", "char", "const", "continue", "default", "do",
		"double", "else", "enum", "extern", "float", "for", "goto", "if", "inline",
		"int", "long", "register", "restrict", "return", "short", "signed", "sizeof",
		"static", "struct", "switch", "typedef", "union", "unsigned", "void",
		"volatile", "while", "asm", "typeof", "_license", "SEC",
	};

	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (!strcmp(s, kw[i]))
			return true;
	return false;
}

/*
 * The function's name: a raw_tp/ or tp/ spec's event is the program's
 * name (as for a spec in a C file), so it is the tracepoint's; an
 * EVENT=POINT spec names its event itself, and the function takes the
 * event's name when that is an identifier.
 */
static void function_name(const struct spec *spec, char *out, size_t size)
{
	const char *name = spec_point_is_section(spec) ?
			   spec->func : spec->event;
	size_t n = 0;

	if (name && (*name < '0' || *name > '9'))
		for (; name[n] && n + 1 < size; n++) {
			char c = name[n];

			out[n] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '_' ? c : '_';
		}
	out[n] = 0;
	if (!n || is_keyword(out))
		snprintf(out, size, "spec");
}

/* Writes data under the cache's sub/ as HASH.c. */
static int save_source(const char *sub, const char *data, size_t len, char *path, size_t size)
{
	char dir[4200], hex[65];
	struct sha256 h;
	int err;

	err = cache_subdir(sub, dir, sizeof(dir));
	if (err)
		return err;
	sha256_init(&h);
	sha256_update(&h, data, len);
	sha256_hex(&h, hex);
	if ((size_t)snprintf(path, size, "%s/%s.c", dir, hex) >= size)
		return -ENAMETOOLONG;
	return write_file_if_changed(path, data, len);
}

int oneliner_source(const char *text, char *path, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	struct spec spec;
	struct spec_error err;
	char name[64];
	int rc;

	rc = spec_parse(text, &spec, &err);
	if (rc)
		return rc;
	function_name(&spec, name, sizeof(name));
	spec_free(&spec);
	strbuf_addstr(&sb, "/* vtrace record -e SPEC: every hit, with all its args */\n"
			   "#define SEC(NAME) __attribute__((section(NAME), used))\n"
			   "struct pt_regs;\n"
			   "SEC(\"");
	strbuf_add_c_string(&sb, text);
	strbuf_addf(&sb, "\")\nint %s(struct pt_regs *ctx, int err)\n{\n\treturn 1;\n}\n"
		    "char _license[] SEC(\"license\") = \"GPL\";\n", name);
	rc = sb.buf ? save_source("spec", sb.buf, sb.len, path, size) : -ENOMEM;
	strbuf_release(&sb);
	return rc;
}

int stdin_source(const char *name, char *path, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;
	char buf[65536];
	size_t n;
	int rc;

	if (!f)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	rc = ferror(f) ? -EIO : 0;
	if (f != stdin)
		fclose(f);
	if (rc) {
		strbuf_release(&sb);
		return rc;
	}
	if (!sb.len) {
		strbuf_release(&sb);
		return -ENODATA;
	}
	rc = save_source("stdin", sb.buf, sb.len, path, size);
	strbuf_release(&sb);
	return rc;
}

/* A file without .c that is not ELF (/dev/stdin on a redirect, a script's temporary): C source. */
static bool is_c_source(const char *arg)
{
	size_t len = strlen(arg);
	char magic[4] = { 0 };
	FILE *f;
	bool c;

	if (len > 2 && (!strcmp(arg + len - 2, ".c") || !strcmp(arg + len - 2, ".o")))
		return false;
	f = fopen(arg, "r");
	if (!f)
		return false;
	c = fread(magic, 1, 4, f) == 4 && memcmp(magic, "\177ELF", 4);
	fclose(f);
	return c;
}

int session_add_event(struct session *s, const char *arg, const char *spec)
{
	char path[4300];
	int err;

	if (spec) {
		err = oneliner_source(spec, path, sizeof(path));
		if (err) {
			pr_err("-e %s: cannot write its program: %s", spec, strerror(-err));
			return err;
		}
		return session_add_as(s, path, spec);
	}
	if (event_classify(arg) == EVENT_STDIN && !trust_stream_ok(arg)) {
		/* a named pipe nobody writes to would hang vtrace, a device never ends */
		pr_err("-e %s: not a regular file; -e takes a file, - (standard input) or a spec", arg);
		return -EINVAL;
	}
	if (event_classify(arg) == EVENT_STDIN || is_c_source(arg)) {
		err = stdin_source(arg, path, sizeof(path));
		if (err) {
			pr_err("-e %s: %s", arg, err == -ENODATA ? "nothing to read (-e - reads a "
			       "program in C from standard input)" : strerror(-err));
			return err;
		}
		return session_add_as(s, path, strcmp(arg, "-") ? arg : "<stdin>");
	}
	return session_add(s, arg);
}

/* What filter_bind() needs of an arg: its name as printed, integer (signed?) or string. */
static void filter_arg_of(const struct fetch_arg *a, uint32_t slot, struct filter_arg *out)
{
	const struct value_type *t = a->type;

	out->name = a->name;
	out->is_signed = a->is_signed;
	out->is_pointer = t && t->kind == VK_PTR;
	out->size = a->size;
	out->str_max = slot;
	if (a->final == FINAL_INT)
		out->kind = FARG_INT;
	else if (a->final == FINAL_STRING)
		out->kind = FARG_STRING;
	else if (t && t->kind == VK_ARRAY && t->elem && t->elem->kind == VK_CHAR)
		out->kind = FARG_STRING, out->str_max = a->size;	/* char[N], printed as a string */
	else
		out->kind = FARG_OTHER;
}

/* The names the output prints: the decoder's, NAME_2 for a second NAME (lib/decode.h). */
static int printed_names(const struct probe_instance *in, struct decode_probe *dp)
{
	memset(dp, 0, sizeof(*dp));
	dp->args = calloc(in->nargs ? in->nargs : 1, sizeof(*dp->args));
	if (!dp->args)
		return -ENOMEM;
	dp->nargs = in->nargs;
	for (size_t j = 0; j < in->nargs; j++)
		if (!(dp->args[j].name = strdup(in->args[j].name)))
			return -ENOMEM;
	return decode_unique_names(dp);
}

static void printed_names_free(struct decode_probe *dp)
{
	for (size_t j = 0; j < dp->nargs; j++)
		free(dp->args[j].name);
	free(dp->args);
}

int session_filter(struct session *s, size_t first, const char *text)
{
	for (size_t i = first; i < s->nprogs; i++) {
		struct vt_program *p = s->progs[i];
		const struct probe_instance *in = &p->res.insts[0];
		struct filter_arg *args;
		struct decode_probe names;
		struct spec_error err;
		char where[512];
		int rc;

		if (!p->spec) {
			pr_err("%s: program '%s' (%s) is not a spec program; --filter applies to the "
			       "args of a spec (vtrace-spec(7))", p->obj->src, bpf_program__name(p->prog),
			       p->sec);
			return -EINVAL;
		}
		snprintf(where, sizeof(where), "--filter for %s", p->event);
		p->filter = calloc(1, sizeof(*p->filter));
		args = calloc(in->nargs ? in->nargs : 1, sizeof(*args));
		if (!p->filter || !args) {
			free(args);
			return -ENOMEM;
		}
		rc = printed_names(in, &names);
		if (rc) {
			printed_names_free(&names);
			free(args);
			return rc;
		}
		rc = filter_parse(text, p->filter, &err);
		for (size_t j = 0; !rc && j < in->nargs; j++) {
			filter_arg_of(&in->args[j], p->layout.size[j], &args[j]);
			args[j].name = names.args[j].name;
		}
		if (!rc)
			rc = filter_bind(p->filter, args, in->nargs, &err);
		printed_names_free(&names);
		free(args);
		if (rc) {
			spec_error_print(where, text, &err);
			if (p->filter->text)
				filter_free(p->filter);
			free(p->filter);
			p->filter = NULL;
			return rc;
		}
	}
	return 0;
}

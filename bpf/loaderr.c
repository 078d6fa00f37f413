// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/loaderr.h"
#include "lib/error.h"
#include "lib/fs.h"

/* the most instructions the kernel loads in one program (kernel/bpf: BPF_COMPLEXITY_LIMIT_INSNS) */
#define BPF_INSNS_LIMIT 1000000

/* What the verifier's log says. */
struct vlog {
	const char *reason, *where;	/* the last reason line; the last "; code @ file:N" */
	int reason_len, where_len;
	long poison_insn;		/* index of the poisoned call it stopped at, or -1 */
	char core_spec[512];		/* libbpf's own rewrite of that line, when it made one */
	char file[256];			/* the user's file, as "; ... @ FILE:N" names it */
	int line, first_line;		/* N of the last such line, the smallest N */
};

static void parse_where(struct vlog *v, const char *line, int len)
{
	const char *at = NULL;
	char file[256];
	int n;

	for (const char *p = line; p + 3 <= line + len; p++)
		if (!memcmp(p, " @ ", 3))
			at = p;
	if (!at)
		return;
	if (sscanf(at + 3, "%255[^:\n]:%d", file, &n) != 2)
		return;
	/* the lines of the user's file, not of the headers inlined into it */
	if (!v->file[0] && strlen(file) > 2 && !strcmp(file + strlen(file) - 2, ".c"))
		snprintf(v->file, sizeof(v->file), "%s", file);	/* src names no file */
	if (strcmp(file, v->file))
		return;
	if (!v->line || n < v->first_line)
		v->first_line = n;
	v->line = n;
}

static int verifier_log(const char *log, const char *src, struct vlog *v)
{
	const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;

	const char *begin = strstr(log ? log : "", "-- BEGIN PROG LOAD LOG --");
	const char *end = begin ? strstr(begin, "-- END PROG LOAD LOG --") : NULL;

	memset(v, 0, sizeof(*v));
	v->poison_insn = -1;
	/* src may be how the program was given ("<stdin>"), not a file */
	if (!access(src, R_OK))
		snprintf(v->file, sizeof(v->file), "%s", base);
	if (!begin || !end)
		return -ENOENT;
	for (const char *line = strchr(begin, '\n') + 1; line < end;) {
		const char *nl = memchr(line, '\n', end - line);
		int n = (nl ? nl : end) - line;
		static const char relo[] = "failed to resolve CO-RE relocation ";
		char kind[64];
		long insn;

		if (n > 0 && line[0] == ';') {
			v->where = line;
			v->where_len = n;
			parse_where(v, line, n);
		} else if (isdigit((unsigned char)line[0])) {
			/* "14: (85) call unknown#195896080", or libbpf's "14: <invalid CO-RE relocation>" */
			if (sscanf(line, "%ld: (85) call unknown#%63[0-9]", &insn, kind) == 2 &&
			    atol(kind) == LIBBPF_POISON_CORE_IMM)
				v->poison_insn = insn;
			else if (sscanf(line, "%ld: <invalid CO-RE relocation%1[>]", &insn, kind) == 2)
				v->poison_insn = insn;
		} else if (n > (int)sizeof(relo) - 1 && !strncmp(line, relo, sizeof(relo) - 1)) {
			snprintf(v->core_spec, sizeof(v->core_spec), "%.*s", n - (int)sizeof(relo) + 1,
				 line + sizeof(relo) - 1);
		} else if (n > 0 && strncmp(line, "processed ", 10) &&
			   strncmp(line, "verification time", 17) && strncmp(line, "stack depth", 11)) {
			v->reason = line;
			v->reason_len = n;
		}
		line = nl ? nl + 1 : end;
	}
	return 0;
}

/* One CO-RE relocation as libbpf's debug lines described it. */
struct relo {
	char prog[128];
	int idx;
	char spec[512];		/* "<byte_off> [26] struct t___old.f (0:0 @ offset 0)" */
	char cand[512];		/* the kernel's candidate that did not match, same form */
	long poisoned[2];	/* the instructions it poisoned (two for an ld_imm64) */
	int npoisoned;
};

struct relos {
	struct relo *v;
	size_t n;
};

static struct relo *relo_get(struct relos *r, const char *prog, int idx)
{
	struct relo *nv;

	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].idx == idx && !strcmp(r->v[i].prog, prog))
			return &r->v[i];
	nv = realloc(r->v, (r->n + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	r->v = nv;
	memset(&nv[r->n], 0, sizeof(*nv));
	snprintf(nv[r->n].prog, sizeof(nv[r->n].prog), "%s", prog);
	nv[r->n].idx = idx;
	return &nv[r->n++];
}

/* "prog 'f': relo #0: <byte_off> ...", "... relo #0: substituting insn #1 w/ invalid insn" */
static void parse_relos(const char *text, struct relos *r)
{
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);
		char prog[128], rest[512];
		struct relo *x;
		long insn;
		int idx, off = 0;

		if (!strncmp(line, "libbpf: ", 8)) {
			line += 8;
			len -= 8;
		}
		if (sscanf(line, "prog '%127[^']': relo #%d: %n", prog, &idx, &off) == 2 && off &&
		    off < len && (x = relo_get(r, prog, idx))) {
			snprintf(rest, sizeof(rest), "%.*s", len - off, line + off);
			if (rest[0] == '<' && !x->spec[0])
				snprintf(x->spec, sizeof(x->spec), "%s", rest);
			else if (!strncmp(rest, "non-matching candidate #", 24) && !x->cand[0] &&
				 strchr(rest, '<'))
				snprintf(x->cand, sizeof(x->cand), "%s", strchr(rest, '<'));
			else if (sscanf(rest, "substituting insn #%ld w/ invalid insn", &insn) == 1 &&
				 x->npoisoned < 2)
				x->poisoned[x->npoisoned++] = insn;
		}
		line = nl ? nl + 1 : NULL;
	}
}

/* The kernel's type that libbpf tried for local type [id]: "struct task_struct". */
static int candidate_name(const char *text, long id, char *out, size_t size)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "CO-RE relocating [%ld] ", id);
	for (p = text ? strstr(text, pat) : NULL; p; p = strstr(p + 1, pat)) {
		const char *c = strstr(p, ": found target candidate [");
		const char *nl = strchrnul(p, '\n');

		if (c && c < nl) {
			c = strchr(c + 26, ']');
			if (c && c + 2 < nl) {
				const char *in = strstr(c, " in [");

				snprintf(out, size, "%.*s", (int)((in && in < nl ? in : nl) - c - 2), c + 2);
				return 0;
			}
		}
	}
	return -ENOENT;
}

/*
 * Which relocation did the verifier stop at?  The poisoned calls keep their
 * order when vtrace's code goes in front, so the rank of the one at insn
 * among those of the program gives it.
 */
static const struct relo *failed_relo(const struct relos *r, const char *prog, long insn,
				      const struct bpf_insn *insns, size_t cnt)
{
	long ks[64];
	size_t nk = 0, rank = 0;

	if (insns && insn >= 0 && (size_t)insn < cnt) {
		for (long i = 0; i < insn; i++)
			if (insns[i].code == (BPF_JMP | BPF_CALL) && insns[i].imm == LIBBPF_POISON_CORE_IMM)
				rank++;
		for (size_t i = 0; i < r->n && nk < 64; i++)
			if (!strcmp(r->v[i].prog, prog))
				for (int j = 0; j < r->v[i].npoisoned && nk < 64; j++)
					ks[nk++] = r->v[i].poisoned[j];
		/* ascending: the order of the instructions */
		for (size_t i = 1; i < nk; i++)
			for (size_t j = i; j > 0 && ks[j - 1] > ks[j]; j--) {
				long t = ks[j];

				ks[j] = ks[j - 1];
				ks[j - 1] = t;
			}
		if (rank < nk)
			for (size_t i = 0; i < r->n; i++)
				for (int j = 0; j < r->v[i].npoisoned; j++)
					if (!strcmp(r->v[i].prog, prog) && r->v[i].poisoned[j] == ks[rank])
						return &r->v[i];
	}
	/* a subprogram's, or the instructions are unknown: the first that failed */
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].npoisoned && !strcmp(r->v[i].prog, prog))
			return &r->v[i];
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].npoisoned)
			return &r->v[i];
	return NULL;
}

/* What a relocation spec names: its kind, local type id, type, field path. */
struct relo_desc {
	char kind[32];
	long id;
	char type[128];		/* "struct task_struct___old" */
	char path[128];		/* "mm.owner" or "VAL" (an enum's value), may be empty */
};

static int describe(const char *spec, struct relo_desc *d)
{
	const char *p, *end;
	int n = 0;

	memset(d, 0, sizeof(*d));
	if (sscanf(spec, "<%31[^>]> [%ld] %n", d->kind, &d->id, &n) != 2 || !n)
		return -EINVAL;
	p = spec + n;
	end = strstr(p, " (");
	if (!end)
		end = strstr(p, " = ");
	if (!end)
		end = p + strlen(p);
	/* the type: its keyword ("struct ", "union ", "enum ", "typedef ") and name */
	n = 0;
	{
		const char *sp = memchr(p, ' ', end - p);
		const char *name = sp ? sp + 1 : p;
		const char *sep = name;

		while (sep < end && *sep != '.' && strncmp(sep, "::", 2))
			sep++;
		snprintf(d->type, sizeof(d->type), "%.*s", (int)(sep - p), p);
		if (sep < end)
			snprintf(d->path, sizeof(d->path), "%.*s", (int)(end - sep - (*sep == '.' ? 1 : 2)),
				 sep + (*sep == '.' ? 1 : 2));
	}
	return 0;
}

/* Component i of "a.b[3].c" (brackets dropped), or the last when i is past the end. */
static void path_component(const char *path, int i, char *out, size_t size)
{
	const char *p = path, *start = path;
	int k = 0;

	for (;; p++) {
		if (*p == '.' || !*p) {
			const char *br = memchr(start, '[', p - start);

			snprintf(out, size, "%.*s", (int)((br ? br : p) - start), start);
			if (k == i || !*p)
				return;
			k++;
			start = p + 1;
		}
	}
}

/* "struct task_struct___old" -> "struct task_struct": libbpf ignores ___flavors. */
static void strip_flavor(char *type)
{
	char *f = strstr(type, "___");

	if (f)
		*f = 0;
}

static int is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * The line of the source that names word, nearest the verifier's line
 * (the compiler may move the relocated instruction away from it), from
 * the first line the verifier showed on: 0 when there is none.
 */
static int source_line_naming(const char *src, const char *word, int near, int from,
			      char *text, size_t size)
{
	char *data;
	int best = 0, lineno = 1;
	size_t wlen = strlen(word);

	if (!wlen || read_file(src, &data, NULL))
		return 0;
	for (char *line = data; line && *line; lineno++) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = 0;
		if (lineno >= from) {
			for (char *p = strstr(line, word); p; p = strstr(p + 1, word)) {
				if ((p > line && is_ident(p[-1])) || is_ident(p[wlen]))
					continue;
				if (!best || abs(lineno - near) < abs(best - near) ||
				    (abs(lineno - near) == abs(best - near) && lineno > best)) {
					best = lineno;
					while (*line == ' ' || *line == '\t')
						line++;
					snprintf(text, size, "%s", line);
				}
				break;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	free(data);
	return best;
}

static void report_core(const char *src, const char *prog, const struct vlog *v,
			const char *relos_text, const struct bpf_insn *insns, size_t cnt)
{
	struct relos r = { 0 };
	const struct relo *x = NULL;
	struct relo_desc d, cd;
	char spec[512], kernel_type[160], field[128], what[512], where[700], code[256];
	const char *hint;
	int line = 0, idx = -1, failing = 0;

	parse_relos(relos_text ? relos_text : "", &r);
	if (v->core_spec[0]) {
		snprintf(spec, sizeof(spec), "%s", v->core_spec);
		for (size_t i = 0; i < r.n; i++)
			if (!strcmp(r.v[i].spec, spec))
				x = &r.v[i];
	} else {
		x = failed_relo(&r, prog, v->poison_insn, insns, cnt);
		snprintf(spec, sizeof(spec), "%s", x ? x->spec : "");
	}
	if (x)
		idx = x->idx;
	if (!spec[0] || describe(spec, &d)) {
		pr_err("%s: program '%s' reads a field or type that the running kernel does not "
		       "have (a CO-RE relocation failed; run with -vv for libbpf's account)", src, prog);
		free(r.v);
		return;
	}
	if (candidate_name(relos_text, d.id, kernel_type, sizeof(kernel_type))) {
		snprintf(kernel_type, sizeof(kernel_type), "%s", d.type);
		strip_flavor(kernel_type);
		failing = -1;	/* no such type at all */
	}
	/* the candidate's spec stops before the field it lacks: "struct t (0 @ offset 0)" */
	if (failing == 0 && x && x->cand[0] && !describe(x->cand, &cd)) {
		failing = 1;
		if (cd.path[0])
			failing++;
		for (const char *p = cd.path; *p; p++)
			failing += *p == '.';
	}
	if (!strncmp(d.kind, "enumval", 7)) {
		snprintf(field, sizeof(field), "%s", d.path);
		snprintf(what, sizeof(what), failing < 0 ? "the running kernel has no %s" :
			 "the running kernel's %s has no value %s", kernel_type, field);
		hint = "check the name, or use it only where bpf_core_enum_value_exists() says it exists";
	} else if (!d.path[0]) {
		snprintf(field, sizeof(field), "%s", strchr(d.type, ' ') ? strchr(d.type, ' ') + 1 : d.type);
		snprintf(what, sizeof(what), failing < 0 ? "the running kernel has no %s" :
			 "the running kernel's %s does not match yours", kernel_type);
		hint = "check the name, or use it only where bpf_core_type_exists() says it exists";
	} else {
		path_component(d.path, failing > 0 ? failing - 1 : 1 << 20, field, sizeof(field));
		snprintf(what, sizeof(what), failing < 0 ? "the running kernel has no %s (for field %s)" :
			 "the running kernel's %s has no field %s", kernel_type, d.path);
		hint = failing < 0 ?
		       "check the name, or use it only where bpf_core_type_exists() says it exists" :
		       "check the name, or read it only where bpf_core_field_exists() says it exists";
	}
	/* no line of the user's file before it failed: from where the program starts */
	line = v->line ? v->line : source_line_naming(src, prog, 0, 0, code, sizeof(code));
	line = source_line_naming(src, field, line, v->line ? v->first_line : line, code,
				  sizeof(code));
	if (line)
		snprintf(where, sizeof(where), " at %s:%d (`%s`)", v->file, line, code);
	else if (v->line)
		snprintf(where, sizeof(where), " at %s:%d", v->file, v->line);
	else
		where[0] = 0;
	if (idx >= 0)
		pr_err("%s: program '%s'%s: %s (CO-RE relocation #%d: %s); %s", src, prog, where,
		       what, idx, spec, hint);
	else
		pr_err("%s: program '%s'%s: %s (CO-RE relocation %s); %s", src, prog, where, what,
		       spec, hint);
	free(r.v);
}

/* What to do about the verifier's most common reasons, "" when vtrace has no advice. */
static const char *verifier_hint(const char *reason, int len)
{
	static const char *const hints[][2] = {
		{ "_or_null'", "; compare the pointer with NULL before using it" },
		{ "invalid mem access 'scalar'", "; read memory that is not the program's through "
		  "BPF_CORE_READ(), bpf_probe_read_kernel() or bpf_probe_read_user()" },
		{ "GPL-restricted", "; the program needs char _license[] SEC(\"license\") = \"GPL\";" },
		{ "unbounded min value", "; check the index against the size first, in an unsigned type" },
		{ "unbounded memory access", "; check the index against the size first, in an unsigned type" },
		{ "back-edge from insn", "; give the loop a constant bound" },
		{ "infinite loop detected", "; give the loop a constant bound" },
		{ "BPF program is too large", "; make loops shorter, or split the program" },
	};

	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (memmem(reason, len, hints[i][0], strlen(hints[i][0])))
			return hints[i][1];
	return "";
}

int load_error_report(const char *src, const char *prog, const char *log, const char *relos,
		      const struct bpf_insn *insns, size_t cnt)
{
	const char *hint;
	struct vlog v;
	const char *reason;
	int reason_len;

	if (cnt > BPF_INSNS_LIMIT) {
		/* the kernel refuses it before the verifier runs: no log to read */
		pr_err("%s: program '%s' has %zu BPF instructions, more than the kernel loads "
		       "(%d, the verifier's BPF_COMPLEXITY_LIMIT_INSNS); make it shorter, or split it",
		       src, prog, cnt, BPF_INSNS_LIMIT);
		return 0;
	}
	if (verifier_log(log, src, &v))
		return -ENOENT;
	if (v.poison_insn >= 0 || v.core_spec[0]) {
		report_core(src, prog, &v, relos, insns, cnt);
		return 0;
	}
	reason = v.reason ? v.reason : "unknown";
	reason_len = v.reason ? v.reason_len : 7;
	hint = verifier_hint(reason, reason_len);
	if (v.where) {
		/* "; code @ file.c:12" */
		const char *at = NULL, *code = v.where + 2;

		for (const char *p = v.where; p + 3 <= v.where + v.where_len; p++)
			if (!memcmp(p, " @ ", 3))
				at = p;
		if (at)
			pr_err("%s: the BPF verifier rejected program '%s' at %.*s (`%.*s`): %.*s%s "
			       "(run with -v for the verifier's log)", src, prog,
			       (int)(v.where + v.where_len - at - 3), at + 3, (int)(at - code), code,
			       reason_len, reason, hint);
		else
			pr_err("%s: the BPF verifier rejected program '%s' at `%.*s`: %.*s%s "
			       "(run with -v for the verifier's log)", src, prog,
			       (int)(v.where + v.where_len - code), code, reason_len, reason, hint);
	} else {
		pr_err("%s: the BPF verifier rejected program '%s': %.*s%s (run with -v for the "
		       "verifier's log)", src, prog, reason_len, reason, hint);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/aggspec.h"
#include "bpf/session.h"
#include "lib/error.h"
#include "lib/fs.h"
#include "lib/sha256.h"
#include "lib/strbuf.h"
#include "probe/spec.h"
#include "vtrace_sample.h"

static const struct {
	const char *name;
	uint32_t kind;
} kinds[] = {
	{ "count", VTRACE_AGG_COUNT }, { "sum", VTRACE_AGG_SUM }, { "min", VTRACE_AGG_MIN },
	{ "max", VTRACE_AGG_MAX }, { "avg", VTRACE_AGG_AVG }, { "hist", VTRACE_AGG_HIST },
	{ "lhist", VTRACE_AGG_LHIST },
};

static const char *const macro[] = {
	[VTRACE_AGG_COUNT] = "COUNT", [VTRACE_AGG_SUM] = "SUM", [VTRACE_AGG_MIN] = "MIN",
	[VTRACE_AGG_MAX] = "MAX", [VTRACE_AGG_AVG] = "AVG", [VTRACE_AGG_HIST] = "HIST",
	[VTRACE_AGG_LHIST] = "LHIST",
};

int agg_opt_parse(const char *kind, const char *arg, struct agg_opt *o, char *why, size_t size)
{
	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, kind))
			o->kind = kinds[i].kind;
	if (!o->kind) {
		snprintf(why, size, "no aggregation '%s'", kind);
		return -EINVAL;
	}
	if (o->kind == VTRACE_AGG_COUNT) {
		if (arg) {
			snprintf(why, size, "--count takes no arg (it counts hits)");
			return -EINVAL;
		}
		return 0;
	}
	if (!arg || !*arg) {
		snprintf(why, size, "--%s takes the arg to aggregate: --%s=ARG", kind, kind);
		return -EINVAL;
	}
	if (strlen(arg) >= sizeof(o->arg) && o->kind != VTRACE_AGG_LHIST) {
		snprintf(why, size, "--%s: '%s' is not an arg name", kind, arg);
		return -EINVAL;
	}
	snprintf(o->arg, sizeof(o->arg), "%s", arg);
	if (o->kind == VTRACE_AGG_LHIST) {
		const char *colon = strchr(arg, ':');
		int n = 0;

		if (!colon || (size_t)(colon - arg) >= sizeof(o->arg) ||
		    sscanf(colon + 1, "%lld:%lld:%lld%n", &o->min, &o->max, &o->step, &n) != 3 ||
		    colon[1 + n] || o->step <= 0 || o->max <= o->min || (o->max - o->min) % o->step ||
		    o->min < -2147483647LL || o->max > 2147483647LL) {
			snprintf(why, size, "--lhist takes ARG:MIN:MAX:STEP (ints, MAX > MIN, STEP > 0 "
				 "dividing MAX - MIN), not '%s'", arg);
			return -EINVAL;
		}
		snprintf(o->arg, sizeof(o->arg), "%.*s", (int)(colon - arg), arg);
	}
	return 0;
}

int agg_opt_by(struct agg_opt *o, const char *arg, char *why, size_t size)
{
	if (!o->kind) {
		snprintf(why, size, "--by keys an aggregation: give --count, --hist ... before it");
		return -EINVAL;
	}
	if (*o->key) {
		snprintf(why, size, "one --by per aggregation");
		return -EINVAL;
	}
	if (!*arg || strlen(arg) >= sizeof(o->key)) {
		snprintf(why, size, "--by takes an arg's name, not '%s'", arg);
		return -EINVAL;
	}
	snprintf(o->key, sizeof(o->key), "%s", arg);
	return 0;
}

/* --by pid, tid, comm, cpu: the process's, as bpftrace's builtins (when the spec has no such arg) */
struct builtin {
	const char *name, *type, *init, *set;
};

static const struct builtin *builtin_key(const char *name)
{
	static const struct builtin b[] = {
		{ "pid", "__u32", "", "k = bpf_get_current_pid_tgid() >> 32" },
		{ "tid", "__u32", "", "k = (__u32)bpf_get_current_pid_tgid()" },
		{ "cpu", "__u32", "", "k = bpf_get_smp_processor_id()" },
		{ "comm", "struct vtrace_comm", " = {}", "bpf_get_current_comm(k.comm, sizeof(k.comm))" },
	};

	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		if (!strcmp(b[i].name, name))
			return &b[i];
	return NULL;
}

static int find_arg(const struct spec *spec, const char *name)
{
	for (size_t i = 0; i < spec->nargs; i++)
		if (!strcmp(spec->args[i].name, name) || !strcmp(spec->args[i].text, name))
			return i;
	return -1;
}

/* The spec with args first[0..n) moved to the front, the others after them in their order. */
static int reorder(const char *text, const struct spec *spec, const int *first, int n, struct strbuf *out)
{
	strbuf_add(out, text, spec->args[0].col);
	for (int k = 0; k < n; k++)
		strbuf_addf(out, "%.*s ", spec->args[first[k]].len, text + spec->args[first[k]].col);
	for (size_t i = 0; i < spec->nargs; i++) {
		bool moved = false;

		for (int k = 0; k < n; k++)
			moved |= first[k] == (int)i;
		if (!moved)
			strbuf_addf(out, "%.*s ", spec->args[i].len, text + spec->args[i].col);
	}
	while (out->len && out->buf[out->len - 1] == ' ')
		out->buf[--out->len] = 0;
	return out->buf ? 0 : -ENOMEM;
}

/* The event's name as a C identifier (the map's and the function's). */
static void c_name(const struct spec *spec, char *out, size_t size)
{
	const char *name = spec_point_is_section(spec) ?
			   spec->func : spec->event;
	size_t n = 0;

	for (; name && name[n] && n + 1 < size; n++) {
		char c = name[n];

		out[n] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9' && n) || c == '_' ? c : '_';
	}
	out[n] = 0;
	if (!n)
		snprintf(out, size, "ev");
}

int aggspec_source(const char *text, const struct agg_opt *o, char *path, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	struct spec spec;
	struct spec_error err;
	char name[64], dir[4200], hex[65];
	struct sha256 h;
	int rc, idx = -1;

	struct strbuf sec = STRBUF_INIT;
	int used[2], nused = 0, kidx = -1;
	const struct builtin *bk = NULL;
	char key[64] = "";

	rc = spec_parse(text, &spec, &err);
	if (rc)
		return rc;
	c_name(&spec, name, sizeof(name));
	if (*o->arg && (idx = find_arg(&spec, o->arg)) < 0) {
		pr_err("-e %s: --%s=%s: the spec has no such arg", text, kinds[o->kind - 1].name, o->arg);
		spec_free(&spec);
		return -EINVAL;
	}
	if (*o->key && (kidx = find_arg(&spec, o->key)) < 0 && !(bk = builtin_key(o->key))) {
		pr_err("-e %s: --by %s: the spec has no such arg (nor is it pid, tid, comm or cpu)",
		       text, o->key);
		spec_free(&spec);
		return -EINVAL;
	}
	/* the value in a0, the key after it: the function's first args */
	if (idx >= 0)
		used[nused++] = idx;
	if (kidx >= 0 && kidx != idx)
		used[nused++] = kidx;
	rc = nused ? reorder(text, &spec, used, nused, &sec) : (strbuf_addstr(&sec, text), sec.buf ? 0 : -ENOMEM);
	spec_free(&spec);
	if (rc) {
		strbuf_release(&sec);
		return rc;
	}
	if (kidx >= 0 || bk)
		snprintf(key, sizeof(key), ", %s", bk ? bk->type : "long");
	strbuf_addstr(&sb, "/* vtrace record -e SPEC --KIND [--by KEY]: the hits aggregated */\n"
			   "#include <vtrace.h>\n");
	if (bk && !strcmp(bk->name, "comm"))
		strbuf_addstr(&sb, "struct vtrace_comm { char comm[16]; };\n");
	if (o->kind == VTRACE_AGG_LHIST)
		strbuf_addf(&sb, "VTRACE_LHIST(%s, %lld, %lld, %lld%s);\n", name, o->min, o->max, o->step, key);
	else
		strbuf_addf(&sb, "VTRACE_%s(%s%s);\n", macro[o->kind], name, key);
	strbuf_addstr(&sb, "SEC(\"");
	strbuf_add_c_string(&sb, sec.buf);
	strbuf_release(&sec);
	/* a1 is the key when there is a value, else a0; or the process's pid, comm ... */
	snprintf(key, sizeof(key), bk ? ", k" : kidx < 0 ? "" : kidx == idx || idx < 0 ? ", a0" : ", a1");
	strbuf_addf(&sb, "\")\nint %s_prog(struct pt_regs *ctx, int err, long a0, long a1, long a2)\n{\n", name);
	if (bk)
		strbuf_addf(&sb, "\t%s k%s;\n\n\t%s;\n", bk->type, bk->init, bk->set);
	if (o->kind == VTRACE_AGG_COUNT && kidx < 0)
		strbuf_addf(&sb, "\tvtrace_count(%s%s);\n", name, key);
	else if (o->kind == VTRACE_AGG_COUNT)
		strbuf_addf(&sb, "\tif (!err)\n\t\tvtrace_count(%s%s);\n", name, key);
	else
		strbuf_addf(&sb, "\tif (!err)\n\t\tvtrace_%s(%s%s, a0);\n", kinds[o->kind - 1].name, name, key);
	strbuf_addstr(&sb, "\treturn 0;\n}\nchar _license[] SEC(\"license\") = \"GPL\";\n");
	if (!sb.buf)
		return -ENOMEM;
	rc = cache_subdir("spec", dir, sizeof(dir));
	if (!rc) {
		sha256_init(&h);
		sha256_update(&h, sb.buf, sb.len);
		sha256_hex(&h, hex);
		rc = (size_t)snprintf(path, size, "%s/%s.c", dir, hex) >= size ? -ENAMETOOLONG :
		     write_file_if_changed(path, sb.buf, sb.len);
	}
	strbuf_release(&sb);
	return rc;
}

/*
 * A spec without EVENT= names its aggregation after the point; one name
 * taken by an event of the run already gets _1, _2 (as the session names
 * events), so two aggregations of one function print apart: *out is the
 * spec with that name given, or NULL for the spec as it is.
 */
static int named_spec(const struct session *s, const char *text, char **out)
{
	struct spec spec;
	struct spec_error err;
	char *name = NULL;
	bool taken = true;
	int rc = spec_parse(text, &spec, &err);

	*out = NULL;
	if (rc || !spec.event_derived) {
		if (!rc)
			spec_free(&spec);
		return 0;	/* a bad spec is said by aggspec_source() */
	}
	for (int k = 0; taken; k++) {
		free(name);
		if ((k ? asprintf(&name, "%s_%d", spec.event, k) : asprintf(&name, "%s", spec.event)) < 0) {
			spec_free(&spec);
			return -ENOMEM;
		}
		taken = false;
		for (size_t i = 0; i < s->nprogs && !taken; i++)
			taken = !strcmp(s->progs[i]->event, name);
	}
	rc = asprintf(out, "%.*s%s=%s", spec.point_col, text, name, text + spec.point_col) < 0 ? -ENOMEM : 0;
	free(name);
	spec_free(&spec);
	return rc;
}

int session_add_agg(struct session *s, const char *spec, const struct agg_opt *o)
{
	char path[4300];
	char *named = NULL;
	int err = named_spec(s, spec, &named);
	size_t first;

	if (!err)
		err = aggspec_source(named ? named : spec, o, path, sizeof(path));
	free(named);

	if (err == -EINVAL)
		return err;
	if (err) {
		pr_err("-e %s: cannot write its program: %s", spec, strerror(-err));
		return err;
	}
	first = s->nprogs;
	err = session_add_as(s, path, spec);
	/* the value and the key reach the function in registers: integers only */
	for (size_t i = first; !err && i < s->nprogs; i++) {
		const struct probe_instance *in = s->progs[i]->res.ninsts ? &s->progs[i]->res.insts[0] : NULL;
		int nval = *o->arg != 0, n = nval + (*o->key && strcmp(o->key, o->arg));

		for (int j = 0; in && j < n && j < (int)in->nargs; j++)
			if (in->args[j].final != FINAL_INT) {
				pr_err("-e %s: %s%s %s: '%s' is not an integer (a string, a struct or an "
				       "array); aggregate and key by integer args", spec, j < nval ? "--" : "--by",
				       j < nval ? kinds[o->kind - 1].name : "", j < nval ? o->arg : o->key,
				       in->args[j].name);
				return -EINVAL;
			}
	}
	return err;
}

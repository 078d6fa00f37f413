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

/* The event's name as a C identifier (the map's and the function's). */
static void c_name(const struct spec *spec, char *out, size_t size)
{
	const char *name = spec->point == POINT_RAW_TP || spec->point == POINT_TP ?
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

	rc = spec_parse(text, &spec, &err);
	if (rc)
		return rc;
	c_name(&spec, name, sizeof(name));
	for (size_t i = 0; *o->arg && i < spec.nargs; i++)
		if (!strcmp(spec.args[i].name, o->arg) || !strcmp(spec.args[i].text, o->arg))
			idx = i;
	if (*o->arg && (idx < 0 || idx > 2)) {
		pr_err("-e %s: --%s=%s: %s", text, kinds[o->kind - 1].name, o->arg,
		       idx < 0 ? "the spec has no such arg" :
		       "only the spec's first three args reach its program; put it among them");
		spec_free(&spec);
		return -EINVAL;
	}
	spec_free(&spec);
	strbuf_addstr(&sb, "/* vtrace record -e SPEC --KIND: the hits aggregated */\n"
			   "#include <vtrace.h>\n");
	if (o->kind == VTRACE_AGG_LHIST)
		strbuf_addf(&sb, "VTRACE_LHIST(%s, %lld, %lld, %lld);\n", name, o->min, o->max, o->step);
	else
		strbuf_addf(&sb, "VTRACE_%s(%s);\n", macro[o->kind], name);
	strbuf_addstr(&sb, "SEC(\"");
	strbuf_add_c_string(&sb, text);
	strbuf_addf(&sb, "\")\nint %s_prog(struct pt_regs *ctx, int err, long a0, long a1, long a2)\n{\n", name);
	if (o->kind == VTRACE_AGG_COUNT)
		strbuf_addf(&sb, "\tvtrace_count(%s);\n", name);
	else
		strbuf_addf(&sb, "\tif (!err)\n\t\tvtrace_%s(%s, a%d);\n", kinds[o->kind - 1].name, name, idx);
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

int session_add_agg(struct session *s, const char *spec, const struct agg_opt *o)
{
	char path[4300];
	int err = aggspec_source(spec, o, path, sizeof(path));

	if (err == -EINVAL)
		return err;
	if (err) {
		pr_err("-e %s: cannot write its program: %s", spec, strerror(-err));
		return err;
	}
	return session_add_as(s, path, spec);
}

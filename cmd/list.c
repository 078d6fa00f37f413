// SPDX-License-Identifier: GPL-2.0
/*
 * vtrace list: the probes every running vtrace has attached (the kernel's
 * links, with what their vtrace published), or with --events what can be
 * traced: tracepoints, raw tracepoints and kernel functions.
 */
#include <argp.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "bpf/registry.h"
#include "cmd/builtin.h"
#include "lib/error.h"
#include "lib/fs.h"
#include "lib/tracefs.h"
#include "probe/btf_value.h"

struct list_opts {
	bool json;
	bool events;
	const char *glob;
};

enum { OPT_JSON = 0x100 };

static const struct argp_option options[] = {
	{ "json", OPT_JSON, NULL, 0, "One JSON object per line", 0 },
	{ "events", 'e', NULL, 0, "What can be traced (tracepoints, raw tracepoints, kernel functions) matching GLOB", 0 },
	{ 0 }
};

static const char doc[] =
	"List the probes attached by every running vtrace, or (--events) what can be traced.\v"
	"Columns: OWNER (the vtrace holding the probe), EVENT, KIND (uprobe, uretprobe, kprobe, "
	"kretprobe, raw_tp, tp), PROG (BPF program id), EVENTS (times the program ran when the "
	"kernel counts it, kernel.bpf_stats_enabled=1; else samples recorded), TARGET and SPEC.\n";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct list_opts *o = state->input;

	switch (key) {
	case OPT_JSON:
		o->json = true;
		break;
	case 'e':
		o->events = true;
		break;
	case ARGP_KEY_ARG:
		if (!o->events || o->glob)
			argp_error(state, "unexpected '%s'", arg);
		o->glob = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void json_kv(struct strbuf *sb, const char *k, const char *v, bool last)
{
	strbuf_add_json_string(sb, k, (size_t)-1);
	strbuf_addch(sb, ':');
	strbuf_add_json_string(sb, v ? v : "", (size_t)-1);
	if (!last)
		strbuf_addch(sb, ',');
}

static int list_attached(const struct list_opts *o)
{
	struct attached *a;
	struct registry_entry *e;
	size_t n, ne;
	struct strbuf sb = STRBUF_INIT;

	registry_collect(&a, &n, &e, &ne);
	if (!o->json && n)
		printf("%7s  %-16s %-9s %6s %8s  %s  %s\n", "OWNER", "EVENT", "KIND", "PROG", "EVENTS", "TARGET", "SPEC");
	for (size_t i = 0; i < n; i++) {
		unsigned long long events = a[i].stats ? a[i].run_cnt : a[i].samples;

		if (!o->json) {
			printf("%7d  %-16s %-9s %6u %8llu%s  %s  %s\n", a[i].owner, a[i].e->event, a[i].e->kind,
			       a[i].prog_id, events, a[i].stats ? "" : "s", a[i].e->target, a[i].e->spec);
			continue;
		}
		strbuf_reset(&sb);
		strbuf_addf(&sb, "{\"owner\":%d,\"link_id\":%u,\"prog_id\":%u,", a[i].owner, a[i].link_id,
			    a[i].prog_id);
		json_kv(&sb, "event", a[i].e->event, false);
		json_kv(&sb, "kind", a[i].e->kind, false);
		json_kv(&sb, "target", a[i].e->target, false);
		json_kv(&sb, "spec", a[i].e->spec, false);
		if (a[i].stats)
			strbuf_addf(&sb, "\"runs\":%llu,", (unsigned long long)a[i].run_cnt);
		else
			strbuf_addstr(&sb, "\"runs\":null,");
		strbuf_addf(&sb, "\"samples\":%llu}", (unsigned long long)a[i].samples);
		printf("%s\n", sb.buf);
	}
	strbuf_release(&sb);
	registry_free(a, n, e, ne);
	return 0;
}

/* ---- --events ------------------------------------------------------- */

struct event_arg {
	char *type, *name;
};

/* One traceable event: its spec (what -e takes), kind, bare name and args. */
struct event {
	char *spec;
	const char *kind;
	char *name;
	struct event_arg *args;
	size_t nargs;
};

struct event_list {
	struct event *ev;
	size_t n, alloc;
};

static void print_event(const struct list_opts *o, const struct event *e)
{
	struct strbuf sb = STRBUF_INIT;

	if (o->json) {
		strbuf_addch(&sb, '{');
		json_kv(&sb, "kind", e->kind, false);
		json_kv(&sb, "name", e->name, false);
		json_kv(&sb, "spec", e->spec, false);
		strbuf_addstr(&sb, "\"args\":[");
		for (size_t i = 0; i < e->nargs; i++) {
			strbuf_addstr(&sb, i ? ",{" : "{");
			json_kv(&sb, "name", e->args[i].name, false);
			json_kv(&sb, "type", e->args[i].type, true);
			strbuf_addch(&sb, '}');
		}
		strbuf_addstr(&sb, "]}");
	} else {
		strbuf_addf(&sb, "%-44s (", e->spec);
		for (size_t i = 0; i < e->nargs; i++)
			strbuf_addf(&sb, "%s%s%s%s", i ? ", " : "", e->args[i].type,
				    e->args[i].type[strlen(e->args[i].type) - 1] == '*' ? "" : " ", e->args[i].name);
		strbuf_addch(&sb, ')');
	}
	printf("%s\n", sb.buf);
	strbuf_release(&sb);
}

/* A GLOB matches the spec (tp/sched/sched_*) or the bare name (sched_*). */
static bool matches(const char *glob, const char *spec, const char *name)
{
	return !glob || !fnmatch(glob, spec, 0) || !fnmatch(glob, name, 0);
}

static struct event *event_add(struct event_list *l, const char *kind, const char *spec, const char *name)
{
	struct event *e;

	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 256;
		struct event *ne = realloc(l->ev, na * sizeof(*ne));

		if (!ne)
			return NULL;
		l->ev = ne;
		l->alloc = na;
	}
	e = &l->ev[l->n];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->spec = strdup(spec);
	e->name = strdup(name);
	e->args = calloc(64, sizeof(*e->args));
	if (!e->spec || !e->name || !e->args) {
		free(e->spec);
		free(e->name);
		free(e->args);
		return NULL;
	}
	l->n++;
	return e;
}

static void event_list_free(struct event_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (size_t j = 0; j < l->ev[i].nargs; j++) {
			free(l->ev[i].args[j].type);
			free(l->ev[i].args[j].name);
		}
		free(l->ev[i].args);
		free(l->ev[i].spec);
		free(l->ev[i].name);
	}
	free(l->ev);
}

/* The fields after the common ones, from a tracepoint's format file. */
static size_t tp_fields(const char *dir, const char *cat, const char *name, struct event_arg *args, size_t max)
{
	char path[1024], *data, *line, *save = NULL;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/events/%s/%s/format", dir, cat, name);
	if (read_file(path, &data, NULL))
		return 0;
	for (line = strtok_r(data, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
		char *f = strstr(line, "field:"), *semi, *sp;

		if (!f || strstr(line, "common_"))
			continue;
		f += 6;
		semi = strchr(f, ';');
		if (!semi)
			continue;
		*semi = 0;
		/* "unsigned int fd" / "char comm[16]": the last word is the name */
		sp = strrchr(f, ' ');
		if (!sp)
			continue;
		*sp = 0;
		args[n].type = strdup(f);
		args[n].name = strdup(sp + 1);
		n++;
	}
	free(data);
	return n;
}

static size_t btf_args(const struct btf *btf, const struct btf_type *proto, int skip,
		       struct event_arg *args, size_t max)
{
	const struct btf_param *p = btf_params(proto);
	size_t n = 0;

	for (int i = skip; i < btf_vlen(proto) && n < max; i++) {
		args[n].type = btf_c_type(btf, p[i].type);
		if (!args[n].type)
			args[n].type = strdup("?");
		args[n].name = strdup(btf__name_by_offset(btf, p[i].name_off));
		n++;
	}
	return n;
}

static int by_spec(const void *a, const void *b)
{
	return strcmp(((const struct event *)a)->spec, ((const struct event *)b)->spec);
}

static int list_events(const struct list_opts *o)
{
	struct event_list l = { 0 };
	const char *dir;
	char path[512], spec[512], *data, *line, *save = NULL;
	struct btf *btf = btf__load_vmlinux_btf();
	bool kprobes = have_kprobes();	/* kernel functions are traceable where there are kprobes */
	size_t hidden = 0;

	if (!tracefs_dir(&dir)) {
		snprintf(path, sizeof(path), "%s/available_events", dir);
		if (!read_file(path, &data, NULL)) {
			for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
				char *colon = strchr(line, ':');
				struct event *e;

				if (!colon)
					continue;
				*colon = 0;
				snprintf(spec, sizeof(spec), "tp/%s/%s", line, colon + 1);
				if (!matches(o->glob, spec, colon + 1) || !(e = event_add(&l, "tp", spec, colon + 1)))
					continue;
				e->nargs = tp_fields(dir, line, colon + 1, e->args, 64);
			}
			free(data);
		}
	}
	for (__u32 id = 1; btf && id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;
		struct event *e;
		bool raw;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		raw = !strncmp(name, "__bpf_trace_", 12);
		if (raw)
			name += 12;
		if (raw)
			snprintf(spec, sizeof(spec), "raw_tp/%s", name);
		else
			snprintf(spec, sizeof(spec), "%s=%s", name, name);
		if (!matches(o->glob, spec, name))
			continue;
		if (!raw && !kprobes) {
			hidden++;
			continue;
		}
		e = event_add(&l, raw ? "raw_tp" : "func", spec, name);
		if (e)
			e->nargs = btf_args(btf, btf__type_by_id(btf, t->type), raw ? 1 : 0, e->args, 64);
	}
	if (l.n)
		qsort(l.ev, l.n, sizeof(*l.ev), by_spec);
	for (size_t i = 0; i < l.n; i++)
		print_event(o, &l.ev[i]);
	if (hidden)
		pr_info("vtrace: %zu kernel functions matched but are not listed: this kernel has no kprobes "
			"(CONFIG_KPROBES), so none can be traced here", hidden);
	event_list_free(&l);
	btf__free(btf);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[GLOB]", doc, common_children, NULL, NULL };
	struct list_opts o = { 0 };

	argv[0] = "vtrace list";
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return 2;
	/* without privileges the kernel shows no links: an empty table would lie */
	if (!o.events && check_privileges())
		return 1;
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	return o.events ? list_events(&o) : list_attached(&o);
}

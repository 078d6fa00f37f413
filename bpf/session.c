// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/elf-em.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "bpf/compile.h"
#include "bpf/embed.h"
#include "bpf/kprobe_multi.h"
#include "bpf/loaderr.h"
#include "bpf/session.h"
#include "bpf/kfacts.h"
#include "bpf/uprobe_multi.h"
#include "bpf/stack_emit.h"
#include "bpf/trampoline.h"
#include "lib/error.h"
#include "lib/stop.h"
#include "lib/strbuf.h"
#include "lib/tracefs.h"
#include "probe/btf_value.h"
#include "probe/elf.h"
#include "probe/filter.h"
#include "probe/resolve.h"

#define PIDS_MAX 65536

/*
 * libbpf's print callback carries no user pointer (its program handlers
 * do: the session is their cookie), so what it printed is the process's:
 * libbpf's warnings, kept to summarise a failure in one line.
 */
static struct strbuf libbpf_log;
/* libbpf's debug lines about CO-RE relocations, to name one that failed. */
static struct strbuf core_log;

static void keep(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n > 0) {
		strbuf_grow(sb, n);
		vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
		sb->len += n;
	}
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list copy;

	va_copy(copy, ap);
	if (level <= LIBBPF_WARN)
		keep(&libbpf_log, fmt, copy);
	else if (level == LIBBPF_DEBUG && (strstr(fmt, "relo #") || strstr(fmt, "CO-RE relocating")))
		keep(&core_log, fmt, copy);
	va_end(copy);
	if (verbose > 1 || (verbose && level <= LIBBPF_INFO))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static struct vt_program *find_program(const struct session *s, const struct bpf_program *prog)
{
	for (size_t i = 0; i < s->nprogs; i++)
		if (s->progs[i]->prog == prog)
			return s->progs[i];
	return NULL;
}

/* Does its prologue read user memory (a sleepable read pages it in)?  A fast one reads none. */
static bool reads_user(const struct vt_program *p)
{
	return p->res.target == TARGET_USER && !prologue_is_fast(p->res.insts, p->res.ninsts);
}

/* vtrace.h's stack bits (record -g) for the samples the program sends itself; 0 without -g. */
static void stack_patch(const struct session *s, struct vt_program *p)
{
	unsigned bits = 0;

	if (s->stacks)
		bits = p->res.target == TARGET_USER ? VTRACE_STACK_F_USER :
		       VTRACE_STACK_F_USER | VTRACE_STACK_F_KERNEL;
	rewrite_patch_const(p->rw.insns, p->rw.cnt, VTRACE_STACK_FLAGS_MAGIC, bits);
}

/* The wrapper's largest sample, with record -g's stacks; 0: no wrapper, the program sends its own. */
static uint32_t spec_sample_max(const struct session *s, const struct vt_program *p)
{
	if (!p->layout.total)
		return 0;
	return stack_sample_max(p->layout.total, s->stacks ? stack_wanted(p->res.target) : 0);
}

/*
 * A spec program: the generated wrapper calls the user's function.  Loaded
 * sleepable where it can be (features.h), else as before, and said so
 * under -v: what the user's function does may keep it from sleeping.
 */
static int prepare_spec(const struct session *s, struct vt_program *p, struct bpf_prog_load_opts *opts)
{
	const struct bpf_prog_load_opts orig = *opts;
	const char *name = bpf_program__name(p->prog);
	char why[256];
	struct wrapper w = {
		.target = p->res.target,
		.insts = p->res.insts,
		.ninsts = p->res.ninsts,
		.layout = &p->layout,
		.probe_id = p->id,
		.scratch_fd = s->scratch_fd,
		.rb_fd = s->rb_fd,
		.lost_fd = s->lost_fd,
		.pids_fd = s->filter ? s->pids_fd : -1,
		.entry_fd = s->entry.map_fd,
		.sleepable = s->ur.sleepable && reads_user(p),
		.task_scratch_fd = s->ur.scratch_fd,
		.str_kfunc = s->ur.str_kfunc,
		.stacks = s->stacks ? stack_wanted(p->res.target) : 0,
		.filter = p->filter,
	};
	size_t bad = 0;
	int err;

	free(p->group_of);
	p->group_of = calloc(p->res.ninsts ? p->res.ninsts : 1, sizeof(*p->group_of));
	if (!p->group_of)
		return -ENOMEM;
	w.group_of = p->group_of;

	for (;;) {
		struct insn_buf b = { 0 };

		err = prologue_emit(&b, &w, &bad);
		if (err == -EINVAL) {
			insn_buf_free(&b);
			return pr_prog_err(err, p->obj->src, name, NULL, "'%s' cannot be fetched by a %s probe",
					   p->spec->nargs > bad ? p->spec->args[bad].text : "?",
					   p->res.target == TARGET_USER ? "user" : "kernel");
		}
		if (err == -E2BIG) {
			insn_buf_free(&b);
			return pr_prog_err(err, p->obj->src, name, NULL, "'%s' lands on %zu places, too many "
					   "ways to fetch its args for one program (at most %d); narrow it (a "
					   "FILE:LINE, a mangled name, fewer args)", p->sec, p->res.ninsts,
					   PROLOGUE_GROUPS_MAX);
		}
		if (!err)
			err = rewrite_wrap(&p->rw, b.v, b.n, bpf_program__insns(p->prog),
					   bpf_program__insn_cnt(p->prog), p->id, opts);
		insn_buf_free(&b);
		if (err || !w.sleepable)
			break;
		err = sleepable_try(p->obj->path, name, p->rw.insns, p->rw.cnt, opts, why,
				    sizeof(why));
		if (!err) {
			opts->prog_flags |= BPF_F_SLEEPABLE;
			pr_debug("%s: program '%s' is sleepable: its reads fault pages in",
				 p->obj->src, name);
			break;
		}
		pr_debug("%s: program '%s' cannot be sleepable (%s); user memory that is not paged in "
			 "reads as (fault)", p->obj->src, name, why);
		rewrite_free(&p->rw);
		*opts = orig;
		w.sleepable = false;
	}
	if (err)
		return err;
	if (p->res.ninsts > 1) {
		uint32_t ngroups = 0;

		for (size_t i = 0; i < p->res.ninsts; i++)
			if (p->group_of[i] + 1 > ngroups)
				ngroups = p->group_of[i] + 1;
		pr_debug("%s: program '%s': %zu places share %u fetch codes, %zu instructions%s",
			 p->obj->src, name, p->res.ninsts, ngroups, p->rw.cnt,
			 !p->multi ? "" : p->res.target == TARGET_USER ? "; one uprobe multi link" :
			 "; one kprobe multi link");
	}
	stack_patch(s, p);
	return bpf_program__set_insns(p->prog, p->rw.insns, p->rw.cnt);
}

/* A kind's own section: the pid filter in front, the probe id where vtrace.h asked for it. */
static int prepare_plain(const struct session *s, struct vt_program *p, struct bpf_prog_load_opts *opts)
{
	struct bpf_insn pre[PROLOGUE_PID_FILTER_LEN];
	size_t npre = 0;
	int err;

	if (s->filter)
		npre = prologue_pid_filter(pre, s->pids_fd);
	err = rewrite_program(&p->rw, pre, npre, bpf_program__insns(p->prog),
			      bpf_program__insn_cnt(p->prog), p->id, opts);
	if (err)
		return err;
	stack_patch(s, p);
	return bpf_program__set_insns(p->prog, p->rw.insns, p->rw.cnt);
}

/*
 * Runs after libbpf relocated the program and before it loads it: vtrace's
 * code goes in front, and the probe id goes where vtrace.h asked for it.
 */
static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts,
			long cookie)
{
	struct session *s = (struct session *)cookie;
	struct vt_program *p = find_program(s, prog);

	if (!p)
		return 0;	/* vtrace's own programs */
	/* many places of one file: one link (bpf/uprobe_multi.h, bpf/kprobe_multi.h) */
	p->multi = p->res.target == TARGET_USER ? p->res.ninsts > 1 && uprobe_multi_supported() :
		   kprobe_multi_fits(&p->res) && kprobe_multi_supported();
	if (p->multi)
		opts->expected_attach_type = p->res.target == TARGET_USER ? VTRACE_TRACE_UPROBE_MULTI :
					     BPF_TRACE_KPROBE_MULTI;
	return p->prepare(s, p, opts);
}

/* Each kind's program type, and vtrace's code before every load, with this session as cookie. */
static void register_handlers(struct session *s)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, opts, .cookie = (long)s,
		    .prog_prepare_load_fn = prepare_load);

	libbpf_set_print(libbpf_print);
	s->handlers = calloc(sec_defs_count + 1, sizeof(*s->handlers));
	if (!s->handlers)
		return;	/* session_add() finds no handler: the sections are refused */
	for (size_t i = 0; i < sec_defs_count; i++) {
		int id = libbpf_register_prog_handler(sec_defs[i].prefix, sec_defs[i].prog_type,
						      sec_defs[i].attach_type, &opts);

		if (id > 0)
			s->handlers[s->nhandlers++] = id;
	}
	/* Probe specs ("EVENT=FUNC ARGS") take the fallback, as kprobe programs. */
	{
		int id = libbpf_register_prog_handler(NULL, BPF_PROG_TYPE_KPROBE, 0, &opts);

		if (id > 0)
			s->handlers[s->nhandlers++] = id;
	}
}

static void session_reset(struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->rb_fd = s->lost_fd = s->pids_fd = s->scratch_fd = -1;
	entry_probes_init(&s->entry);
	user_reads_init(&s->ur);
}

void session_init(struct session *s)
{
	session_reset(s);
	register_handlers(s);
}

/* The last line libbpf warned with, without its "libbpf: " prefix. */
static const char *libbpf_last_error(char *buf, size_t size)
{
	char *end, *start;

	if (!libbpf_log.len)
		return "unknown error";
	end = libbpf_log.buf + libbpf_log.len;
	while (end > libbpf_log.buf && end[-1] == '\n')
		end--;
	start = end;
	while (start > libbpf_log.buf && start[-1] != '\n')
		start--;
	if (!strncmp(start, "libbpf: ", 8))
		start += 8;
	snprintf(buf, size, "%.*s", (int)(end - start), start);
	return buf;
}

/*
 * The user's function runs as a subprogram of vtrace's wrapper: static
 * linkage makes the verifier check it with the wrapper's arguments (ctx,
 * err, three args) instead of on its own.
 */
static int make_static(struct bpf_object *obj, const char *name)
{
	struct btf *btf = bpf_object__btf(obj);
	int id;
	struct btf_type *t;

	if (!btf)
		return 0;	/* no BTF: no func_info to match either */
	id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	if (id <= 0)
		return 0;
	t = (struct btf_type *)btf__type_by_id(btf, id);
	/* info: kind in bits 24-28, vlen (the linkage, for a FUNC) in bits 0-15 */
	t->info = (BTF_KIND_FUNC << 24) | BTF_FUNC_STATIC;
	return 0;
}

/* A probe spec section: parsed, resolved, laid out, before anything loads. */
static int check_spec(const struct session *s, struct vt_program *p)
{
	const char *src = p->obj->src, *prog = bpf_program__name(p->prog);
	struct spec_error err;
	char where[PROG_WHERE_MAX];
	int rc;

	prog_where(where, sizeof(where), src, prog, NULL);
	p->spec = calloc(1, sizeof(*p->spec));
	if (!p->spec)
		return -ENOMEM;
	rc = spec_parse(p->sec, p->spec, &err);
	if (rc) {
		spec_error_print(where, p->sec, &err);
		free(p->spec);
		p->spec = NULL;
		return rc;
	}
	/* kernel functions: fentry/fexit where they can be */
	rc = tramp_resolve_plan(p->spec, s->stacks, bpf_program__insns(p->prog),
				bpf_program__insn_cnt(p->prog), where, &p->res, &err);
	for (size_t i = 0; !rc && i < p->res.ninsts; i++)
		rc = spec_check_nargs(p->spec, p->res.insts[i].nargs, &err);
	if (rc) {
		spec_error_print(where, p->sec, &err);
		return rc;
	}
	if (p->res.target == TARGET_KERNEL && !have_kprobes()) {
		pr_err("%s: \"%s\" needs a kprobe, and this kernel has no kprobes (it was built "
		       "without CONFIG_KPROBES); use the trampoline (via=fentry; in front, or "
		       "fentry/FUNC ARGS) where the kernel has it, a tracepoint (tp/CAT/NAME ARGS) or raw "
		       "tracepoint (raw_tp/NAME ARGS), or a kernel with CONFIG_KPROBES=y", where, p->sec);
		return -EOPNOTSUPP;
	}
	for (size_t i = 1; i < p->res.ninsts; i++) {
		bool same = p->res.insts[i].nargs == p->res.insts[0].nargs;

		for (size_t j = 0; same && j < p->res.insts[0].nargs; j++)
			same = !strcmp(p->res.insts[i].args[j].name, p->res.insts[0].args[j].name) &&
			       p->res.insts[i].args[j].final == p->res.insts[0].args[j].final;
		if (!same) {
			pr_err("%s: the instances of \"%s\" see different variables ($vars or "
			       "$params expand differently); name the args instead", where, p->sec);
			return -EINVAL;
		}
	}
	if (sample_layout_build(&p->layout, &p->res.insts[0])) {
		pr_err("%s: an arg of \"%s\" is larger than %d bytes; fetch a field of it", where,
		       p->sec, SPEC_BYTES_MAX);
		return -EINVAL;
	}
	if (p->res.binary && p->res.target == TARGET_USER) {
		char real[PATH_MAX];

		if (realpath(p->res.binary, real)) {
			free(p->res.binary);
			p->res.binary = strdup(real);
		}
	}
	/* raw_tp/, tp/, fentry/, fexit/ and tp_btf/ specs name no event: the program's name */
	if (spec_point_is_section(p->spec)) {
		free(p->spec->event);
		p->spec->event = strdup(prog);
	}
	p->event_name = p->spec->group ? NULL : strdup(p->spec->event);
	if (p->spec->group && asprintf(&p->event_name, "%s:%s", p->spec->group, p->spec->event) < 0)
		return -ENOMEM;
	p->event = p->event_name;
	p->def = sec_def_of(p->res.target, p->res.ret);
	if (!p->def)
		return -EOPNOTSUPP;
	p->prepare = prepare_spec;
	bpf_program__set_type(p->prog, p->def->prog_type);
	if (p->def->set_target) {
		prog_where(where, sizeof(where), src, prog, p->sec);
		rc = p->def->set_target(p->prog, &p->res, where);
		if (rc)
			return rc;
	}
	return make_static(p->obj->obj, prog);
}

/* What can be checked before anything is loaded, so that bad input loads nothing. */
static int check_target(const struct session *s, struct vt_program *p)
{
	char where[PROG_WHERE_MAX];
	int err;

	if (!p->def)
		return check_spec(s, p);
	prog_where(where, sizeof(where), p->obj->src, bpf_program__name(p->prog), p->sec);
	p->prepare = prepare_plain;
	err = p->def->check ? p->def->check(p->prog, &p->res, where) : 0;
	return err || !p->def->set_target ? err : p->def->set_target(p->prog, &p->res, where);
}

/* A spec without EVENT= takes a name no other event of the run has: FUNC, FUNC_1, FUNC_2 (perf probe's). */
static int unique_event(struct session *s, struct vt_program *p)
{
	char *name = NULL;
	bool taken = true;

	for (int k = 0; taken; k++) {
		free(name);
		if ((k ? asprintf(&name, "%s_%d", p->spec->event, k) : asprintf(&name, "%s", p->spec->event)) < 0)
			return -ENOMEM;
		taken = false;
		for (size_t i = 0; i < s->nprogs && !taken; i++)
			taken = s->progs[i] != p && !strcmp(s->progs[i]->event, name);
	}
	free(p->event_name);
	p->event_name = name;
	p->event = name;
	return 0;
}

static int add_program(struct session *s, struct vt_object *o, struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog);
	struct vt_program *p, **np;
	int err, col;

	p = calloc(1, sizeof(*p));
	if (p)
		p->multi_fd = -1;
	if (!p)
		return -ENOMEM;
	p->obj = o;
	p->prog = prog;
	p->sec = sec;
	p->event = bpf_program__name(prog);
	err = sec_plan(sec, &p->def, &p->res, &col);
	if (err == -ENOENT) {
		pr_err("%s: program '%s' is in section \"%s\", which vtrace cannot attach; "
		       "use kprobe/FUNC, kretprobe/FUNC, uprobe/PATH:FUNC, uretprobe/PATH:FUNC, "
		       "raw_tp/NAME, tp/CATEGORY/NAME, fentry/FUNC, fexit/FUNC or tp_btf/NAME",
		       o->src, p->event, sec);
		free(p);
		return err;
	}
	if (err) {
		pr_prog_err(err, o->src, p->event, NULL, "malformed section name");
		pr_caret(sec, col, 1);
		free(p);
		return err;
	}
	p->id = s->nprogs;
	np = realloc(s->progs, (s->nprogs + 1) * sizeof(*np));
	if (!np) {
		probe_resolved_free(&p->res);
		free(p);
		return -ENOMEM;
	}
	s->progs = np;
	s->progs[s->nprogs++] = p;
	err = stop_enter("resolving");
	if (!err)
		err = check_target(s, p);
	return err || !p->spec || !p->spec->event_derived ? err : unique_event(s, p);
}

static int load_formats(struct vt_object *o)
{
	const char *bad = NULL;
	size_t len;
	void *data;
	int err, col = 0;

	err = elf_section_bytes(o->path, VTRACE_FMT_SECTION, &data, &len);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	err = fmt_table_parse(&o->fmts, data, len, &bad, &col);
	if (err == -EINVAL && bad) {
		pr_err("%s: vtrace_printf format has an unsupported conversion (use "
		       "%%d %%i %%u %%x %%X %%o %%c %%s %%p with h, hh, l, ll, and widths up to %d)",
		       o->src, PRINTF_WIDTH_MAX);
		pr_caret(bad, col, 1);
	} else if (err) {
		pr_err("%s: malformed %s section", o->src, VTRACE_FMT_SECTION);
	}
	free(data);
	return err;
}

int session_add_as(struct session *s, const char *file, const char *src)
{
	char path[PATH_MAX], buf[512];
	struct vt_object *o, **no;
	struct bpf_program *prog;
	size_t len = strlen(file);
	int err, machine;

	if (access(file, R_OK)) {
		err = -errno;
		pr_err("%s: %s", src, strerror(errno));
		return err;
	}
	if (len > 2 && !strcmp(file + len - 2, ".c")) {
		err = bpf_compile(file, path, sizeof(path));
		if (err)
			return err;
	} else {
		snprintf(path, sizeof(path), "%s", file);
	}
	err = elf_machine(path, &machine);
	if (err || machine != EM_BPF) {
		pr_err("%s: not a BPF object%s; -e takes a BPF program in C (.c) or an object "
		       "built with clang -target bpf (.o)", src,
		       err ? " (not an ELF file)" : "");
		return err ? err : -ENOEXEC;
	}

	o = calloc(1, sizeof(*o));
	no = realloc(s->objs, (s->nobjs + 1) * sizeof(*no));
	if (!o || !no) {
		free(o);
		return -ENOMEM;
	}
	s->objs = no;
	s->objs[s->nobjs++] = o;
	o->src = strdup(src);
	o->path = strdup(path);

	strbuf_reset(&libbpf_log);
	o->obj = bpf_object__open_file(path, NULL);
	if (!o->obj) {
		err = -errno;
		o->obj = NULL;
		pr_err("%s: cannot open the BPF object: %s", src, libbpf_last_error(buf, sizeof(buf)));
		return err;
	}
	err = load_formats(o);
	if (err)
		return err;
	bpf_object__for_each_program(prog, o->obj) {
		err = add_program(s, o, prog);
		if (err)
			return err;
	}
	if (!bpf_object__next_program(o->obj, NULL)) {
		pr_err("%s: no BPF programs in it (a program is a function in a SEC(\"...\") "
		       "section)", src);
		return -ENOENT;
	}
	return 0;
}

int session_add(struct session *s, const char *src)
{
	return session_add_as(s, src, src);
}

/* Why program prog of o did not load, once, in one line. */
static void report_load_error(const struct vt_object *o, const struct bpf_program *prog)
{
	const char *failed = strstr(libbpf_log.buf ? libbpf_log.buf : "", "prog '");
	const char *name;
	char buf[512];

	/* libbpf names it: "prog 'f': BPF program load failed: ..." */
	if (failed) {
		const char *end = strchr(failed + 6, '\'');

		if (end) {
			snprintf(buf, sizeof(buf), "%.*s", (int)(end - failed - 6), failed + 6);
			prog = bpf_object__find_program_by_name(o->obj, buf) ?: prog;
		}
	}
	name = prog ? bpf_program__name(prog) : "?";

	if (load_error_report(o->src, name, libbpf_log.buf, core_log.buf,
			      prog ? bpf_program__insns(prog) : NULL,
			      prog ? bpf_program__insn_cnt(prog) : 0))
		pr_err("%s: cannot load program '%s': %s", o->src, name,
		       libbpf_last_error(buf, sizeof(buf)));
}

/*
 * The ring's size when the user gave none, from the rate its events can
 * come at: a uprobe hit costs microseconds (8M holds over a second of the
 * fastest), while a kernel event on a hot path (a syscall storm) comes at
 * millions a second, faster than any reader formats text: 64M holds two
 * million samples of a few args while the reader catches up.
 */
static size_t default_ring_size(const struct session *s)
{
	for (size_t i = 0; i < s->nprogs; i++)
		if (s->progs[i]->res.target != TARGET_USER)
			return RING_SIZE_KERNEL;
	return RING_SIZE_USER;
}

static int create_maps(struct session *s)
{
	LIBBPF_OPTS(bpf_map_create_opts, none);

	if (!s->rb_size)
		s->rb_size = default_ring_size(s);
	s->rb_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "vtrace_events", 0, 0, s->rb_size, &none);
	if (s->rb_fd < 0)
		return -errno;
	s->lost_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "vtrace_lost", 4, 8, 1, &none);
	if (s->lost_fd < 0)
		return -errno;
	if (s->filter) {
		/* not preallocated: 65536 elements made up front took 100 ms of every start */
		LIBBPF_OPTS(bpf_map_create_opts, lazy, .map_flags = BPF_F_NO_PREALLOC);

		s->pids_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "vtrace_pids", 4, 1, PIDS_MAX, &lazy);
		if (s->pids_fd < 0)
			return -errno;
	}
	for (size_t i = 0; i < s->nprogs && s->entry.map_fd < 0; i++)
		if (entry_probes_needed(&s->progs[i]->res)) {
			s->entry.map_fd = entry_map_create();
			if (s->entry.map_fd < 0)
				return s->entry.map_fd;
		}
	/* one scratch sample per spec program (programs of a kind do not nest on a CPU) */
	{
		__u32 value = 0;

		for (size_t i = 0; i < s->nprogs; i++)
			if (spec_sample_max(s, s->progs[i]) > value)
				value = spec_sample_max(s, s->progs[i]);
		if (value) {
			s->scratch_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "vtrace_scratch", 4,
						       (value + 7) & ~7u, s->nprogs, &none);
			if (s->scratch_fd < 0)
				return -errno;
		}
	}
	/* a uprobe spec's thread sample; the kernel is asked whether its user reads may sleep */
	{
		__u32 value = 0;

		for (size_t i = 0; i < s->nprogs; i++)
			if (s->progs[i]->spec && s->progs[i]->res.target == TARGET_USER &&
			    spec_sample_max(s, s->progs[i]) > value)
				value = spec_sample_max(s, s->progs[i]);
		if (value) {
			user_reads_setup(&s->ur, value);
			if (!s->ur.sleepable)
				pr_debug("user memory that is not paged in reads as (fault): %s", s->ur.why);
			else if (!s->ur.str_kfunc)
				pr_debug("no bpf_copy_from_user_str (Linux 6.12 has it): strings fault their "
					 "pages in first");
		}
	}
	return 0;
}

static int reuse_map(struct bpf_object *obj, const char *name, enum bpf_map_type type, int fd,
		     const char *src)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	if (!map)
		return 0;
	if (bpf_map__type(map) != type) {
		pr_err("%s: map '%s' is vtrace's name for its own map; rename yours", src, name);
		return -EINVAL;
	}
	return bpf_map__reuse_fd(map, fd);
}

static int load_own(struct session *s)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "vtrace_own");
	struct kernel_facts kf;
	static const char *const progs[][2] = {
		{ "vtrace_track_fork", "sched_process_fork" },
		{ "vtrace_track_exit", "sched_process_exit" },
	};
	char buf[512];
	int err;

	s->own = bpf_object__open_mem(own_bpf_data, EMBED_SIZE(own_bpf), &opts);
	if (!s->own)
		return -errno;
	err = reuse_map(s->own, "vtrace_pids", BPF_MAP_TYPE_HASH, s->pids_fd, "vtrace");
	if (!err && (kernel_facts_get(&kf) || kernel_facts_apply_own(&kf, s->own))) {
		pr_err("cannot start process-tree tracking: no struct task_struct in the kernel's BTF");
		return -ENOENT;
	}
	if (!err)
		err = bpf_object__load(s->own);
	for (int i = 0; !err && i < 2; i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(s->own, progs[i][0]);

		s->own_links[i] = p ? bpf_program__attach_raw_tracepoint(p, progs[i][1]) : NULL;
		if (!s->own_links[i])
			err = -errno ? -errno : -ENOENT;
	}
	if (err)
		pr_err("cannot start process-tree tracking: %s",
		       libbpf_last_error(buf, sizeof(buf)));
	return err;
}

int session_load(struct session *s, bool filter)
{
	int err;

	s->filter = filter;
	err = create_maps(s);
	if (err) {
		pr_err("cannot create BPF maps: %s", strerror(-err));
		return err;
	}
	for (size_t i = 0; i < s->nobjs; i++) {
		struct vt_object *o = s->objs[i];

		if ((err = reuse_map(o->obj, "vtrace_events", BPF_MAP_TYPE_RINGBUF, s->rb_fd, o->src)) ||
		    (err = reuse_map(o->obj, "vtrace_lost", BPF_MAP_TYPE_PERCPU_ARRAY, s->lost_fd, o->src)))
			break;
		strbuf_reset(&libbpf_log);
		strbuf_reset(&core_log);
		err = bpf_object__load(o->obj);
		if (err) {
			struct bpf_program *prog, *failed = NULL;

			bpf_object__for_each_program(prog, o->obj)
				if (bpf_program__fd(prog) < 0)
					failed = prog;
			report_load_error(o, failed);
			break;
		}
	}
	/* libbpf copied the code; the shifted BTF info was needed only by the load. */
	for (size_t i = 0; i < s->nprogs; i++)
		rewrite_free(&s->progs[i]->rw);
	if (!err && filter)
		err = load_own(s);
	s->loaded = !err;
	return err;
}

int session_track(struct session *s, pid_t pid)
{
	__u32 key = pid;
	__u8 one = 1;

	if (bpf_map_update_elem(s->pids_fd, &key, &one, BPF_ANY))
		return -errno;
	return 0;
}

/* The instance for the sample (high half), the fetch code's group (low half). */
static uint64_t instance_cookie(const struct vt_program *p, size_t i)
{
	return (uint64_t)i << 32 | (p->group_of ? p->group_of[i] : 0);
}

/* Every instance of a spec on one uprobe or kprobe multi link, each with its cookie. */
static int attach_multi(struct vt_program *p)
{
	size_t n = p->res.ninsts;
	uint64_t *offsets = calloc(n, sizeof(*offsets));
	uint64_t *cookies = calloc(n, sizeof(*cookies));
	int fd = -ENOMEM;

	if (offsets && cookies) {
		for (size_t k = 0; k < n; k++) {
			offsets[k] = p->res.insts[k].file_offset;
			cookies[k] = instance_cookie(p, k);
		}
		fd = p->res.target == TARGET_USER ?
		     uprobe_multi_attach(bpf_program__fd(p->prog), p->res.binary, offsets, cookies,
					 n, p->res.ret) :
		     kprobe_multi_attach(bpf_program__fd(p->prog), &p->res, cookies);
		if (fd >= 0)
			p->multi_fd = fd;
	}
	free(offsets);
	free(cookies);
	return fd < 0 ? fd : 0;
}

int session_attach(struct session *s)
{
	for (size_t i = 0; i < s->nprogs; i++) {
		struct vt_program *p = s->progs[i];
		size_t n = p->res.ninsts;
		char buf[512];
		int err;

		p->links = calloc(n ? n : 1, sizeof(*p->links));
		if (!p->links)
			return -ENOMEM;
		/* the entries first: a call that starts after the probe is attached has them */
		err = entry_probes_attach(&s->entry, &p->res, s->filter ? s->pids_fd : -1);
		if (err) {
			pr_err("%s: cannot attach the entry probes program '%s' (%s) needs: %s",
			       p->obj->src, bpf_program__name(p->prog), p->sec, strerror(-err));
			return err;
		}
		if (p->multi) {
			err = attach_multi(p);
			if (err) {
				pr_err("%s: cannot attach program '%s' (%s) at its %zu places: %s",
				       p->obj->src, bpf_program__name(p->prog), p->sec, n,
				       strerror(-err));
				return err;
			}
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			struct bpf_link *l;

			strbuf_reset(&libbpf_log);
			l = p->def->attach(p->prog, &p->res, k, instance_cookie(p, k));
			if (!l) {
				err = -errno;
				pr_err("%s: cannot attach program '%s' (%s) at %s: %s", p->obj->src,
				       bpf_program__name(p->prog), p->sec, p->res.insts[k].func,
				       libbpf_log.len ? libbpf_last_error(buf, sizeof(buf)) : strerror(-err));
				return err ? err : -EINVAL;
			}
			p->links[p->nlinks++] = l;
		}
	}
	return 0;
}

unsigned long long session_lost(const struct session *s)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long sum = 0;
	__u64 *vals;
	__u32 key = 0;

	if (s->lost_fd < 0 || ncpu <= 0)
		return 0;
	vals = calloc(ncpu, sizeof(*vals));
	if (vals && !bpf_map_lookup_elem(s->lost_fd, &key, vals))
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

void session_detach(struct session *s)
{
	for (size_t i = 0; i < s->nprogs; i++) {
		struct vt_program *p = s->progs[i];

		for (size_t k = 0; k < p->nlinks; k++) {
			bpf_link__destroy(p->links[k]);
			p->links[k] = NULL;
		}
		if (p->multi_fd >= 0)
			close(p->multi_fd);
		p->multi_fd = -1;
	}
}

void session_close(struct session *s)
{
	for (size_t i = 0; i < s->nprogs; i++) {
		struct vt_program *p = s->progs[i];

		for (size_t k = 0; k < p->nlinks; k++)
			bpf_link__destroy(p->links[k]);
		free(p->links);
		if (p->multi_fd >= 0)
			close(p->multi_fd);
		rewrite_free(&p->rw);
		if (p->spec) {
			spec_free(p->spec);
			free(p->spec);
		}
		probe_resolved_free(&p->res);
		sample_layout_free(&p->layout);
		free(p->event_name);
		if (p->filter)
			filter_free(p->filter);
		free(p->filter);
		free(p->group_of);
		free(p);
	}
	for (int i = 0; i < 2; i++)
		bpf_link__destroy(s->own_links[i]);
	entry_probes_close(&s->entry);
	bpf_object__close(s->own);
	for (size_t i = 0; i < s->nobjs; i++) {
		struct vt_object *o = s->objs[i];

		fmt_table_free(&o->fmts);
		bpf_object__close(o->obj);
		free(o->src);
		free(o->path);
		free(o);
	}
	free(s->objs);
	free(s->progs);
	if (s->rb_fd >= 0)
		close(s->rb_fd);
	if (s->lost_fd >= 0)
		close(s->lost_fd);
	if (s->pids_fd >= 0)
		close(s->pids_fd);
	if (s->scratch_fd >= 0)
		close(s->scratch_fd);
	user_reads_close(&s->ur);
	/* the objects that matched them are closed */
	for (size_t i = 0; i < s->nhandlers; i++)
		libbpf_unregister_prog_handler(s->handlers[i]);
	free(s->handlers);
	free(s->registry_file);
	strbuf_release(&s->registry_links);
	session_reset(s);
}

int check_privileges(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	__u32 eff1;

	if (syscall(SYS_capget, &hdr, data))
		return 0;	/* cannot tell: let the kernel decide */
	eff1 = data[1].effective;
	if (data[0].effective & (1u << CAP_SYS_ADMIN))
		return 0;
	/* CAP_PERFMON is 38, CAP_BPF is 39: in the second word. */
	if ((eff1 & (1u << (38 - 32))) && (eff1 & (1u << (39 - 32))))
		return 0;
	pr_err("tracing needs root, or the CAP_BPF and CAP_PERFMON capabilities; "
	       "run vtrace with sudo");
	return -EPERM;
}

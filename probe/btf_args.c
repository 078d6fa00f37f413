// SPDX-License-Identifier: GPL-2.0
/*
 * The trampoline's args (fentry/FUNC, fexit/FUNC, tp_btf/NAME), from BTF:
 * each is a u64 slot of the program's context, and the verifier knows its
 * type (the function's prototype, the tracepoint's btf_trace_NAME).  A
 * member chain through pointers to structs is then a chain of plain loads,
 * which the verifier checks against the struct's BTF (PTR_TO_BTF_ID); where
 * it would not (a void * or other non-struct pointer, a union, an array of
 * unknown size or an index outside it, a bitfield), the rest of the chain
 * is read with probe reads, as a kprobe reads all of it.  fetch_arg.direct
 * counts the plain loads; bpf/trampoline.c emits them.
 *
 * Kernel globals (@NAME, any kernel probe): the address from /proc/kallsyms,
 * the type from a BTF VAR when the kernel's BTF has one, else from :TYPE.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"
#include "probe/btf_args.h"
#include "probe/btf_int.h"

/* Module BTF, loaded once per module; split on vmlinux's. */
static struct {
	char name[64];
	struct btf *btf;
} mods[64];
static size_t nmods;

static struct btf *module_btf(const char *name)
{
	struct btf *vmlinux = btf_vmlinux(), *btf;

	for (size_t i = 0; i < nmods; i++)
		if (!strcmp(mods[i].name, name))
			return mods[i].btf;
	if (!vmlinux || nmods == sizeof(mods) / sizeof(mods[0]) || strlen(name) >= sizeof(mods[0].name))
		return NULL;
	btf = btf__load_module_btf(name, vmlinux);
	if (!btf)
		return NULL;
	snprintf(mods[nmods].name, sizeof(mods[nmods].name), "%s", name);
	mods[nmods++].btf = btf;
	return btf;
}

/* The BTF with FUNC (or the tracepoint's __bpf_trace_NAME): module= given, vmlinux, then every module. */
static int find_func(const struct spec *s, const char *name, struct btf **btf, int *id)
{
	DIR *d;
	struct dirent *e;

	*btf = s->module ? module_btf(s->module) : btf_vmlinux();
	if (!*btf)
		return -ENODATA;
	*id = btf__find_by_name_kind(*btf, name, BTF_KIND_FUNC);
	if (*id > 0 || s->module)
		return *id > 0 ? 0 : -ENOENT;
	d = opendir("/sys/kernel/btf");
	while (d && (e = readdir(d))) {
		struct btf *m;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "vmlinux"))
			continue;
		m = module_btf(e->d_name);
		*id = m ? btf__find_by_name_kind(m, name, BTF_KIND_FUNC) : -ENOENT;
		/* split BTF sees vmlinux's types too: the module's own ids come after them */
		if (*id > 0 && (__u32)*id >= btf__type_cnt(btf_vmlinux())) {
			*btf = m;
			closedir(d);
			return 0;
		}
	}
	if (d)
		closedir(d);
	return -ENOENT;
}

static bool ptr_to_struct(const struct btf *btf, const struct btf_type *t)
{
	const struct btf_type *to;

	if (!t || !btf_is_ptr(t))
		return false;
	to = btf__type_by_id(btf, btf_skip_mods(btf, t->type));
	return to && btf_is_struct(to);
}

/* Does the member name of t lie in a union (t itself, or an anonymous one on the way)? */
static int member_in_union(const struct btf *btf, const struct btf_type *t, const char *name, int depth)
{
	const struct btf_member *m = btf_members(t);

	if (depth > 16)
		return -1;
	for (__u16 i = 0; i < btf_vlen(t); i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);
		const struct btf_type *mt;
		int r;

		if (mn && *mn) {
			if (!strcmp(mn, name))
				return btf_is_union(t);
			continue;
		}
		mt = btf__type_by_id(btf, btf_skip_mods(btf, m[i].type));
		if (!mt || (!btf_is_struct(mt) && !btf_is_union(mt)))
			continue;
		r = member_in_union(btf, mt, name, depth + 1);
		if (r >= 0)
			return r || btf_is_union(t);
	}
	return -1;
}

enum at { AT_CTX, AT_STRUCT, AT_NONE };

/*
 * How many of the arg's reads, from the ctx slot on, the verifier lets be
 * plain loads.  The reads: one for each pointer the chain follows (-> and
 * [] through a pointer), then the final one (the value, or a string's char
 * pointer).  btf_steps() has accepted the chain; this walks it again.
 */
static uint8_t direct_reads(const struct btf *btf, __u32 type, const struct spec_arg *sa,
			    const struct fetch_arg *a)
{
	enum at at = AT_CTX;
	unsigned n = 0;
	__u32 cur = type;

	for (size_t i = 0; i < sa->nsteps; i++) {
		const struct spec_step *st = &sa->steps[i];
		const struct btf_type *t = btf__type_by_id(btf, btf_skip_mods(btf, cur));

		if (!t)
			return n;
		if (st->kind == STEP_INDEX && btf_is_array(t)) {
			const struct btf_array *arr = btf_array(t);

			if (st->index < 0 || (__u64)st->index >= arr->nelems)
				at = AT_NONE;	/* of unknown size, or past its end */
			cur = arr->type;
			continue;
		}
		if (st->kind == STEP_INDEX || st->kind == STEP_ARROW) {
			/* the pointer is read; what it points to is typed if it is a struct */
			if (at != AT_NONE)
				n++;
			at = at != AT_NONE && ptr_to_struct(btf, t) &&
			     (st->kind == STEP_ARROW || st->index == 0) ? AT_STRUCT : AT_NONE;
			if (st->kind == STEP_INDEX) {
				cur = t->type;
				continue;
			}
			t = btf__type_by_id(btf, btf_skip_mods(btf, t->type));
		}
		{
			__u32 bit_off;
			const struct btf_member *m = btf_find_member(btf, t, st->field, &bit_off, 0);

			if (!m)
				return n;
			if (member_in_union(btf, t, st->field, 0) != 0 || bit_off % 8)
				at = AT_NONE;
			cur = m->type;
		}
	}
	if (at == AT_NONE || a->bit_size)
		return n;
	{
		const struct btf_type *t = btf__type_by_id(btf, btf_skip_mods(btf, cur));

		if (a->final == FINAL_STRING && t && btf_is_ptr(t))
			n++;	/* the char pointer; the string is copied by a helper */
		else if (a->final == FINAL_INT && t && (btf_is_ptr(t) ? a->size == 8 : a->size <= t->size))
			n++;
	}
	return n > 255 ? 255 : n;
}

/* Pointer types a trampoline program may read from its ctx (the verifier's btf_ctx_access). */
static bool ctx_readable(const struct btf *btf, __u32 type)
{
	const struct btf_type *t = btf__type_by_id(btf, btf_skip_mods(btf, type)), *to;

	if (!t || !btf_is_ptr(t))
		return true;
	if (!t->type)
		return true;	/* void * */
	to = btf__type_by_id(btf, btf_skip_mods(btf, t->type));
	return !to || btf_is_int(to) || btf_is_struct(to) || btf_is_union(to) || btf_is_void(to);
}

/* /proc/kallsyms' address of a data symbol (of module mod, NULL: any). */
static int kallsyms_addr(const char *name, const char *mod, uint64_t *addr)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512];
	int rc = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char kind, sym[256], m[128] = "";

		if (sscanf(line, "%llx %c %255s [%127[^]]]", &a, &kind, sym, m) < 3 || strcmp(sym, name))
			continue;
		if (mod && strcmp(m, mod))
			continue;
		if (!strchr("dDbBrRvV", kind))
			continue;
		*addr = a;
		rc = a ? 0 : -EPERM;
		break;
	}
	fclose(f);
	return rc;
}

/* Is the VAR id in a per-CPU section (its kallsyms address is an offset then)? */
static bool var_percpu(const struct btf *btf, int var_id)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *v;
		const char *sec;

		if (!btf_is_datasec(t))
			continue;
		sec = btf__name_by_offset(btf, t->name_off);
		v = btf_var_secinfos(t);
		for (__u16 i = 0; i < btf_vlen(t); i++)
			if ((int)v[i].type == var_id)
				return sec && strstr(sec, "percpu");
	}
	return false;
}

int btf_global(const struct btf *btf, const struct spec *s, const struct spec_arg *sa,
	       struct fetch_arg *a, __u32 *type, struct spec_error *err)
{
	uint64_t addr;
	int rc, id;

	rc = kallsyms_addr(sa->var, s->module, &addr);
	if (rc == -EPERM)
		return spec_fail_errno(err, rc, sa->col, sa->len, "/proc/kallsyms hides the addresses "
				 "(kernel.kptr_restrict); run vtrace as root with kptr_restrict < 2");
	if (rc)
		return spec_fail_errno(err, -ENOENT, sa->col, sa->len, "no kernel data symbol '%s'%s%s in /proc/kallsyms "
				 "(a kernel lists its data there with CONFIG_KALLSYMS_ALL)", sa->var,
				 s->module ? " in module " : "", s->module ? s->module : "");
	id = btf__find_by_name_kind(btf, sa->var, BTF_KIND_VAR);
	if (id > 0 && var_percpu(btf, id))
		return spec_fail(err, sa->col, sa->len, "@%s is a per-CPU variable, which vtrace does "
				 "not read yet", sa->var);
	memset(a, 0, sizeof(*a));
	a->base = FETCH_CONST;
	a->value = addr;
	rc = fetch_follow(a, 0);	/* the value at the address */
	if (rc)
		return rc;
	if (id > 0) {
		*type = btf__type_by_id(btf, id)->type;
		return 0;
	}
	*type = 0;
	if (sa->type == TYPE_DEFAULT || sa->type == TYPE_STRING || sa->nsteps) {
		fetch_arg_free(a);
		return spec_fail(err, sa->col, sa->len, "the kernel's BTF has no type for @%s (it "
				 "describes per-CPU variables only): give one, @%s:s32 (or u8..u64, "
				 "s8..s64, x8..x64), without fields", sa->var, sa->var);
	}
	a->final = FINAL_INT;
	fetch_cast(a, sa->type);
	return 0;
}

/* One arg: the ctx slot (or a global), its chain, its final read, how much of it is plain loads. */
static int tramp_arg(const struct btf *btf, const struct spec_arg *sa, __u32 type, int64_t slot,
		     struct fetch_arg *a, struct spec_error *err)
{
	const struct btf_type *t = btf__type_by_id(btf, btf_skip_mods(btf, type));
	__u32 start = type;
	int rc;

	if (t && (btf_is_struct(t) || btf_is_union(t)))
		return spec_fail(err, sa->col, sa->len, "'%s' is a struct passed by value, which a "
				 "trampoline program cannot read; probe it with a kprobe", sa->text);
	if (!ctx_readable(btf, type)) {
		char *tn = btf_type_str(btf, type);

		spec_fail(err, sa->col, sa->len, "the verifier does not let a trampoline program read "
			  "'%s' (%s) from its context; probe it with a kprobe", sa->text, tn);
		free(tn);
		return -EINVAL;
	}
	memset(a, 0, sizeof(*a));
	a->base = FETCH_MEM_REG;
	a->reg = DREG_CTX;
	a->offset = slot;
	rc = btf_steps(btf, &type, a, sa, err);
	if (!rc)
		rc = btf_final(btf, type, a, sa, err);
	if (rc)
		return rc;
	a->direct = direct_reads(btf, start, sa, a);
	if (!a->nderefs && a->final == FINAL_INT && a->size < 8 && t && btf_is_ptr(t) &&
	    sa->type != TYPE_DEFAULT) {
		/* the slot holds a typed pointer, which the verifier will not narrow */
		return spec_fail(err, sa->type_col, strlen(spec_type_name(sa->type)), "a pointer is "
				 "read whole in a trampoline program: use :x64 or :u64");
	}
	return 0;
}

static int tramp_args(const struct btf *btf, const struct spec *s, const struct btf_type *proto,
		      int skip, struct probe_instance *in, struct spec_error *err)
{
	const struct btf_param *params = btf_params(proto);
	int nparams = btf_vlen(proto);
	int rc = 0;

	for (size_t i = 0; i < s->nargs && !rc; i++) {
		const struct spec_arg *sa = &s->args[i];
		struct fetch_arg a = { 0 };
		__u32 type;
		int idx = -1;

		switch (sa->kind) {
		case EXPR_PARAMS:
			for (int p = skip; p < nparams && !rc; p++) {
				struct spec_arg one = btf_param_spec(btf, &params[p], sa);

				rc = tramp_arg(btf, &one, params[p].type, 8 * (p - skip), &a, err);
				rc = btf_keep_param(in, &a, one.name, rc);
			}
			continue;
		case EXPR_RETVAL:
			if (!proto->type)
				return spec_fail(err, sa->col, sa->len, "%s returns void", s->func);
			rc = tramp_arg(btf, sa, proto->type, 8 * nparams, &a, err);
			break;
		case EXPR_GLOBAL:
			rc = btf_global(btf, s, sa, &a, &type, err);
			if (!rc && type)
				rc = btf_steps(btf, &type, &a, sa, err);
			if (!rc && type)
				rc = btf_final(btf, type, &a, sa, err);
			break;
		case EXPR_REG:
		case EXPR_VARS:
			return spec_fail(err, sa->col, sa->len, "a trampoline program reads parameters%s "
					 "and @GLOBALs, not %s", s->ret ? ", $retval" : "",
					 sa->kind == EXPR_REG ? "registers" : "locals");
		case EXPR_VAR:
			for (int p = skip; p < nparams; p++)
				if (!strcmp(btf__name_by_offset(btf, params[p].name_off), sa->var))
					idx = p;
			if (idx < 0) {
				struct strbuf names = STRBUF_INIT;

				for (int p = skip; p < nparams; p++)
					strbuf_addf(&names, "%s%s", names.len ? ", " : "",
						    btf__name_by_offset(btf, params[p].name_off));
				spec_fail_errno(err, -ENOENT, sa->col, sa->len, "%s has no parameter '%s'; it has: %s",
					  s->point == POINT_TP_BTF ? "the tracepoint" : s->func, sa->var,
					  names.len ? names.buf : "none");
				strbuf_release(&names);
				return -ENOENT;
			}
			rc = tramp_arg(btf, sa, params[idx].type, 8 * (idx - skip), &a, err);
			break;
		}
		rc = probe_instance_keep_arg(in, &a, sa->name, rc);
	}
	return rc;
}

int tramp_resolve(const struct spec *s, struct probe_resolved *out, struct spec_error *err)
{
	bool tp = s->point == POINT_TP_BTF;
	const struct btf_type *fn, *proto;
	struct btf *btf;
	char name[256];
	int id, rc;

	memset(out, 0, sizeof(*out));
	snprintf(name, sizeof(name), tp ? "__bpf_trace_%s" : "%s", s->func);
	rc = find_func(s, name, &btf, &id);
	if (rc == -ENODATA)
		return spec_fail_errno(err, -ENOENT, 0, 0, s->module ? "no BTF for module %s (/sys/kernel/btf/%s): is "
				 "it loaded?" : "this kernel has no BTF (/sys/kernel/btf/vmlinux), which "
				 "the trampoline needs", s->module, s->module);
	if (rc && tp)
		return spec_fail_errno(err, -ENOENT, s->func_col, strlen(s->func), "no BTF-typed tracepoint '%s' in "
				 "this kernel's BTF (see vtrace list --events 'raw_tp/*')", s->func);
	if (rc)
		return spec_fail_errno(err, -ENOENT, s->func_col, strlen(s->func), "no kernel function '%s' in %s%s%s",
				 s->func, s->module ? "the BTF of module " : "BTF",
				 s->module ? s->module : "", s->module ? "" : " (vmlinux or a module's)");
	fn = btf__type_by_id(btf, id);
	proto = btf__type_by_id(btf, fn->type);
	if (!proto || !btf_is_func_proto(proto))
		return spec_fail(err, s->func_col, strlen(s->func), "'%s' has no prototype in BTF", s->func);

	out->target = tp ? TARGET_TP_BTF : TARGET_FENTRY;
	out->ret = s->ret;
	out->insts = calloc(1, sizeof(*out->insts));
	if (!out->insts)
		return -ENOMEM;
	out->ninsts = 1;
	out->insts[0].func = strdup(s->func);
	/* __bpf_trace_NAME takes the tracepoint's data pointer first; the ctx has the rest */
	rc = tramp_args(btf, s, proto, tp ? 1 : 0, &out->insts[0], err);
	if (rc)
		probe_resolved_free(out);
	return rc;
}

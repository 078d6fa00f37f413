// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <traceevent/event-parse.h>

#include "lib/fs.h"
#include "lib/tracefs.h"
#include "probe/btf_args.h"
#include "probe/btf_int.h"
#include "probe/btf_resolve.h"
#include "probe/btf_value.h"


struct btf *btf_vmlinux(void)
{
	static struct btf *btf;

	if (!btf)
		btf = btf__load_vmlinux_btf();
	return btf;
}

/* Skips typedefs and qualifiers. */
__u32 btf_skip_mods(const struct btf *btf, __u32 id)
{
	for (int i = 0; i < 32; i++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t)
			return 0;
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF: case BTF_KIND_CONST: case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
			id = t->type;
			break;
		default:
			return id;
		}
	}
	return 0;
}

char *btf_type_str(const struct btf *btf, __u32 id)
{
	struct value_type *v = btf_value_type(btf, id);
	const struct btf_type *t = btf__type_by_id(btf, btf_skip_mods(btf, id));
	char *name, buf[256];

	if (!v)
		return strdup("?");
	if (t && btf_is_ptr(t)) {
		/* "struct file *" rather than "void *" */
		__u32 to = btf_skip_mods(btf, t->type);
		const struct btf_type *tt = btf__type_by_id(btf, to);
		const struct btf_type *direct = btf__type_by_id(btf, t->type);
		const char *n = tt ? btf__name_by_offset(btf, tt->name_off) : NULL;

		if (direct && btf_is_typedef(direct)) {
			/* "loff_t *", as the source says */
			tt = NULL;
			n = btf__name_by_offset(btf, direct->name_off);
		}

		snprintf(buf, sizeof(buf), "%s%s *", tt && btf_is_struct(tt) ? "struct " :
			 tt && btf_is_union(tt) ? "union " : "", n && *n ? n : "void");
		value_type_free(v);
		return strdup(buf);
	}
	name = strdup(v->name);
	value_type_free(v);
	return name;
}

/* A struct/union member by name, through anonymous members; bit offset out. */
const struct btf_member *btf_find_member(const struct btf *btf, const struct btf_type *t,
						const char *name, __u32 *bit_off, int depth)
{
	const struct btf_member *m = btf_members(t);

	if (depth > 16)
		return NULL;
	for (__u16 i = 0; i < btf_vlen(t); i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);
		const struct btf_type *mt;

		if (mn && *mn) {
			if (!strcmp(mn, name)) {
				*bit_off = btf_member_bit_offset(t, i);
				return &m[i];
			}
			continue;
		}
		mt = btf__type_by_id(btf, btf_skip_mods(btf, m[i].type));
		if (mt && (btf_is_struct(mt) || btf_is_union(mt))) {
			__u32 inner;
			const struct btf_member *r = btf_find_member(btf, mt, name, &inner, depth + 1);

			if (r) {
				*bit_off = btf_member_bit_offset(t, i) + inner;
				return r;
			}
		}
	}
	return NULL;
}

static void btf_list_members(const struct btf *btf, const struct btf_type *t, struct strbuf *sb)
{
	const struct btf_member *m = btf_members(t);

	for (__u16 i = 0; i < btf_vlen(t) && sb->len < 400; i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);

		if (mn && *mn)
			strbuf_addf(sb, "%s%s", sb->len ? ", " : "", mn);
	}
	if (sb->len >= 400)
		strbuf_addstr(sb, ", ...");
}

int btf_steps(const struct btf *btf, __u32 *type, struct fetch_arg *a,
		     const struct spec_arg *sa, struct spec_error *err)
{
	__u32 cur = *type;

	for (size_t i = 0; i < sa->nsteps; i++) {
		const struct spec_step *st = &sa->steps[i];
		int len = st->kind == STEP_INDEX ? 1 : (int)strlen(st->field) + (st->kind == STEP_ARROW ? 2 : 1);
		const struct btf_type *t = btf__type_by_id(btf, btf_skip_mods(btf, cur));
		const struct btf_member *m;
		struct strbuf names = STRBUF_INIT;
		char *tn;
		__u32 bit_off;

		if (a->bit_size)
			return spec_fail(err, st->col, len, "a bitfield has no fields");
		if (!t)
			return spec_fail(err, st->col, len, "cannot read the type here");
		tn = btf_type_str(btf, cur);
		if (st->kind == STEP_INDEX) {
			__s64 esize;
			__u32 elem;

			if (btf_is_array(t)) {
				elem = btf_array(t)->type;
				esize = btf__resolve_size(btf, elem);
				if (a->base == FETCH_REG) {
					free(tn);
					return spec_fail(err, st->col, len, "the array lives in a register");
				}
				fetch_add_offset(a, st->index * esize);
			} else if (btf_is_ptr(t)) {
				elem = t->type;
				esize = btf__resolve_size(btf, elem);
				if (esize <= 0 || fetch_follow(a, st->index * esize)) {
					spec_fail(err, st->col, len, "cannot index through %s", tn);
					free(tn);
					return -EINVAL;
				}
			} else {
				spec_fail(err, st->col, len, "[%ld] needs an array or a pointer, and this is %s",
				     st->index, tn);
				free(tn);
				return -EINVAL;
			}
			free(tn);
			cur = elem;
			continue;
		}
		if (st->kind == STEP_ARROW) {
			if (!btf_is_ptr(t)) {
				spec_fail(err, st->col, 2, "'->' needs a pointer, and this is %s%s", tn,
				     btf_is_struct(t) || btf_is_union(t) ? ": use '.'" : "");
				free(tn);
				return -EINVAL;
			}
			t = btf__type_by_id(btf, btf_skip_mods(btf, t->type));
		} else if (btf_is_ptr(t)) {
			spec_fail(err, st->col, 1, "'.' needs a struct, and this is %s: use '->'", tn);
			free(tn);
			return -EINVAL;
		}
		free(tn);
		if (!t || (!btf_is_struct(t) && !btf_is_union(t)))
			return spec_fail(err, st->col, len, "the value has no fields");
		m = btf_find_member(btf, t, st->field, &bit_off, 0);
		if (!m) {
			const char *sn = btf__name_by_offset(btf, t->name_off);

			btf_list_members(btf, t, &names);
			spec_fail(err, st->col + (st->kind == STEP_ARROW ? 2 : 1), strlen(st->field),
			     "struct %s has no member '%s'; it has: %s", sn && *sn ? sn : "(anon)",
			     st->field, names.buf ? names.buf : "none");
			strbuf_release(&names);
			return -EINVAL;
		}
		if (st->kind == STEP_ARROW) {
			if (fetch_follow(a, bit_off / 8))
				return -ENOMEM;
		} else {
			if (a->base == FETCH_REG)
				return spec_fail(err, st->col, len, "the struct lives in a register");
			fetch_add_offset(a, bit_off / 8);
		}
		{
			/* bitfield: the member's bitfield size, position within the bytes read */
			const struct btf_type *pt = t;
			__u32 idx = m - btf_members(pt);
			__u32 bs = idx < btf_vlen(pt) ? btf_member_bitfield_size(pt, idx) : 0;

			if (bs) {
				__u32 total = bit_off % 8 + bs;

				a->bit_offset = bit_off % 8;
				a->bit_size = bs;
				a->size = total <= 8 ? 1 : total <= 16 ? 2 : total <= 32 ? 4 : 8;
			}
		}
		cur = m->type;
	}
	*type = cur;
	return 0;
}

int btf_final(const struct btf *btf, __u32 type, struct fetch_arg *a, const struct spec_arg *sa,
		     struct spec_error *err)
{
	const struct btf_type *t = btf__type_by_id(btf, btf_skip_mods(btf, type));
	uint32_t bit_size = a->bit_size, size = a->size;

	if (!t)
		return spec_fail(err, sa->col, sa->len, "'%s' has no type", sa->text);
	a->type_name = btf_type_str(btf, type);
	a->type = btf_value_type(btf, type);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		a->final = FINAL_INT;
		a->size = t->size;
		a->is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		a->final = FINAL_INT;
		a->size = t->size;
		a->is_signed = true;
		break;
	case BTF_KIND_PTR:
		a->final = FINAL_INT;
		a->size = 8;
		break;
	case BTF_KIND_ARRAY:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (a->base == FETCH_REG)
			return spec_fail(err, sa->col, sa->len, "'%s' (%s) is passed in registers; fetch its "
				    "fields one by one", sa->text, a->type_name);
		a->final = FINAL_BYTES;
		a->size = btf__resolve_size(btf, type);
		break;
	default:
		return spec_fail(err, sa->col, sa->len, "'%s' has a type vtrace cannot fetch (%s)", sa->text,
			    a->type_name);
	}
	if (bit_size) {
		a->size = size;
		a->bit_size = bit_size;
	}
	if (sa->type == TYPE_STRING) {
		if (a->final == FINAL_BYTES && a->type && a->type->kind == VK_ARRAY)
			return 0;
		if (!btf_is_ptr(t))
			return spec_fail(err, sa->type_col, 6, "':string' needs a char pointer, and '%s' is %s",
				    sa->text, a->type_name);
		a->final = FINAL_STRING;
		free(a->type_name);
		a->type_name = strdup("string");
	} else if (sa->type != TYPE_DEFAULT) {
		if (a->final != FINAL_INT || a->bit_size)
			return spec_fail(err, sa->type_col, 3, "':%s' casts integers; '%s' is %s",
				    spec_type_name(sa->type), sa->text, a->type_name);
		fetch_cast(a, sa->type);
	}
	return 0;
}

struct spec_arg btf_param_spec(const struct btf *btf, const struct btf_param *param,
			       const struct spec_arg *params)
{
	struct spec_arg one = { 0 };

	one.var = one.name = one.text = (char *)btf__name_by_offset(btf, param->name_off);
	one.col = params->col;
	one.len = params->len;
	return one;
}

int btf_keep_param(struct probe_instance *in, struct fetch_arg *a, const char *name, int rc)
{
	if (rc == -EINVAL) {
		fetch_arg_free(a);
		return 0;	/* $params skips what it cannot fetch */
	}
	return probe_instance_keep_arg(in, a, name, rc);
}

/* Each arg of the spec, at the function's entry or return, or in a raw_tp's args[]. */
static int btf_args(const struct btf *btf, const struct spec *s, const struct btf_type *proto,
		    bool raw_tp, struct probe_instance *in, struct spec_error *err)
{
	const struct btf_param *params = btf_params(proto);
	int skip = raw_tp ? 1 : 0;	/* __bpf_trace_* take the tracepoint's data pointer first */
	int rc = 0;

	for (size_t i = 0; i < s->nargs && !rc; i++) {
		const struct spec_arg *sa = &s->args[i];
		struct fetch_arg a = { 0 };
		__u32 type = 0;
		int idx = -1;

		switch (sa->kind) {
		case EXPR_PARAMS:
		case EXPR_VARS:
			if (s->ret && !raw_tp)
				return spec_fail(err, sa->col, sa->len, "at %%return a kretprobe has lost the "
						 "parameters");
			if (s->has_offset && s->offset && !raw_tp)
				return spec_fail(err, sa->col, sa->len, "without DWARF the parameters are only "
						 "known at the function's entry, not at +%lu", s->offset);
			for (__u16 p = skip; p < btf_vlen(proto) && !rc; p++) {
				struct spec_arg one = btf_param_spec(btf, &params[p], sa);

				memset(&a, 0, sizeof(a));
				if (raw_tp) {
					a.base = FETCH_MEM_REG;
					a.reg = DREG_CTX;
					a.offset = 8 * (p - skip);
				} else if (p < ARCH_ARG_REGS) {
					a.base = FETCH_REG;
					a.reg = arch_arg_reg(p);
				} else {
					continue;
				}
				rc = btf_final(btf, params[p].type, &a, &one, err);
				rc = btf_keep_param(in, &a, one.name, rc);
			}
			continue;
		case EXPR_RETVAL:
			if (!proto->type)
				return spec_fail(err, sa->col, sa->len, "%s returns void", s->func);
			type = proto->type;
			a.base = FETCH_REG;
			a.reg = DREG_RAX;
			break;
		case EXPR_GLOBAL:
			/* a kernel global: kallsyms and BTF (probe/btf_args.c) */
			rc = btf_global(btf, s, sa, &a, &type, err);
			if (!rc && !type) {
				rc = probe_instance_keep_arg(in, &a, sa->name, 0);
				continue;
			}
			if (rc)
				return rc;
			break;
		case EXPR_REG:
			return spec_fail(err, sa->col, sa->len, "without DWARF only parameters%s and "
				    "@GLOBALs can be fetched", raw_tp ? "" : ", $retval");
		case EXPR_VAR:
			if (s->ret)
				return spec_fail(err, sa->col, sa->len, "at %%return a kretprobe has lost the "
						 "parameters");
			if (s->has_offset && s->offset && !raw_tp)
				return spec_fail(err, sa->col, sa->len, "without DWARF the parameters are only "
					    "known at the function's entry, not at +%lu", s->offset);
			for (__u16 p = skip; p < btf_vlen(proto); p++)
				if (!strcmp(btf__name_by_offset(btf, params[p].name_off), sa->var))
					idx = p;
			if (idx < 0) {
				struct strbuf names = STRBUF_INIT;

				for (__u16 p = skip; p < btf_vlen(proto); p++)
					strbuf_addf(&names, "%s%s", names.len ? ", " : "",
						    btf__name_by_offset(btf, params[p].name_off));
				spec_fail(err, sa->col, sa->len, "%s has no parameter '%s'; it has: %s",
				     raw_tp ? "the tracepoint" : s->func, sa->var,
				     names.len ? names.buf : "none");
				strbuf_release(&names);
				return -ENOENT;
			}
			type = params[idx].type;
			if (raw_tp) {
				a.base = FETCH_MEM_REG;
				a.reg = DREG_CTX;
				a.offset = 8 * (idx - skip);
				/* the slot holds the value; a pointer in it is followed like a register */
			} else if (idx < ARCH_ARG_REGS) {
				a.base = FETCH_REG;
				a.reg = arch_arg_reg(idx);
			} else {
				a.base = FETCH_MEM_REG;	/* on the stack, above the return address */
				a.reg = DREG_RSP;
				a.offset = 8 * (idx - ARCH_ARG_REGS + 1);
			}
			break;
		}
		/* A raw_tp slot (ctx + 8i) is memory holding the value, like a stack slot. */
		rc = btf_steps(btf, &type, &a, sa, err);
		if (!rc)
			rc = btf_final(btf, type, &a, sa, err);
		rc = probe_instance_keep_arg(in, &a, sa->name, rc);
	}
	return rc;
}

/*
 * The kernel is read through BTF, never its DWARF (Debian's is an 858 MB
 * package): BTF has functions and types but no line table and no variable
 * locations.  A point that needs them is refused here, rather than probed
 * at the function's entry as if the line or file had not been written.
 */
static int btf_point(const struct spec *s, struct spec_error *err)
{
	static const char what[] = "vtrace reads the kernel through BTF (no line table, no source files)";
	int end = s->point_col + s->point_len;

	switch (s->point) {
	case POINT_LINE:
		return spec_fail(err, s->point_col, s->point_len, "a source line needs the kernel's DWARF, "
				 "and %s: probe FUNC, FUNC+OFF or FUNC%%return (or a module with "
				 "debug info through module=)", what);
	case POINT_ADDR:
		return spec_fail(err, s->point_col, s->point_len, "an address needs the kernel's DWARF "
				 "to name its function: probe FUNC+OFF");
	default:
		break;
	}
	if (s->has_relline)
		return spec_fail(err, s->suffix_col, end - s->suffix_col, "':%ld' is a line of %s, and "
				 "%s: probe %s, %s+OFF or %s%%return (or a module with debug info "
				 "through module=)", s->line, s->func, what, s->func, s->func, s->func);
	if (s->file)
		return spec_fail(err, s->file_col - 1, strlen(s->file) + 1, "'@%s' picks %s by its "
				 "source file, which needs the kernel's DWARF, and %s: drop '@%s'",
				 s->file, s->func, what, s->file);
	return 0;
}

int btf_resolve(const struct spec *s, struct probe_resolved *out, struct spec_error *err)
{
	const struct btf *btf = btf_vmlinux();
	const struct btf_type *fn, *proto;
	struct probe_instance *in;
	char name[256];
	bool raw_tp = s->point == POINT_RAW_TP;
	int id, rc;

	memset(out, 0, sizeof(*out));
	if (!btf)
		return spec_fail(err, 0, 0, "this kernel has no BTF (/sys/kernel/btf/vmlinux): kernel probes "
			    "need BTF, or DWARF through module=");
	if (!raw_tp) {
		rc = btf_point(s, err);
		if (rc)
			return rc;
	}
	snprintf(name, sizeof(name), raw_tp ? "__bpf_trace_%s" : "%s", s->func);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	if (id <= 0) {
		if (raw_tp)
			return spec_fail(err, s->func_col, strlen(s->func), "no raw tracepoint '%s' in this "
				    "kernel's BTF (see vtrace list --events)", s->func);
		return spec_fail(err, s->func_col, strlen(s->func), "no kernel function '%s' in BTF; "
			    "check /proc/kallsyms, or give module=NAME for a module", s->func);
	}
	fn = btf__type_by_id(btf, id);
	proto = btf__type_by_id(btf, fn->type);

	out->target = raw_tp ? TARGET_RAW_TP : TARGET_KERNEL;
	out->ret = s->ret;
	out->insts = calloc(1, sizeof(*out->insts));
	if (!out->insts)
		return -ENOMEM;
	out->ninsts = 1;
	in = &out->insts[0];
	in->func = strdup(s->func);
	in->func_offset = s->offset;

	rc = btf_args(btf, s, proto, raw_tp, in, err);
	if (rc)
		probe_resolved_free(out);
	return rc;
}

/*
 * The integer a tracepoint field is declared as ("int dfd", "off_t offset"):
 * its size and sign, 0 if known.  The format's own size and signed: flag
 * describe the slot, which can be wider and say unsigned: every syscall
 * argument is stored as an unsigned long (sys_enter_openat's "int dfd" is
 * "size:8; signed:0"), and printing that says dfd=4294967196 for AT_FDCWD.
 */
static int tp_decl_int(const char *decl, uint32_t *size, bool *is_signed)
{
	char buf[128], *tok, *save = NULL, *name = NULL;
	int n_long = 0, n_short = 0, n_char = 0, n_int = 0, n_signed = 0, n_unsigned = 0, other = 0;
	bool is_enum = false;
	const struct btf *btf;
	const struct btf_type *t;
	int id;

	snprintf(buf, sizeof(buf), "%s", decl);
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (!strcmp(tok, "const") || !strcmp(tok, "volatile"))
			continue;
		if (!strcmp(tok, "long"))
			n_long++;
		else if (!strcmp(tok, "short"))
			n_short++;
		else if (!strcmp(tok, "char"))
			n_char++;
		else if (!strcmp(tok, "int"))
			n_int++;
		else if (!strcmp(tok, "signed") || !strcmp(tok, "__signed__"))
			n_signed++;
		else if (!strcmp(tok, "unsigned"))
			n_unsigned++;
		else if (!strcmp(tok, "enum") && !is_enum)
			is_enum = true;
		else if (!other++)
			name = tok;
	}
	if (!other && !is_enum) {
		/* C's own integer types, spelled any way C allows */
		if (n_long + n_short + n_char + n_int + n_signed + n_unsigned == 0)
			return -ENOENT;
		*size = n_char ? 1 : n_short ? 2 : n_long ? 8 : 4;
		*is_signed = !n_unsigned && (ARCH_CHAR_SIGNED || !n_char || n_signed);
		return 0;
	}
	if (other != 1 || n_long + n_short + n_char + n_int + n_signed + n_unsigned)
		return -ENOENT;
	/* a typedef (off_t, pid_t, umode_t, u32, bool) or an enum: the kernel's BTF knows it */
	btf = btf_vmlinux();
	if (!btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, name, is_enum ? BTF_KIND_ENUM : BTF_KIND_TYPEDEF);
	if (id <= 0 && is_enum)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_ENUM64);
	if (id <= 0 && !is_enum)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_INT);	/* _Bool */
	t = id > 0 ? btf__type_by_id(btf, btf_skip_mods(btf, id)) : NULL;
	if (t && btf_is_int(t)) {
		*size = t->size;
		*is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
		return 0;
	}
	if (t && (btf_is_enum(t) || btf_is_enum64(t))) {
		*size = t->size;
		*is_signed = btf_kflag(t);	/* BTF marks a signed enum with kflag */
		return 0;
	}
	return -ENOENT;
}

int tp_resolve(const struct spec *s, struct probe_resolved *out, struct spec_error *err)
{
	struct tep_handle *tep;
	struct tep_event *ev = NULL;
	struct probe_instance *in;
	const char *dir;
	char path[512], *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (tracefs_dir(&dir))
		return spec_fail(err, 0, 0, "tracefs is not available (mount -t tracefs nodev /sys/kernel/tracing)");
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", dir, s->category, s->func);
	if (read_file(path, &buf, &len))
		return spec_fail(err, s->func_col, strlen(s->func), "no tracepoint %s:%s in this kernel",
			    s->category, s->func);
	tep = tep_alloc();
	if (!tep || tep_parse_format(tep, &ev, buf, len, s->category) || !ev) {
		free(buf);
		tep_free(tep);
		return spec_fail(err, s->func_col, strlen(s->func), "cannot parse %s", path);
	}
	out->target = TARGET_TP;
	out->tp_system = strdup(s->category);
	out->tp_format = buf;
	out->insts = calloc(1, sizeof(*out->insts));
	out->ninsts = 1;
	in = &out->insts[0];
	in->func = strdup(s->func);
	rc = 0;
	if (!s->nargs) {
		/*
		 * No args named: the sample carries the raw record, printed from
		 * the format as perf script prints it.  The fixed part, and room
		 * for the dynamic data (__data_loc) that follows it.
		 */
		struct fetch_arg a = { .base = FETCH_MEM_REG, .reg = DREG_CTX, .final = FINAL_BYTES };
		struct tep_format_field *f;
		uint32_t fixed = 0;

		for (f = ev->format.common_fields; f; f = f->next)
			if ((uint32_t)(f->offset + f->size) > fixed)
				fixed = f->offset + f->size;
		for (f = ev->format.fields; f; f = f->next)
			if ((uint32_t)(f->offset + f->size) > fixed)
				fixed = f->offset + f->size;
		a.size = fixed + 256 > 1024 ? 1024 : fixed + 256;
		a.name = strdup("__record");
		a.type_name = strdup("record");
		out->tp_raw = true;
		rc = probe_instance_add_arg(in, &a);
	}
	for (size_t i = 0; i < s->nargs && !rc; i++) {
		const struct spec_arg *sa = &s->args[i];
		struct tep_format_field *f;
		struct fetch_arg a = { 0 };

		if (sa->kind != EXPR_VAR || sa->nsteps) {
			rc = spec_fail(err, sa->col, sa->len, "a tracepoint arg is a field of its record, by name "
				  "(see %s)", path);
			break;
		}
		f = tep_find_field(ev, sa->var);
		if (!f) {
			struct strbuf names = STRBUF_INIT;

			for (f = ev->format.fields; f; f = f->next)
				strbuf_addf(&names, "%s%s", names.len ? ", " : "", f->name);
			spec_fail(err, sa->col, sa->len, "%s:%s has no field '%s'; it has: %s", s->category,
			     s->func, sa->var, names.buf ? names.buf : "none");
			strbuf_release(&names);
			rc = -ENOENT;
			break;
		}
		if (f->flags & TEP_FIELD_IS_DYNAMIC) {
			rc = spec_fail(err, sa->col, sa->len, "'%s' is a dynamic array (%s); it is not fetched "
				  "by name yet", sa->var, f->type);
			break;
		}
		a.base = FETCH_MEM_REG;
		a.reg = DREG_CTX;
		a.offset = f->offset;
		a.type_name = strdup(f->type);
		a.type = calloc(1, sizeof(*a.type));
		a.type->name = strdup(f->type);
		a.type->size = f->size;
		if (f->flags & TEP_FIELD_IS_ARRAY) {
			a.final = FINAL_BYTES;
			a.size = f->size;
			a.type->kind = VK_ARRAY;
			a.type->count = f->arraylen;
			a.type->elem = calloc(1, sizeof(*a.type->elem));
			a.type->elem->kind = (f->flags & TEP_FIELD_IS_STRING) ? VK_CHAR : VK_UINT;
			a.type->elem->size = f->elementsize;
			a.type->elem->name = strdup("elem");
		} else if (f->size <= 8) {
			uint32_t dsize;
			bool dsigned;

			a.final = FINAL_INT;
			a.size = f->size;
			a.is_signed = f->flags & TEP_FIELD_IS_SIGNED;
			/* the declared type, when it is an integer, says what the slot holds */
			if (!(f->flags & TEP_FIELD_IS_POINTER) && !tp_decl_int(f->type, &dsize, &dsigned) &&
			    dsize <= (uint32_t)f->size) {
				a.size = dsize;	/* little endian: the low bytes */
				a.is_signed = dsigned;
				a.type->size = dsize;
			}
			a.type->kind = (f->flags & TEP_FIELD_IS_POINTER) ? VK_PTR :
				       a.is_signed ? VK_INT : VK_UINT;
		} else {
			rc = spec_fail(err, sa->col, sa->len, "'%s' is %d bytes wide", sa->var, f->size);
			fetch_arg_free(&a);
			break;
		}
		if (sa->type == TYPE_STRING) {
			if (!(f->flags & TEP_FIELD_IS_POINTER) && a.final != FINAL_BYTES) {
				rc = spec_fail(err, sa->type_col, 6, "':string' needs a pointer field");
				fetch_arg_free(&a);
				break;
			}
			if (a.final == FINAL_INT) {
				a.final = FINAL_STRING;
				free(a.type_name);
				a.type_name = strdup("string");
			}
		}
		rc = probe_instance_keep_arg(in, &a, sa->name, 0);
	}
	tep_free(tep);
	if (rc)
		probe_resolved_free(out);
	return rc;
}

int btf_list_funcs(const char *glob, struct strbuf *out)
{
	const struct btf *btf = btf_vmlinux();
	__u32 n;

	if (!btf)
		return -ENOENT;
	n = btf__type_cnt(btf);
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!glob || !fnmatch(glob, name, 0))
			strbuf_addf(out, "%s\n", name);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"
#include "probe/btf_value.h"

#define MAX_DEPTH 16

static struct value_type *build(const struct btf *btf, __u32 id, int depth, const char *alias);

static char *type_name(const struct btf *btf, const struct btf_type *t, const char *alias)
{
	struct strbuf sb = STRBUF_INIT;
	const char *name = btf__name_by_offset(btf, t->name_off);

	if (alias)
		return strdup(alias);
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT: strbuf_addstr(&sb, "struct "); break;
	case BTF_KIND_UNION: strbuf_addstr(&sb, "union "); break;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: strbuf_addstr(&sb, "enum "); break;
	case BTF_KIND_PTR: strbuf_addstr(&sb, "void *"); return strbuf_detach(&sb);
	default: break;
	}
	strbuf_addstr(&sb, name && *name ? name : "(anon)");
	return strbuf_detach(&sb);
}

static int add_members(const struct btf *btf, const struct btf_type *t,
		       struct value_type *v, int depth)
{
	const struct btf_member *m = btf_members(t);
	__u16 n = btf_vlen(t);

	v->fields = calloc(n ? n : 1, sizeof(*v->fields));
	if (!v->fields)
		return -1;
	for (__u16 i = 0; i < n; i++) {
		struct value_field *f = &v->fields[v->nfields];
		const char *name = btf__name_by_offset(btf, m[i].name_off);

		f->type = build(btf, m[i].type, depth + 1, NULL);
		if (!f->type)
			return -1;
		v->nfields++;
		f->name = name && *name ? strdup(name) : NULL;
		f->bit_offset = btf_member_bit_offset(t, i);
		f->bit_size = btf_member_bitfield_size(t, i);
	}
	return 0;
}

static struct value_type *build(const struct btf *btf, __u32 id, int depth, const char *alias)
{
	const struct btf_type *t;
	struct value_type *v;

	if (depth > MAX_DEPTH)
		return NULL;
	t = btf__type_by_id(btf, id);
	if (!t)
		return NULL;
	/* Typedefs and qualifiers print as what they stand for; a typedef lends its name. */
	switch (btf_kind(t)) {
	case BTF_KIND_TYPEDEF:
		return build(btf, t->type, depth + 1,
			     alias ? alias : btf__name_by_offset(btf, t->name_off));
	case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return build(btf, t->type, depth + 1, alias);
	default:
		break;
	}

	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->name = type_name(btf, t, alias);
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		__u32 enc = btf_int_encoding(t);

		v->size = t->size;
		if (enc & BTF_INT_BOOL)
			v->kind = VK_BOOL;
		else if (t->size == 1 && !strcmp(btf__name_by_offset(btf, t->name_off), "char"))
			v->kind = VK_CHAR;	/* signed/unsigned char (int8_t) are numbers */
		else
			v->kind = enc & BTF_INT_SIGNED ? VK_INT : VK_UINT;
		break;
	}
	case BTF_KIND_PTR:
		v->kind = VK_PTR;
		v->size = 8;
		break;
	case BTF_KIND_ENUM: {
		const struct btf_enum *e = btf_enum(t);

		v->kind = VK_ENUM;
		v->size = t->size;
		v->enums = calloc(btf_vlen(t) ? btf_vlen(t) : 1, sizeof(*v->enums));
		if (!v->enums)
			goto fail;
		for (__u16 i = 0; i < btf_vlen(t); i++) {
			v->enums[i].name = strdup(btf__name_by_offset(btf, e[i].name_off));
			v->enums[i].value = e[i].val;
			v->nenums++;
		}
		break;
	}
	case BTF_KIND_FLOAT:
		v->kind = VK_FLOAT;
		v->size = t->size;
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);

		v->kind = VK_ARRAY;
		v->count = a->nelems;
		v->elem = build(btf, a->type, depth + 1, NULL);
		if (!v->elem)
			goto fail;
		v->size = v->count * v->elem->size;
		if (!alias) {
			free(v->name);
			if (asprintf(&v->name, "%s[%u]", v->elem->name, v->count) < 0)
				v->name = NULL;
		}
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		v->kind = btf_kind(t) == BTF_KIND_STRUCT ? VK_STRUCT : VK_UNION;
		v->size = t->size;
		if (add_members(btf, t, v, depth))
			goto fail;
		break;
	default:
		v->kind = VK_OPAQUE;
		v->size = 0;
	}
	return v;
fail:
	value_type_free(v);
	return NULL;
}

struct value_type *btf_value_type(const struct btf *btf, __u32 id)
{
	return build(btf, id, 0, NULL);
}

static void cdecl_printf(void *ctx, const char *fmt, va_list args)
{
	strbuf_vaddf(ctx, fmt, args);
}

char *btf_c_type(const struct btf *btf, __u32 id)
{
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .field_name = "");
	struct strbuf sb = STRBUF_INIT;
	struct btf_dump *d = btf_dump__new(btf, cdecl_printf, &sb, NULL);
	const char *tag = " __attribute__((btf_type_tag(\"";
	char *p;

	if (!d)
		return NULL;
	strbuf_addstr(&sb, "");
	if (btf_dump__emit_type_decl(d, id, &opts)) {
		btf_dump__free(d);
		strbuf_release(&sb);
		return NULL;
	}
	btf_dump__free(d);
	/* a type tag (__user, __rcu, __percpu) is for the checker, not the reader */
	while ((p = strstr(sb.buf, tag))) {
		char *end = strstr(p, "\")))");

		if (!end)
			break;
		end += 4;
		memmove(p, end, strlen(end) + 1);
		sb.len = strlen(sb.buf);
	}
	return strbuf_detach(&sb);
}

// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/value.h"

uint64_t value_load_int(const void *p, uint32_t size, int is_signed)
{
	switch (size) {
	case 1: { uint8_t v; memcpy(&v, p, 1); return is_signed ? (uint64_t)(int64_t)(int8_t)v : v; }
	case 2: { uint16_t v; memcpy(&v, p, 2); return is_signed ? (uint64_t)(int64_t)(int16_t)v : v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return is_signed ? (uint64_t)(int64_t)(int32_t)v : v; }
	default: { uint64_t v = 0; memcpy(&v, p, size < 8 ? size : 8); return v; }
	}
}

static void print_char(struct strbuf *sb, unsigned char c)
{
	char s[2] = { (char)c, 0 };

	strbuf_addch(sb, '\'');
	if (!c)
		strbuf_addstr(sb, "\\0");
	else if (c == '\'')
		strbuf_addstr(sb, "\\'");
	else
		strbuf_add_escaped(sb, s, 1, 0);
	strbuf_addch(sb, '\'');
}

static int is_char_array(const struct value_type *t)
{
	return t->kind == VK_ARRAY && t->elem && t->elem->kind == VK_CHAR;
}

/* An integer member, bitfield or not: value and signedness. */
static uint64_t load_field(const struct value_field *f, const char *base, int is_signed)
{
	uint64_t v = 0;
	uint32_t first = f->bit_offset / 8, nbytes;
	uint32_t shift = f->bit_offset % 8;

	if (!f->bit_size)
		return value_load_int(base + first, f->type->size, is_signed);
	nbytes = (shift + f->bit_size + 7) / 8;
	memcpy(&v, base + first, nbytes > 8 ? 8 : nbytes);	/* little endian */
	v >>= shift;
	if (f->bit_size < 64) {
		v &= (1ULL << f->bit_size) - 1;
		if (is_signed && (v >> (f->bit_size - 1)) & 1)
			v |= ~((1ULL << f->bit_size) - 1);
	}
	return v;
}

static int type_signed(const struct value_type *t)
{
	return t->kind == VK_INT || t->kind == VK_ENUM;
}

/*
 * One walk over a value prints it as text (42, 'a', "s", 0x10, {a=1,b=2},
 * [1,2]) or as JSON (42, "a", "s", "0x10", {"a":1,"b":2}, [1,2]).
 */
static void print_int(struct strbuf *sb, const struct value_type *t, uint64_t v, bool json)
{
	char c;

	switch (t->kind) {
	case VK_INT:
		strbuf_add_int(sb, (long long)v);
		break;
	case VK_CHAR:
		if (!json) {
			print_char(sb, (unsigned char)v);
			break;
		}
		c = (char)v;
		strbuf_add_json_string(sb, &c, c ? 1 : 0);
		break;
	case VK_BOOL:
		strbuf_addstr(sb, v ? "true" : "false");
		break;
	case VK_PTR:
		strbuf_addf(sb, json ? "\"0x%llx\"" : "0x%llx", (unsigned long long)v);
		break;
	case VK_ENUM:
		for (uint32_t i = 0; i < t->nenums; i++) {
			if ((uint64_t)t->enums[i].value == v ||
			    (t->size < 8 && (uint32_t)t->enums[i].value == (uint32_t)v)) {
				if (json)
					strbuf_add_json_string(sb, t->enums[i].name, (size_t)-1);
				else
					strbuf_addstr(sb, t->enums[i].name);
				return;
			}
		}
		strbuf_add_int(sb, (long long)v);
		break;
	default:
		strbuf_add_uint(sb, v, 0, ' ');
	}
}

static void walk(struct strbuf *sb, const struct value_type *t, const char *p, size_t len, bool json);

/* A struct's members: "a=1 b=2" (sep " "), "a=1,b=2" or "\"a\":1,\"b\":2". */
static void walk_fields(struct strbuf *sb, const struct value_type *t, const char *data, size_t len,
			const char *sep, int *first, bool json)
{
	for (uint32_t i = 0; i < t->nfields; i++) {
		const struct value_field *f = &t->fields[i];
		size_t off = f->bit_offset / 8;

		if (off > len)
			break;
		if (!f->name && (f->type->kind == VK_STRUCT || f->type->kind == VK_UNION)) {
			/* an anonymous struct or union: its members are the parent's */
			walk_fields(sb, f->type, data + off, len - off, sep, first, json);
			continue;
		}
		if (!*first)
			strbuf_addstr(sb, sep);
		*first = 0;
		if (json) {
			strbuf_add_json_string(sb, f->name ? f->name : "?", (size_t)-1);
			strbuf_addch(sb, ':');
		} else {
			strbuf_addf(sb, "%s=", f->name ? f->name : "?");
		}
		if (f->bit_size) {
			if (off + (f->bit_offset % 8 + f->bit_size + 7) / 8 > len)
				strbuf_addstr(sb, json ? "null" : "(truncated)");
			else
				print_int(sb, f->type, load_field(f, data, type_signed(f->type)), json);
		} else {
			walk(sb, f->type, data + off, len - off, json);
		}
	}
}

static void walk(struct strbuf *sb, const struct value_type *t, const char *p, size_t len, bool json)
{
	if (!t || t->size > len) {
		strbuf_addstr(sb, json ? "null" : !t ? "?" : "(truncated)");
		return;
	}
	switch (t->kind) {
	case VK_INT: case VK_UINT: case VK_CHAR: case VK_BOOL: case VK_PTR: case VK_ENUM:
		print_int(sb, t, value_load_int(p, t->size, type_signed(t)), json);
		break;
	case VK_FLOAT: {
		double d = 0;
		float f;

		if (t->size == 4) {
			memcpy(&f, p, 4);
			d = f;
		} else if (t->size == 8) {
			memcpy(&d, p, 8);
		} else {
			strbuf_addstr(sb, json ? "null" : "(float)");
			break;
		}
		strbuf_addf(sb, json ? "%.17g" : "%g", d);
		break;
	}
	case VK_ARRAY:
		if (is_char_array(t)) {
			if (json)
				strbuf_add_json_string(sb, p, t->count);
			else
				strbuf_add_escaped(sb, p, t->count, 1);
			break;
		}
		strbuf_addch(sb, '[');
		for (uint32_t i = 0; t->elem && i < t->count; i++) {
			if (i)
				strbuf_addch(sb, ',');
			walk(sb, t->elem, p + (size_t)i * t->elem->size, len - (size_t)i * t->elem->size, json);
		}
		strbuf_addch(sb, ']');
		break;
	case VK_STRUCT:
	case VK_UNION: {
		int first = 1;

		strbuf_addch(sb, '{');
		walk_fields(sb, t, p, len, ",", &first, json);
		strbuf_addch(sb, '}');
		break;
	}
	default:
		strbuf_addstr(sb, json ? "null" : "(?)");
	}
}

void value_print(struct strbuf *sb, const struct value_type *t, const void *data, size_t len)
{
	walk(sb, t, data, len, false);
}

void value_print_json(struct strbuf *sb, const struct value_type *t, const void *data, size_t len)
{
	walk(sb, t, data, len, true);
}

void value_print_fields(struct strbuf *sb, const struct value_type *t, const void *data, size_t len)
{
	int first = 1;

	if (t && (t->kind == VK_STRUCT || t->kind == VK_UNION))
		walk_fields(sb, t, data, len, " ", &first, false);
	else
		walk(sb, t, data, len, false);
}

void value_type_free(struct value_type *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->nfields; i++) {
		free(t->fields[i].name);
		value_type_free(t->fields[i].type);
	}
	for (uint32_t i = 0; i < t->nenums; i++)
		free(t->enums[i].name);
	free(t->fields);
	free(t->enums);
	value_type_free(t->elem);
	free(t->name);
	free(t);
}

struct value_type *value_type_dup(const struct value_type *t)
{
	struct value_type *d;

	if (!t)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	*d = *t;
	d->name = t->name ? strdup(t->name) : NULL;
	d->elem = value_type_dup(t->elem);
	d->fields = t->nfields ? calloc(t->nfields, sizeof(*d->fields)) : NULL;
	d->enums = t->nenums ? calloc(t->nenums, sizeof(*d->enums)) : NULL;
	for (uint32_t i = 0; d->fields && i < t->nfields; i++) {
		d->fields[i] = t->fields[i];
		d->fields[i].name = t->fields[i].name ? strdup(t->fields[i].name) : NULL;
		d->fields[i].type = value_type_dup(t->fields[i].type);
	}
	for (uint32_t i = 0; d->enums && i < t->nenums; i++) {
		d->enums[i] = t->enums[i];
		d->enums[i].name = strdup(t->enums[i].name);
	}
	if ((t->nfields && !d->fields) || (t->nenums && !d->enums)) {
		d->nfields = d->fields ? d->nfields : 0;
		d->nenums = d->enums ? d->nenums : 0;
		value_type_free(d);
		return NULL;
	}
	return d;
}

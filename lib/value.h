/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_VALUE_H
#define VTRACE_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/strbuf.h"

/*
 * The C type of a value in a sample, as much as printing needs: built from
 * BTF (vtrace_emit) or DWARF (spec args), printed without either.
 */
enum value_kind {
	VK_INT, VK_UINT, VK_CHAR, VK_BOOL, VK_PTR, VK_ENUM, VK_FLOAT,
	VK_STRUCT, VK_UNION, VK_ARRAY, VK_OPAQUE,
};

struct value_field {
	char *name;		/* NULL for an anonymous struct/union member */
	uint32_t bit_offset;
	uint32_t bit_size;	/* nonzero for bitfields */
	struct value_type *type;
};

struct value_enumerator {
	char *name;
	int64_t value;
};

struct value_type {
	enum value_kind kind;
	uint32_t size;
	char *name;		/* C spelling, e.g. "struct foo", "u32" */
	struct value_type *elem;	/* arrays */
	uint32_t count;
	struct value_field *fields;	/* structs, unions */
	uint32_t nfields;
	struct value_enumerator *enums;
	uint32_t nenums;
};

/* One value: 42, -1, 0x7ffd..., 'a', "str", {a=1,b=[1,2]}. */
void value_print(struct strbuf *sb, const struct value_type *t, const void *data, size_t len);
/* A struct's members as "a=1 b=2" (anonymous members flattened); other types as value_print. */
void value_print_fields(struct strbuf *sb, const struct value_type *t, const void *data, size_t len);
/* The same value as JSON: numbers, "0x.." strings for pointers, strings for
 * chars and char arrays, enum names, objects for structs, arrays. */
void value_print_json(struct strbuf *sb, const struct value_type *t, const void *data, size_t len);
void value_type_free(struct value_type *t);
struct value_type *value_type_dup(const struct value_type *t);

/* Reads an integer of size bytes (1, 2, 4, 8), sign-extended when asked. */
uint64_t value_load_int(const void *p, uint32_t size, int is_signed);

#endif

// SPDX-License-Identifier: GPL-2.0
/* BTF types (built with libbpf's writer API) to printable values. */
#include <stdlib.h>
#include <bpf/btf.h>

#include "probe/btf_value.h"
#include "test.h"

int main(void)
{
	struct btf *btf = btf__new_empty();
	int t_int, t_uint, t_char, t_short, t_arr, t_inner, t_enum, t_ptr, t_union, t_s, t_td;
	unsigned char data[40] = { 0 };
	struct value_type *v;
	struct strbuf sb = STRBUF_INIT;
	int a = -3, x = 7, color = 2, u1 = 9;
	unsigned long p = 0x1000;

	t_int = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	t_uint = btf__add_int(btf, "unsigned int", 4, 0);
	t_char = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);
	t_short = btf__add_int(btf, "short", 2, BTF_INT_SIGNED);
	t_arr = btf__add_array(btf, t_int, t_char, 8);
	t_inner = btf__add_struct(btf, "inner", 2);
	btf__add_field(btf, "x", t_short, 0, 0);
	t_enum = btf__add_enum(btf, "color", 4);
	btf__add_enum_value(btf, "RED", 1);
	btf__add_enum_value(btf, "BLUE", 2);
	t_ptr = btf__add_ptr(btf, t_int);
	t_union = btf__add_union(btf, NULL, 4);
	btf__add_field(btf, "u1", t_int, 0, 0);
	t_s = btf__add_struct(btf, "s", 40);
	btf__add_field(btf, "a", t_int, 0, 0);
	btf__add_field(btf, "b", t_uint, 32, 3);
	btf__add_field(btf, "c", t_int, 35, 5);
	btf__add_field(btf, "name", t_arr, 64, 0);
	btf__add_field(btf, "inner", t_inner, 128, 0);
	btf__add_field(btf, "color", t_enum, 160, 0);
	btf__add_field(btf, "p", t_ptr, 192, 0);
	btf__add_field(btf, NULL, t_union, 256, 0);
	t_td = btf__add_typedef(btf, "s_t", t_s);
	CHECK(t_td > 0, "BTF built");

	memcpy(data, &a, 4);
	data[4] = 5 | (0x1e << 3);	/* b = 5, c = -2 (5 bits: 11110) */
	memcpy(data + 8, "hi\"x", 5);
	memcpy(data + 16, &x, 2);
	memcpy(data + 20, &color, 4);
	memcpy(data + 24, &p, 8);
	memcpy(data + 32, &u1, 4);

	v = btf_value_type(btf, t_td);
	CHECK(v && v->kind == VK_STRUCT && v->size == 40, "struct through a typedef");
	CHECK_STR(v ? v->name : NULL, "s_t", "typedef lends its name");
	value_print_fields(&sb, v, data, sizeof(data));
	CHECK_STR(sb.buf, "a=-3 b=5 c=-2 name=\"hi\\\"x\" inner={x=7} color=BLUE p=0x1000 u1=9",
		  "fields: ints, bitfields (signed too), char array, nested, enum, pointer, anon union");
	strbuf_reset(&sb);
	value_print(&sb, v, data, sizeof(data));
	CHECK_STR(sb.buf, "{a=-3,b=5,c=-2,name=\"hi\\\"x\",inner={x=7},color=BLUE,p=0x1000,u1=9}",
		  "the same as one value");
	strbuf_reset(&sb);
	value_print_fields(&sb, v, data, 20);
	CHECK_STR(sb.buf, "a=-3 b=5 c=-2 name=\"hi\\\"x\" inner={x=7} color=(truncated)",
		  "a short buffer prints what arrived, never reads past its end");
	value_type_free(v);

	color = 5;
	memcpy(data + 20, &color, 4);
	v = btf_value_type(btf, t_enum);
	strbuf_reset(&sb);
	value_print(&sb, v, data + 20, 4);
	CHECK_STR(sb.buf, "5", "an enum value without a name prints as a number");
	value_type_free(v);

	CHECK(btf_value_type(btf, 9999) == NULL, "an unknown type id gives NULL");
	{
		int c_const = btf__add_const(btf, t_char);
		int tagged = btf__add_type_tag(btf, "user", c_const);
		int ptr = btf__add_ptr(btf, tagged);
		int pptr = btf__add_ptr(btf, ptr);
		char *name = btf_c_type(btf, ptr), *name2 = btf_c_type(btf, pptr);

		CHECK_STR(name, "const char *", "btf_c_type: const char __user * as btf_dump declares it, tag dropped");
		CHECK_STR(name2, "const char **", "btf_c_type: a pointer to it");
		free(name);
		free(name2);
	}
	strbuf_release(&sb);
	btf__free(btf);
	return TEST_DONE();
}

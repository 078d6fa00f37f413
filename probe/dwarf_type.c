// SPDX-License-Identifier: GPL-2.0
/*
 * Generic DIE helpers for types: names, sizes, members and the value
 * types the printer uses.  Nothing here knows about probes.
 */
#include <dwarf.h>
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "probe/dwarf_int.h"

bool die_type(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, type);
}

bool die_is_record(Dwarf_Die *type)
{
	int tag = dwarf_tag(type);

	return tag == DW_TAG_structure_type || tag == DW_TAG_class_type || tag == DW_TAG_union_type;
}

bool die_is_reference(Dwarf_Die *type)
{
	int tag = dwarf_tag(type);

	return tag == DW_TAG_reference_type || tag == DW_TAG_rvalue_reference_type;
}

bool dw_lang_is_cxx(int lang)
{
	return lang == DW_LANG_C_plus_plus || lang == DW_LANG_C_plus_plus_03 ||
	       lang == DW_LANG_C_plus_plus_11 || lang == DW_LANG_C_plus_plus_14 ||
	       lang == DW_LANG_ObjC_plus_plus;
}

/*
 * A dwz partial unit has no language of its own: it has the language of
 * the compile units importing it, which dwarf.c knows per file.
 */
static bool partial_unit(Dwarf_Die *die, Dwarf_Die *cu, int *lang)
{
	if (!dwarf_diecu(die, cu, NULL, NULL))
		return false;
	*lang = dwarf_srclang(cu);
	return *lang < 0;
}

int die_lower_bound(Dwarf_Die *die, Dwarf_Sword *lower)
{
	Dwarf_Die cu;
	int lang = -1;

	if (partial_unit(die, &cu, &lang))
		return dw_file_lower_bound(dwarf_cu_getdwarf(cu.cu), lower);
	return dwarf_default_lower_bound(lang, lower);
}

bool die_unit_cxx(Dwarf_Die *die)
{
	Dwarf_Die cu;
	int lang = -1;

	if (partial_unit(die, &cu, &lang))
		return dw_file_cxx(dwarf_cu_getdwarf(cu.cu));
	return dw_lang_is_cxx(lang);
}

/* C++ units name types with their scopes (shop::Cart), as gdb prints them. */
static bool is_cplusplus(Dwarf_Die *die)
{
	return die_unit_cxx(die);
}

/* "ns::Class::" for a DIE declared in namespaces or classes (C++). */
static void add_scope_prefix(Dwarf_Die *die, struct strbuf *sb)
{
	Dwarf_Die *scopes;
	int n = dwarf_getscopes_die(die, &scopes);

	for (int i = n - 1; i > 0; i--) {
		int tag = dwarf_tag(&scopes[i]);
		const char *name = dwarf_diename(&scopes[i]);

		if (tag == DW_TAG_namespace || die_is_record(&scopes[i]))
			strbuf_addf(sb, "%s::", name ? name : "(anonymous namespace)");
	}
	if (n > 0)
		free(scopes);
}

/* Skips typedefs and qualifiers. */
int die_peel(Dwarf_Die *type, Dwarf_Die *out)
{
	int rc = dwarf_peel_type(type, out);

	if (!rc)
		die_complete_type(out, out);
	return rc;
}

static void type_name(Dwarf_Die *type, struct strbuf *sb, int depth)
{
	const char *name = dwarf_diename(type);
	Dwarf_Die inner;

	if (depth > MAX_DEPTH) {
		strbuf_addstr(sb, "?");
		return;
	}
	switch (dwarf_tag(type)) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
		strbuf_addstr(sb, name ? name : "?");
		break;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
		if (name && is_cplusplus(type)) {
			add_scope_prefix(type, sb);
			strbuf_addstr(sb, name);
			break;
		}
		strbuf_addf(sb, "%s %s", dwarf_tag(type) == DW_TAG_union_type ? "union" :
			    dwarf_tag(type) == DW_TAG_enumeration_type ? "enum" : "struct", name ? name : "(anon)");
		break;
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		if (die_type(type, &inner))
			type_name(&inner, sb, depth + 1);
		strbuf_addstr(sb, dwarf_tag(type) == DW_TAG_reference_type ? " &" : " &&");
		break;
	case DW_TAG_pointer_type:
		if (die_type(type, &inner))
			type_name(&inner, sb, depth + 1);
		else
			strbuf_addstr(sb, "void");
		strbuf_addstr(sb, " *");
		break;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type: {
		static const char *const quals[] = {
			[DW_TAG_const_type] = "const", [DW_TAG_volatile_type] = "volatile",
			[DW_TAG_restrict_type] = "restrict", [DW_TAG_atomic_type] = "_Atomic",
		};
		const char *q = quals[dwarf_tag(type)];
		struct strbuf in = STRBUF_INIT;

		if (die_type(type, &inner))
			type_name(&inner, &in, depth + 1);
		else
			strbuf_addstr(&in, "void");
		/* a qualified pointer is "T * const"; anything else "const T", said once */
		if (die_type(type, &inner) && dwarf_tag(&inner) == DW_TAG_pointer_type)
			strbuf_addf(sb, "%s %s", in.buf, q);
		else if (!strncmp(in.buf, q, strlen(q)) && in.buf[strlen(q)] == ' ')
			strbuf_addstr(sb, in.buf);
		else
			strbuf_addf(sb, "%s %s", q, in.buf);
		strbuf_release(&in);
		break;
	}
	case DW_TAG_array_type: {
		Dwarf_Word counts[8];
		int n = die_array_dims(type, counts, 8);

		if (die_type(type, &inner))
			type_name(&inner, sb, depth + 1);
		for (int i = 0; i < (n > 0 ? n : 1); i++)
			strbuf_addf(sb, "[%llu]", n > 0 ? (unsigned long long)counts[i] : 0ULL);
		break;
	}
	case DW_TAG_subroutine_type:
		strbuf_addstr(sb, "(function)");
		break;
	default:
		strbuf_addstr(sb, name ? name : "?");
	}
}

char *die_type_name(Dwarf_Die *type)
{
	struct strbuf sb = STRBUF_INIT;

	type_name(type, &sb, 0);
	return strbuf_detach(&sb);
}

/*
 * A subrange's bound, read as its index type says: GCC writes a bound of an
 * unsigned index type in the smallest form (char buf[200]: data1 0xc7),
 * which dwarf_formsdata() would sign-extend.  Signed where the subrange
 * has no type, as libdw reads it.
 */
static int subrange_bound(Dwarf_Die *sub, Dwarf_Attribute *a, Dwarf_Sword *v)
{
	Dwarf_Die t, it;
	Dwarf_Attribute enc_attr;
	Dwarf_Word enc = DW_ATE_signed, u;

	if (die_type(sub, &t) && !die_peel(&t, &it) && dwarf_attr_integrate(&it, DW_AT_encoding, &enc_attr))
		dwarf_formudata(&enc_attr, &enc);
	if (enc == DW_ATE_signed || enc == DW_ATE_signed_char)
		return dwarf_formsdata(a, v);
	if (dwarf_formudata(a, &u))
		return -1;
	*v = (Dwarf_Sword)u;	/* an all-ones upper bound: an empty array ([0]) */
	return 0;
}

/*
 * The number of elements of one dimension (a DW_TAG_subrange_type): its
 * count, or its bounds with the lower bound its unit's language implies.
 * -1 where it has none (a flexible array member) or a computed one (a VLA).
 */
static int subrange_count(Dwarf_Die *sub, Dwarf_Word *n)
{
	Dwarf_Attribute a;
	Dwarf_Sword lower = 0, upper;

	if (dwarf_attr_integrate(sub, DW_AT_count, &a))
		return dwarf_formudata(&a, n);
	if (!dwarf_attr_integrate(sub, DW_AT_upper_bound, &a) || subrange_bound(sub, &a, &upper))
		return -1;
	if (dwarf_attr_integrate(sub, DW_AT_lower_bound, &a)) {
		if (subrange_bound(sub, &a, &lower))
			return -1;
	} else if (die_lower_bound(sub, &lower)) {
		return -1;
	}
	*n = upper >= lower ? (Dwarf_Word)(upper - lower) + 1 : 0;
	return 0;
}

/* The elements of each of an array's dimensions (0: unknown), at most max; their number or -1. */
int die_array_dims(Dwarf_Die *arr, Dwarf_Word *counts, int max)
{
	Dwarf_Die sub;
	int n = 0;

	if (dwarf_child(arr, &sub))
		return -1;
	do {
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		if (n == max)
			return -1;
		if (subrange_count(&sub, &counts[n]))
			counts[n] = 0;
		n++;
	} while (dwarf_siblingof(&sub, &sub) == 0);
	return n;
}

/* The elements of an array, all its dimensions' together; 0 when unknown. */
uint32_t die_array_count(Dwarf_Die *arr)
{
	Dwarf_Word counts[8], total = 1;
	int n = die_array_dims(arr, counts, 8);

	if (n <= 0)
		return 0;
	for (int i = 0; i < n; i++) {
		if (!counts[i] || total > UINT32_MAX / counts[i])
			return 0;
		total *= counts[i];
	}
	return total;
}

/* Whether m is its struct's last data member (where a [1] or [0] array is the flexible idiom). */
bool die_is_last_member(Dwarf_Die *m)
{
	Dwarf_Die next = *m;

	while (dwarf_siblingof(&next, &next) == 0)
		if (dwarf_tag(&next) == DW_TAG_member && !dwarf_hasattr(&next, DW_AT_external) &&
		    !dwarf_hasattr(&next, DW_AT_declaration))
			return false;
	return true;
}

static int type_size(Dwarf_Die *type, Dwarf_Word *size, int depth)
{
	Dwarf_Die t, et, sub;
	Dwarf_Word total, n;

	if (dwarf_aggregate_size(type, size) == 0)
		return 0;
	/*
	 * libdw sizes an array by its unit's language, which a dwz partial
	 * unit does not have: size it here with the importing units' one.
	 */
	if (depth > MAX_DEPTH || die_peel(type, &t) || dwarf_tag(&t) != DW_TAG_array_type ||
	    !die_type(&t, &et) || type_size(&et, &total, depth + 1) || dwarf_child(&t, &sub))
		return -1;
	do {
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		if (subrange_count(&sub, &n) || (n && total > UINT64_MAX / n))
			return -1;
		total *= n;
	} while (dwarf_siblingof(&sub, &sub) == 0);
	*size = total;
	return 0;
}

int die_type_size(Dwarf_Die *type, Dwarf_Word *size)
{
	return type_size(type, size, 0);
}

/* A C++ static data member: declared in the class, stored elsewhere. */
static bool is_static_member(Dwarf_Die *m)
{
	Dwarf_Attribute a;
	bool flag = false;

	if (dwarf_tag(m) == DW_TAG_variable)
		return true;
	return dwarf_attr(m, DW_AT_external, &a) && !dwarf_formflag(&a, &flag) && flag &&
	       !dwarf_hasattr(m, DW_AT_data_member_location);
}

static int member_location(Dwarf_Die *m, Dwarf_Word *off)
{
	Dwarf_Attribute a;

	*off = 0;
	if (!dwarf_attr_integrate(m, DW_AT_data_member_location, &a))
		return 0;	/* union members, or bitfields with data_bit_offset */
	return dwarf_formudata(&a, off);
}

/* A bitfield's position from the start of its struct, in bits; size 0 if not a bitfield. */
void die_member_bits(Dwarf_Die *m, Dwarf_Word byte_off, uint32_t *bit_off, uint32_t *bit_size)
{
	Dwarf_Attribute a;
	Dwarf_Word v;

	*bit_size = 0;
	*bit_off = byte_off * 8;
	if (!dwarf_attr(m, DW_AT_bit_size, &a) || dwarf_formudata(&a, &v))
		return;
	*bit_size = v;
	if (dwarf_attr(m, DW_AT_data_bit_offset, &a) && !dwarf_formudata(&a, &v)) {
		*bit_off = v;
	} else if (dwarf_attr(m, DW_AT_bit_offset, &a) && !dwarf_formudata(&a, &v)) {
		/* DWARF 2/3: counted from the most significant bit of the container */
		Dwarf_Word bytes = 0;
		Dwarf_Attribute b;

		if (dwarf_attr(m, DW_AT_byte_size, &b))
			dwarf_formudata(&b, &bytes);
		*bit_off = byte_off * 8 + bytes * 8 - v - *bit_size;
	}
}


static int add_fields(Dwarf_Die *st, struct value_type *v, int depth)
{
	Dwarf_Die m;
	uint32_t cap = 8;

	v->fields = calloc(cap, sizeof(*v->fields));
	if (!v->fields || dwarf_child(st, &m))
		return v->fields ? 0 : -1;
	do {
		Dwarf_Die mt;
		Dwarf_Word off;
		struct value_field *f;
		const char *name;

		if ((dwarf_tag(&m) != DW_TAG_member && dwarf_tag(&m) != DW_TAG_inheritance) ||
		    !die_type(&m, &mt) || is_static_member(&m))
			continue;
		if (v->nfields == cap) {
			struct value_field *nf = realloc(v->fields, cap * 2 * sizeof(*nf));

			if (!nf)
				return -1;
			memset(nf + cap, 0, cap * sizeof(*nf));
			v->fields = nf;
			cap *= 2;
		}
		f = &v->fields[v->nfields];
		f->type = die_value_type(&mt, depth + 1);
		if (!f->type)
			return -1;
		v->nfields++;
		/* a base class is an anonymous member: its fields print with the derived ones */
		name = dwarf_tag(&m) == DW_TAG_member ? dwarf_diename(&m) : NULL;
		f->name = name ? strdup(name) : NULL;
		member_location(&m, &off);
		die_member_bits(&m, off, &f->bit_offset, &f->bit_size);
	} while (dwarf_siblingof(&m, &m) == 0);
	return 0;
}

/* The printable type of a DWARF type (as btf_value_type for BTF). */
struct value_type *die_value_type(Dwarf_Die *type, int depth)
{
	struct value_type *v;
	Dwarf_Die t, inner;
	Dwarf_Word size = 0;
	Dwarf_Attribute a;

	if (depth > MAX_DEPTH || die_peel(type, &t))
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->name = die_type_name(type);
	if (die_type_size(&t, &size) == 0)
		v->size = size;
	switch (dwarf_tag(&t)) {
	case DW_TAG_base_type: {
		Dwarf_Word enc = 0;

		if (dwarf_attr(&t, DW_AT_encoding, &a))
			dwarf_formudata(&a, &enc);
		switch (enc) {
		case DW_ATE_boolean: v->kind = VK_BOOL; break;
		case DW_ATE_float: v->kind = VK_FLOAT; break;
		case DW_ATE_signed_char:
		case DW_ATE_unsigned_char:
			/* plain char is a character; signed/unsigned char (int8_t) are numbers */
			v->kind = size == 1 && dwarf_diename(&t) && !strcmp(dwarf_diename(&t), "char") ?
				  VK_CHAR : enc == DW_ATE_signed_char ? VK_INT : VK_UINT;
			break;
		case DW_ATE_signed: v->kind = VK_INT; break;
		default: v->kind = VK_UINT;
		}
		break;
	}
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		v->kind = VK_PTR;
		v->size = 8;
		break;
	case DW_TAG_enumeration_type: {
		Dwarf_Die e;
		uint32_t cap = 0;

		v->kind = VK_ENUM;
		if (dwarf_child(&t, &e))
			break;
		do {
			Dwarf_Sword val;
			struct value_enumerator *ne;

			if (dwarf_tag(&e) != DW_TAG_enumerator || !dwarf_attr(&e, DW_AT_const_value, &a) ||
			    dwarf_formsdata(&a, &val))
				continue;
			if (v->nenums == cap) {
				cap = cap ? cap * 2 : 8;
				ne = realloc(v->enums, cap * sizeof(*ne));
				if (!ne)
					break;
				v->enums = ne;
			}
			v->enums[v->nenums].name = strdup(dwarf_diename(&e) ?: "?");
			v->enums[v->nenums++].value = val;
		} while (dwarf_siblingof(&e, &e) == 0);
		break;
	}
	case DW_TAG_array_type: {
		Dwarf_Word counts[8];
		int ndims = die_array_dims(&t, counts, 8);

		v->kind = VK_ARRAY;
		v->count = ndims > 0 && counts[0] <= UINT32_MAX ? counts[0] : 0;
		if (die_type(&t, &inner))
			v->elem = die_value_type(&inner, depth + 1);
		/* int m[3][4]: an array of 3 rows, each an array of 4 ints, as gdb prints it */
		for (int d = ndims - 1; d > 0 && v->elem; d--) {
			struct value_type *row = calloc(1, sizeof(*row));

			if (!row || counts[d] > UINT32_MAX || !counts[d]) {
				free(row);
				value_type_free(v->elem);
				v->elem = NULL;
				break;
			}
			row->kind = VK_ARRAY;
			row->count = counts[d];
			row->elem = v->elem;
			row->size = row->count * row->elem->size;
			row->name = strdup("");
			v->elem = row;
		}
		if (!v->elem) {
			value_type_free(v);
			return NULL;
		}
		break;
	}
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		v->kind = dwarf_tag(&t) == DW_TAG_union_type ? VK_UNION : VK_STRUCT;
		if (add_fields(&t, v, depth)) {
			value_type_free(v);
			return NULL;
		}
		break;
	default:
		v->kind = VK_OPAQUE;
	}
	return v;
}

/* Finds member name in a struct/union, looking into anonymous members. */
bool die_find_member(Dwarf_Die *st, const char *name, Dwarf_Die *out, Dwarf_Word *off, int depth)
{
	Dwarf_Die m;

	if (depth > MAX_DEPTH || dwarf_child(st, &m))
		return false;
	do {
		const char *mn;
		Dwarf_Word moff;

		if ((dwarf_tag(&m) != DW_TAG_member && dwarf_tag(&m) != DW_TAG_inheritance) ||
		    is_static_member(&m))
			continue;
		mn = dwarf_tag(&m) == DW_TAG_member ? dwarf_diename(&m) : NULL;
		member_location(&m, &moff);
		if (mn && !strcmp(mn, name)) {
			*out = m;
			*off = moff;
			return true;
		}
		if (!mn) {
			Dwarf_Die mt, pt;
			Dwarf_Word inner;

			if (die_type(&m, &mt) && !die_peel(&mt, &pt) && die_is_record(&pt) &&
			    die_find_member(&pt, name, out, &inner, depth + 1)) {
				*off = moff + inner;
				return true;
			}
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

void die_list_members(Dwarf_Die *st, struct strbuf *sb, int depth)
{
	Dwarf_Die m;

	if (depth > MAX_DEPTH || dwarf_child(st, &m))
		return;
	do {
		const char *mn = dwarf_diename(&m);
		Dwarf_Die mt, pt;

		if ((dwarf_tag(&m) != DW_TAG_member && dwarf_tag(&m) != DW_TAG_inheritance) ||
		    is_static_member(&m))
			continue;
		if (mn && dwarf_tag(&m) == DW_TAG_member) {
			strbuf_addf(sb, "%s%s", sb->len ? ", " : "", mn);
		} else if (die_type(&m, &mt) && !die_peel(&mt, &pt)) {
			die_list_members(&pt, sb, depth + 1);
		}
	} while (dwarf_siblingof(&m, &m) == 0);
}

/*
 * libstdc++'s std::string (std::__cxx11::basic_string<char>): its text is
 * at _M_dataplus._M_p, as gdb's pretty printer reads it.
 */
bool die_is_std_string(Dwarf_Die *type, Dwarf_Word *char_ptr_off)
{
	Dwarf_Die t, plus, plus_t, p, pt, pointee;
	Dwarf_Word off1, off2;
	const char *name;

	if (die_peel(type, &t) || !die_is_record(&t) || !(name = dwarf_diename(&t)) ||
	    strncmp(name, "basic_string<char,", 18) || !is_cplusplus(&t))
		return false;
	if (!die_find_member(&t, "_M_dataplus", &plus, &off1, 0) || !die_type(&plus, &plus_t) ||
	    die_peel(&plus_t, &plus_t) || !die_find_member(&plus_t, "_M_p", &p, &off2, 0) ||
	    !die_type(&p, &pt) || die_peel(&pt, &pt) || dwarf_tag(&pt) != DW_TAG_pointer_type ||
	    !die_type(&pt, &pointee) || die_peel(&pointee, &pointee) ||
	    dwarf_tag(&pointee) != DW_TAG_base_type)
		return false;
	*char_ptr_off = off1 + off2;
	return true;
}

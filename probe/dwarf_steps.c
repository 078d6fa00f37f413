// SPDX-License-Identifier: GPL-2.0
/*
 * What an arg's type does to its fetch: the steps of a member chain
 * (->, . and [] through pointers, structs, arrays and references), and the
 * final read (its size, sign, string or bytes) with a :TYPE cast.
 */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "probe/dwarf_int.h"

int dw_set_final(struct fetch_arg *a, Dwarf_Die *type, const struct spec_arg *sa,
		 struct spec_error *err)
{
	Dwarf_Die t;
	Dwarf_Word size = 0;

	if (die_peel(type, &t))
		return spec_fail(err, sa->col, sa->len, "cannot read the type of '%s'", sa->text);
	a->type_name = die_type_name(type);
	a->type = die_value_type(type, 0);
	die_type_size(&t, &size);
	switch (dwarf_tag(&t)) {
	case DW_TAG_base_type:
	case DW_TAG_enumeration_type: {
		Dwarf_Attribute at;
		Dwarf_Word enc = DW_ATE_signed;

		if (dwarf_tag(&t) == DW_TAG_base_type && dwarf_attr(&t, DW_AT_encoding, &at))
			dwarf_formudata(&at, &enc);
		a->final = FINAL_INT;
		a->size = size;
		a->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		break;
	}
	case DW_TAG_pointer_type:
		a->final = FINAL_INT;
		a->size = 8;
		break;
	case DW_TAG_array_type:
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		if (a->base == FETCH_REG || a->base == FETCH_CONST || a->base == FETCH_EXPR)
			return spec_fail(err, sa->col, sa->len, "'%s' (%s) lives in registers here; fetch its "
				    "fields one by one", sa->text, a->type_name);
		/* a class only declared here (and defined nowhere vtrace looks) has no size to read */
		if (dwarf_hasattr(&t, DW_AT_declaration))
			return spec_fail(err, sa->col, sa->len, "'%s' has an incomplete type: %s is declared but "
					 "not defined in the debug info", sa->text, a->type_name);
		a->final = FINAL_BYTES;
		a->size = size;
		break;
	default:
		return spec_fail(err, sa->col, sa->len, "'%s' has a type vtrace cannot fetch (%s)", sa->text,
			    a->type_name);
	}
	if (a->size > 8 && a->final == FINAL_INT)
		return spec_fail(err, sa->col, sa->len, "'%s' is %u bytes wide; vtrace fetches integers up to 8",
			    sa->text, a->size);
	return 0;
}

int dw_apply_type(struct fetch_arg *a, const struct spec_arg *sa, struct spec_error *err)
{
	if (sa->type == TYPE_DEFAULT)
		return 0;
	if (sa->type == TYPE_STRING) {
		if (a->type && a->type->kind == VK_ARRAY && a->type->elem && a->type->elem->kind == VK_CHAR)
			return 0;	/* a char array already prints as a string */
		if (!a->type || a->type->kind != VK_PTR || a->final != FINAL_INT)
			return spec_fail(err, sa->type_col, 6, "':string' needs a char pointer, and '%s' is %s",
				    sa->text, a->type_name ? a->type_name : "not one");
		a->final = FINAL_STRING;
		free(a->type_name);
		a->type_name = strdup("string");
		return 0;
	}
	if (a->final != FINAL_INT)
		return spec_fail(err, sa->type_col, 3, "':%s' casts integers; '%s' is %s", spec_type_name(sa->type),
			    sa->text, a->type_name);
	if (a->bit_size)
		return spec_fail(err, sa->type_col, 3, "'%s' is a bitfield: it is read as declared", sa->text);
	fetch_cast(a, sa->type);
	return 0;
}

/*
 * A C++ reference is used like the object it refers to (as gdb does): the
 * fetch follows the pointer it is, and the type becomes the referred one.
 */
int dw_follow_reference(struct fetch_arg *a, Dwarf_Die *type, int col, int len,
			struct spec_error *err)
{
	Dwarf_Die t, target;

	if (die_peel(type, &t) || !die_is_reference(&t))
		return 0;
	if (!die_type(&t, &target))
		return spec_fail(err, col, len, "a reference without a type");
	if (a->base == FETCH_CONST)
		return spec_fail(err, col, len, "the reference is a constant here");
	if (fetch_follow(a, 0))
		return -ENOMEM;
	*type = target;
	return 0;
}

/* A std::string (libstdc++) prints as its text, as gdb's pretty printer shows it. */
int dw_std_string(struct fetch_arg *a, Dwarf_Die *type, const struct spec_arg *sa)
{
	Dwarf_Word off;

	if ((sa->type != TYPE_DEFAULT && sa->type != TYPE_STRING) || !die_is_std_string(type, &off) ||
	    a->base == FETCH_REG || a->base == FETCH_CONST || a->base == FETCH_EXPR || a->bit_size)
		return 0;
	fetch_add_offset(a, off);
	a->final = FINAL_STRING;
	a->size = 8;
	free(a->type_name);
	a->type_name = strdup("std::string");
	value_type_free(a->type);
	a->type = calloc(1, sizeof(*a->type));
	if (!a->type_name || !a->type)
		return -ENOMEM;
	a->type->kind = VK_PTR;
	a->type->size = 8;
	a->type->name = strdup("std::string");
	return a->type->name ? 1 : -ENOMEM;
}

/* Walks ->, . and [] from a variable of type `type` located by a. */
int dw_apply_steps(struct fetch_arg *a, Dwarf_Die *type, const struct spec_arg *sa,
		   struct spec_error *err)
{
	Dwarf_Die cur = *type;
	bool last_member = false;	/* cur is the type of its struct's last member */
	int dim = 0;			/* the dimensions of the array cur already indexed */
	int rc;

	for (size_t i = 0; i < sa->nsteps; i++) {
		const struct spec_step *st = &sa->steps[i];
		int len = st->kind == STEP_INDEX ? 1 : (int)strlen(st->field) + (st->kind == STEP_ARROW ? 2 : 1);
		Dwarf_Die t, target, member, mt;
		Dwarf_Word off = 0;
		char *tn;
		int tag;

		if (a->bit_size)
			return spec_fail(err, st->col, len, "a bitfield has no fields");
		rc = dw_follow_reference(a, &cur, st->col, len, err);
		if (rc)
			return rc;
		if (die_peel(&cur, &t))
			return spec_fail(err, st->col, len, "cannot read the type here");
		tag = dwarf_tag(&t);
		tn = die_type_name(&cur);

		if (st->kind == STEP_INDEX) {
			Dwarf_Word esize = 0;
			Dwarf_Die et;

			if ((tag != DW_TAG_array_type && tag != DW_TAG_pointer_type) || !die_type(&t, &target)) {
				spec_fail(err, st->col, len, "[%ld] needs an array or a pointer, and this is %s",
				     st->index, tn);
				free(tn);
				return -EINVAL;
			}
			free(tn);
			if (die_peel(&target, &et) || die_type_size(&et, &esize))
				return spec_fail(err, st->col, len, "the elements here have no size");
			if (tag == DW_TAG_array_type) {
				Dwarf_Word counts[8], n, stride = esize;
				int ndims = die_array_dims(&t, counts, 8);

				if (ndims <= 0) {
					ndims = 1;
					counts[0] = 0;
				}
				/* a row of int m[3][4] is 4 ints: the stride counts the dimensions after this one */
				for (int d = dim + 1; d < ndims; d++) {
					if (!counts[d] || stride > UINT64_MAX / counts[d])
						return spec_fail(err, st->col, len, "the rows here have no size");
					stride *= counts[d];
				}
				n = counts[dim];
				/* a struct's last member declared [1] or [0] is the flexible-array idiom */
				if (n <= 1 && dim == 0 && last_member)
					n = 0;
				if (n && (st->index < 0 || (Dwarf_Word)st->index >= n)) {
					tn = die_type_name(&cur);
					spec_fail(err, st->col, len, "[%ld] is out of bounds of %s "
						  "(indexes 0 to %llu)", st->index, tn, (unsigned long long)n - 1);
					free(tn);
					return -EINVAL;
				}
				if (a->base == FETCH_REG || a->base == FETCH_CONST || a->base == FETCH_EXPR)
					return spec_fail(err, st->col, len, "the array lives in a register here");
				fetch_add_offset(a, st->index * (int64_t)stride);
				if (++dim < ndims)
					continue;	/* still the array: the next [] picks within the row */
			} else if (fetch_follow(a, st->index * (int64_t)esize)) {
				return -ENOMEM;
			}
			dim = 0;
			last_member = false;
			cur = target;
			continue;
		}
		if (dim) {
			spec_fail(err, st->col, len, "index every dimension of %s before this", tn);
			free(tn);
			return -EINVAL;
		}

		if (st->kind == STEP_ARROW) {
			if (tag != DW_TAG_pointer_type) {
				spec_fail(err, st->col, 2, "'->' needs a pointer, and this is %s%s", tn,
				     die_is_record(&t) ? ": use '.'" : "");
				free(tn);
				return -EINVAL;
			}
			if (!die_type(&t, &target) || die_peel(&target, &t)) {
				free(tn);
				return spec_fail(err, st->col, len, "'->' through a void pointer");
			}
			tag = dwarf_tag(&t);
		} else if (tag == DW_TAG_pointer_type) {
			spec_fail(err, st->col, 1, "'.' needs a struct, and this is %s: use '->'", tn);
			free(tn);
			return -EINVAL;
		}
		free(tn);
		if (!die_is_record(&t)) {
			tn = die_type_name(&t);
			spec_fail(err, st->col, len, "'%s' has no fields: it is %s", st->kind == STEP_ARROW ?
			     "the pointed-to value" : "the value", tn);
			free(tn);
			return -EINVAL;
		}
		if (!die_find_member(&t, st->field, &member, &off, 0)) {
			struct strbuf names = STRBUF_INIT;

			die_list_members(&t, &names, 0);
			tn = die_type_name(&t);
			spec_fail(err, st->col + (st->kind == STEP_ARROW ? 2 : 1), strlen(st->field),
			     "%s has no member '%s'; it has: %s", tn, st->field, names.buf ? names.buf : "none");
			free(tn);
			strbuf_release(&names);
			return -EINVAL;
		}
		if (st->kind == STEP_ARROW) {
			if (fetch_follow(a, off))
				return -ENOMEM;
		} else {
			if (a->base == FETCH_REG || a->base == FETCH_CONST || a->base == FETCH_EXPR)
				return spec_fail(err, st->col, len, "the struct lives in registers here; its "
					    "fields cannot be addressed");
			fetch_add_offset(a, off);
		}
		{
			uint32_t bo, bs;

			die_member_bits(&member, 0, &bo, &bs);
			if (bs) {
				Dwarf_Attribute at;
				Dwarf_Word v;
				uint32_t total;

				/* position from the struct start, made relative to the byte read */
				die_member_bits(&member, off, &bo, &bs);
				if (!dwarf_attr(&member, DW_AT_data_member_location, &at) &&
				    dwarf_attr(&member, DW_AT_data_bit_offset, &at) && !dwarf_formudata(&at, &v))
					fetch_add_offset(a, (int64_t)(v / 8) - (int64_t)off);
				else
					fetch_add_offset(a, (int64_t)(bo / 8) - (int64_t)off);
				a->bit_offset = bo % 8;
				a->bit_size = bs;
				total = a->bit_offset + bs;
				a->size = total <= 8 ? 1 : total <= 16 ? 2 : total <= 32 ? 4 : 8;
			}
		}
		if (!die_type(&member, &mt))
			return spec_fail(err, st->col, len, "member '%s' has no type", st->field);
		cur = mt;
		last_member = die_is_last_member(&member);
	}
	if (dim) {
		const struct spec_step *st = &sa->steps[sa->nsteps - 1];
		char *tn = die_type_name(&cur);

		spec_fail(err, st->col, 1, "this is a row of %s: index each dimension (vtrace reads "
			  "elements, not rows)", tn);
		free(tn);
		return -EINVAL;
	}
	*type = cur;
	return 0;
}

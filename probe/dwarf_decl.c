// SPDX-License-Identifier: GPL-2.0
/*
 * A C++ class only declared in a unit (DW_AT_declaration: no members, no
 * size), completed from the unit that defines it, as gdb does by name:
 * GCC declares std::ios_base in most of libstdc++'s locale and stream
 * units and defines it in one (ios.cc), so a std::ios_base & there read 0
 * bytes of its 216.  C++'s one-definition rule makes the qualified name
 * enough; a C struct's name is not (two files may define two struct foo),
 * nor is a class in an anonymous namespace outside its unit, and those
 * stay incomplete (refused with the reason).
 */
#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "probe/dwarf_int.h"

#define MAX_SCOPES 16
#define CACHE_SIZE 256

/* declaration -> definition, per declaration DIE (found or not) */
static struct {
	void *decl_addr;
	Dwarf_Die def;
	bool found;
} cache[CACHE_SIZE];

static bool is_class_tag(int tag)
{
	return tag == DW_TAG_structure_type || tag == DW_TAG_class_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_enumeration_type;
}

/* struct and class name one kind of type; a union or an enum only its own */
static bool same_kind(int a, int b)
{
	if (a == DW_TAG_class_type)
		a = DW_TAG_structure_type;
	if (b == DW_TAG_class_type)
		b = DW_TAG_structure_type;
	return a == b;
}

static bool name_is(Dwarf_Die *die, const char *name)
{
	const char *n = dwarf_diename(die);

	return n && !strcmp(n, name);
}

/* Below parent, along names[0..n) (namespaces or classes), the definition of tag named name. */
static bool find_below(Dwarf_Die *parent, const char **names, int n, int tag, const char *name,
		       Dwarf_Die *out)
{
	Dwarf_Die c;

	if (dwarf_child(parent, &c))
		return false;
	do {
		int t = dwarf_tag(&c);

		if (n) {
			if ((t == DW_TAG_namespace || is_class_tag(t)) && name_is(&c, names[0]) &&
			    find_below(&c, names + 1, n - 1, tag, name, out))
				return true;
			continue;
		}
		if (same_kind(t, tag) && name_is(&c, name) && !dwarf_hasattr(&c, DW_AT_declaration) &&
		    dwarf_hasattr(&c, DW_AT_byte_size)) {
			*out = c;
			return true;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

static bool find_definition(Dwarf_Die *decl, Dwarf_Die *out)
{
	const char *names[MAX_SCOPES], *name = dwarf_diename(decl);
	Dwarf_Die *scopes, cu;
	Dwarf_CU *unit = NULL;
	bool anon = false, found = false;
	int n, k = 0, tag = dwarf_tag(decl);

	if (!name || !die_unit_cxx(decl))
		return false;
	n = dwarf_getscopes_die(decl, &scopes);
	if (n <= 0)
		return false;
	/* scopes[0] is decl, scopes[n - 1] its unit */
	for (int i = n - 2; i > 0 && k < MAX_SCOPES; i--) {
		int t = dwarf_tag(&scopes[i]);

		if (t != DW_TAG_namespace && !is_class_tag(t)) {
			k = MAX_SCOPES;	/* declared in a function: its own */
			break;
		}
		names[k] = dwarf_diename(&scopes[i]);
		anon = anon || !names[k];
		k++;
	}
	cu = scopes[n - 1];
	free(scopes);
	if (k >= MAX_SCOPES)
		return false;
	if (anon)	/* an anonymous namespace is its unit's own */
		return find_below(&cu, names, k, tag, name, out);
	for (Dwarf_CU *prev = NULL; !found; prev = unit) {
		Dwarf_Die root;
		uint8_t ut;

		if (dwarf_get_units(dwarf_cu_getdwarf(decl->cu), prev, &unit, NULL, &ut, &root, NULL))
			break;
		if (ut == DW_UT_compile || ut == DW_UT_partial)
			found = find_below(&root, names, k, tag, name, out);
	}
	return found;
}

/* Forgets every definition found (their files may be closed: a DIE's address may come again). */
void dw_decl_forget(void)
{
	memset(cache, 0, sizeof(cache));
}

/* The definition of a declared C++ class, struct, union or enum; false to keep it as it is. */
bool die_complete_type(Dwarf_Die *type, Dwarf_Die *out)
{
	size_t h;

	if (!is_class_tag(dwarf_tag(type)) || !dwarf_hasattr(type, DW_AT_declaration))
		return false;
	h = ((uintptr_t)type->addr >> 3) % CACHE_SIZE;
	if (cache[h].decl_addr != type->addr) {
		cache[h].found = find_definition(type, &cache[h].def);
		cache[h].decl_addr = type->addr;
	}
	if (cache[h].found)
		*out = cache[h].def;
	return cache[h].found;
}

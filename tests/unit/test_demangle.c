// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "lib/demangle.h"
#include "test.h"

int main(void)
{
	struct demangler *d = demangler_new();
	const char *c = "main", *once;

	CHECK(d != NULL, "a table");
	CHECK_STR(demangle(d, "_ZN4shop4Cart3addERK4Item"), "shop::Cart::add(Item const&)",
		  "a member taking a const reference");
	CHECK_STR(demangle(d, "_ZNK6market4Cart6scaledIdEET_S2_"), "double market::Cart::scaled<double>(double) const",
		  "a const member template");
	CHECK_STR(demangle(d, "_ZN12_GLOBAL__N_15tallyERKN6market4CartE"),
		  "(anonymous namespace)::tally(market::Cart const&)", "an anonymous namespace");
	CHECK(demangle(d, c) == c, "a C symbol is itself");
	CHECK_STR(demangle(d, "_Znotmangled"), "_Znotmangled", "an unknown mangling is itself");
	once = demangle(d, "_ZN4shop4Cart3addERK4Item");
	CHECK(once == demangle(d, "_ZN4shop4Cart3addERK4Item"), "demangled once, then kept");
	CHECK(demangle(NULL, c) == c && demangle(d, NULL) == NULL, "no table, no name");
	demangler_free(d);
	return TEST_DONE();
}

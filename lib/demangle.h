/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_DEMANGLE_H
#define VTRACE_DEMANGLE_H

/*
 * C++ symbol names as perf and gdb show them: "_ZN4shop4Cart3addERK4Item"
 * is "shop::Cart::add(Item const&)".  The demangler is libstdc++'s
 * __cxa_demangle (the C++ ABI's, in Debian's libstdc++6); each name is
 * demangled once and kept for as long as the table lives.
 */
struct demangler;

struct demangler *demangler_new(void);
void demangler_free(struct demangler *d);

/*
 * The demangled name of sym, owned by d; sym itself when it is not a
 * mangled C++ name (C symbols, an unknown mangling, no memory).
 */
const char *demangle(struct demangler *d, const char *sym);

#endif

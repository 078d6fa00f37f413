// SPDX-License-Identifier: GPL-2.0
/* C++ names demangled once each (lib/demangle.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/demangle.h"

/* The C++ ABI's demangler (<cxxabi.h> is C++ only): libstdc++. */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

struct entry {
	char *mangled;
	char *name;		/* NULL: not demangled (sym is printed as it is) */
	struct entry *next;
};

#define DEMANGLE_BUCKETS 1024

struct demangler {
	struct entry *buckets[DEMANGLE_BUCKETS];
};

struct demangler *demangler_new(void)
{
	return calloc(1, sizeof(struct demangler));
}

void demangler_free(struct demangler *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < DEMANGLE_BUCKETS; i++)
		for (struct entry *e = d->buckets[i], *next; e; e = next) {
			next = e->next;
			free(e->mangled);
			free(e->name);
			free(e);
		}
	free(d);
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

const char *demangle(struct demangler *d, const char *sym)
{
	struct entry *e, **head;
	int status = -1;

	/* Itanium C++ ABI names start _Z (a symbol's own "_Z", or a clone's "_Z...clone") */
	if (!d || !sym || strncmp(sym, "_Z", 2))
		return sym;
	head = &d->buckets[hash(sym) % DEMANGLE_BUCKETS];
	for (e = *head; e; e = e->next)
		if (!strcmp(e->mangled, sym))
			return e->name ? e->name : sym;
	e = calloc(1, sizeof(*e));
	if (!e)
		return sym;
	e->mangled = strdup(sym);
	if (!e->mangled) {
		free(e);
		return sym;
	}
	e->name = __cxa_demangle(sym, NULL, NULL, &status);
	if (status) {
		free(e->name);
		e->name = NULL;
	}
	e->next = *head;
	*head = e;
	return e->name ? e->name : sym;
}

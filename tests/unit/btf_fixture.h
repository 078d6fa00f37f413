/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the BTF resolver's unit tests share: the host's vmlinux BTF (loaded
 * by each test's main), a member's offset found by a plain scan of its
 * struct (independent of the resolver's walk), and a spec resolved.
 */
#ifndef VTRACE_TEST_BTF_FIXTURE_H
#define VTRACE_TEST_BTF_FIXTURE_H

#include <string.h>
#include <bpf/btf.h>

#include "probe/resolve.h"

static struct btf *btf;

/* Byte offset of member name in struct sname, or -1. */
static inline long member_off(const char *sname, const char *name)
{
	int id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, m[i].name_off), name))
			return btf_member_bit_offset(t, i) / 8;
	return -1;
}

static inline int resolve(const char *text, struct probe_resolved *r, struct spec_error *e)
{
	struct spec s;
	int rc = spec_parse(text, &s, e);

	if (!rc)
		rc = probe_resolve(&s, NULL, r, e);
	spec_free(&s);
	return rc;
}

#endif

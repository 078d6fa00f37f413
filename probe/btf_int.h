/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_BTF_INT_H
#define VTRACE_BTF_INT_H

/*
 * Inside the BTF resolvers (probe/btf_resolve.c for kprobes and raw
 * tracepoints, probe/btf_args.c for the trampoline): what they share.
 */
#include <bpf/btf.h>

#include "probe/fetch.h"
#include "probe/spec.h"

/* The running kernel's BTF, loaded once; NULL without it. */
struct btf *btf_vmlinux(void);
/* id without its typedefs and qualifiers; 0 if it cannot be followed. */
__u32 btf_skip_mods(const struct btf *btf, __u32 id);
/* "struct file *", "loff_t *", "int" */
char *btf_type_str(const struct btf *btf, __u32 id);
/* A member by name, through anonymous members; its bit offset in t. */
const struct btf_member *btf_find_member(const struct btf *btf, const struct btf_type *t,
					 const char *name, __u32 *bit_off, int depth);
/* The arg's ->, . and [] from a value of type *type: the fetch follows, *type is the result's. */
int btf_steps(const struct btf *btf, __u32 *type, struct fetch_arg *a, const struct spec_arg *sa,
	      struct spec_error *err);
/* $params: one parameter as the spec arg it stands for (at $params' place). */
struct spec_arg btf_param_spec(const struct btf *btf, const struct btf_param *param,
			       const struct spec_arg *params);
/* $params: keeps a parameter's fetch a (rc: how building it went); one it
 * could not build (-EINVAL) is left out.  0 or -errno. */
int btf_keep_param(struct probe_instance *in, struct fetch_arg *a, const char *name, int rc);
/* The final read of a value of that type, and :TYPE. */
int btf_final(const struct btf *btf, __u32 type, struct fetch_arg *a, const struct spec_arg *sa,
	      struct spec_error *err);

#endif

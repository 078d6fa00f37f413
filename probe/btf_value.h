/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_BTF_VALUE_H
#define VTRACE_BTF_VALUE_H

#include <bpf/btf.h>

#include "lib/value.h"

/* The printable type of BTF type id (NULL on a malformed or too deep type). */
struct value_type *btf_value_type(const struct btf *btf, __u32 id);
/*
 * The C spelling of a type as libbpf's btf_dump declares it ("const char *",
 * "struct file *", "void (*)(int)"), without type tags (__user); NULL on
 * an error.  The caller frees it.
 */
char *btf_c_type(const struct btf *btf, __u32 id);

#endif

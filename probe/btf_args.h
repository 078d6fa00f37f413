/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_BTF_ARGS_H
#define VTRACE_BTF_ARGS_H

#include <bpf/btf.h>

#include "probe/fetch.h"
#include "probe/spec.h"

/*
 * fentry/FUNC, fexit/FUNC and tp_btf/NAME specs, from BTF (vmlinux's, or
 * a module's: module=NAME, else the first module whose BTF has FUNC):
 * args from the program's u64 ctx slots, member chains as plain loads
 * where the verifier types them (fetch_arg.direct), probe reads beyond.
 */
int tramp_resolve(const struct spec *spec, struct probe_resolved *out, struct spec_error *err);

/*
 * @NAME, a kernel global: its kallsyms address (module=NAME's symbol when
 * given) as a fetch of the value there; *type its BTF type (a VAR), or 0
 * when BTF has none and :TYPE said what to read (a is then complete).
 */
int btf_global(const struct btf *btf, const struct spec *spec, const struct spec_arg *sa,
	       struct fetch_arg *a, __u32 *type, struct spec_error *err);

#endif

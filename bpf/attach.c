// SPDX-License-Identifier: GPL-2.0
/* The table of section kinds and how each attaches: see bpf/attach.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "bpf/attach.h"
#include "bpf/kprobe_multi.h"
#include "bpf/trampoline.h"
#include "lib/error.h"
#include "lib/tracefs.h"
#include "probe/elf.h"

bool have_kprobes(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", F_OK);
}

static int tracefs_has_event(const char *category, const char *name)
{
	char path[PATH_MAX];
	const char *dir;

	if (tracefs_dir(&dir))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", dir, category, name);
	return access(path, R_OK) ? -ENOENT : 0;
}

static int raw_tp_exists(const char *name)
{
	static struct btf *vmlinux;
	char tname[256];

	if (!vmlinux)
		vmlinux = btf__load_vmlinux_btf();
	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	if (vmlinux && btf__find_by_name_kind(vmlinux, tname, BTF_KIND_TYPEDEF) > 0)
		return 0;
	/* Module tracepoints are not in vmlinux BTF; tracefs knows them. */
	return tracefs_has_event("*", name) ? -ENOENT : 0;
}

/* The plan's one instance, at func + off. */
static int plan_one(const struct sec_def *d, struct probe_resolved *plan, char *binary, char *func,
		    unsigned long off)
{
	memset(plan, 0, sizeof(*plan));
	plan->target = d->target;
	plan->ret = d->ret;
	plan->binary = binary;
	plan->insts = calloc(1, sizeof(*plan->insts));
	if (!plan->insts || !func) {
		free(func);
		probe_resolved_free(plan);
		return -ENOMEM;
	}
	plan->ninsts = 1;
	plan->insts[0].func = func;
	plan->insts[0].func_offset = off;
	return 0;
}

/* "NAME[+OFF]": a symbol and an optional decimal or 0x offset. */
static int parse_sym_off(const char *s, const char *base, char **func, unsigned long *off, int *col)
{
	const char *plus = strchr(s, '+');
	size_t len = plus ? (size_t)(plus - s) : strlen(s);
	char *end;

	if (!len) {
		*col = s - base;
		return -EINVAL;
	}
	*off = 0;
	if (plus) {
		errno = 0;
		*off = strtoul(plus + 1, &end, 0);
		if (errno || end == plus + 1 || *end) {
			*col = plus + 1 - base;
			return -EINVAL;
		}
	}
	*func = strndup(s, len);
	return *func ? 0 : -ENOMEM;
}

/* kprobe/FUNC[+OFF], kretprobe/FUNC */
static int parse_func(const struct sec_def *d, const char *sec, const char *rest,
		      struct probe_resolved *plan, int *col)
{
	unsigned long off;
	char *func;
	int err = parse_sym_off(rest, sec, &func, &off, col);

	if (!err && d->ret && off) {
		*col = strchr(rest, '+') - sec;
		free(func);
		return -EINVAL;
	}
	return err ?: plan_one(d, plan, NULL, func, off);
}

/* uprobe/PATH:FUNC[+OFF], uretprobe/PATH:FUNC */
static int parse_binary_func(const struct sec_def *d, const char *sec, const char *rest,
			     struct probe_resolved *plan, int *col)
{
	const char *colon = strrchr(rest, ':');
	unsigned long off;
	char *func, *binary;
	int err;

	if (!colon || colon == rest) {
		*col = colon ? colon - sec : (int)strlen(sec);
		return -EINVAL;
	}
	err = parse_sym_off(colon + 1, sec, &func, &off, col);
	if (!err && d->ret && off) {
		*col = strchr(colon, '+') - sec;
		free(func);
		err = -EINVAL;
	}
	if (err)
		return err;
	binary = strndup(rest, colon - rest);
	if (!binary) {
		free(func);
		return -ENOMEM;
	}
	return plan_one(d, plan, binary, func, off);
}

/* raw_tp/NAME */
static int parse_name(const struct sec_def *d, const char *sec, const char *rest,
		      struct probe_resolved *plan, int *col)
{
	(void)sec;
	(void)col;
	return plan_one(d, plan, NULL, strdup(rest), 0);
}

/* fentry/FUNC, fexit/FUNC, tp_btf/NAME: a name, no offset (the trampoline is at the entry) */
static int parse_btf_name(const struct sec_def *d, const char *sec, const char *rest,
			  struct probe_resolved *plan, int *col)
{
	size_t n = strcspn(rest, "+:%");

	if (rest[n]) {
		*col = rest + n - sec;
		return -EINVAL;
	}
	return plan_one(d, plan, NULL, strdup(rest), 0);
}

static int check_kprobe(struct bpf_program *prog, struct probe_resolved *plan, const char *where)
{
	(void)prog;
	(void)plan;
	if (have_kprobes())
		return 0;
	pr_err("%s: this kernel has no kprobes (it was built without CONFIG_KPROBES); use a "
	       "tracepoint (tp/CAT/NAME) or raw tracepoint (raw_tp/NAME), or a kernel with "
	       "CONFIG_KPROBES=y", where);
	return -EOPNOTSUPP;
}

/* The function in the binary's symbol table: where the instance is in the file. */
static int check_uprobe(struct bpf_program *prog, struct probe_resolved *plan, const char *where)
{
	struct probe_instance *in = &plan->insts[0];
	uint64_t addr, size, off;
	char real[PATH_MAX], buf[PATH_MAX + 128], *path;
	int err;

	(void)prog;
	if (!realpath(plan->binary, real)) {
		err = -errno;
		pr_err("%s: %s: %s", where, plan->binary, strerror(errno));
		return err;
	}
	err = elf_target_check(real, buf, sizeof(buf));
	if (err == -EOPNOTSUPP) {
		pr_err("%s: %s", where, buf);
		return err;
	}
	err = elf_func_offset(real, in->func, &addr, &size, &off);
	if (err == -ENOEXEC) {
		pr_err("%s: %s is not an ELF executable or library", where, plan->binary);
		return err;
	}
	if (err) {
		pr_err("%s: no function '%s' in %s (check the name with: nm -D %s; nm %s)", where,
		       in->func, plan->binary, plan->binary, plan->binary);
		return err;
	}
	if (in->func_offset >= size && size) {
		pr_err("%s: offset %llu is past the end of %s (%llu bytes)", where,
		       (unsigned long long)in->func_offset, in->func, (unsigned long long)size);
		return -EINVAL;
	}
	if (in->func_offset && elf_path_insn_starts_at(real, addr, addr + in->func_offset) == -EINVAL) {
		pr_err("%s: %s+%llu is inside an instruction, not at its start (a uprobe there would "
		       "corrupt the code; see objdump -d %s)", where, in->func,
		       (unsigned long long)in->func_offset, plan->binary);
		return -EINVAL;
	}
	path = strdup(real);
	if (!path)
		return -ENOMEM;
	free(plan->binary);
	plan->binary = path;
	in->addr = addr + in->func_offset;
	in->file_offset = off + in->func_offset;
	return 0;
}

static int check_raw_tp(struct bpf_program *prog, struct probe_resolved *plan, const char *where)
{
	(void)prog;
	if (!raw_tp_exists(plan->insts[0].func))
		return 0;
	pr_err("%s: no raw tracepoint '%s' in this kernel", where, plan->insts[0].func);
	return -ENOENT;
}

static struct bpf_link *attach_uprobe(struct bpf_program *prog, const struct probe_resolved *plan,
				      size_t i, uint64_t cookie)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .retprobe = plan->ret, .bpf_cookie = cookie);

	return bpf_program__attach_uprobe_opts(prog, -1, plan->binary, plan->insts[i].file_offset, &uo);
}

static struct bpf_link *attach_kprobe(struct bpf_program *prog, const struct probe_resolved *plan,
				      size_t i, uint64_t cookie)
{
	LIBBPF_OPTS(bpf_kprobe_opts, ko, .offset = plan->insts[i].func_offset, .retprobe = plan->ret,
		    .bpf_cookie = cookie);
	uint64_t addr;
	int err = kernel_instance_addr(plan, i, &addr);

	if (err) {
		errno = -err;
		return NULL;
	}
	if (addr)	/* a module's place: its name may be another's too */
		ko.offset = addr;
	return bpf_program__attach_kprobe_opts(prog, addr ? NULL : plan->insts[i].func, &ko);
}

static struct bpf_link *attach_raw_tp(struct bpf_program *prog, const struct probe_resolved *plan,
				      size_t i, uint64_t cookie)
{
	(void)cookie;
	return bpf_program__attach_raw_tracepoint(prog, plan->insts[i].func);
}

static int set_trampoline(struct bpf_program *prog, const struct probe_resolved *plan,
			  const char *where)
{
	return tramp_set_target(prog, where, plan->insts[0].func, plan->target == TARGET_TP_BTF,
				plan->ret, have_kprobes());
}

/* One BTF id, one link: the cookie is the instance's, and there is one. */
static struct bpf_link *attach_trace(struct bpf_program *prog, const struct probe_resolved *plan,
				     size_t i, uint64_t cookie)
{
	(void)plan;
	(void)i;
	(void)cookie;
	return bpf_program__attach_trace(prog);
}

static struct bpf_link *attach_tp(struct bpf_program *prog, const struct probe_resolved *plan,
				  size_t i, uint64_t cookie)
{
	(void)cookie;
	return bpf_program__attach_tracepoint(prog, plan->tp_system, plan->insts[i].func);
}

#define SEC_DEF(PREFIX, KIND, TARGET, RET, TYPE, PARSE, CHECK, ATTACH) \
	{ PREFIX, KIND, TARGET, RET, BPF_PROG_TYPE_##TYPE, 0, PARSE, CHECK, NULL, ATTACH }
/* the trampoline's kinds: tracing programs, by BTF id, with an expected attach type */
#define SEC_DEF_TRACING(PREFIX, KIND, TARGET, RET, ATTACH_TYPE) \
	{ PREFIX, KIND, TARGET, RET, BPF_PROG_TYPE_TRACING, BPF_TRACE_##ATTACH_TYPE, parse_btf_name, \
	  NULL, set_trampoline, attach_trace }

const struct sec_def sec_defs[] = {
	SEC_DEF("kprobe/", "kprobe", TARGET_KERNEL, false, KPROBE, parse_func, check_kprobe, attach_kprobe),
	SEC_DEF("kretprobe/", "kretprobe", TARGET_KERNEL, true, KPROBE, parse_func, check_kprobe, attach_kprobe),
	SEC_DEF("uprobe/", "uprobe", TARGET_USER, false, KPROBE, parse_binary_func, check_uprobe, attach_uprobe),
	SEC_DEF("uretprobe/", "uretprobe", TARGET_USER, true, KPROBE, parse_binary_func, check_uprobe,
		attach_uprobe),
	SEC_DEF("raw_tp/", "raw_tp", TARGET_RAW_TP, false, RAW_TRACEPOINT, parse_name, check_raw_tp,
		attach_raw_tp),
	SEC_DEF("raw_tracepoint/", "raw_tp", TARGET_RAW_TP, false, RAW_TRACEPOINT, parse_name, check_raw_tp,
		attach_raw_tp),
	/* a tracepoint program is always a spec: as in perf, nonzero records the raw record */
	SEC_DEF("tp/", "tp", TARGET_TP, false, TRACEPOINT, NULL, NULL, attach_tp),
	SEC_DEF("tracepoint/", "tp", TARGET_TP, false, TRACEPOINT, NULL, NULL, attach_tp),
	SEC_DEF_TRACING("fentry/", "fentry", TARGET_FENTRY, false, FENTRY),
	SEC_DEF_TRACING("fexit/", "fexit", TARGET_FENTRY, true, FEXIT),
	SEC_DEF_TRACING("tp_btf/", "tp_btf", TARGET_TP_BTF, false, RAW_TP),
};
const size_t sec_defs_count = sizeof(sec_defs) / sizeof(sec_defs[0]);

int sec_plan(const char *sec, const struct sec_def **def, struct probe_resolved *plan, int *col)
{
	const struct sec_def *d = NULL;
	const char *rest = NULL;
	int err;

	*def = NULL;
	*col = 0;
	for (size_t i = 0; i < sec_defs_count && !d; i++) {
		size_t n = strlen(sec_defs[i].prefix);

		if (!strncmp(sec, sec_defs[i].prefix, n)) {
			d = &sec_defs[i];
			rest = sec + n;
		}
	}
	/* "raw_tp/NAME ARGS" names args: a spec; so is "[EVENT=]POINT ARGS" */
	if (strpbrk(sec, " \t") || (d && !d->parse))
		return 0;
	if (!d)
		return strchr(sec, '=') ? 0 : -ENOENT;
	if (!*rest) {
		*col = rest - sec;
		return -EINVAL;
	}
	err = d->parse(d, sec, rest, plan, col);
	if (!err)
		*def = d;
	return err;
}

const struct sec_def *sec_def_of(enum probe_target target, bool ret)
{
	for (size_t i = 0; i < sec_defs_count; i++)
		if (sec_defs[i].target == target && sec_defs[i].ret == ret)
			return &sec_defs[i];
	return NULL;
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * vtrace.h: what a BPF program traced by vtrace may include.
 *
 *   #include <vtrace.h>
 *
 *   SEC("raw_tp/sys_enter")
 *   int on_enter(struct bpf_raw_tracepoint_args *ctx)
 *   {
 *           vtrace_printf("syscall %ld", (long)ctx->args[1]);
 *           return 0;
 *   }
 *
 * vtrace_printf(FMT, ...) sends a sample whose format is rendered by vtrace
 * in user space (up to 8 arguments; char pointers and arrays are copied as
 * strings of at most VTRACE_STR_MAX bytes).  vtrace_emit(&value) sends a
 * value whose type vtrace prints from the program's BTF.
 *
 * vmlinux.h (kernel types, made from the running kernel's BTF) and libbpf's
 * bpf_helpers.h, bpf_tracing.h and bpf_core_read.h come with it.
 */
#ifndef __VTRACE_H
#define __VTRACE_H

#ifndef VTRACE_NO_VMLINUX
#include "vmlinux.h"
#endif
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vtrace_sample.h"

#ifndef VTRACE_STR_MAX
#define VTRACE_STR_MAX 128
#endif

/* Both maps are replaced by vtrace's own at load: one ring buffer for all. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} vtrace_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} vtrace_lost SEC(".maps");

static __always_inline __u32 __vtrace_probe_id(void)
{
	__u64 id;

	/* vtrace rewrites this constant into the program's probe id. */
	asm volatile("%0 = 0x5654524350524f42 ll" : "=r"(id));
	return (__u32)id;
}

static __always_inline void __vtrace_count_lost(void)
{
	__u32 zero = 0;
	__u64 *lost = bpf_map_lookup_elem(&vtrace_lost, &zero);

	if (lost)
		*lost += 1;
}

static __always_inline void *__vtrace_reserve(__u16 kind, __u32 size)
{
	struct vtrace_sample *s = bpf_ringbuf_reserve(&vtrace_events, size, 0);
	__u64 id;

	if (!s) {
		__vtrace_count_lost();
		return (void *)0;
	}
	id = bpf_get_current_pid_tgid();
	s->probe_id = __vtrace_probe_id();
	s->kind = kind;
	s->flags = 0;
	s->pid = id >> 32;
	s->tid = (__u32)id;
	s->time_ns = bpf_ktime_get_ns();
	s->cpu = bpf_get_smp_processor_id();
	s->instance = 0;
	bpf_get_current_comm(s->comm, sizeof(s->comm));
	return s;
}

/* User or kernel string: the user read fails fast on a kernel address. */
static __always_inline int __vtrace_read_str(void *dst, __u32 size, const void *src)
{
	if (bpf_probe_read_user_str(dst, size, src) > 0)
		return 0;
	if (bpf_probe_read_kernel_str(dst, size, src) > 0)
		return 0;
	*(char *)dst = 0;
	return -1;
}

#define __VT_TAG(x) _Generic((x),					\
	char: VT_ARG_CHAR, signed char: VT_ARG_S8, unsigned char: VT_ARG_U8, \
	short: VT_ARG_S16, unsigned short: VT_ARG_U16,			\
	int: VT_ARG_S32, unsigned int: VT_ARG_U32,			\
	long: VT_ARG_S64, unsigned long: VT_ARG_U64,			\
	long long: VT_ARG_S64, unsigned long long: VT_ARG_U64,		\
	_Bool: VT_ARG_BOOL,						\
	char *: VT_ARG_STR, const char *: VT_ARG_STR,			\
	default: VT_ARG_PTR)

#define __VT_SLOT(x) (__VT_TAG(x) == VT_ARG_STR ? VTRACE_STR_MAX : 8)

#define __VT_NARGS(...) __VT_NARGS_(0, ##__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define __VT_NARGS_(_0, _1, _2, _3, _4, _5, _6, _7, _8, N, ...) N
#define __VT_CAT(a, b) __VT_CAT_(a, b)
#define __VT_CAT_(a, b) a##b
#define __VT_EACH(m, ...) __VT_CAT(__VT_EACH_, __VT_NARGS(__VA_ARGS__))(m, ##__VA_ARGS__)
#define __VT_EACH_0(m)
#define __VT_EACH_1(m, a) m(0, a)
#define __VT_EACH_2(m, a, b) __VT_EACH_1(m, a) m(1, b)
#define __VT_EACH_3(m, a, b, c) __VT_EACH_2(m, a, b) m(2, c)
#define __VT_EACH_4(m, a, b, c, d) __VT_EACH_3(m, a, b, c) m(3, d)
#define __VT_EACH_5(m, a, b, c, d, e) __VT_EACH_4(m, a, b, c, d) m(4, e)
#define __VT_EACH_6(m, a, b, c, d, e, f) __VT_EACH_5(m, a, b, c, d, e) m(5, f)
#define __VT_EACH_7(m, a, b, c, d, e, f, g) __VT_EACH_6(m, a, b, c, d, e, f) m(6, g)
#define __VT_EACH_8(m, a, b, c, d, e, f, g, h) __VT_EACH_7(m, a, b, c, d, e, f, g) m(7, h)

#define __VT_SIZE_OF(i, x) + __VT_SLOT(x)
#define __VT_PUT(i, x) {						\
	__s->p.tags[i] = __VT_TAG(x);					\
	if (__VT_TAG(x) == VT_ARG_STR) {				\
		if (__vtrace_read_str(__s->data + __off, VTRACE_STR_MAX, \
				      (const void *)(unsigned long)(x))) \
			__s->p.tags[i] = VT_ARG_STR_FAULT;		\
		__off += VTRACE_STR_MAX;				\
	} else {							\
		*(__u64 *)(__s->data + __off) = (__u64)(x);		\
		__off += 8;						\
	}								\
}

/*
 * printf's rules for FMT and the arguments, checked by the compiler: a
 * count that does not match is an error, a type that does not match a
 * warning.  Only named in sizeof(), never called: nothing is emitted.
 */
void __vtrace_printf_check(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define __VT_CHECK_FORMAT(fmt, args...)					\
	_Pragma("clang diagnostic push")				\
	_Pragma("clang diagnostic error \"-Wformat-insufficient-args\"") \
	_Pragma("clang diagnostic error \"-Wformat-extra-args\"")	\
	(void)sizeof((__vtrace_printf_check(fmt, ##args), 0));		\
	_Pragma("clang diagnostic pop")

#define vtrace_printf(fmt, args...) ___vtrace_printf(__COUNTER__, fmt, ##args)
#define ___vtrace_printf(fid, fmt, args...) ({				\
	__VT_CHECK_FORMAT(fmt, ##args)					\
	static const struct {						\
		struct vtrace_fmt_rec r;				\
		char text[sizeof(fmt)];					\
	} __vt_fmt __attribute__((section(".vtrace.fmt"), used, aligned(4))) = \
		{ { fid, VTRACE_FMT_PRINTF }, fmt };			\
	_Static_assert(__VT_NARGS(args) <= VTRACE_PRINTF_MAX_ARGS,	\
		       "vtrace_printf takes at most 8 arguments");	\
	struct {							\
		struct vtrace_sample h;					\
		struct vtrace_printf_payload p;				\
		char data[0 __VT_EACH(__VT_SIZE_OF, ##args)];		\
	} *__s = __vtrace_reserve(VTRACE_SAMPLE_PRINTF, sizeof(*__s));	\
	if (__s) {							\
		__u32 __off = 0;					\
		(void)__off;						\
		__s->p.fmt_id = fid;					\
		__s->p.nargs = __VT_NARGS(args);			\
		__s->p.str_max = VTRACE_STR_MAX;			\
		__builtin_memset(__s->p.tags, 0, sizeof(__s->p.tags));	\
		__VT_EACH(__VT_PUT, ##args)				\
		bpf_ringbuf_submit(__s, 0);				\
	}								\
})

/* Sends *ptr (a value in the program's memory) typed by the program's BTF. */
#define vtrace_emit(ptr) ({						\
	struct {							\
		struct vtrace_sample h;					\
		struct vtrace_struct_payload p;				\
		typeof(*(ptr)) v;					\
	} *__s = __vtrace_reserve(VTRACE_SAMPLE_STRUCT, sizeof(*__s));	\
	if (__s) {							\
		__s->p.type_id = bpf_core_type_id_local(typeof(*(ptr)));	\
		__s->p.size = sizeof(*(ptr));				\
		__builtin_memcpy(&__s->v, (ptr), sizeof(*(ptr)));	\
		bpf_ringbuf_submit(__s, 0);				\
	}								\
})

#endif /* __VTRACE_H */

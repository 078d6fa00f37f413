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
 * Under record -g both also carry the stack (the current task's kernel
 * stack for kernel probes, its user registers and stack copy).
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

static __always_inline __u32 __vtrace_stack_flags(void)
{
	__u64 v;

	/* vtrace rewrites this constant into record -g's stack bits (0 without -g). */
	asm volatile("%0 = 0x565452435354434b ll" : "=r"(v));
	return (__u32)v;
}

#define __VTRACE_STACK_ROOM (sizeof(struct vtrace_stack_block) + VTRACE_KSTACK_MAX +	\
			     VTRACE_UREGS_SIZE + VTRACE_USTACK_MAX + sizeof(struct vtrace_stack_trailer))

/*
 * record -g: the stack block after the sample's off bytes (vtrace_sample.h):
 * the current task's kernel stack, its user registers and a copy of its
 * user stack; the trailer at the end of the room.
 */
static __always_inline void __vtrace_stack(char *s, __u32 off, __u32 sf)
{
	struct vtrace_stack_block *b = (struct vtrace_stack_block *)(s + off);
	struct vtrace_stack_trailer *t = (struct vtrace_stack_trailer *)(s + off + __VTRACE_STACK_ROOM -
									 sizeof(*t));
	char *regs = s + off + sizeof(*b) + VTRACE_KSTACK_MAX, *stk = regs + VTRACE_UREGS_SIZE;
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 sp;
	long n;

	b->kern_bytes = 0;
	b->regs_bytes = 0;
	b->stack_bytes = 0;
	b->kern_room = VTRACE_KSTACK_MAX;
	t->block_off = off;
	t->magic = VTRACE_STACK_MAGIC;
	if (sf & VTRACE_STACK_F_KERNEL) {
		n = bpf_get_task_stack(task, (void *)(b + 1), VTRACE_KSTACK_MAX, 0);
		b->kern_bytes = n > 0 ? n : 0;
	}
	if (bpf_probe_read_kernel(regs, VTRACE_UREGS_SIZE, (void *)bpf_task_pt_regs(task)))
		return;
	b->regs_bytes = VTRACE_UREGS_SIZE;
	sp = ((__u64 *)regs)[19];
	n = VTRACE_USTACK_MAX;
	if (bpf_probe_read_user(stk, VTRACE_USTACK_MAX, (void *)sp)) {
		/* near the top of the stack: to the end of sp's next page, or its own */
		n = 8192 - (sp & 4095);
		if (bpf_probe_read_user(stk, n, (void *)sp)) {
			n = 4096 - (sp & 4095);
			if (bpf_probe_read_user(stk, n, (void *)sp))
				n = 0;
		}
	}
	b->stack_bytes = n;
}

static __always_inline void *__vtrace_reserve(__u16 kind, __u32 size)
{
	__u32 sf = __vtrace_stack_flags();
	struct vtrace_sample *s = sf ? bpf_ringbuf_reserve(&vtrace_events, ((size + 7) & ~7u) +
							   __VTRACE_STACK_ROOM, 0)
				     : bpf_ringbuf_reserve(&vtrace_events, size, 0);
	__u64 id;

	if (!s) {
		__vtrace_count_lost();
		return (void *)0;
	}
	if (sf)
		__vtrace_stack((char *)s, (size + 7) & ~7u, sf);
	id = bpf_get_current_pid_tgid();
	s->probe_id = __vtrace_probe_id();
	s->kind = kind;
	s->flags = sf ? VTRACE_SAMPLE_F_STACK : 0;
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
		bpf_ringbuf_submit(__s, BPF_RB_NO_WAKEUP);		\
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
		bpf_ringbuf_submit(__s, BPF_RB_NO_WAKEUP);		\
	}								\
})

/*
 * Aggregations, as bpftrace's @name[key] = count() / sum(v) / min(v) /
 * max(v) / avg(v) / hist(v) / lhist(v, min, max, step).  Declared at file
 * scope, updated in programs; vtrace prints them at exit (and every
 * --interval) as bpftrace does.  The key is optional; a struct key with
 * holes must be zeroed (__builtin_memset) before its fields are set.
 *
 *   VTRACE_COUNT(calls, __u32);             // @calls[pid] = count()
 *   VTRACE_HIST(lat);                       // @lat = hist(ns)
 *   VTRACE_LHIST(sizes, 0, 1000, 100, int); // @sizes[op] = lhist(n, 0, 1000, 100)
 *
 *   vtrace_count(calls, pid);
 *   vtrace_hist(lat, ns);
 *   vtrace_lhist(sizes, op, n);
 *
 * Each is a per-CPU hash map (no atomics shared between CPUs, summed by
 * vtrace when it prints); histograms keep one entry per (key, bucket).
 * Values are signed 64-bit; lhist's bounds are ints, (max - min) a
 * multiple of step.  An update that finds the map full (VTRACE_AGG_ENTRIES
 * entries) is counted and reported at exit.
 */
#ifndef VTRACE_AGG_ENTRIES
#define VTRACE_AGG_ENTRIES 10240
#endif

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} vtrace_agg_drops SEC(".maps");

static __always_inline void __vtrace_agg_drop(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&vtrace_agg_drops, &zero);

	if (n)
		*n += 1;
}

/* The key's entry, made (zeroed) if it is not there yet; NULL when the map is full. */
static __always_inline void *__vtrace_agg_entry(void *map, const void *key, const void *zero)
{
	void *v = bpf_map_lookup_elem(map, key);

	if (v)
		return v;
	bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	v = bpf_map_lookup_elem(map, key);
	if (!v)
		__vtrace_agg_drop();
	return v;
}

static __always_inline void __vtrace_stat(void *map, const void *key, int kind, __s64 v)
{
	struct vtrace_stat zero = {}, *s = __vtrace_agg_entry(map, key, &zero);
	__u64 before;

	if (!s)
		return;
	before = __sync_fetch_and_add(&s->count, 1);
	if (kind == VTRACE_AGG_SUM || kind == VTRACE_AGG_AVG)
		__sync_fetch_and_add(&s->value, v);
	else if (kind == VTRACE_AGG_MIN && (!before || v < s->value))
		s->value = v;
	else if (kind == VTRACE_AGG_MAX && (!before || v > s->value))
		s->value = v;
}

static __always_inline void __vtrace_bucket(void *map, const void *key)
{
	__u64 zero = 0, *n = __vtrace_agg_entry(map, key, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
}

static __always_inline __u64 __vtrace_log2_slot(__s64 v)
{
	__u64 x = v, r = 0;

	if (v < 0)
		return 0;
	if (!v)
		return 1;
	if (x >> 32) { x >>= 32; r += 32; }
	if (x >> 16) { x >>= 16; r += 16; }
	if (x >> 8) { x >>= 8; r += 8; }
	if (x >> 4) { x >>= 4; r += 4; }
	if (x >> 2) { x >>= 2; r += 2; }
	if (x >> 1) r += 1;
	return r + 2;
}

static __always_inline __u64 __vtrace_lhist_slot(__s64 v, __s64 min, __s64 max, __s64 step)
{
	__u64 n = (__u64)(max - min) / (__u64)step, d;

	if (v < min)
		return 0;
	d = (__u64)v - (__u64)min;
	return d >= n * (__u64)step ? n + 1 : 1 + d / (__u64)step;
}

#define __VT_AGG_DECLARE(name, kind, flags, lo, hi, st, map_key, map_value)	\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PERCPU_HASH);			\
		__uint(max_entries, VTRACE_AGG_ENTRIES);		\
		__type(key, map_key);					\
		__type(value, map_value);				\
	} name SEC(".maps");						\
	static const struct vtrace_agg_rec __vt_agg_rec_##name		\
		__attribute__((section(VTRACE_AGG_SECTION), used, aligned(8))) = \
		{ kind, flags, lo, hi, st, #name };			\
	enum { __vt_agg_kind_##name = kind, __vt_agg_min_##name = (lo),	\
	       __vt_agg_max_##name = (hi), __vt_agg_step_##name = (st) }

#define __VT_STAT_DECL_1(kind, name) __VT_AGG_DECLARE(name, kind, VTRACE_AGG_F_NOKEY, 0, 0, 0, __u32, struct vtrace_stat)
#define __VT_STAT_DECL_2(kind, name, K) __VT_AGG_DECLARE(name, kind, 0, 0, 0, 0, K, struct vtrace_stat)
#define __VT_STAT_DECL(kind, ...) __VT_CAT(__VT_STAT_DECL_, __VT_NARGS(__VA_ARGS__))(kind, __VA_ARGS__)

#define VTRACE_COUNT(...) __VT_STAT_DECL(VTRACE_AGG_COUNT, __VA_ARGS__)
#define VTRACE_SUM(...) __VT_STAT_DECL(VTRACE_AGG_SUM, __VA_ARGS__)
#define VTRACE_MIN(...) __VT_STAT_DECL(VTRACE_AGG_MIN, __VA_ARGS__)
#define VTRACE_MAX(...) __VT_STAT_DECL(VTRACE_AGG_MAX, __VA_ARGS__)
#define VTRACE_AVG(...) __VT_STAT_DECL(VTRACE_AGG_AVG, __VA_ARGS__)

#define __VT_HIST_DECL_1(name) __VT_AGG_DECLARE(name, VTRACE_AGG_HIST, VTRACE_AGG_F_NOKEY, 0, 0, 0, \
	struct { __u64 slot; __u32 key; }, __u64)
#define __VT_HIST_DECL_2(name, K) __VT_AGG_DECLARE(name, VTRACE_AGG_HIST, 0, 0, 0, 0, \
	struct { __u64 slot; K key; }, __u64)
#define VTRACE_HIST(...) __VT_CAT(__VT_HIST_DECL_, __VT_NARGS(__VA_ARGS__))(__VA_ARGS__)

#define __VT_LHIST_DECL_4(name, lo, hi, st) __VT_AGG_DECLARE(name, VTRACE_AGG_LHIST, VTRACE_AGG_F_NOKEY, \
	lo, hi, st, struct { __u64 slot; __u32 key; }, __u64);				\
	_Static_assert((st) > 0 && (hi) > (lo) && ((hi) - (lo)) % (st) == 0,		\
		       "VTRACE_LHIST(name, min, max, step): max > min, step > 0, (max - min) % step == 0")
#define __VT_LHIST_DECL_5(name, lo, hi, st, K) __VT_AGG_DECLARE(name, VTRACE_AGG_LHIST, 0, \
	lo, hi, st, struct { __u64 slot; K key; }, __u64);				\
	_Static_assert((st) > 0 && (hi) > (lo) && ((hi) - (lo)) % (st) == 0,		\
		       "VTRACE_LHIST(name, min, max, step): max > min, step > 0, (max - min) % step == 0")
#define VTRACE_LHIST(...) __VT_CAT(__VT_LHIST_DECL_, __VT_NARGS(__VA_ARGS__))(__VA_ARGS__)

#define __VT_AGG_IS(name, kind, what)					\
	_Static_assert(__vt_agg_kind_##name == (kind), #name " is not declared with " what)

/* A stat update: kind checked against the declaration, key optional. */
#define __VT_STAT_2(kind, what, name, v) ({				\
	__VT_AGG_IS(name, kind, what);					\
	__u32 __k = 0;							\
	__vtrace_stat(&name, &__k, kind, (__s64)(v));			\
})
#define __VT_STAT_3(kind, what, name, kv, v) ({			\
	__VT_AGG_IS(name, kind, what);					\
	typeof(*name.key) __k;						\
	__builtin_memset(&__k, 0, sizeof(__k));				\
	__k = (kv);							\
	__vtrace_stat(&name, &__k, kind, (__s64)(v));			\
})
#define __VT_STAT(kind, what, ...) __VT_CAT(__VT_STAT_, __VT_NARGS(__VA_ARGS__))(kind, what, __VA_ARGS__)

#define __VT_COUNT_1(name) __VT_STAT_2(VTRACE_AGG_COUNT, "VTRACE_COUNT", name, 0)
#define __VT_COUNT_2(name, kv) __VT_STAT_3(VTRACE_AGG_COUNT, "VTRACE_COUNT", name, kv, 0)
#define vtrace_count(...) __VT_CAT(__VT_COUNT_, __VT_NARGS(__VA_ARGS__))(__VA_ARGS__)
#define vtrace_sum(...) __VT_STAT(VTRACE_AGG_SUM, "VTRACE_SUM", __VA_ARGS__)
#define vtrace_min(...) __VT_STAT(VTRACE_AGG_MIN, "VTRACE_MIN", __VA_ARGS__)
#define vtrace_max(...) __VT_STAT(VTRACE_AGG_MAX, "VTRACE_MAX", __VA_ARGS__)
#define vtrace_avg(...) __VT_STAT(VTRACE_AGG_AVG, "VTRACE_AVG", __VA_ARGS__)

#define __VT_BUCKET_2(slotfn, name, v) ({				\
	typeof(*name.key) __k;						\
	__builtin_memset(&__k, 0, sizeof(__k));				\
	__k.slot = slotfn(name, (__s64)(v));				\
	__vtrace_bucket(&name, &__k);					\
})
#define __VT_BUCKET_3(slotfn, name, kv, v) ({				\
	typeof(*name.key) __k;						\
	__builtin_memset(&__k, 0, sizeof(__k));				\
	__k.key = (kv);							\
	__k.slot = slotfn(name, (__s64)(v));				\
	__vtrace_bucket(&name, &__k);					\
})
#define __VT_LOG2_SLOT(name, v) __vtrace_log2_slot(v)
#define __VT_LIN_SLOT(name, v) __vtrace_lhist_slot(v, __vt_agg_min_##name, \
	__vt_agg_max_##name, __vt_agg_step_##name)
#define vtrace_hist(name, ...) ({					\
	__VT_AGG_IS(name, VTRACE_AGG_HIST, "VTRACE_HIST");		\
	__VT_CAT(__VT_BUCKET_, __VT_NARGS(name, __VA_ARGS__))(__VT_LOG2_SLOT, name, __VA_ARGS__); \
})
#define vtrace_lhist(name, ...) ({					\
	__VT_AGG_IS(name, VTRACE_AGG_LHIST, "VTRACE_LHIST");		\
	__VT_CAT(__VT_BUCKET_, __VT_NARGS(name, __VA_ARGS__))(__VT_LIN_SLOT, name, __VA_ARGS__); \
})

#endif /* __VTRACE_H */

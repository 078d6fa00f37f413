/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_SESSION_H
#define VTRACE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <bpf/libbpf.h>

#include "bpf/attach.h"
#include "bpf/entry.h"
#include "bpf/features.h"
#include "bpf/prologue.h"
#include "bpf/rewrite.h"
#include "lib/printfmt.h"
#include "lib/strbuf.h"
#include "lib/value.h"
#include "probe/fetch.h"
#include "probe/spec.h"

/* the ring buffer's default sizes (see default_ring_size() in bpf/session.c) */
#define RING_SIZE_USER (8u << 20)
#define RING_SIZE_KERNEL (64u << 20)

/*
 * One `vtrace record`: the user's objects and programs, vtrace's own maps
 * (one ring buffer for every object, the lost-sample counters, the set of
 * traced processes) and the links.  Stages: session_add() per -e,
 * session_load(), session_attach(), then reading; session_close() undoes
 * whatever was done, in any state.
 */
struct vt_object {
	char *src;			/* as the user named it */
	char *path;			/* the BPF object file */
	struct bpf_object *obj;
	struct fmt_table fmts;		/* moves to the decoder when reading starts */
};

struct session;

struct vt_program {
	struct vt_object *obj;
	struct bpf_program *prog;
	const char *sec;
	const char *event;
	/*
	 * Where it attaches: the plan (one instance and no args for a kind's
	 * own section, a spec's resolved places and fetches) and the row of
	 * the plan's kind (bpf/attach.h).
	 */
	struct probe_resolved res;
	const struct sec_def *def;
	/* its code before loading: the spec wrapper's prologue, or the pid filter's */
	int (*prepare)(const struct session *s, struct vt_program *p, struct bpf_prog_load_opts *opts);
	__u32 id;			/* index in session.progs */
	struct bpf_link **links;	/* one per instance */
	size_t nlinks;
	bool multi;			/* a spec's instances on one uprobe or kprobe multi link */
	int multi_fd;			/* that link; -1: none */
	struct rewrite rw;
	/* probe specs only: the spec, and the sample its args make */
	struct spec *spec;
	struct sample_layout layout;
	uint32_t *group_of;		/* each instance's fetch code (bpf/prologue.h) */
	char *event_name;
	struct filter *filter;		/* --filter, bound to these args (bpf/oneliner.c) */
};

struct session {
	struct vt_object **objs;
	size_t nobjs;
	struct vt_program **progs;
	size_t nprogs;
	bool filter;			/* only the processes in the pid set */
	size_t rb_size;			/* 0: RING_SIZE_USER or _KERNEL by the probes' kinds */
	int rb_fd, lost_fd, pids_fd, scratch_fd;
	struct bpf_object *own;
	struct bpf_link *own_links[2];
	struct entry_probes entry;	/* entry values' companion probes */
	struct user_reads ur;		/* sleepable reads of user memory */
	bool loaded;
	bool stacks;			/* record -g */
	int *handlers;			/* libbpf's program handlers, this session their cookie */
	size_t nhandlers;
	char *registry_file;		/* what bpf/registry.c published for vtrace list */
	struct strbuf registry_links;
};

void session_init(struct session *s);
/* Compiles (.c) or opens (.o) one -e argument and checks its sections. */
int session_add(struct session *s, const char *src);
/* The same for a file vtrace wrote (a command-line spec, standard input), named src in messages. */
int session_add_as(struct session *s, const char *file, const char *src);
/* Creates the maps and loads every object; filter: trace only session_track()ed pids. */
int session_load(struct session *s, bool filter);
int session_track(struct session *s, pid_t pid);
int session_attach(struct session *s);
/* Destroys the user programs' links: nothing more is sent (the maps stay readable). */
void session_detach(struct session *s);
void session_close(struct session *s);

/* Samples lost because the ring buffer was full, over all CPUs. */
unsigned long long session_lost(const struct session *s);

/* Checks that the caller may use BPF and perf events; prints why not. */
int check_privileges(void);

#endif

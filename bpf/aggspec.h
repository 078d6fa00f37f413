/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_AGGSPEC_H
#define VTRACE_AGGSPEC_H

#include <stddef.h>
#include <stdint.h>

/*
 * An -e SPEC that aggregates instead of recording (record's --count,
 * --sum/--min/--max/--avg/--hist ARG, --lhist ARG:MIN:MAX:STEP): the
 * generated program is a spec program whose function updates a vtrace.h
 * aggregation named after the event and returns 0 (nothing recorded).
 * --by ARG keys it by another arg.  The args it needs may be any of the
 * spec's: the generated spec lists them first (the function receives the
 * first three args), the others after them, for --filter.
 */
struct agg_opt {
	uint32_t kind;		/* enum vtrace_agg_kind; 0: none */
	char arg[64];		/* the arg aggregated; "" for count */
	char key[64];		/* --by: the arg keying it; "" for none */
	long long min, max, step;	/* lhist */
};

/* Parses --KIND[=ARG]; -EINVAL with a message for the person in why. */
int agg_opt_parse(const char *kind, const char *arg, struct agg_opt *o, char *why, size_t size);
/* Parses --by ARG for the aggregation o; -EINVAL with a message in why. */
int agg_opt_by(struct agg_opt *o, const char *arg, char *why, size_t size);

/* The C source (cached by content) for spec aggregated as o; -EINVAL said why. */
int aggspec_source(const char *spec, const struct agg_opt *o, char *path, size_t size);

struct session;
/* session_add_event() for an aggregating spec. */
int session_add_agg(struct session *s, const char *spec, const struct agg_opt *o);

#endif

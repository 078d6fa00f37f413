// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe/section.h"

const char *const section_prefixes[] = {
	"kprobe/", "kretprobe/", "uprobe/", "uretprobe/",
	"raw_tp/", "raw_tracepoint/", "tp/", "tracepoint/", NULL,
};

static const struct {
	const char *prefix;
	enum probe_kind kind;
} prefixes[] = {
	{ "kprobe/", PROBE_KPROBE },
	{ "kretprobe/", PROBE_KRETPROBE },
	{ "uprobe/", PROBE_UPROBE },
	{ "uretprobe/", PROBE_URETPROBE },
	{ "raw_tp/", PROBE_RAW_TP },
	{ "raw_tracepoint/", PROBE_RAW_TP },
	{ "tp/", PROBE_TP },
	{ "tracepoint/", PROBE_TP },
};

const char *probe_kind_name(enum probe_kind kind)
{
	switch (kind) {
	case PROBE_KPROBE: return "kprobe";
	case PROBE_KRETPROBE: return "kretprobe";
	case PROBE_UPROBE: return "uprobe";
	case PROBE_URETPROBE: return "uretprobe";
	case PROBE_RAW_TP: return "raw_tp";
	case PROBE_TP: return "tp";
	case PROBE_SPEC: return "spec";
	}
	return "?";
}

enum bpf_prog_type probe_kind_prog_type(enum probe_kind kind)
{
	switch (kind) {
	case PROBE_RAW_TP: return BPF_PROG_TYPE_RAW_TRACEPOINT;
	case PROBE_TP: return BPF_PROG_TYPE_TRACEPOINT;
	default: return BPF_PROG_TYPE_KPROBE;
	}
}

/* "NAME[+OFF]": a symbol and an optional decimal or 0x offset. */
static int parse_sym_off(const char *s, const char *base, char **func,
			 unsigned long *off, int *col)
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

int section_parse(const char *sec, struct probe_point *pp, int *col)
{
	const char *rest = NULL;
	size_t i;
	int err;

	memset(pp, 0, sizeof(*pp));
	*col = 0;
	/*
	 * "raw_tp/NAME ARGS" and "tp/C/N ARGS" name args: they are specs.  So
	 * is every tracepoint program: as in perf, a nonzero return records
	 * the event (its raw record, printed from the tracepoint's format).
	 */
	if (strpbrk(sec, " \t") || !strncmp(sec, "tp/", 3) || !strncmp(sec, "tracepoint/", 11)) {
		pp->kind = PROBE_SPEC;
		return 0;
	}
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i].prefix);

		if (!strncmp(sec, prefixes[i].prefix, n)) {
			rest = sec + n;
			pp->kind = prefixes[i].kind;
			break;
		}
	}
	if (!rest) {
		if (strchr(sec, '=')) {
			pp->kind = PROBE_SPEC;
			return 0;
		}
		return -ENOENT;
	}
	if (!*rest) {
		*col = rest - sec;
		return -EINVAL;
	}

	switch (pp->kind) {
	case PROBE_KPROBE:
	case PROBE_KRETPROBE:
		err = parse_sym_off(rest, sec, &pp->func, &pp->offset, col);
		if (!err && pp->kind == PROBE_KRETPROBE && pp->offset) {
			*col = strchr(rest, '+') - sec;
			err = -EINVAL;
		}
		break;
	case PROBE_UPROBE:
	case PROBE_URETPROBE: {
		const char *colon = strrchr(rest, ':');

		if (!colon || colon == rest) {
			*col = colon ? colon - sec : (int)strlen(sec);
			return -EINVAL;
		}
		pp->binary = strndup(rest, colon - rest);
		err = parse_sym_off(colon + 1, sec, &pp->func, &pp->offset, col);
		if (!err && pp->kind == PROBE_URETPROBE && pp->offset) {
			*col = strchr(colon, '+') - sec;
			err = -EINVAL;
		}
		break;
	}
	case PROBE_RAW_TP:
		pp->name = strdup(rest);
		err = 0;
		break;
	case PROBE_TP: {
		const char *slash = strchr(rest, '/');

		if (!slash || slash == rest || !slash[1]) {
			*col = slash ? slash - sec + 1 : (int)strlen(sec);
			return -EINVAL;
		}
		pp->category = strndup(rest, slash - rest);
		pp->name = strdup(slash + 1);
		err = 0;
		break;
	}
	default:
		err = -EINVAL;
	}
	if (err)
		probe_point_free(pp);
	return err;
}

void probe_point_free(struct probe_point *pp)
{
	free(pp->binary);
	free(pp->func);
	free(pp->category);
	free(pp->name);
	memset(pp, 0, sizeof(*pp));
}

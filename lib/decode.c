// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "lib/decode.h"
#include "lib/output.h"
#include "vtrace_sample.h"

/* Where a spec sample keeps its fault and unavailable bits (see bpf/prologue.h). */
#define FAULTS_OFF 48
#define UNAVAIL_OFF 56

static const struct {
	const char *name;
	unsigned bit;
} field_names[] = {
	{ "comm", FIELD_COMM }, { "tid", FIELD_TID }, { "pid", FIELD_PID }, { "cpu", FIELD_CPU },
	{ "time", FIELD_TIME }, { "event", FIELD_EVENT }, { "args", FIELD_ARGS },
};

int decode_fields_parse(const char *spec, unsigned *mask, const char **bad)
{
	char *copy = strdup(spec), *tok, *save = NULL;
	int rc = 0;

	*mask = 0;
	for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
			if (!strcmp(tok, field_names[i].name))
				break;
		if (i == sizeof(field_names) / sizeof(field_names[0])) {
			*bad = spec + (tok - copy);
			rc = -EINVAL;
		} else {
			*mask |= field_names[i].bit;
		}
	}
	free(copy);
	if (!rc && !*mask)
		rc = -EINVAL, *bad = spec;
	return rc;
}

const struct value_type *decode_type(struct decoder *d, uint32_t obj, uint32_t id)
{
	struct decode_obj *o;

	if (obj >= d->nobjs)
		return NULL;
	o = &d->objs[obj];
	if (id < o->ntypes && o->types[id])
		return o->types[id];
	if (!d->find_type)
		return NULL;
	if (id >= o->ntypes) {
		struct value_type **nt = realloc(o->types, (id + 1) * sizeof(*nt));

		if (!nt)
			return NULL;
		memset(nt + o->ntypes, 0, (id + 1 - o->ntypes) * sizeof(*nt));
		o->types = nt;
		o->ntypes = id + 1;
	}
	o->types[id] = d->find_type(d->find_ctx, obj, id);
	return o->types[id];
}

static struct decode_probe *probe_of(struct decoder *d, const struct vtrace_sample *h, size_t size)
{
	/* a sample before its probe's record (a hole in the table) has no probe */
	if (size < sizeof(*h) || h->probe_id >= d->nprobes || !d->probes[h->probe_id].event)
		return NULL;
	return &d->probes[h->probe_id];
}

/* A constant libtraceevent may divide by: a positive number (0 and -1 trap in idiv) */
static bool positive_atom(const struct tep_print_arg *a)
{
	char *end;
	long long v;

	if (!a || a->type != TEP_PRINT_ATOM || !a->atom.atom)
		return false;
	v = strtoll(a->atom.atom, &end, 0);
	return *a->atom.atom && !*end && v > 0;
}

/*
 * Does the format's print expression divide by something that is not a
 * positive constant?  libtraceevent evaluates "REC->a / REC->b" as C does,
 * and a record (a data file's, which may come from anywhere) with b == 0
 * kills the reader with SIGFPE.  Such a format prints its fields instead.
 */
static bool divides_by_data(const struct tep_print_arg *a, int depth)
{
	for (; a; a = a->next) {
		const struct tep_print_arg *sub[3] = { NULL };

		if (depth > 64)
			return true;	/* deeper than any kernel format: not walked, not trusted */
		switch (a->type) {
		case TEP_PRINT_OP:
			if (a->op.op && (!strcmp(a->op.op, "/") || !strcmp(a->op.op, "%")) &&
			    !positive_atom(a->op.right))
				return true;
			sub[0] = a->op.left;
			sub[1] = a->op.right;
			break;
		case TEP_PRINT_TYPE:
			sub[0] = a->typecast.item;
			break;
		case TEP_PRINT_FLAGS:
			sub[0] = a->flags.field;
			break;
		case TEP_PRINT_SYMBOL:
			sub[0] = a->symbol.field;
			break;
		case TEP_PRINT_HEX:
		case TEP_PRINT_HEX_STR:
			sub[0] = a->hex.field;
			sub[1] = a->hex.size;
			break;
		case TEP_PRINT_INT_ARRAY:
			sub[0] = a->int_array.field;
			sub[1] = a->int_array.count;
			sub[2] = a->int_array.el_size;
			break;
		case TEP_PRINT_DYNAMIC_ARRAY:
		case TEP_PRINT_DYNAMIC_ARRAY_LEN:
			sub[0] = a->dynarray.index;
			break;
		case TEP_PRINT_FUNC:
			sub[0] = a->func.args;
			break;
		default:
			break;
		}
		for (int i = 0; i < 3; i++)
			if (divides_by_data(sub[i], depth + 1))
				return true;
	}
	return false;
}

/* A raw tracepoint record, through libtraceevent, as perf script prints it. */
static int tp_record(struct decode_probe *p, struct strbuf *sb, const struct vtrace_sample *h,
		     const char *data, size_t size, bool json)
{
	struct tep_record rec = { 0 };
	struct trace_seq *seq = p->seq;
	char buf[2048];
	uint16_t type;
	int32_t pid = h->tid;

	if (!p->nargs || (uint64_t)p->args[0].off + p->args[0].size > size ||
	    p->args[0].size > sizeof(buf) || p->args[0].size < 8 || p->tp_id < 0)
		return -EINVAL;
	if (!p->tep) {
		struct tep_handle *tep = tep_alloc();
		struct tep_event *ev = NULL;

		if (!tep || tep_parse_format(tep, &ev, p->tp_format, strlen(p->tp_format), p->tp_system) ||
		    !ev) {
			/*
			 * Once: a format libtraceevent cannot parse (a damaged file's)
			 * is not parsed again for every sample (libtraceevent 1.7
			 * leaks a token or two on some malformed formats).
			 */
			tep_free(tep);
			p->tp_id = -1;
			return -EINVAL;
		}
		p->tep = tep;
		p->tp_id = ev->id;
		p->tp_fields_of = divides_by_data(ev->print_fmt.args, 0) ? ev : NULL;
	}
	/*
	 * The kernel hands a BPF program the record with its first 8 bytes
	 * (the common fields) overwritten by a pt_regs pointer: they are put
	 * back from what the sample knows.
	 */
	memcpy(buf, data + p->args[0].off, p->args[0].size);
	type = p->tp_id;
	memcpy(buf, &type, 2);
	buf[2] = buf[3] = 0;
	memcpy(buf + 4, &pid, 4);
	rec.data = buf;
	rec.size = p->args[0].size;
	rec.cpu = h->cpu;
	rec.ts = h->time_ns;
	/* one buffer for every sample: a storm's millions of records allocated one each */
	if (!seq) {
		seq = malloc(sizeof(*seq));
		if (!seq)
			return -ENOMEM;
		trace_seq_init(seq);
		p->seq = seq;
	} else {
		trace_seq_reset(seq);
	}
	if (p->tp_fields_of)
		tep_print_fields(seq, rec.data, rec.size, p->tp_fields_of);
	else
		tep_print_event(p->tep, seq, &rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(seq);
	if (json) {
		strbuf_addstr(sb, "\"info\":");
		strbuf_add_json_string(sb, seq->buffer, seq->len);
	} else {
		strbuf_add(sb, seq->buffer, seq->len);
	}
	return 0;
}

/* A spec sample's args, as text or JSON. */
static int spec_args(struct decoder *d, const struct decode_probe *p, struct strbuf *sb,
		     const char *data, size_t size, bool json)
{
	uint64_t faults, unavail = 0;
	uint16_t flags;

	(void)d;
	if (size < p->args_size || size < FAULTS_OFF + 8)
		return -EINVAL;
	memcpy(&faults, data + FAULTS_OFF, sizeof(faults));
	memcpy(&flags, data + offsetof(struct vtrace_sample, flags), sizeof(flags));
	/* older data files have no unavailable word: their args start right after the faults */
	if ((flags & VTRACE_SAMPLE_F_UNAVAIL) && size >= UNAVAIL_OFF + 8)
		memcpy(&unavail, data + UNAVAIL_OFF, sizeof(unavail));
	for (size_t i = 0; i < p->nargs; i++) {
		const struct decode_arg *a = &p->args[i];
		const char *slot = data + a->off;
		bool fault = i < 64 && (faults >> i) & 1;
		bool gone = i < 64 && (unavail >> i) & 1;

		if (a->off + a->size > size)
			return -EINVAL;
		if (json) {
			if (i)
				strbuf_addch(sb, ',');
			strbuf_add_json_string(sb, a->name, (size_t)-1);
			strbuf_addch(sb, ':');
			if (fault || gone)
				strbuf_addstr(sb, "null");
			else if (a->kind == DECODE_STRING)
				strbuf_add_json_string(sb, slot, a->size);
			else if (a->kind == DECODE_BYTES || !a->hex)
				value_print_json(sb, a->type, slot, a->kind == DECODE_BYTES ? a->size : 8);
			else
				strbuf_addf(sb, "\"0x%llx\"", (unsigned long long)value_load_int(slot, 8, 0));
			continue;
		}
		if (i)
			strbuf_addch(sb, ' ');
		strbuf_addstr(sb, a->name);
		strbuf_addch(sb, '=');
		if (gone)
			strbuf_addstr(sb, "(unavailable)");
		else if (fault)
			strbuf_addstr(sb, "(fault)");
		else if (a->kind == DECODE_STRING)
			strbuf_add_escaped(sb, slot, a->size, 1);
		else if (a->kind == DECODE_BYTES)
			value_print(sb, a->type, slot, a->size);
		else if (a->hex)
			strbuf_addf(sb, "0x%llx", (unsigned long long)value_load_int(slot, 8, 0));
		else
			value_print(sb, a->type, slot, 8);
	}
	return 0;
}

/* The payload after the header: what the program sent. */
static int payload(struct decoder *d, struct decode_probe *p, struct strbuf *sb,
		   const void *data, size_t size, bool json)
{
	const struct vtrace_sample *h = data;
	const char *pl = (const char *)data + sizeof(*h);
	size_t plen = size - sizeof(*h);

	switch (h->kind) {
	case VTRACE_SAMPLE_PRINTF: {
		const struct printf_fmt *f;
		uint32_t id;

		if (plen < sizeof(struct vtrace_printf_payload))
			return -EINVAL;
		memcpy(&id, pl, sizeof(id));
		f = p->obj < d->nobjs ? fmt_table_find(&d->objs[p->obj].fmts, id) : NULL;
		if (!json) {
			if (f)
				printf_fmt_render(sb, f, pl, plen);
			else
				strbuf_addf(sb, "(unknown format %u)", id);
			return 0;
		}
		strbuf_addstr(sb, "\"message\":");
		if (f) {
			struct strbuf msg = STRBUF_INIT;

			printf_fmt_render(&msg, f, pl, plen);
			strbuf_add_json_string(sb, msg.buf ? msg.buf : "", msg.len);
			strbuf_release(&msg);
		} else {
			strbuf_addstr(sb, "null");
		}
		return 0;
	}
	case VTRACE_SAMPLE_STRUCT: {
		struct vtrace_struct_payload sp;
		const struct value_type *t;

		if (plen < sizeof(sp))
			return -EINVAL;
		memcpy(&sp, pl, sizeof(sp));
		t = decode_type(d, p->obj, sp.type_id);
		if (!t) {
			if (json)
				strbuf_addf(sb, "\"unknown_type\":%u", sp.type_id);
			else
				strbuf_addf(sb, "(unknown type %u)", sp.type_id);
			return 0;
		}
		if (!json) {
			value_print_fields(sb, t, pl + sizeof(sp), plen - sizeof(sp));
		} else if (t->kind == VK_STRUCT || t->kind == VK_UNION) {
			struct strbuf obj = STRBUF_INIT;

			/* the struct's members are the args: drop its braces */
			value_print_json(&obj, t, pl + sizeof(sp), plen - sizeof(sp));
			if (obj.len >= 2)
				strbuf_add(sb, obj.buf + 1, obj.len - 2);
			strbuf_release(&obj);
		} else {
			strbuf_addstr(sb, "\"value\":");
			value_print_json(sb, t, pl + sizeof(sp), plen - sizeof(sp));
		}
		return 0;
	}
	case VTRACE_SAMPLE_ARGS:
		if (p->tp_format)
			return tp_record(p, sb, h, data, size, json);
		return spec_args(d, p, sb, data, size, json);
	default:
		return -EINVAL;
	}
}

long decode_stack_split(const void *data, size_t size)
{
	const struct vtrace_sample *h = data;
	struct vtrace_stack_trailer t;

	if (size < sizeof(*h) || !(h->flags & VTRACE_SAMPLE_F_STACK))
		return size;
	if (size < sizeof(*h) + sizeof(struct vtrace_stack_block) + sizeof(t))
		return -1;
	memcpy(&t, (const char *)data + size - sizeof(t), sizeof(t));
	if (t.magic != VTRACE_STACK_MAGIC || t.block_off < sizeof(*h) ||
	    t.block_off > size - sizeof(t) - sizeof(struct vtrace_stack_block))
		return -1;
	return t.block_off;
}

/* The stack after what payload() printed, when the sample has one. */
static int stack_out(struct decoder *d, struct strbuf *sb, const void *data, size_t size,
		     size_t split, enum decode_stack_mode mode)
{
	const char *blk = (const char *)data + split;
	size_t len = size - sizeof(struct vtrace_stack_trailer) - split;

	if (split == size)
		return mode == STACK_FOLDED ? -ENOENT : 0;
	if (d->stack)
		return d->stack(d->stack_ctx, sb, data, blk, len, mode);
	return 0;
}

int decode_folded(struct decoder *d, struct strbuf *sb, const void *data, size_t size)
{
	const struct vtrace_sample *h = data;
	char comm[sizeof(h->comm) * 4 + 1];
	struct strbuf c = { comm, 0, sizeof(comm) };
	long split = decode_stack_split(data, size);

	if (!probe_of(d, h, size) || split < 0)
		return -EINVAL;
	if ((size_t)split == size)
		return -ENOENT;
	comm[0] = 0;
	strbuf_add_escaped(&c, h->comm, sizeof(h->comm), 0);
	/* flame graph tools split on ';' and on the last ' ' */
	for (char *q = comm; *q; q++)
		if (*q == ';' || *q == ' ')
			*q = '_';
	strbuf_addstr(sb, comm);
	return stack_out(d, sb, data, size, split, STACK_FOLDED);
}

static int text_line(struct decoder *d, struct decode_probe *p, struct strbuf *sb,
		     const void *data, size_t size, unsigned fields);

int decode_text(struct decoder *d, struct strbuf *sb, const void *data, size_t size, unsigned fields)
{
	struct decode_probe *p = probe_of(d, data, size);
	long split = decode_stack_split(data, size);
	int rc;

	if (!p || split < 0)
		return -EINVAL;
	/* the sample line, then its frames */
	rc = text_line(d, p, sb, data, split, fields);
	return rc ? rc : stack_out(d, sb, data, size, split, STACK_TEXT);
}

static int text_line(struct decoder *d, struct decode_probe *p, struct strbuf *sb,
		     const void *data, size_t size, unsigned fields)
{
	const struct vtrace_sample *h = data;
	char comm[sizeof(h->comm) * 4 + 1];
	struct strbuf c = { comm, 0, sizeof(comm) };

	if (fields == FIELD_DEFAULT) {
		output_header(sb, h, p->event);
		return payload(d, p, sb, data, size, false);
	}
	/* -F: the chosen fields, in the default line's order */
	comm[0] = 0;
	strbuf_add_escaped(&c, h->comm, sizeof(h->comm), 0);
	if (fields & FIELD_COMM)
		strbuf_addf(sb, "%16s ", comm);
	if (fields & FIELD_PID)
		strbuf_addf(sb, "%6u%s", h->pid, fields & FIELD_TID ? "/" : " ");
	if (fields & FIELD_TID)
		strbuf_addf(sb, "%-6u ", h->tid);
	if (fields & FIELD_CPU)
		strbuf_addf(sb, "[%03u] ", h->cpu);
	if (fields & FIELD_TIME)
		strbuf_addf(sb, "%5llu.%06llu: ", (unsigned long long)(h->time_ns / 1000000000ULL),
			    (unsigned long long)(h->time_ns % 1000000000ULL / 1000));
	if (fields & FIELD_EVENT)
		strbuf_addf(sb, "%s: ", p->event);
	if (fields & FIELD_ARGS)
		return payload(d, p, sb, data, size, false);
	while (sb->len && sb->buf[sb->len - 1] == ' ')
		sb->buf[--sb->len] = 0;
	return 0;
}

int decode_json(struct decoder *d, struct strbuf *sb, const void *data, size_t size)
{
	const struct vtrace_sample *h = data;
	struct decode_probe *p = probe_of(d, h, size);
	size_t start = sb->len;
	long split = decode_stack_split(data, size);
	int rc;

	if (!p || split < 0)
		return -EINVAL;
	strbuf_addstr(sb, "{\"type\":\"sample\",\"comm\":");
	strbuf_add_json_string(sb, h->comm, sizeof(h->comm));
	strbuf_addstr(sb, ",\"pid\":");
	strbuf_add_uint(sb, h->pid, 0, ' ');
	strbuf_addstr(sb, ",\"tid\":");
	strbuf_add_uint(sb, h->tid, 0, ' ');
	strbuf_addstr(sb, ",\"cpu\":");
	strbuf_add_uint(sb, h->cpu, 0, ' ');
	strbuf_addstr(sb, ",\"time_ns\":");
	strbuf_add_uint(sb, h->time_ns, 0, ' ');
	strbuf_addstr(sb, ",\"event\":");
	strbuf_add_json_string(sb, p->event, (size_t)-1);
	strbuf_addstr(sb, ",\"args\":{");
	rc = payload(d, p, sb, data, split, true);
	if (!rc) {
		strbuf_addch(sb, '}');
		rc = stack_out(d, sb, data, size, split, STACK_JSON);
	}
	if (rc) {
		sb->len = start;
		sb->buf[start] = 0;
		return rc;
	}
	strbuf_addch(sb, '}');
	return 0;
}

static bool arg_name_taken(const struct decode_probe *p, size_t self, size_t n, const char *name)
{
	for (size_t j = 0; j < n; j++)
		if (j != self && p->args[j].name && !strcmp(p->args[j].name, name))
			return true;
	return false;
}

int decode_unique_names(struct decode_probe *p)
{
	for (size_t i = 1; i < p->nargs; i++) {
		char *base = p->args[i].name, *name = NULL;

		if (!base || !arg_name_taken(p, i, i, base))
			continue;
		for (int k = 2; !name || arg_name_taken(p, i, p->nargs, name); k++) {
			free(name);
			if (asprintf(&name, "%s_%d", base, k) < 0)
				return -ENOMEM;
		}
		p->args[i].name = name;
		free(base);
	}
	return 0;
}

void decode_lost_json(struct strbuf *sb, uint64_t lost)
{
	strbuf_addf(sb, "{\"type\":\"lost\",\"count\":%llu}", (unsigned long long)lost);
}

void decoder_free(struct decoder *d)
{
	for (size_t i = 0; i < d->nprobes; i++) {
		struct decode_probe *p = &d->probes[i];

		for (size_t j = 0; j < p->nargs; j++) {
			free(p->args[j].name);
			value_type_free(p->args[j].type);
		}
		free(p->args);
		free(p->event);
		free(p->spec);
		free(p->tp_system);
		free(p->tp_format);
		tep_free(p->tep);
		if (p->seq) {
			trace_seq_destroy(p->seq);
			free(p->seq);
		}
	}
	for (size_t i = 0; i < d->nobjs; i++) {
		fmt_table_free(&d->objs[i].fmts);
		for (size_t t = 0; t < d->objs[i].ntypes; t++)
			value_type_free(d->objs[i].types[t]);
		free(d->objs[i].types);
	}
	free(d->probes);
	free(d->objs);
	memset(d, 0, sizeof(*d));
}

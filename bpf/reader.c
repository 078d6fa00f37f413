// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "bpf/reader.h"
#include "lib/output.h"

int sample_format(struct strbuf *sb, struct session *s, const void *data, size_t size)
{
	const struct vtrace_sample *h = data;
	const char *payload = (const char *)data + sizeof(*h);
	size_t plen = size - sizeof(*h);
	struct vt_program *p;

	if (size < sizeof(*h) || h->probe_id >= s->nprogs)
		return -EINVAL;
	p = s->progs[h->probe_id];
	output_header(sb, h, p->event);
	switch (h->kind) {
	case VTRACE_SAMPLE_PRINTF: {
		const struct printf_fmt *f;
		__u32 id;

		if (plen < sizeof(struct vtrace_printf_payload))
			return -EINVAL;
		memcpy(&id, payload, sizeof(id));
		f = fmt_table_find(&p->obj->fmts, id);
		if (!f) {
			strbuf_addf(sb, "(unknown format %u)", id);
			return 0;
		}
		printf_fmt_render(sb, f, payload, plen);
		return 0;
	}
	case VTRACE_SAMPLE_STRUCT: {
		struct vtrace_struct_payload sp;
		const struct value_type *t;

		if (plen < sizeof(sp))
			return -EINVAL;
		memcpy(&sp, payload, sizeof(sp));
		t = session_type(p->obj, sp.type_id);
		if (!t) {
			strbuf_addf(sb, "(unknown type %u)", sp.type_id);
			return 0;
		}
		value_print_fields(sb, t, payload + sizeof(sp), plen - sizeof(sp));
		return 0;
	}
	case VTRACE_SAMPLE_ARGS: {
		const struct sample_layout *l = &p->layout;
		const struct probe_instance *in;
		__u64 faults;

		if (!p->spec || size < l->total || h->instance >= p->res.ninsts)
			return -EINVAL;
		in = &p->res.insts[h->instance];
		memcpy(&faults, (const char *)data + SAMPLE_FAULTS_OFF, sizeof(faults));
		for (size_t i = 0; i < l->nargs && i < in->nargs; i++) {
			const struct fetch_arg *a = &in->args[i];
			const char *slot = (const char *)data + l->off[i];

			if (i)
				strbuf_addch(sb, ' ');
			strbuf_addf(sb, "%s=", a->name);
			if (i < 64 && (faults >> i) & 1)
				strbuf_addstr(sb, "(fault)");
			else if (a->final == FINAL_STRING)
				strbuf_add_escaped(sb, slot, l->size[i], 1);
			else if (a->final == FINAL_BYTES)
				value_print(sb, a->type, slot, l->size[i]);
			else if (a->hex)
				strbuf_addf(sb, "0x%llx", (unsigned long long)value_load_int(slot, 8, 0));
			else
				value_print(sb, a->type, slot, 8);
		}
		return 0;
	}
	default:
		return -EINVAL;
	}
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct reader *r = ctx;

	strbuf_reset(&r->line);
	if (sample_format(&r->line, r->s, data, size)) {
		r->malformed++;
		return 0;
	}
	strbuf_addch(&r->line, '\n');
	fwrite(r->line.buf, 1, r->line.len, r->out);
	r->samples++;
	return 0;
}

int reader_open(struct reader *r, struct session *s, FILE *out)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->out = out;
	r->rb = ring_buffer__new(s->rb_fd, on_sample, r, NULL);
	return r->rb ? 0 : -errno;
}

int reader_consume(struct reader *r)
{
	return ring_buffer__consume(r->rb);
}

int reader_fd(const struct reader *r)
{
	return ring_buffer__epoll_fd(r->rb);
}

void reader_close(struct reader *r)
{
	ring_buffer__free(r->rb);
	strbuf_release(&r->line);
	r->rb = NULL;
}

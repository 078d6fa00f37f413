// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "lib/output.h"

void output_header(struct strbuf *sb, const struct vtrace_sample *h, const char *event)
{
	char comm[sizeof(h->comm) * 4 + 1];
	struct strbuf c = { comm, 0, sizeof(comm) };

	/* comm is the kernel's, not ours: escape it, keep it one token wide. */
	comm[0] = 0;
	strbuf_add_escaped(&c, h->comm, sizeof(h->comm), 0);
	for (char *p = comm; *p; p++)
		if (*p == ' ')
			*p = '_';
	strbuf_addf(sb, "%16s %6u [%03u] %5llu.%06llu: %s: ", comm, h->tid, h->cpu,
		    (unsigned long long)(h->time_ns / 1000000000ULL),
		    (unsigned long long)(h->time_ns % 1000000000ULL / 1000), event);
}

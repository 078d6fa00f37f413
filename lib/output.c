// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	/* "%16s %6u [%03u] %5llu.%06llu: %s: ", without printf: it is every line's cost */
	for (size_t n = c.len; n < 16; n++)
		strbuf_addch(sb, ' ');
	strbuf_add(sb, comm, c.len);
	strbuf_addch(sb, ' ');
	strbuf_add_uint(sb, h->tid, 6, ' ');
	strbuf_addstr(sb, " [");
	strbuf_add_uint(sb, h->cpu, 3, '0');
	strbuf_addstr(sb, "] ");
	strbuf_add_uint(sb, h->time_ns / 1000000000ULL, 5, ' ');
	strbuf_addch(sb, '.');
	strbuf_add_uint(sb, h->time_ns % 1000000000ULL / 1000, 6, '0');
	strbuf_addstr(sb, ": ");
	strbuf_addstr(sb, event);
	strbuf_addstr(sb, ": ");
}

int output_keep_old(const char *path)
{
	struct stat st;
	char *old;
	int rc = 0;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || !st.st_size)
		return 0;	/* nothing worth keeping */
	if (asprintf(&old, "%s.old", path) < 0)
		return -ENOMEM;
	if (rename(path, old))
		rc = -errno;
	free(old);
	return rc;
}

bool output_is_stream(FILE *f)
{
	struct stat st;
	int fd = fileno(f);

	if (fd < 0 || fstat(fd, &st))
		return false;
	return isatty(fd) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

int output_open(const char *path, FILE **out)
{
	int rc = output_keep_old(path);
	FILE *f;

	if (rc)
		return rc;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	/* a named pipe, a terminal: flushed as samples arrive; a file: in large blocks */
	if (!output_is_stream(f))
		setvbuf(f, NULL, _IOFBF, 1 << 20);
	*out = f;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/outq.h"
#include "lib/stop.h"

static int grow(struct outq *q, size_t need)
{
	size_t used = q->tail - q->head, cap = q->cap ? q->cap : 65536;
	char *nb;

	if (q->head && used + need <= q->cap) {
		memmove(q->buf, q->buf + q->head, used);
		q->head = 0;
		q->tail = used;
		return 0;
	}
	while (cap < used + need)
		cap *= 2;
	nb = malloc(cap);
	if (!nb)
		return -ENOMEM;
	if (used)
		memcpy(nb, q->buf + q->head, used);
	free(q->buf);
	q->buf = nb;
	q->cap = cap;
	q->head = 0;
	q->tail = used;
	return 0;
}

static ssize_t cookie_write(void *c, const char *data, size_t len)
{
	struct outq *q = c;

	if (q->tail + len > q->cap && grow(q, len))
		return -1;
	memcpy(q->buf + q->tail, data, len);
	q->tail += len;
	q->appended += len;
	return len;
}

int outq_open(struct outq *q, int fd, size_t limit)
{
	static const cookie_io_functions_t io = { .write = cookie_write };
	char path[64];
	int nfd;

	memset(q, 0, sizeof(*q));
	q->orig_flags = -1;
	q->limit = limit;
	/*
	 * A descriptor of its own for the same pipe or terminal, non-blocking
	 * without changing the one vtrace shares with the shell; a socket
	 * cannot be reopened: its flags change, and are put back.
	 */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_APPEND);
	if (nfd >= 0) {
		q->fd = nfd;
		q->own_fd = true;
	} else {
		int fl = fcntl(fd, F_GETFL);

		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK))
			return -errno;
		q->fd = fd;
		q->orig_flags = fl;
	}
	q->file = fopencookie(q, "w", io);
	if (!q->file) {
		outq_close(q);
		return -ENOMEM;
	}
	setvbuf(q->file, NULL, _IONBF, 0);
	return 0;
}

FILE *outq_file(struct outq *q)
{
	return q->file;
}

size_t outq_pending(const struct outq *q)
{
	return q->tail - q->head;
}

bool outq_room(struct outq *q)
{
	if (q->err || outq_pending(q) >= q->limit) {
		q->refused++;
		return false;
	}
	return true;
}

void outq_end_record(struct outq *q)
{
	size_t n = q->ends_tail - q->ends_head;

	if (q->ends_tail == q->ends_cap) {
		if (q->ends_head) {
			memmove(q->ends, q->ends + q->ends_head, n * sizeof(*q->ends));
		} else {
			size_t cap = q->ends_cap ? q->ends_cap * 2 : 1024;
			uint64_t *ne = realloc(q->ends, cap * sizeof(*ne));

			if (!ne)
				return;	/* counted as written: a count, not the data */
			q->ends = ne;
			q->ends_cap = cap;
		}
		q->ends_head = 0;
		q->ends_tail = n;
	}
	q->ends[q->ends_tail++] = q->appended;
}

int outq_flush(struct outq *q)
{
	while (!q->err && q->tail > q->head) {
		ssize_t n = write(q->fd, q->buf + q->head, q->tail - q->head);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return -EAGAIN;
		if (n <= 0) {
			q->err = n < 0 ? -errno : -EIO;
			break;
		}
		q->head += n;
		q->written += n;
		while (q->ends_head < q->ends_tail && q->ends[q->ends_head] <= q->written)
			q->ends_head++;
	}
	if (q->head == q->tail)
		q->head = q->tail = 0;
	return q->err ? q->err : 0;
}

int outq_drain(struct outq *q, int ms)
{
	struct timespec start, now;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while ((rc = outq_flush(q)) == -EAGAIN) {
		struct pollfd p = { .fd = q->fd, .events = POLLOUT };
		long el;

		clock_gettime(CLOCK_MONOTONIC, &now);
		el = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (el >= ms || stop_pending())
			break;
		poll(&p, 1, ms - el > 100 ? 100 : (int)(ms - el));
	}
	return rc;
}

unsigned long long outq_lost(const struct outq *q)
{
	return q->refused + (q->ends_tail - q->ends_head);
}

void outq_close(struct outq *q)
{
	if (q->file)
		fclose(q->file);
	q->file = NULL;
	if (q->own_fd)
		close(q->fd);
	else if (q->orig_flags >= 0)
		fcntl(q->fd, F_SETFL, q->orig_flags);
	q->own_fd = false;
	q->orig_flags = -1;
	free(q->buf);
	free(q->ends);
	q->buf = NULL;
	q->ends = NULL;
	q->cap = q->head = q->tail = 0;
	q->ends_cap = q->ends_head = q->ends_tail = 0;
}

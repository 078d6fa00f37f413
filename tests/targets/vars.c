// SPDX-License-Identifier: GPL-2.0
/* Variables of every shape, for the resolver tests (compared with gdb). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hdr {
	unsigned short len;
	unsigned char kind : 3, urgent : 1;
	signed char prio : 4;
};

struct inner {
	int x;
	int y[4];
};

struct req {
	struct hdr hdr;
	const char *path;
	char method[8];
	struct inner in;
	struct req *next;
	union {
		int code;
		float ratio;
	};
	long total;
};

int counter = 5;
struct req global_req = { .hdr = { .len = 77 }, .total = -99 };
static volatile int sink;

static inline __attribute__((always_inline)) int weigh(struct req *r, int factor)
{
	int w = r->hdr.len * factor + r->in.y[2];

	sink = w;	/* vars.c:WEIGH_LINE */
	return w;
}

__attribute__((noinline)) int handle(struct req *r, int status, long bytes)
{
	int score = weigh(r, status % 7 + 1);
	long adjusted = bytes - score;

	sink = (int)adjusted;	/* handle:RELLINE */
	if (r->next)
		score += weigh(r->next, 2);
	sink = score;
	return score + (int)adjusted;
}

int main(int argc, char **argv)
{
	static const char *paths[] = { "/index.html", "/upload", "/api/v1" };
	static struct req reqs[4];
	int n = argc > 1 ? atoi(argv[1]) : 3;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < n && i < 4; i++) {
		struct req *r = &reqs[i];

		r->hdr.len = 100 + 10 * i;
		r->hdr.kind = i + 1;
		r->hdr.urgent = i & 1;
		r->hdr.prio = -3 + i;
		r->path = paths[i % 3];
		snprintf(r->method, sizeof(r->method), i % 2 ? "POST" : "GET");
		r->in.x = -7 * (i + 1);
		for (int k = 0; k < 4; k++)
			r->in.y[k] = i * 10 + k;
		r->next = i ? &reqs[i - 1] : NULL;
		r->code = 200 + i;
		r->total = -1000000000L * (i + 1);
		printf("req %d path=%s method=%s\n", i, r->path, r->method);
		counter++;
		/* odd calls pass a negative status: "status % 7" is a signed division */
		printf("handled %d\n", handle(r, i % 2 ? -(200 + i) : 200 + i, 1000L * (i + 1)));
	}
	return 0;
}

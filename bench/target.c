// SPDX-License-Identifier: GPL-2.0
/*
 * The program make bench traces.  Each mode times its own loop (CLOCK_MONOTONIC)
 * and writes "loop_ns=N" to $BENCH_OUT, so a tracer's start-up and teardown
 * stay out of the per-event cost:
 *   target work N        N calls of work(o, k, m) (scenarios 1, 2, 7)
 *   target storm N       N getppid() system calls (scenario 3)
 *   target start         one call of work(); main's time since $BENCH_T0 (scenario 4)
 *   target many N        one call of each of f0..fN-1 (scenario 5b)
 *   target sleep MS      sleeps MS, then calls work() once (scenario 6 reads the programs)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

struct inner {
	long pad;
	int a;
};

struct outer {
	int x;
	struct inner *in;
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

volatile long sink;

__attribute__((noipa)) long work(struct outer *o, int k, long m)
{
	sink += o->in->a + k + m;
	return sink;
}

#define F(n) __attribute__((noipa)) long f##n(long v) { sink += v + n; return sink; }
#define F10(n) F(n##0) F(n##1) F(n##2) F(n##3) F(n##4) F(n##5) F(n##6) F(n##7) F(n##8) F(n##9)
F10() F10(1) F10(2) F10(3) F10(4) F10(5) F10(6) F10(7) F10(8) F10(9)
F(100) F(101) F(102) F(103) F(104) F(105) F(106) F(107) F(108) F(109)
F(110) F(111) F(112) F(113) F(114) F(115) F(116) F(117) F(118) F(119)
#define R(n) f##n,
#define R10(n) R(n##0) R(n##1) R(n##2) R(n##3) R(n##4) R(n##5) R(n##6) R(n##7) R(n##8) R(n##9)
static long (*const fs[])(long) = {
	R10() R10(1) R10(2) R10(3) R10(4) R10(5) R10(6) R10(7) R10(8) R10(9)
	R(100) R(101) R(102) R(103) R(104) R(105) R(106) R(107) R(108) R(109)
	R(110) R(111) R(112) R(113) R(114) R(115) R(116) R(117) R(118) R(119)
};

int main(int argc, char **argv)
{
	unsigned long long t_main = now_ns(), t0, t1;
	const char *mode = argc > 1 ? argv[1] : "work";
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	const char *out = getenv("BENCH_OUT"), *start = getenv("BENCH_T0");
	struct inner in = { 0, 7 };
	struct outer o = { 3, &in };
	FILE *f;

	t0 = now_ns();
	if (!strcmp(mode, "work")) {
		for (long i = 0; i < n; i++)
			work(&o, (int)i, i * 3);
	} else if (!strcmp(mode, "storm")) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(mode, "start")) {
		work(&o, 1, 2);
	} else if (!strcmp(mode, "many")) {
		for (long i = 0; i < n && i < (long)(sizeof(fs) / sizeof(fs[0])); i++)
			fs[i](i);
	} else if (!strcmp(mode, "sleep")) {
		usleep(n * 1000);
		work(&o, 1, 2);
	} else {
		fprintf(stderr, "usage: target work|storm|start|many|sleep [N]\n");
		return 2;
	}
	t1 = now_ns();
	if (out && (f = fopen(out, "w"))) {
		fprintf(f, "loop_ns=%llu\n", t1 - t0);
		if (start)
			fprintf(f, "start_ns=%lld\n", (long long)(t_main - strtoull(start, NULL, 10)));
		fprintf(f, "end_mono_ns=%llu\n", now_ns());
		fclose(f);
	}
	return 0;
}

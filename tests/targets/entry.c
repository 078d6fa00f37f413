// SPDX-License-Identifier: GPL-2.0
/*
 * Entry values: at the line marked ENTRY_LINE, walk()'s first parameter is
 * dead, its register reused by the calls before, so optimized code
 * describes it as DW_OP_entry_value(rdi).  walk() recurses, and two
 * threads run it at once: each hit must read its own call's value.  The
 * program prints, per thread, the values its hits must show, in order.
 *
 * "entry late": linger() is already running when vtrace attaches (-p), so
 * its entry was never seen: those hits must print (unavailable); the call
 * after it was seen whole and must read 8.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROUNDS 3
#define DEPTH 5

volatile long sink;
static pthread_barrier_t start;

__attribute__((noinline)) long churn(long x)
{
	sink += x;
	return x * 3 + 1;
}

__attribute__((noinline)) void walk(long level, long stop)
{
	if (level > stop) {
		churn(level * 7);
		walk(level - 1, stop);
	}
	sink++;	/* vtrace: ENTRY_LINE */
}

__attribute__((noinline)) void linger(long level, int rounds)
{
	churn(level);
	for (int i = 0; i < rounds; i++) {
		churn(i);
		usleep(20000);
		sink++;	/* vtrace: LATE_LINE */
	}
}

static void *run(void *arg)
{
	long base = (long)arg;

	pthread_barrier_wait(&start);
	for (int r = 0; r < ROUNDS; r++)
		walk(base + DEPTH, base);
	return NULL;
}

int main(int argc, char **argv)
{
	long bases[2] = { 100, 200 };
	pthread_t t[2];

	if (argc > 1 && !strcmp(argv[1], "late")) {
		/* ready for vtrace -p: it attaches while the first call sleeps */
		printf("pid %d\n", getpid());
		fflush(stdout);
		linger(7 + argc - 2, 100);
		linger(8 + argc - 2, 3);
		return 0;
	}
	bases[0] += argc - 1;	/* not constants the compiler could fold */
	bases[1] += argc - 1;
	pthread_barrier_init(&start, NULL, 2);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, run, (void *)bases[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 2; i++) {
		printf("expect %ld:", bases[i]);
		for (int r = 0; r < ROUNDS; r++)
			for (long l = bases[i]; l <= bases[i] + DEPTH; l++)
				printf(" %ld", l);
		printf("\n");
	}
	return 0;
}

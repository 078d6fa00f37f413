// SPDX-License-Identifier: GPL-2.0
/*
 * A target for aggregation tests: `aggs N [SECS]` calls work(key, value)
 * N times (spread over SECS seconds) with values from a fixed generator,
 * printing each call as "call KEY VALUE" so that a test can compute every
 * count, sum, min, max, average and histogram bucket itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

__attribute__((noinline)) long work(int key, long value)
{
	asm volatile("" ::: "memory");
	return value + key;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	double secs = argc > 2 ? atof(argv[2]) : 0;
	unsigned long long x = 88172645463325252ULL;
	struct timespec gap = { 0, 0 };
	long sink = 0;

	if (secs > 0 && n > 0) {
		double g = secs / n;

		gap.tv_sec = (time_t)g;
		gap.tv_nsec = (long)((g - (double)gap.tv_sec) * 1e9);
	}
	for (int i = 0; i < n; i++) {
		int key, shift;
		long value;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		key = (int)(x % 4);
		shift = (int)((x >> 8) % 41);	/* 0 .. 2^40 */
		value = (long)((x >> 20) & ((1ULL << shift) - 1));
		if (i % 17 == 0)
			value = -value - 1;		/* negatives */
		if (i % 13 == 0)
			value = 0;
		if (key == 3)
			value = (long)((x >> 24) % 1300) - 150;	/* for a linear histogram */
		sink += work(key, value);
		printf("call %d %ld\n", key, value);
		if (gap.tv_sec || gap.tv_nsec)
			nanosleep(&gap, NULL);
	}
	fflush(stdout);
	return sink == 42 ? 1 : 0;
}

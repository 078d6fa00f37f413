// SPDX-License-Identifier: GPL-2.0
/* Calls pair() with two strings and two numbers, printing each call first (filter.sh's oracle). */
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) int pair(const char *x, const char *y, long m, long n)
{
	asm volatile("" ::: "memory");
	return (int)(x[0] + y[0] + m + n);
}

int main(void)
{
	static const struct { const char *x, *y; long m, n; } calls[] = {
		{ "same", "same", 1, 1 }, { "ab", "abc", -5, 3 }, { "abc", "ab", 7, -2 },
		{ "", "", 0, 0 }, { "x", "y", 9, 9 }, { "equal-too", "equal-too", -1, 0 },
	};
	int total = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		printf("pair x=%s y=%s m=%ld n=%ld\n", calls[i].x, calls[i].y, calls[i].m, calls[i].n);
		total += pair(calls[i].x, calls[i].y, calls[i].m, calls[i].n);
	}
	return total == 42;
}

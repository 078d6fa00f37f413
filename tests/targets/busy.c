// SPDX-License-Identifier: GPL-2.0
/*
 * busy [N] [ignore-term]: calls tick() N times (0: until killed), as fast
 * as it can, for the robustness tests' streaming stage; with ignore-term
 * SIGTERM is ignored (vtrace must then SIGKILL it).  Prints its pid first.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile long total;

__attribute__((noinline)) void tick(long i, long sq)
{
	total += i + sq;
	__asm__ volatile("" : : : "memory");
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;

	if (argc > 2 && !strcmp(argv[2], "ignore-term"))
		signal(SIGTERM, SIG_IGN);
	printf("pid=%d\n", getpid());
	fflush(stdout);
	for (long i = 0; !n || i < n; i++)
		tick(i, i * i);
	printf("total=%ld\n", total);
	return 0;
}

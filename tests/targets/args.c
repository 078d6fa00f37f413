// SPDX-License-Identifier: GPL-2.0
/* Calls compute() with arguments of mixed widths and signs, printing each call first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) long compute(int a, long b, unsigned short c, const char *s, signed char d)
{
	asm volatile("" ::: "memory");
	return a + b + c + d + (s ? s[0] : 0);
}

int main(int argc, char **argv)
{
	static const char *words[] = { "alpha", "beta", "gamma\tdelta" };
	int n = argc > 1 ? atoi(argv[1]) : 4;
	long sum = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("pid=%d\n", getpid());
	for (int i = 0; i < n; i++) {
		int a = (i % 2 ? -1 : 1) * (1000 + i * 37);
		long b = (long)(i + 1) * -123456789012L;
		unsigned short c = 65535 - i;
		signed char d = (signed char)(i * 50 - 100);
		const char *s = words[i % 3];

		printf("compute a=%d b=%ld c=%u s=%s d=%d\n", a, b, c, s, d);
		long r = compute(a, b, c, s, d);

		sum += r;
		printf("ret=%ld\n", r);
	}
	if (argc > 2 && !strcmp(argv[2], "hold"))
		pause();	/* stay traced until a signal comes */
	return sum == 42;	/* never: keeps the calls alive */
}

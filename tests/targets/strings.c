// SPDX-License-Identifier: GPL-2.0
/*
 * Passes strings to greet(): UTF-8 ("café", "€", an emoji) and bytes that
 * are not UTF-8, printing each one's bytes in hex first (the test's oracle).
 * With an argument N: greets once, prints its CLOCK_MONOTONIC time on
 * stderr, then sleeps N seconds before greeting again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) int greet(const char *name, const char *raw)
{
	asm volatile("" ::: "memory");
	return (int)strlen(name) + (int)strlen(raw);
}

static void hex(const char *label, const char *s)
{
	printf("%s=", label);
	for (; *s; s++)
		printf("%02x", (unsigned char)*s);
	printf("\n");
}

int main(int argc, char **argv)
{
	static const char *names[] = { "caf\xc3\xa9", "\xe2\x82\xac 5", "\xf0\x9f\x98\x80!" };
	static const char *raws[] = { "\xff\xfeok", "a\\x41\"q\"", "tab\there\xc3" };
	int total = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1) {
		struct timespec ts;

		total += greet(names[0], raws[0]);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		fprintf(stderr, "greeted=%ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
		sleep(atoi(argv[1]));
		total += greet(names[1], raws[1]);
		printf("total=%d\n", total);
		return 0;
	}
	for (int i = 0; i < 3; i++) {
		hex("name", names[i]);
		hex("raw", raws[i]);
		total += greet(names[i], raws[i]);
	}
	printf("total=%d\n", total);
	return 0;
}

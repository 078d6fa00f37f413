// SPDX-License-Identifier: GPL-2.0
/*
 * A function gcc -O2 splits in two: checksum()'s error path calls a cold
 * function, so gcc moves it to checksum.cold and describes checksum with
 * DW_AT_ranges (the hot range first).  Prints each call before making it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((cold, noinline)) void complain(const char *what, int len)
{
	fprintf(stderr, "bad %s: %d\n", what, len);
}

__attribute__((noinline)) int checksum(const char *buf, int len, int seed)
{
	int sum = seed;

	if (len < 0 || !buf) {
		complain(buf ? "length" : "buffer", len);
		return -1;
	}
	for (int i = 0; i < len; i++)
		sum = sum * 31 + (unsigned char)buf[i];
	return sum;
}

int main(int argc, char **argv)
{
	static const char *words[] = { "split", "hot and cold", "" };
	int n = argc > 1 ? atoi(argv[1]) : 3;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < n; i++) {
		const char *w = words[i % 3];
		int len = i % 4 == 3 ? -i : (int)strlen(w), seed = 7 * i + 1;

		printf("checksum buf=%s len=%d seed=%d\n", w, len, seed);
		printf("ret=%d\n", checksum(w, len, seed));
	}
	return 0;
}

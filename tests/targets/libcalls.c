// SPDX-License-Identifier: GPL-2.0
/*
 * libcalls [PATH] [N]: calls glibc's public functions with values a test
 * can look for, printing each call first: malloc(12345 + i) and
 * fopen(PATH, "r"), N times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/etc/hostname";
	int n = argc > 2 ? atoi(argv[2]) : 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < n; i++) {
		size_t size = 12345 + i;
		char *p;
		FILE *f;

		printf("malloc %zu\n", size);
		p = malloc(size);
		if (!p)
			return 1;
		memset(p, 'x', size);	/* used, so the allocation stays */
		printf("fopen %s %s\n", path, "r");
		f = fopen(path, "r");
		printf("read %d %c\n", f ? fgetc(f) : -1, p[size - 1]);
		if (f)
			fclose(f);
		free(p);
	}
	return 0;
}

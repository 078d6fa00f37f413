// SPDX-License-Identifier: GPL-2.0
/*
 * Structs passed in registers: optimized code describes p as two pieces
 * (rdi, rsi) and s as one register holding three fields, or as pieces of
 * computed values (clang).  use() prints what each field must read.
 */
#include <stdio.h>

struct pair {
	long a;
	long b;
};

struct small {
	int x;
	short y;
	char c;
};

__attribute__((noinline)) long use(struct pair p, struct small s)
{
	printf("p.a=%ld p.b=%ld s.x=%d s.y=%d s.c='%c'\n", p.a, p.b, s.x, s.y, s.c);
	return p.a + p.b + s.x;
}

int main(int argc, char **argv)
{
	struct pair p = { argc * 10, argc * -20 };
	struct small s = { argc + 5, -3, 'q' };

	(void)argv;
	return (int)use(p, s) & 1;
}

/*
 * A known call chain for record -g (tests/integration/stacks.sh):
 * main -> outer -> middle (always inlined into outer) -> leaf, N times,
 * then main -> leaf directly M times.  Prints how many calls it made.
 */
#include <stdio.h>
#include <stdlib.h>

#ifdef __clang__
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noinline, noclone, noipa))
#endif

volatile int sink;

NOINLINE int leaf(int x)
{
	sink += x;
	return sink;
}

static inline __attribute__((always_inline)) int middle(int x)
{
	return leaf(x * 3) + 1;
}

NOINLINE int outer(int x)
{
	int r = middle(x + 1);

	sink ^= r;
	return r;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	int m = argc > 2 ? atoi(argv[2]) : 2;

	for (int i = 0; i < n; i++)
		outer(i);
	for (int i = 0; i < m; i++)
		leaf(i);
	printf("outer=%d direct=%d\n", n, m);
	return 0;
}

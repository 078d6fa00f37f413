/* SPDX-License-Identifier: GPL-2.0 */
/* An inline function every unit has the same abstract DIE for: dwz moves it to a partial unit. */
struct pair {
	int a, b;
};

static inline int twice(const struct pair *p, int k)
{
	return (p->a + p->b) * 2 + k;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A small program to trace: `target N [MS]` computes N orders and prints
 * each; with MS, each order takes at least MS milliseconds (a sleep).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int delay_ms;

struct order {
	int id;
	long amount;
	const char *customer;
};

__attribute__((noinline)) long process_order(struct order *o, int quantity, const char *note)
{
	long total = o->amount * quantity;

	asm volatile("" ::: "memory");
	if (delay_ms)
		usleep(delay_ms * 1000);
	return total;
}

int main(int argc, char **argv)
{
	static const char *customers[] = { "ada", "brian", "carol" };
	int n = argc > 1 ? atoi(argv[1]) : 3;

	delay_ms = argc > 2 ? atoi(argv[2]) : 0;
	printf("customers: %s %s %s\n", customers[0], customers[1], customers[2]);

	for (int i = 0; i < n; i++) {
		struct order o = { .id = 100 + i, .amount = 25 * (i + 1), .customer = customers[i % 3] };
		long total = process_order(&o, i + 2, customers[(i + 1) % 3]);

		printf("order id=%d amount=%ld quantity=%d total=%ld\n", o.id, o.amount, i + 2, total);
	}
	return 0;
}

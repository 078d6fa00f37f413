/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_TEST_H
#define VTRACE_TEST_H

/*
 * Unit tests print one TAP-style line per check ("ok - ..." or
 * "not ok - ..."); tests/run counts them.  Exit status: failures > 0.
 */
#include <stdio.h>
#include <string.h>

static int test_failures, test_count;

#define CHECK(cond, name) do {						\
	test_count++;							\
	if (cond) {							\
		printf("ok - %s\n", name);				\
	} else {							\
		test_failures++;					\
		printf("not ok - %s\n#   %s:%d: %s\n", name, __FILE__, __LINE__, #cond); \
	}								\
} while (0)

#define CHECK_STR(actual, expected, name) do {				\
	const char *a_ = (actual), *e_ = (expected);			\
	test_count++;							\
	if (a_ && !strcmp(a_, e_)) {					\
		printf("ok - %s\n", name);				\
	} else {							\
		test_failures++;					\
		printf("not ok - %s\n#   %s:%d:\n#   expected: \"%s\"\n#   actual:   \"%s\"\n", \
		       name, __FILE__, __LINE__, e_, a_ ? a_ : "(null)"); \
	}								\
} while (0)

#define CHECK_INT(actual, expected, name) do {				\
	long long a_ = (long long)(actual), e_ = (long long)(expected);	\
	test_count++;							\
	if (a_ == e_) {							\
		printf("ok - %s\n", name);				\
	} else {							\
		test_failures++;					\
		printf("not ok - %s\n#   %s:%d: expected %lld, got %lld\n", \
		       name, __FILE__, __LINE__, e_, a_);		\
	}								\
} while (0)

#define TEST_DONE() (test_failures ? 1 : 0)

#endif

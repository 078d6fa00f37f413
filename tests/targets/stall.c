// SPDX-License-Identifier: GPL-2.0
/*
 * stall: two threads pinned to one CPU call look().  The first one's last
 * arg lies on a page a userfaultfd holds back: a probe that reads it and
 * can wait for the page (a sleepable program) sleeps there, on that CPU,
 * its sample half fetched.  While it waits the main thread makes its own
 * call, whose probe runs to the end on the same CPU; then the page is
 * filled (n = 777) and the first probe finishes.  A probe that fetched into
 * one sample per CPU would send the first call's sample with the second's
 * text in it.  Prints whether the first probe stalled, then each call's
 * args as the target sees them.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096

struct rec {
	long value;
	char name[16];
};

/* The probe point: it must not read what it is given. */
__attribute__((noinline)) int look(const char *text, const struct rec *r, const int *n)
{
	__asm__ volatile("" : : "r"(text), "r"(r), "r"(n) : "memory");
	return 0;
}

static char *held;	/* the page the userfaultfd holds back */
static const struct rec first_rec = { 1111, "first rec" }, second_rec = { 2222, "second rec" };

static void *first(void *arg)
{
	(void)arg;
	look("first call", &first_rec, (const int *)held);
	return NULL;
}

int main(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct uffdio_copy copy;
	struct uffd_msg msg;
	struct pollfd pfd;
	static char page[PAGE] __attribute__((aligned(PAGE)));
	int second_n = 22, uffd, stalled;
	cpu_set_t cpus;
	pthread_t t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* one CPU for every thread: the two probes share its per-CPU data */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
		perror("sched_setaffinity");
		return 1;
	}
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		perror("userfaultfd");
		return 1;
	}
	held = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (held == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	reg.range.start = (unsigned long)held;
	reg.range.len = PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		perror("UFFDIO_REGISTER");
		return 1;
	}
	if (pthread_create(&t, NULL, first, NULL))
		return 1;

	/* only a probe reading the page faults on it: without one, no event comes */
	pfd.fd = uffd;
	pfd.events = POLLIN;
	stalled = poll(&pfd, 1, 2000) == 1 && read(uffd, &msg, sizeof(msg)) == sizeof(msg) &&
		  msg.event == UFFD_EVENT_PAGEFAULT;
	if (stalled)
		look("second call", &second_rec, &second_n);

	*(int *)page = 777;
	copy.dst = (unsigned long)held;
	copy.src = (unsigned long)page;
	copy.len = PAGE;
	copy.mode = 0;
	copy.copy = 0;
	if (ioctl(uffd, UFFDIO_COPY, &copy)) {
		perror("UFFDIO_COPY");
		return 1;
	}
	pthread_join(t, NULL);
	if (!stalled)
		look("second call", &second_rec, &second_n);
	printf("stalled=%d\n", stalled);
	printf("look text=\"first call\" value=%ld name=\"%s\" n=%d\n", first_rec.value, first_rec.name,
	       *(int *)held);
	printf("look text=\"second call\" value=%ld name=\"%s\" n=%d\n", second_rec.value, second_rec.name,
	       second_n);
	return 0;
}

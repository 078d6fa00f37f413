// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>

#include "lib/stop.h"

static const int stoppers[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
static const int blocked[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD };
#define NBLOCKED (sizeof(blocked) / sizeof(blocked[0]))

static struct sigaction inherited[NBLOCKED];
static sigset_t inherited_mask, stop_set, all_set;
static bool active;
static volatile int seen;
static const char *stage = "starting";

int stop_init(void)
{
	sigemptyset(&stop_set);
	sigemptyset(&all_set);
	for (size_t i = 0; i < NBLOCKED; i++) {
		sigaddset(&all_set, blocked[i]);
		/*
		 * A background job of a shell starts with SIGINT ignored, and an
		 * ignored signal is never pending: vtrace must see it (the
		 * command gets the inherited disposition back).
		 */
		sigaction(blocked[i], NULL, &inherited[i]);
		signal(blocked[i], SIG_DFL);
	}
	for (size_t i = 0; i < sizeof(stoppers) / sizeof(stoppers[0]); i++)
		sigaddset(&stop_set, stoppers[i]);
	if (sigprocmask(SIG_BLOCK, &all_set, &inherited_mask))
		return -errno;
	active = true;
	seen = 0;
	return 0;
}

void stop_restore(void)
{
	if (!active)
		return;
	sigprocmask(SIG_SETMASK, &inherited_mask, NULL);
	for (size_t i = 0; i < NBLOCKED; i++)
		sigaction(blocked[i], &inherited[i], NULL);
	active = false;
}

void stop_child_reset(void)
{
	if (!active)
		return;
	for (size_t i = 0; i < NBLOCKED; i++)
		sigaction(blocked[i], &inherited[i], NULL);
	sigprocmask(SIG_SETMASK, &inherited_mask, NULL);
}

const sigset_t *stop_sigset(void)
{
	return &all_set;
}

int stop_pending(void)
{
	struct timespec zero = { 0, 0 };
	int signo;

	if (!active || seen)
		return seen;
	signo = sigtimedwait(&stop_set, NULL, &zero);
	if (signo > 0)
		seen = signo;
	return seen;
}

void stop_note(int signo)
{
	if (!seen)
		seen = signo;
}

void stop_stage(const char *name)
{
	stage = name;
}

const char *stop_stage_name(void)
{
	return stage;
}

/* Waits up to ms for a stop signal (or SIGCHLD too): the stop signal, or 0. */
static int wait_signal(int ms, bool chld)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	siginfo_t si;
	int signo;

	if (!active) {
		nanosleep(&ts, NULL);
		return 0;
	}
	signo = sigtimedwait(chld ? &all_set : &stop_set, &si, &ts);
	if (signo > 0 && signo != SIGCHLD) {
		stop_note(signo);
		return signo;
	}
	return 0;
}

int stop_wait_child(pid_t pid, int *status)
{
	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);

		if (got == pid)
			return 0;
		if (got < 0 && errno != EINTR)
			return -errno;
		if (stop_pending() || wait_signal(100, true)) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			return -EINTR;
		}
	}
}

int stop_sleep(int ms)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long el;

		if (stop_pending())
			return -EINTR;
		clock_gettime(CLOCK_MONOTONIC, &now);
		el = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (el >= ms)
			return 0;
		if (wait_signal(ms - el > 100 ? 100 : (int)(ms - el), false))
			return -EINTR;
	}
}

int stop_enter(const char *name)
{
	const char *want = getenv("VTRACE_TEST_STALL");

	stop_stage(name);
	if (want && !strcmp(want, name)) {
		const char *mark = getenv("VTRACE_TEST_STALL_MARK");
		FILE *f = mark ? fopen(mark, "we") : NULL;

		if (f) {
			fprintf(f, "%s\n", name);	/* the test's signal may come now */
			fclose(f);
		}
		return stop_sleep(30000);
	}
	return stop_pending() ? -EINTR : 0;
}

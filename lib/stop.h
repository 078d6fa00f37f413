/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_STOP_H
#define VTRACE_STOP_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/*
 * One shutdown path.  stop_init() blocks the signals that stop vtrace
 * (SIGINT, SIGTERM, SIGHUP, SIGPIPE) and SIGCHLD, so that none of them
 * kills vtrace halfway through a stage: each stage asks stop_pending()
 * between its steps (and waits for its children with stop_wait_child()),
 * the streaming loop reads them from a signalfd over stop_sigset().
 * Children get back the mask and dispositions vtrace inherited
 * (stop_child_reset()).
 */
int stop_init(void);
void stop_restore(void);
/* In a forked child before exec: the inherited mask and dispositions. */
void stop_child_reset(void);
/* The signals stop_init() blocked (for a signalfd). */
const sigset_t *stop_sigset(void);

/* The stop signal seen so far (taking a pending one), or 0. */
int stop_pending(void);
/* Records a stop signal read elsewhere (the signalfd). */
void stop_note(int signo);
/* The stage a message names ("compiling", "loading", ...). */
void stop_stage(const char *stage);
const char *stop_stage_name(void);

/*
 * Waits for child pid (its exit status in *status).  A stop signal kills
 * its process group (the child must have called setpgid(0, 0)) and
 * returns -EINTR once it is reaped.
 */
int stop_wait_child(pid_t pid, int *status);
/* Waits up to ms milliseconds, or until a stop signal (-EINTR). */
int stop_sleep(int ms);
/*
 * Enters a stage: -EINTR if a stop signal is pending.  Tests set
 * VTRACE_TEST_STALL=STAGE to hold vtrace there until a signal (30 s at most),
 * creating the file $VTRACE_TEST_STALL_MARK when it gets there.
 */
int stop_enter(const char *stage);

#endif

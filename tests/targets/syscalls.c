// SPDX-License-Identifier: GPL-2.0
/*
 * syscalls count N MSG   getppid() N times, then write(1, MSG)
 * syscalls fork N        the same N getppid() calls in a child and in the parent
 * syscalls loop          getppid() every 10 ms until killed
 * syscalls exit CODE     exits with CODE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void calls(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getppid);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "count";
	int n = argc > 2 ? atoi(argv[2]) : 10;

	if (!strcmp(mode, "exit"))
		return n;
	printf("pid=%d\n", getpid());
	fflush(stdout);
	if (!strcmp(mode, "count")) {
		calls(n);
		if (argc > 3 && write(1, argv[3], strlen(argv[3])) < 0)
			return 1;
	} else if (!strcmp(mode, "fork")) {
		pid_t pid = fork();

		if (!pid) {
			printf("child=%d\n", getpid());
			fflush(stdout);
			calls(n);
			_exit(0);
		}
		calls(n);
		waitpid(pid, NULL, 0);
	} else if (!strcmp(mode, "loop")) {
		for (;;) {
			calls(1);
			usleep(10000);
		}
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * openat PATH: opens PATH relative to the working directory (AT_FDCWD, a
 * negative int), then seeks 1 byte before its end (a negative off_t),
 * printing the arguments of each call first, as the syscall tracepoints'
 * fields name them.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "openat.txt";
	int flags = O_RDONLY | O_CLOEXEC, fd;
	off_t offset = -1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("openat dfd=%d filename=\"%s\" flags=%d\n", AT_FDCWD, path, flags);
	fd = openat(AT_FDCWD, path, flags);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	printf("lseek fd=%d offset=%lld whence=%d\n", fd, (long long)offset, SEEK_END);
	if (lseek(fd, offset, SEEK_END) < 0)
		perror("lseek");
	close(fd);
	return 0;
}

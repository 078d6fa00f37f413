// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/fs.h"
#include "lib/trust.h"

static bool owner_ok(const struct stat *st)
{
	return st->st_uid == 0 || st->st_uid == geteuid();
}

/* Why st (a directory on the way to path) is not to be trusted, or NULL. */
static const char *dir_problem(const struct stat *st, bool leaf, char *buf, size_t size)
{
	if (!S_ISDIR(st->st_mode))
		return leaf ? "is not a directory" : NULL;
	if (!owner_ok(st)) {
		snprintf(buf, size, "is owned by uid %u", (unsigned)st->st_uid);
		return buf;
	}
	/* /tmp: sticky, root's: nobody replaces what another user made in it */
	if (!leaf && (st->st_mode & S_ISVTX) && st->st_uid == 0)
		return NULL;
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return st->st_mode & S_IWOTH ? "is writable by every user" : "is writable by its group";
	return NULL;
}

int trust_dir(const char *path, const char *what)
{
	char buf[PATH_MAX], why[64], real[PATH_MAX];
	const char *bad;
	struct stat st;

	if (lstat(path, &st))
		return -errno;
	if (S_ISLNK(st.st_mode)) {
		pr_err("%s %s is a symbolic link; vtrace keeps it only in a directory it owns", what, path);
		return -EPERM;
	}
	bad = dir_problem(&st, true, why, sizeof(why));
	if (bad) {
		pr_err("%s %s %s: refused (remove it%s)", what, path, bad,
		       strstr(what, "cache") ? ", or choose another with XDG_CACHE_HOME" : "");
		return -EPERM;
	}
	/* every directory above, as resolved */
	if (!realpath(path, real))
		return -errno;
	snprintf(buf, sizeof(buf), "%s", real);
	for (char *slash = strrchr(buf, '/'); slash; slash = strrchr(buf, '/')) {
		*slash = 0;
		if (stat(buf[0] ? buf : "/", &st))
			return -errno;
		bad = dir_problem(&st, false, why, sizeof(why));
		if (bad) {
			pr_err("%s %s: the directory above it, %s, %s: refused", what, path,
			       buf[0] ? buf : "/", bad);
			return -EPERM;
		}
		if (!buf[0])
			break;
	}
	return 0;
}

int trust_mkdir(const char *path, const char *what)
{
	int err = mkdir_p(path, 0755);

	if (err) {
		pr_err("%s %s: cannot create it: %s", what, path, strerror(-err));
		return err;
	}
	return trust_dir(path, what);
}

bool trust_file_ok(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && S_ISREG(st.st_mode) && owner_ok(&st);
}

int trust_read_file(const char *path, size_t max, char **data, size_t *len)
{
	struct stat st;
	size_t n = 0;
	char *buf;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !owner_ok(&st)) {
		close(fd);
		return -EPERM;
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (n < max) {
		ssize_t r = read(fd, buf + n, max - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	close(fd);
	buf[n] = 0;
	*data = buf;
	if (len)
		*len = n;
	return 0;
}

int trust_output_path(const char *path)
{
	char dir[PATH_MAX];
	struct stat st, dst;

	if (lstat(path, &st))
		return 0;	/* created by vtrace */
	snprintf(dir, sizeof(dir), "%s", path);
	if (stat(dirname(dir), &dst) || !(dst.st_mode & S_ISVTX) || !(dst.st_mode & S_IWOTH))
		return 0;
	if (S_ISLNK(st.st_mode) && st.st_uid != geteuid()) {
		pr_err("%s: a symbolic link of uid %u in a directory every user can write: "
		       "not followed; give another path", path, (unsigned)st.st_uid);
		return -EPERM;
	}
	if (!S_ISLNK(st.st_mode) && st.st_uid != geteuid()) {
		pr_err("%s: a file of uid %u in a directory every user can write: not "
		       "overwritten; give another path", path, (unsigned)st.st_uid);
		return -EPERM;
	}
	return 0;
}

bool trust_stream_ok(const char *path)
{
	char link[PATH_MAX], fdpath[64];
	struct stat st;
	ssize_t n;
	int fd;

	if (!strcmp(path, "-"))
		return true;
	if (!stat(path, &st) && S_ISREG(st.st_mode))
		return true;
	/* /dev/stdin, /dev/fd/N, /proc/self/fd/N: what the descriptor is */
	if (!strcmp(path, "/dev/stdin"))
		fd = 0;
	else if (sscanf(path, "/dev/fd/%d", &fd) != 1 && sscanf(path, "/proc/self/fd/%d", &fd) != 1)
		return false;
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	n = readlink(fdpath, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = 0;
	return !strncmp(link, "pipe:", 5) || !strncmp(link, "socket:", 7) || !strncmp(link, "/dev/pts/", 9) ||
	       (!stat(fdpath, &st) && S_ISREG(st.st_mode));
}

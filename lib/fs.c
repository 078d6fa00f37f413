// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fs.h"
#include "lib/trust.h"

int mkdir_p(const char *path, int mode)
{
	char tmp[4096];
	size_t len = strlen(path);

	if (len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

int read_file(const char *path, char **data, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while ((r = read(fd, buf + n, cap - n)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (r < 0) {
		int err = -errno;

		free(buf);
		close(fd);
		return err;
	}
	close(fd);
	buf[n] = 0;
	*data = buf;
	if (len)
		*len = n;
	return 0;
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	char tmp[4096];
	const char *p = data;
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	/* a file planted at the temporary name is neither followed nor reused */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		p += w;
		len -= w;
	}
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int write_file_if_changed(const char *path, const void *data, size_t len)
{
	char *old;
	size_t old_len;

	if (!read_file(path, &old, &old_len)) {
		int same = old_len == len && !memcmp(old, data, len);

		free(old);
		if (same)
			return 0;
	}
	return write_file_atomic(path, data, len);
}

int cache_root(char *out, size_t size)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	struct stat st;
	int n;

	/*
	 * root keeps a cache of its own: under sudo -E, $HOME and
	 * $XDG_CACHE_HOME are the user's, whose files root would then load.
	 */
	if (!geteuid()) {
		struct passwd *pw = getpwuid(0);

		if (xdg && *xdg && !stat(xdg, &st) && st.st_uid)
			xdg = NULL;
		if (home && *home && !stat(home, &st) && st.st_uid)
			home = pw ? pw->pw_dir : "/root";
	}

	if (xdg && *xdg) {
		n = snprintf(out, size, "%s/vtrace", xdg);
	} else {
		if (!home || !*home) {
			struct passwd *pw = getpwuid(getuid());

			home = pw ? pw->pw_dir : "/tmp";
		}
		n = snprintf(out, size, "%s/.cache/vtrace", home);
	}
	return n < (int)size ? 0 : -ENAMETOOLONG;
}

int cache_subdir(const char *sub, char *out, size_t size)
{
	char root[4096];
	int err = cache_root(root, sizeof(root));

	if (err)
		return err;
	if (snprintf(out, size, "%s/%s", root, sub) >= (int)size)
		return -ENAMETOOLONG;
	return trust_mkdir(out, "the cache directory");
}

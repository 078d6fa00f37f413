// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sys/mount.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/tracefs.h"

#define TRACEFS "/sys/kernel/tracing"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"

int tracefs_dir(const char **dir)
{
	if (!access(TRACEFS "/events", F_OK)) {
		*dir = TRACEFS;
		return 0;
	}
	if (!access(DEBUGFS_TRACING "/events", F_OK)) {
		*dir = DEBUGFS_TRACING;
		return 0;
	}
	pr_debug("mounting tracefs on " TRACEFS);
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) && errno != EBUSY)
		return -errno;
	*dir = TRACEFS;
	return 0;
}

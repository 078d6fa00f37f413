/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_LIB_ENV_H
#define VTRACE_LIB_ENV_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * env_switch_on(): whether a VTRACE_NO_* switch is set, one spelling for
 * every switch: set to anything but "" or "0".
 */
static inline bool env_switch_on(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

#endif

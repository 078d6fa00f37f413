// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/dwarf.h"
#include "probe/resolve.h"

int probe_resolve(const struct spec *s, const char *binary, struct probe_resolved *out,
		  struct spec_error *err)
{
	struct dwarf_file df;
	const char *path = binary ? binary : s->exec;
	int rc;

	memset(out, 0, sizeof(*out));
	if (s->point == POINT_RAW_TP || s->point == POINT_TP || (!path && !s->module)) {
		err->col = s->point_col;
		err->len = 1;
		snprintf(err->msg, sizeof(err->msg), "kernel probes without DWARF are not resolved "
			 "by this version; give exec=PATH or module=NAME");
		return -EOPNOTSUPP;
	}
	if (!path)
		path = s->module;
	rc = dwarf_file_open(path, &df);
	if (rc) {
		/* Underline exec=PATH in the spec; a -x path is not in it. */
		const char *in_spec = binary ? NULL : strstr(s->text, "exec=");

		err->col = in_spec ? in_spec - s->text + 5 : 0;
		err->len = in_spec ? (int)strlen(path) : 0;
		if (rc == -ENODATA)
			snprintf(err->msg, sizeof(err->msg), "%s has no debug info: rebuild it with -g, or "
				 "install its -dbgsym package (found through .gnu_debuglink and "
				 "/usr/lib/debug/.build-id)", path);
		else
			snprintf(err->msg, sizeof(err->msg), "%s: %s", path,
				 rc == -ENOEXEC ? "not an ELF file" : strerror(-rc));
		dwarf_file_close(&df);
		return rc;
	}
	rc = dwarf_resolve(&df, s, out, err);
	if (!rc)
		out->binary = strdup(path);
	dwarf_file_close(&df);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "lib/fs.h"
#include "lib/ldpath.h"

#include "probe/btf_args.h"
#include "probe/btf_resolve.h"
#include "probe/dwarf.h"
#include "probe/elf.h"
#include "probe/resolve.h"

/* Can the spec do without DWARF: a symbol (+OFF) or an address, registers only? */
static bool needs_dwarf(const struct spec *s)
{
	if (s->point != POINT_FUNC && s->point != POINT_ADDR)
		return true;
	if (s->has_relline || s->file)
		return true;
	for (size_t i = 0; i < s->nargs; i++)
		if (s->args[i].kind != EXPR_REG && !(s->ret && s->args[i].kind == EXPR_RETVAL))
			return true;
	return false;
}

/* A user binary without debug info: the symbol table gives the address. */
static int symbol_resolve(const struct spec *s, const char *path, struct probe_resolved *out,
			  struct spec_error *err)
{
	struct probe_instance *in;
	uint64_t addr = s->addr, size = 0, off;

	if (s->point == POINT_FUNC) {
		if (elf_func_offset(path, s->func, &addr, &size, &off))
			return spec_fail_errno(err, -ENOENT, s->func_col, strlen(s->func), "no function '%s' "
					       "in %s's symbol table (and no debug info)", s->func, path);
		if (s->has_offset && size && s->offset >= size)
			return spec_fail(err, s->suffix_col, 1, "+%lu is past the end of %s (%llu bytes)",
					 s->offset, s->func, (unsigned long long)size);
		addr += s->offset;
	}
	out->target = TARGET_USER;
	out->ret = s->ret;
	out->binary = strdup(path);
	out->insts = calloc(1, sizeof(*out->insts));
	if (!out->insts)
		return -ENOMEM;
	out->ninsts = 1;
	in = &out->insts[0];
	in->addr = addr;
	in->func = strdup(s->func ? s->func : "?");
	in->func_offset = s->offset;
	in->file_offset = addr;
	{
		uint64_t a2, sz2, fo;

		if (s->func && !elf_func_offset(path, s->func, &a2, &sz2, &fo))
			in->file_offset = fo + s->offset;
	}
	for (size_t i = 0; i < s->nargs; i++) {
		const struct spec_arg *sa = &s->args[i];
		struct fetch_arg a = { .base = FETCH_REG, .final = FINAL_INT, .size = 8, .hex = true };
		struct fetch_arg *na;

		a.reg = sa->kind == EXPR_RETVAL ? DREG_RAX : arch_reg_by_name(sa->var);
		if (a.reg < 0) {
			probe_resolved_free(out);
			return spec_fail_errno(err, -EINVAL, sa->col, sa->len, "unknown register '%%%s'", sa->var);
		}
		a.name = strdup(sa->name);
		a.type_name = strdup("u64");
		na = realloc(in->args, (in->nargs + 1) * sizeof(*na));
		if (!na)
			return -ENOMEM;
		in->args = na;
		in->args[in->nargs++] = a;
	}
	return 0;
}

static const char *release(void)
{
	static struct utsname u;

	if (!u.release[0])
		uname(&u);
	return u.release;
}

/*
 * module=NAME: a path as given (NAME.ko, or containing '/'), else
 * NAME.ko from the running kernel's modules.dep ('-' and '_' alike).
 */
static int module_path(const char *name, char *out, size_t size)
{
	char dep[512], *data, *line, *save = NULL, want[256];
	size_t n = strlen(name);
	int rc = -ENOENT;

	if (strchr(name, '/') || (n > 3 && !strcmp(name + n - 3, ".ko"))) {
		snprintf(out, size, "%s", name);
		return 0;
	}
	snprintf(want, sizeof(want), "%s.ko", name);
	for (char *p = want; *p; p++)
		if (*p == '-')
			*p = '_';
	snprintf(dep, sizeof(dep), "/lib/modules/%s/modules.dep", release());
	if (read_file(dep, &data, NULL))
		return -ENOENT;
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *base, norm[256];

		if (!colon)
			continue;
		*colon = 0;
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		snprintf(norm, sizeof(norm), "%s", base);
		for (char *p = norm; *p; p++)
			if (*p == '-')
				*p = '_';
		if (!strcmp(norm, want)) {
			snprintf(out, size, "/lib/modules/%s/%s", release(), line);
			rc = 0;
			break;
		}
	}
	free(data);
	return rc;
}

/* Underlines exec=NAME in the spec; a -x name is not in it. */
static void exec_fail(const struct spec *s, const char *binary, struct spec_error *err)
{
	const char *in_spec = binary ? NULL : strstr(s->text, "exec=");

	err->col = in_spec ? in_spec - s->text + 5 : 0;
	err->len = in_spec ? (int)strlen(s->exec) : 0;
}

int probe_find_binary(const char *name, char **path, char *msg, size_t size)
{
	struct strbuf searched = STRBUF_INIT;
	int rc = binary_lookup(name, path, &searched);

	if (rc == -ENOENT)
		snprintf(msg, size, "no %s '%s' in %s, nor in the current directory; give its path",
			 library_name(name) ? "library" : "command", name, searched.buf);
	else if (rc)
		snprintf(msg, size, "%s: %s", name, strerror(-rc));
	strbuf_release(&searched);
	return rc;
}

void probe_open_error(const char *name, const char *path, int rc, char *msg, size_t size)
{
	if (rc == -ENODATA)
		snprintf(msg, size, "%s has no debug info: rebuild it with -g, or install its -dbgsym "
			 "package (found through .gnu_debuglink and /usr/lib/debug/.build-id)", path);
	else if (rc == -ENOEXEC && strcmp(name, path))
		/* the shell would run it, but a script has no code to probe */
		snprintf(msg, size, "'%s' is %s, which is not an ELF file (a script?): give the path of "
			 "the program it runs", name, path);
	else
		snprintf(msg, size, "%s: %s", path, rc == -ENOEXEC ? "not an ELF file" : strerror(-rc));
}

int probe_resolve(const struct spec *s, const char *binary, struct probe_resolved *out,
		  struct spec_error *err)
{
	struct dwarf_file df;
	char *found = NULL;
	const char *path;
	char modpath[4096];
	int rc;

	memset(out, 0, sizeof(*out));
	if (s->point == POINT_TP)
		return tp_resolve(s, out, err);
	if (s->point == POINT_FENTRY || s->point == POINT_TP_BTF)
		return tramp_resolve(s, out, err);
	if (s->via == VIA_FENTRY && !binary) {
		const char *why;

		if (spec_tramp_eligible(s, &why))
			return spec_fail(err, 0, 0, "via=fentry: %s", why);
		return tramp_resolve(s, out, err);	/* EVENT=FUNC[%return] on the trampoline */
	}
	if (s->point == POINT_RAW_TP || (!binary && !s->exec && !s->module))
		return btf_resolve(s, out, err);
	rc = spec_check_return(s, err);
	if (rc)
		return rc;
	if (binary || s->exec) {
		rc = probe_find_binary(binary ? binary : s->exec, &found, err->msg, sizeof(err->msg));
		if (rc) {
			exec_fail(s, binary, err);
			return rc;
		}
		path = found;
	} else {
		if (module_path(s->module, modpath, sizeof(modpath))) {
			const char *in_spec = strstr(s->text, "module=");

			return spec_fail_errno(err, -ENOENT, in_spec ? in_spec - s->text + 7 : 0,
					       in_spec ? (int)strlen(s->module) : 0, "no module '%s' under "
					       "/lib/modules/%s; give module=PATH/TO/NAME.ko", s->module, release());
		}
		path = modpath;
	}
	rc = elf_target_check(path, err->msg, sizeof(err->msg));
	if (rc == -EOPNOTSUPP) {
		exec_fail(s, binary, err);
		goto out;
	}
	rc = dwarf_file_open(path, &df);
	if (rc == -ENODATA && !needs_dwarf(s)) {
		dwarf_file_close(&df);
		rc = symbol_resolve(s, path, out, err);
		goto out;
	}
	if (rc) {
		exec_fail(s, binary, err);
		probe_open_error(binary ? binary : s->exec ? s->exec : path, path, rc, err->msg,
				 sizeof(err->msg));
		dwarf_file_close(&df);
		goto out;
	}
	rc = dwarf_resolve(&df, s, out, err);
	if (rc == -ENOENT && !needs_dwarf(s)) {
		/* Debug info that does not cover the function (an assembly one,
		 * say): the symbol table may; if not, the DWARF error is the better one. */
		struct spec_error sym_err;

		if (!symbol_resolve(s, path, out, &sym_err)) {
			dwarf_file_close(&df);
			rc = 0;
			goto out;
		}
	}
	if (!rc) {
		out->binary = strdup(path);
		out->target = s->module && !binary && !s->exec ? TARGET_KERNEL : TARGET_USER;
	}
	dwarf_file_close(&df);
out:
	free(found);
	return rc;
}

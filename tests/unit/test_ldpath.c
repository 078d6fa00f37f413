// SPDX-License-Identifier: GPL-2.0
/*
 * The library and command lookup against independent answers: ldconfig -p
 * (glibc's own reading of /etc/ld.so.cache), the shell's command -v, and a
 * cache written here in the layout glibc's ldconfig used before 2.32 (the
 * old table with the new one after it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/ldpath.h"
#include "test.h"

struct collect {
	struct strbuf sb;
	int n;
};

static int collect(const char *soname, const char *path, void *arg)
{
	struct collect *c = arg;

	strbuf_addf(&c->sb, "%s %s\n", soname, path);
	c->n++;
	return 0;
}

/* ldconfig -p's x86-64 entries as "SONAME PATH" lines, in its order. */
static char *ldconfig_entries(int *n)
{
	FILE *p = popen("ldconfig -p 2>/dev/null", "r");
	struct strbuf sb = STRBUF_INIT;
	char line[4096], soname[1024], path[2048];

	*n = 0;
	while (p && fgets(line, sizeof(line), p))
		if (strstr(line, "(libc6,x86-64") && !strstr(line, "hwcap") &&
		    sscanf(line, " %1023s (%*[^)]) => %2047s", soname, path) == 2) {
			strbuf_addf(&sb, "%s %s\n", soname, path);
			(*n)++;
		}
	if (p)
		pclose(p);
	return sb.buf ? strbuf_detach(&sb) : strdup("");
}

static char *shell_answer(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char line[4096] = "";

	if (p) {
		if (!fgets(line, sizeof(line), p))
			line[0] = 0;
		pclose(p);
	}
	line[strcspn(line, "\n")] = 0;
	return strdup(line);
}

static void put32(FILE *f, unsigned v)
{
	fwrite(&v, 4, 1, f);
}

/* The compatible layout: "ld.so-1.7.0", the old 12-byte entries, then the new format 8-aligned. */
static void write_compat_cache(const char *path)
{
	static const char strs[] = "libdemo.so.1\0/opt/demo/libdemo.so.1\0";
	FILE *f = fopen(path, "wb");
	unsigned long long zero = 0;

	fwrite("ld.so-1.7.0", 11, 1, f);
	fputc(0, f);
	put32(f, 1);			/* nlibs */
	put32(f, 0x303);		/* the old entry, unused by readers of the new one */
	put32(f, 0);
	put32(f, 0);
	put32(f, 0);			/* to 8-byte alignment: 28 bytes so far */
	fwrite("glibc-ld.so.cache1.1", 20, 1, f);
	put32(f, 2);			/* nlibs */
	put32(f, sizeof(strs));		/* len_strings */
	put32(f, 2);			/* flags: little endian; padding */
	put32(f, 0);			/* extension offset */
	put32(f, 0);
	put32(f, 0);
	put32(f, 0);
	/* an i386 entry first: not this ABI */
	put32(f, 0x003);
	put32(f, 48 + 2 * 24);
	put32(f, 48 + 2 * 24 + 13);
	put32(f, 0);
	fwrite(&zero, 8, 1, f);
	put32(f, 0x303);
	put32(f, 48 + 2 * 24);		/* offsets from the new header */
	put32(f, 48 + 2 * 24 + 13);
	put32(f, 0);
	fwrite(&zero, 8, 1, f);
	fwrite(strs, sizeof(strs), 1, f);
	fclose(f);
}

int main(void)
{
	struct collect c = { STRBUF_INIT, 0 };
	struct strbuf searched = STRBUF_INIT;
	char tmp[] = "/tmp/vtrace-ldcache-XXXXXX", *want, *path = NULL, *sh;
	int n, fd;

	CHECK_INT(ld_cache_each("/etc/ld.so.cache", collect, &c), 0, "reads /etc/ld.so.cache");
	want = ldconfig_entries(&n);
	CHECK(n > 10, "ldconfig -p lists x86-64 libraries");
	CHECK_STR(c.sb.buf ? c.sb.buf : "", want, "each x86-64 entry, as ldconfig -p reads the cache");
	free(want);
	strbuf_release(&c.sb);

	CHECK_INT(binary_lookup("libc.so.6", &path, NULL), 0, "libc.so.6 is found");
	want = shell_answer("ldconfig -p | sed -n 's/^\\tlibc.so.6 (libc6,x86-64) => //p' | head -1");
	CHECK_STR(path, want, "libc.so.6 is where ldconfig -p says");
	free(want);
	free(path);

	CHECK_INT(binary_lookup("sh", &path, NULL), 0, "a command is found on PATH");
	sh = shell_answer("command -v sh");
	CHECK_STR(path, sh, "sh is where the shell finds it");
	free(sh);
	free(path);

	CHECK_INT(binary_lookup("./no/such", &path, NULL), 0, "a path is taken as given");
	CHECK_STR(path, "./no/such", "the path, unchanged");
	free(path);

	CHECK_INT(binary_lookup("libvtrace-none.so.9", &path, &searched), -ENOENT, "an unknown library");
	CHECK(searched.buf && strstr(searched.buf, "/etc/ld.so.cache") &&
	      strstr(searched.buf, "/usr/lib/x86_64-linux-gnu"), "the message names the cache and the directories");
	strbuf_reset(&searched);
	setenv("PATH", "/nonexistent/bin", 1);
	CHECK_INT(binary_lookup("vtrace-no-such-command", &path, &searched), -ENOENT, "an unknown command");
	CHECK(searched.buf && strstr(searched.buf, "PATH (/nonexistent/bin)"), "the message names PATH");
	strbuf_release(&searched);

	setenv("LD_LIBRARY_PATH", "/nonexistent:/lib/x86_64-linux-gnu", 1);
	CHECK_INT(binary_lookup("libm.so.6", &path, NULL), 0, "LD_LIBRARY_PATH is searched first");
	CHECK_STR(path, "/lib/x86_64-linux-gnu/libm.so.6", "in its order");
	free(path);
	unsetenv("LD_LIBRARY_PATH");

	CHECK(library_name("libc.so.6") && library_name("libz.so") && !library_name("python3.11") &&
	      !library_name("a.sock") && !library_name(".so"), "library names: NAME.so and NAME.so.N");

	fd = mkstemp(tmp);
	close(fd);
	write_compat_cache(tmp);
	c = (struct collect){ STRBUF_INIT, 0 };
	CHECK_INT(ld_cache_each(tmp, collect, &c), 0, "reads the old+new layout");
	CHECK_STR(c.sb.buf ? c.sb.buf : "", "libdemo.so.1 /opt/demo/libdemo.so.1\n",
		  "its new table's x86-64 entry, strings from the new header");
	strbuf_release(&c.sb);
	unlink(tmp);
	return TEST_DONE();
}

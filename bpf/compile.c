// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf/ccdiag.h"
#include "bpf/compile.h"
#include "bpf/embed.h"
#include "lib/error.h"
#include "lib/stop.h"
#include "lib/trust.h"
#include "lib/fs.h"
#include "lib/sha256.h"
#include "lib/strbuf.h"

/* Bump when the way objects are built changes, to invalidate old entries. */
#define CACHE_FORMAT "vtrace-compile-1"

static const char *const bpf_cflags[] = {
	"-target", "bpf", "-mcpu=v3", "-O2", "-g",
#if defined(__x86_64__)
	"-D__TARGET_ARCH_x86",
#elif defined(__aarch64__)
	"-D__TARGET_ARCH_arm64",
#endif
	"-Wno-unused-value", "-Wno-pointer-sign", "-Wno-compare-distinct-pointer-types",
	"-Wno-gnu-variable-sized-type-not-at-end", "-Wno-address-of-packed-member",
	"-fno-stack-protector",
	/* a backend crash leaves no reproducer files in /tmp */
	"-fno-crash-diagnostics",
#if defined(__x86_64__)
	"-idirafter", "/usr/include/x86_64-linux-gnu",
#elif defined(__aarch64__)
	"-idirafter", "/usr/include/aarch64-linux-gnu",
#endif
};

int vtrace_include_dir(char *dir, size_t size)
{
	char path[4200];
	int err = cache_subdir("include", dir, size);

	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/vtrace.h", dir);
	err = write_file_if_changed(path, vtrace_h_data, EMBED_SIZE(vtrace_h));
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/vtrace_sample.h", dir);
	return write_file_if_changed(path, vtrace_sample_h_data, EMBED_SIZE(vtrace_sample_h));
}

/* The compiler: $VTRACE_CLANG, else clang on PATH. */
static int find_clang(char *out, size_t size)
{
	const char *env = getenv("VTRACE_CLANG");
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (env && *env) {
		if (access(env, X_OK))
			return -errno;
		snprintf(out, size, "%s", env);
		return 0;
	}
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		const char *end = strchrnul(p, ':');

		snprintf(buf, sizeof(buf), "%.*s/clang", (int)(end - p), p);
		if (!access(buf, X_OK)) {
			snprintf(out, size, "%s", buf);
			return 0;
		}
		p = *end ? end + 1 : end;
	}
	return -ENOENT;
}

/* clang's identity without running it: the resolved binary's size and mtime. */
static void hash_compiler(struct sha256 *h, const char *clang)
{
	char real[PATH_MAX];
	struct stat st;

	if (!realpath(clang, real))
		snprintf(real, sizeof(real), "%s", clang);
	sha256_update(h, real, strlen(real) + 1);
	if (!stat(real, &st)) {
		sha256_update(h, &st.st_size, sizeof(st.st_size));
		sha256_update(h, &st.st_mtim, sizeof(st.st_mtim));
	}
}

/*
 * The manifest next to a cached object lists every header the source
 * included, with its hash: "HEX PATH" per line.  The entry is valid only
 * while each still hashes the same.
 */
static int manifest_valid(const char *manifest)
{
	char *data, *line, *save = NULL;
	int ok = 1;

	if (read_file(manifest, &data, NULL))
		return 0;
	for (line = strtok_r(data, "\n", &save); line && ok; line = strtok_r(NULL, "\n", &save)) {
		char hex[65];
		struct sha256 h;

		if (strlen(line) < 66 || line[64] != ' ') {
			ok = 0;
			break;
		}
		sha256_init(&h);
		if (sha256_file(&h, line + 65)) {
			ok = 0;
			break;
		}
		sha256_hex(&h, hex);
		ok = !memcmp(hex, line, 64);
	}
	free(data);
	return ok;
}

/* Turns clang's -MD output (make syntax) into a manifest. */
static int manifest_write(const char *depfile, const char *src, const char *manifest)
{
	struct strbuf out = STRBUF_INIT, word = STRBUF_INIT;
	char *data, *p;
	int err, first = 1;

	err = read_file(depfile, &data, NULL);
	if (err)
		return err;
	for (p = data;; p++) {
		if (*p == '\\' && p[1] == '\n') {
			p++;
			continue;
		}
		if (*p == '\\' && p[1] == ' ') {
			strbuf_addch(&word, ' ');
			p++;
			continue;
		}
		if (*p && *p != ' ' && *p != '\n' && *p != '\t') {
			strbuf_addch(&word, *p);
			continue;
		}
		if (word.len) {
			/* The first word is the target ("x.o:"); the source is in the key. */
			if (!first && strcmp(word.buf, src)) {
				char hex[65], real[PATH_MAX];
				struct sha256 h;

				if (!realpath(word.buf, real))
					snprintf(real, sizeof(real), "%s", word.buf);
				sha256_init(&h);
				if (!sha256_file(&h, real)) {
					sha256_hex(&h, hex);
					strbuf_addf(&out, "%s %s\n", hex, real);
				}
			}
			first = 0;
			strbuf_reset(&word);
		}
		if (!*p)
			break;
	}
	err = write_file_atomic(manifest, out.buf ? out.buf : "", out.len);
	free(data);
	strbuf_release(&out);
	strbuf_release(&word);
	return err;
}

/*
 * Runs clang with its stderr into diag; its exit status, or -errno.  clang
 * runs in its own process group with vtrace's signals unblocked, and dies
 * with vtrace: a stop signal kills it (-EINTR, nothing said).
 */
static int run_clang(char *const argv[], struct strbuf *diag)
{
	int status, fds[2], err;
	char buf[4096];
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (!pid) {
		setpgid(0, 0);
		stop_child_reset();
		dup2(fds[1], STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[1]);
	for (;;) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };

		if (stop_pending())
			break;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fds[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_add(diag, buf, n);
	}
	close(fds[0]);
	err = stop_wait_child(pid, &status);
	if (err)
		return err;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * What clang said, for a person: with -v all of it; else the first error
 * (or warning) with its caret and a count of the rest, or one line for a
 * crash vtrace knows.  failed: clang's exit status, 0 when it succeeded.
 */
static void report_clang(const char *src, const char *diag, int failed)
{
	struct cc_summary sum;
	struct strbuf out = STRBUF_INIT;
	char loc[512];
	int more;

	if (verbose) {
		fputs(diag, stderr);
		if (failed)
			pr_err("%s: compile failed (clang exited with status %d)", src, failed);
		return;
	}
	if (failed && cc_diag_signed_division(diag, loc, sizeof(loc))) {
		pr_err("%s: signed division or modulo, which clang 14 cannot compile for BPF "
		       "(-mcpu=v4 needs clang 18): make the operands unsigned, e.g. "
		       "(unsigned long)a / b", loc);
		return;
	}
	cc_diag_shorten(diag, &out, &sum);
	if (out.len)
		fputs(out.buf, stderr);
	strbuf_release(&out);
	if (failed && sum.errors) {
		more = sum.errors - 1;
		if (more)
			pr_err("%s: compile failed, %d more error%s (-v shows all of clang's output)",
			       src, more, more == 1 ? "" : "s");
		else
			pr_err("%s: compile failed", src);
	} else if (failed) {
		/* nothing vtrace recognised: clang's own words */
		if (!out.len)
			fputs(diag, stderr);
		pr_err("%s: compile failed (clang exited with status %d)", src, failed);
	} else if (sum.warnings > 1) {
		pr_warn("%s: %d more warning%s (-v shows all of clang's output)", src,
			sum.warnings - 1, sum.warnings == 2 ? "" : "s");
	}
}

int bpf_compile(const char *src, char *obj, size_t size)
{
	char clang[PATH_MAX], inc[4200], btfinc[4200], objdir[4200];
	char manifest[4300], tmp_obj[4400], tmp_dep[4400], hex[65];
	char inc_flag[4300], btf_flag[4300], real[PATH_MAX], dash_src[PATH_MAX + 2];
	const char *argv[64];
	struct strbuf diag = STRBUF_INIT;
	struct sha256 h;
	char *source;
	size_t len;
	int err, argc = 0;

	err = read_file(src, &source, &len);
	if (err) {
		pr_err("%s: %s", src, strerror(-err));
		return err;
	}
	err = find_clang(clang, sizeof(clang));
	if (err) {
		free(source);
		pr_err("%s: cannot compile: clang not found (install clang, or set VTRACE_CLANG)", src);
		return err;
	}
	if ((err = vtrace_include_dir(inc, sizeof(inc))) ||
	    (err = vmlinux_h_dir(btfinc, sizeof(btfinc))) ||
	    (err = cache_subdir("obj", objdir, sizeof(objdir)))) {
		free(source);
		pr_err("%s: cannot prepare the compile cache: %s", src, strerror(-err));
		return err;
	}

	sha256_init(&h);
	sha256_update(&h, CACHE_FORMAT, sizeof(CACHE_FORMAT));
	sha256_update(&h, source, len);
	/* "local.h" resolves next to the source: the directory is part of the input. */
	if (realpath(src, real)) {
		char *slash = strrchr(real, '/');

		sha256_update(&h, real, slash ? (size_t)(slash - real) : strlen(real));
	}
	for (size_t i = 0; i < sizeof(bpf_cflags) / sizeof(bpf_cflags[0]); i++)
		sha256_update(&h, bpf_cflags[i], strlen(bpf_cflags[i]) + 1);
	sha256_update(&h, btfinc, strlen(btfinc) + 1);
	hash_compiler(&h, clang);
	sha256_hex(&h, hex);
	free(source);

	snprintf(obj, size, "%s/%s.o", objdir, hex);
	snprintf(manifest, sizeof(manifest), "%s/%s.deps", objdir, hex);
	/* only what root (or this user) wrote is loaded from the cache */
	if (trust_file_ok(obj) && trust_file_ok(manifest) && manifest_valid(manifest)) {
		pr_debug("%s: cached object %s", src, obj);
		return 0;
	}

	snprintf(tmp_obj, sizeof(tmp_obj), "%s.tmp.%d", obj, getpid());
	snprintf(tmp_dep, sizeof(tmp_dep), "%s.d.%d", obj, getpid());
	snprintf(inc_flag, sizeof(inc_flag), "-I%s", inc);
	snprintf(btf_flag, sizeof(btf_flag), "-I%s", btfinc);
	argv[argc++] = clang;
	for (size_t i = 0; i < sizeof(bpf_cflags) / sizeof(bpf_cflags[0]); i++)
		argv[argc++] = bpf_cflags[i];
	argv[argc++] = inc_flag;
	argv[argc++] = btf_flag;
	argv[argc++] = "-MD";
	argv[argc++] = "-MF";
	argv[argc++] = tmp_dep;
	argv[argc++] = "-o";
	argv[argc++] = tmp_obj;
	argv[argc++] = "-c";
	/* a source named -x.c is a file, not an option (clang 14 has no "--") */
	if (src[0] == '-')
		snprintf(dash_src, sizeof(dash_src), "./%s", src);
	argv[argc++] = src[0] == '-' ? dash_src : src;
	argv[argc] = NULL;

	pr_debug("compiling %s", src);
	err = run_clang((char *const *)argv, &diag);
	if (err == -EINTR) {
		/* a stop signal killed clang: the caller says so */
	} else if (err < 0) {
		pr_err("%s: cannot run %s: %s", src, clang, strerror(-err));
	} else {
		report_clang(src, diag.buf ? diag.buf : "", err);
		if (err)
			err = -EINVAL;
	}
	strbuf_release(&diag);
	if (err) {
		unlink(tmp_obj);
		unlink(tmp_dep);
		return err;
	}
	err = manifest_write(tmp_dep, src, manifest);
	unlink(tmp_dep);
	if (!err && rename(tmp_obj, obj))
		err = -errno;
	if (err) {
		unlink(tmp_obj);
		pr_err("%s: cannot write the compile cache: %s", src, strerror(-err));
	}
	return err;
}

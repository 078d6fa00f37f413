// SPDX-License-Identifier: GPL-2.0
/*
 * Finding a binary by name as the dynamic loader (libraries) or the shell
 * (commands) would, so that exec=libc.so.6 probes the file a traced
 * process maps, as perf, bpftrace and libbpf resolve names.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fs.h"
#include "lib/ldpath.h"

#if defined(__x86_64__)
#define ABI_MACHINE EM_X86_64
#define ABI_TRIPLET "x86_64-linux-gnu"
#define ABI_CACHE_FLAGS 0x0303	/* FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 */
#elif defined(__aarch64__)
#define ABI_MACHINE EM_AARCH64
#define ABI_TRIPLET "aarch64-linux-gnu"
#define ABI_CACHE_FLAGS 0x0a03	/* FLAG_ELF_LIBC6 | FLAG_AARCH64_LIB64 */
#else
#error "vtrace: the library lookup knows x86-64 and aarch64"
#endif

#define LD_CACHE "/etc/ld.so.cache"

/* The loader's built-in directories, after the cache (Debian's multiarch first). */
static const char *const default_dirs[] = {
	"/lib/" ABI_TRIPLET, "/usr/lib/" ABI_TRIPLET, "/lib64", "/usr/lib64", "/lib", "/usr/lib", NULL
};

/*
 * ld.so.cache, new format (glibc's dl-cache.h): a 48-byte header, then
 * nlibs 24-byte entries whose key (soname) and value (path) are offsets
 * from the start of the new-format data.
 */
#define CACHE_MAGIC_NEW "glibc-ld.so.cache1.1"
#define CACHE_MAGIC_OLD "ld.so-1.7.0"
#define CACHE_HDR_NEW 48
#define CACHE_ENTRY_NEW 24
#define CACHE_ENTRY_OLD 12
#define CACHE_HWCAP_EXTENSION (1ULL << 62)

static uint32_t get32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static const char *cache_str(const char *base, size_t size, uint32_t off)
{
	if (off >= size || !memchr(base + off, 0, size - off))
		return NULL;
	return base + off;
}

int ld_cache_each(const char *cache_path, int (*cb)(const char *soname, const char *path, void *arg),
		  void *arg)
{
	char *data;
	const char *d;
	size_t len, size;
	uint32_t nlibs;
	int rc;

	rc = read_file(cache_path, &data, &len);
	if (rc)
		return rc;
	d = data;
	size = len;
	if (size >= 16 &&
	    !memcmp(d, CACHE_MAGIC_OLD, sizeof(CACHE_MAGIC_OLD) - 1)) {
		/* the compatible layout: the old table (16-byte header, 12-byte
		 * entries), then the new one, 8-aligned, its offsets from its start */
		size_t skip;

		nlibs = get32(d + 12);
		skip = (16 + (size_t)nlibs * CACHE_ENTRY_OLD + 7) & ~(size_t)7;
		if (skip > size) {
			rc = -EINVAL;
			goto out;
		}
		d += skip;
		size -= skip;
	}
	if (size < CACHE_HDR_NEW || memcmp(d, CACHE_MAGIC_NEW, sizeof(CACHE_MAGIC_NEW) - 1)) {
		rc = -EINVAL;
		goto out;
	}
	nlibs = get32(d + 20);
	if ((size - CACHE_HDR_NEW) / CACHE_ENTRY_NEW < nlibs) {
		rc = -EINVAL;
		goto out;
	}
	for (uint32_t i = 0; i < nlibs && !rc; i++) {
		const char *e = d + CACHE_HDR_NEW + (size_t)i * CACHE_ENTRY_NEW;
		const char *soname = cache_str(d, size, get32(e + 4));
		const char *path = cache_str(d, size, get32(e + 8));

		/*
		 * The baseline entry, not a glibc-hwcaps variant (x86-64-v3, ...):
		 * the loader would prefer a variant on a CPU that has its
		 * features, which is not checked here (Debian ships none).
		 */
		if ((int32_t)get32(e) != ABI_CACHE_FLAGS || (get64(e + 16) & CACHE_HWCAP_EXTENSION) ||
		    !soname || !path)
			continue;
		rc = cb(soname, path, arg);
	}
out:
	free(data);
	return rc;
}

/* A regular file that is an ELF object of this machine's ABI (the loader skips others). */
static bool abi_library(const char *path)
{
	unsigned char h[20];
	struct stat st;
	int fd;
	bool ok;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = read(fd, h, sizeof(h)) == sizeof(h) && !memcmp(h, ELFMAG, SELFMAG) &&
	     h[EI_CLASS] == ELFCLASS64 && h[EI_DATA] == ELFDATA2LSB &&
	     (h[18] | h[19] << 8) == ABI_MACHINE;
	close(fd);
	return ok;
}

static bool is_command(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/* Each entry of a ':'-separated list (';' too for LD_LIBRARY_PATH); empty means ".". */
static int search_list(const char *list, const char *seps, const char *name,
		       bool (*fits)(const char *path), char **out)
{
	const char *p = list;

	while (p) {
		size_t n = strcspn(p, seps);
		char *cand;

		if (asprintf(&cand, "%.*s/%s", (int)(n ? n : 1), n ? p : ".", name) < 0)
			return -ENOMEM;
		if (fits(cand)) {
			*out = cand;
			return 0;
		}
		free(cand);
		p = p[n] ? p + n + 1 : NULL;
	}
	return -ENOENT;
}

struct cache_find {
	const char *name;
	char *path;
};

static int cache_match(const char *soname, const char *path, void *arg)
{
	struct cache_find *cf = arg;

	if (strcmp(soname, cf->name) || !abi_library(path))
		return 0;
	cf->path = strdup(path);
	return cf->path ? 1 : -ENOMEM;
}

static int library_lookup(const char *name, char **out, struct strbuf *searched)
{
	const char *llp = getenv("LD_LIBRARY_PATH");
	struct cache_find cf = { .name = name };
	int rc;

	if (llp && *llp) {
		rc = search_list(llp, ":;", name, abi_library, out);
		if (rc != -ENOENT)
			return rc;
	}
	rc = ld_cache_each(LD_CACHE, cache_match, &cf);
	if (rc < 0 && rc != -ENOENT && rc != -EINVAL)
		return rc;
	if (cf.path) {
		*out = cf.path;
		return 0;
	}
	for (size_t i = 0; default_dirs[i]; i++) {
		rc = search_list(default_dirs[i], ":", name, abi_library, out);
		if (rc != -ENOENT)
			return rc;
	}
	if (searched) {
		if (llp && *llp)
			strbuf_addf(searched, "LD_LIBRARY_PATH (%s), ", llp);
		strbuf_addstr(searched, LD_CACHE " and ");
		for (size_t i = 0; default_dirs[i]; i++)
			strbuf_addf(searched, "%s%s", i ? ":" : "", default_dirs[i]);
	}
	return -ENOENT;
}

bool library_name(const char *name)
{
	const char *so = strstr(name, ".so");

	while (so && so[3] && so[3] != '.')
		so = strstr(so + 1, ".so");
	return so && so != name;
}

int binary_lookup(const char *name, char **path, struct strbuf *searched)
{
	const char *env_path;
	int rc;

	if (strchr(name, '/') || !*name) {
		*path = strdup(name);
		return *path ? 0 : -ENOMEM;
	}
	if (library_name(name)) {
		rc = library_lookup(name, path, searched);
	} else {
		env_path = getenv("PATH");
		if (!env_path || !*env_path)
			env_path = "/usr/local/bin:/usr/bin:/bin";
		rc = search_list(env_path, ":", name, is_command, path);
		if (rc == -ENOENT && searched)
			strbuf_addf(searched, "PATH (%s)", env_path);
	}
	if (rc == -ENOENT && !access(name, F_OK)) {
		*path = strdup(name);
		return *path ? 0 : -ENOMEM;
	}
	return rc;
}

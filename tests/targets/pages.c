// SPDX-License-Identifier: GPL-2.0
/*
 * pages [FILE [N]]: passes look() (and pass(), whose return value is the same
 * pointer) pointers into memory its page table does not map yet, as a
 * first fopen() passes its filename: a page of .rodata nothing touched, a
 * page of FILE mapped MAP_PRIVATE and never read, that page again after it
 * was read and dropped from the page table (MADV_DONTNEED, as reclaim
 * does), and the stack.  For each it prints whether the page was present
 * (/proc/self/pagemap) before the calls and after them (only a probe can
 * have read it in between), then what look() was given, as read by the
 * target itself.  With N, then calls look() N times more on the .rodata
 * page, present by then, and prints how long that took (a probe's cost).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

struct rec {
	long value;
	char name[16];
};

struct cold {
	char text[64];
	struct rec rec;
	int n;
};

/*
 * 256 KiB of .rodata of which only the middle page is read, and only by the
 * probe.  The kernel may map it anyway when other .rodata faults (fault-
 * around maps the cached neighbours of a faulting page; with large folios
 * a whole folio at once): then it is dropped from the page table, which the
 * next read faults in again, as it would a page never touched.
 */
static const union {
	struct cold c;
	char page[PAGE];
} rodata_pages[64] __attribute__((aligned(PAGE))) = {
	[32] = { .c = { "a string in .rodata nothing touched", { 4711, "rodata rec" }, 314159 } },
};

static int pagemap = -1;

/* Is the page of p in this process's page table? */
static int present(const void *p)
{
	uint64_t e = 0;

	if (pread(pagemap, &e, sizeof(e), (uintptr_t)p / PAGE * sizeof(e)) != sizeof(e))
		return -1;
	return (int)(e >> 63);
}

/* The probe point: it must not read what it is given, or the page would be present. */
__attribute__((noinline)) int look(const char *text, const struct rec *r, const int *n)
{
	__asm__ volatile("" : : "r"(text), "r"(r), "r"(n) : "memory");
	return 0;
}

/* cold: the page must not be present at the call (a file page: drop it if it is) */
/* A return probe's $retval points at the page. */
__attribute__((noinline)) const struct cold *pass(const struct cold *c)
{
	__asm__ volatile("" : "+r"(c) : : "memory");
	return c;
}

static void one(const char *name, const struct cold *c, int cold)
{
	int before;

	if (cold && present(c) == 1)
		madvise((void *)((uintptr_t)c & ~(uintptr_t)(PAGE - 1)), PAGE, MADV_DONTNEED);
	before = present(c);

	look(pass(c)->text, &c->rec, &c->n);
	printf("%s present=%d after=%d\n", name, before, present(c));
	printf("look text=\"%s\" value=%ld name=\"%s\" n=%d\n", c->text, c->rec.value, c->rec.name, c->n);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "pages.data";
	static char file[3 * PAGE];
	struct cold stack = { "a string on the stack", { -17, "stack rec" }, 27 };
	struct cold *onfile = (struct cold *)(file + PAGE);
	const char *map;
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap < 0) {
		perror("/proc/self/pagemap");
		return 1;
	}
	/* a file of three pages, the middle one holding a struct cold */
	snprintf(onfile->text, sizeof(onfile->text), "a string in a mapped file page");
	onfile->rec.value = 1234567890123L;
	snprintf(onfile->rec.name, sizeof(onfile->rec.name), "file rec");
	onfile->n = -99;
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, file, sizeof(file)) != sizeof(file)) {
		perror(path);
		return 1;
	}
	map = mmap(NULL, sizeof(file), PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	close(fd);
	unlink(path);

	one("rodata", &rodata_pages[32].c, 1);
	one("mapped", (const struct cold *)(map + PAGE), 1);
	/* read, then dropped from the page table, as a page reclaimed is */
	one("dropped", (const struct cold *)(map + PAGE), 1);
	one("stack", &stack, 0);
	if (argc > 2) {
		long n = atol(argv[2]);
		const struct cold *c = &rodata_pages[32].c;
		struct timespec t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (long i = 0; i < n; i++)
			look(c->text, &c->rec, &c->n);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("calls=%ld ns=%lld\n", n,
		       (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec));
	}
	return 0;
}

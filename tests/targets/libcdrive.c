// SPDX-License-Identifier: GPL-2.0
/*
 * libcdrive [N] [DIR]: drives glibc through its common paths N times (the
 * allocator at small, medium and mmap sizes, stdio on a file in DIR, printf
 * formats, string and number parsing, sorting, time, directories, regular
 * expressions), so tests/integration/realcode.sh can stop gdb and vtrace
 * inside Debian's build of glibc and compare what both read there.
 */
#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <locale.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct rec {
	char name[16];
	int score;
	double weight;
};

static int by_score(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return (x->score > y->score) - (x->score < y->score);
}

static int by_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void heap(int round)
{
	size_t sizes[] = { 8, 24, 100, 1000, 5000, 70000, 300000 };
	void *p[sizeof(sizes) / sizeof(sizes[0])];
	char *s;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p[i] = malloc(sizes[i] + round);
		memset(p[i], 'a' + (int)i, sizes[i]);
	}
	p[1] = realloc(p[1], 4000);
	s = calloc(10, 32);
	strcpy(s, "calloc'd");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i += 2)
		free(p[i]);
	for (size_t i = 1; i < sizeof(sizes) / sizeof(sizes[0]); i += 2)
		free(p[i]);
	free(s);
	s = strdup("a string to duplicate");
	free(s);
}

static void files(const char *dir, int round)
{
	char path[256], line[128], buf[64];
	FILE *f;
	size_t n;
	long pos;

	snprintf(path, sizeof(path), "%s/libcdrive.%d.txt", dir, round);
	f = fopen(path, "w+");
	if (!f)
		return;
	for (int i = 0; i < 20; i++)
		fprintf(f, "line %d: %s %5.2f %x\n", i, "text", i * 1.5, i * 255);
	fputs("last line\n", f);
	fflush(f);
	fseek(f, 0, SEEK_SET);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "19"))
			break;
	pos = ftell(f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fwrite(buf, 1, n / 2, f);
	fclose(f);
	printf("file %s: %ld %zu\n", path, pos, n);
	unlink(path);
}

static void strings(int round)
{
	char buf[200], *tok, *save, copy[64];
	const char *words[] = { "pear", "apple", "fig", "banana", "cherry", "kiwi" };
	int nums[32];
	char name[32];
	int a, b;
	double d;
	long l;

	snprintf(buf, sizeof(buf), "%s-%d-%08.3f-%-6s|%c|%p|%lu|%e", words[round % 6], round, 3.14159 * round,
		 "ab", 'Z', (void *)buf, (unsigned long)strlen(buf), 1e10 / (round + 1));
	printf("%s\n", buf);
	strncpy(copy, "alpha,beta;gamma delta", sizeof(copy));
	for (tok = strtok_r(copy, ",; ", &save); tok; tok = strtok_r(NULL, ",; ", &save))
		printf("tok=%s len=%zu upper=%c cmp=%d\n", tok, strlen(tok), toupper((unsigned char)tok[0]),
		       strcmp(tok, "beta"));
	if (sscanf("42 17 2.5 bob", "%d %d %lf %31s", &a, &b, &d, name) == 4)
		printf("scanned %d %d %g %s\n", a, b, d, name);
	l = strtol("-123456", NULL, 10) + strtoul("ff", NULL, 16) + atoi("77");
	d = strtod("6.02e23", NULL);
	printf("numbers %ld %g %s\n", l, d, strchr("hello world", 'w'));
	for (int i = 0; i < 32; i++)
		nums[i] = (i * 7919 + round) % 101;
	qsort(nums, 32, sizeof(nums[0]), by_int);
	printf("sorted %d..%d found=%p\n", nums[0], nums[31],
	       bsearch(&nums[5], nums, 32, sizeof(nums[0]), by_int));
	memcpy(buf, words, sizeof(words) > sizeof(buf) ? sizeof(buf) : sizeof(words));
	printf("fnmatch %d %d\n", fnmatch("*.c", "libcdrive.c", 0), fnmatch("a?c", "abd", 0));
}

static void records(int round)
{
	struct rec r[6];

	for (int i = 0; i < 6; i++) {
		snprintf(r[i].name, sizeof(r[i].name), "rec%d", i);
		r[i].score = (i * 37 + round) % 11;
		r[i].weight = i * 0.25;
	}
	qsort(r, 6, sizeof(r[0]), by_score);
	printf("best %s %d %.2f\n", r[5].name, r[5].score, r[5].weight);
}

static void clock_and_env(int round)
{
	time_t t = 1700000000 + round * 86400;
	struct tm tm;
	char buf[64];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %a %b", &tm);
	printf("time %s %ld\n", buf, (long)mktime(&tm));
	localtime_r(&t, &tm);
	setenv("LIBCDRIVE", "yes", 1);
	printf("env %s %s\n", getenv("LIBCDRIVE"), getenv("NO_SUCH_VARIABLE") ? "set" : "unset");
	unsetenv("LIBCDRIVE");
	srandom(round);
	printf("random %ld\n", random() % 1000);
}

static void dirs(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char cwd[512];
	int n = 0;

	while (d && (e = readdir(d)))
		n++;
	if (d)
		closedir(d);
	if (stat(dir, &st) == 0 && getcwd(cwd, sizeof(cwd)))
		printf("dir %s: %d entries, mode %o, cwd %s\n", dir, n, st.st_mode & 0777, cwd);
}

static void regex(int round)
{
	regex_t re;
	regmatch_t m[3];
	const char *text[] = { "key=value", "no match here", "x=42" };

	if (regcomp(&re, "([a-z]+)=([a-z0-9]+)", REG_EXTENDED))
		return;
	for (int i = 0; i < 3; i++)
		if (!regexec(&re, text[(i + round) % 3], 3, m, 0))
			printf("regex %s: %d-%d\n", text[(i + round) % 3], (int)m[2].rm_so, (int)m[2].rm_eo);
	regfree(&re);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	const char *dir = argc > 2 ? argv[2] : "/tmp";

	setlocale(LC_ALL, "C");
	for (int round = 0; round < n; round++) {
		heap(round);
		files(dir, round);
		strings(round);
		records(round);
		clock_and_env(round);
		dirs(dir);
		regex(round);
	}
	return 0;
}

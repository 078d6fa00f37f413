// SPDX-License-Identifier: GPL-2.0
/* Load errors told in one line: logs as libbpf 1.1 and Linux 6.18 wrote them. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "bpf/loaderr.h"
#include "test.h"

static char dir[] = "/tmp/vtrace-loaderr.XXXXXX";
static char src[256];

static const char source[] =
	"#include <vtrace.h>\n"
	"\n"
	"struct task_struct___old {\n"
	"\tint no_such_field;\n"
	"\tint other;\n"
	"} __attribute__((preserve_access_index));\n"
	"\n"
	"SEC(\"raw_tp/sys_enter\")\n"
	"int f(struct bpf_raw_tracepoint_args *ctx)\n"
	"{\n"
	"\tstruct task_struct___old *t = (void *)bpf_get_current_task();\n"
	"\tint x = 0;\n"
	"\tx = BPF_CORE_READ(t, no_such_field);\n"
	"\tx += BPF_CORE_READ(t, other);\n"
	"\treturn x;\n"
	"}\n";

/* 13 instructions of vtrace's filter in front: the poisoned call at 14, not 1 */
static const char shifted_log[] =
	"libbpf: prog 'f': BPF program load failed: Invalid argument\n"
	"libbpf: prog 'f': -- BEGIN PROG LOAD LOG --\n"
	"0: R1=ctx() R10=fp0\n"
	"; struct task_struct___old *t = (void *)bpf_get_current_task(); @ core.c:11\n"
	"0: (bf) r6 = r1                       ; R1=ctx() R6=ctx()\n"
	"13: (85) call bpf_get_current_task#35         ; R0=scalar()\n"
	"14: (85) call unknown#195896080\n"
	"invalid func unknown#195896080\n"
	"processed 14 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0\n"
	"-- END PROG LOAD LOG --\n"
	"libbpf: prog 'f': failed to load: -22\n";

static const char relos[] =
	"libbpf: CO-RE relocating [26] struct task_struct___old: found target candidate [114] struct task_struct in [vmlinux]\n"
	"libbpf: prog 'f': relo #0: <byte_off> [26] struct task_struct___old.no_such_field (0:0 @ offset 0)\n"
	"libbpf: prog 'f': relo #0: non-matching candidate #0 <byte_off> [114] struct task_struct (0 @ offset 0)\n"
	"libbpf: prog 'f': relo #0: no matching targets found\n"
	"libbpf: prog 'f': relo #0: substituting insn #1 w/ invalid insn\n"
	"libbpf: prog 'f': relo #1: <byte_off> [26] struct task_struct___old.other (0:1 @ offset 4)\n"
	"libbpf: prog 'f': relo #1: non-matching candidate #0 <byte_off> [114] struct task_struct (0 @ offset 0)\n"
	"libbpf: prog 'f': relo #1: no matching targets found\n"
	"libbpf: prog 'f': relo #1: substituting insn #5 w/ invalid insn\n";

/* no code in front: libbpf rewrote the verifier's line itself */
static const char fixed_up_log[] =
	"libbpf: prog 'f': -- BEGIN PROG LOAD LOG --\n"
	"; x += BPF_CORE_READ(t, other); @ core.c:14\n"
	"5: <invalid CO-RE relocation>\n"
	"failed to resolve CO-RE relocation <byte_off> [26] struct task_struct___old.other (0:1 @ offset 4)\n"
	"processed 6 insns (limit 1000000)\n"
	"-- END PROG LOAD LOG --\n";

static const char null_log[] =
	"libbpf: prog 'f': -- BEGIN PROG LOAD LOG --\n"
	"; *v += 1; @ core.c:15\n"
	"20: (79) r1 = *(u64 *)(r0 +0)\n"
	"R0 invalid mem access 'map_value_or_null'\n"
	"processed 21 insns (limit 1000000)\n"
	"-- END PROG LOAD LOG --\n";

/* What load_error_report() printed on stderr. */
static char *report(const char *log, const char *rel, const struct bpf_insn *insns, size_t cnt,
		    int *rc)
{
	char path[300], *out = calloc(1, 4096);
	int saved = dup(2), fd;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stderr", dir);
	fflush(stderr);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	dup2(fd, 2);
	close(fd);
	*rc = load_error_report(src, "f", log, rel, insns, cnt);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(path, "r");
	if (f) {
		size_t n = fread(out, 1, 4095, f);

		out[n] = 0;
		fclose(f);
	}
	return out;
}

int main(void)
{
	struct bpf_insn insns[20] = { 0 };
	struct bpf_insn poison = { .code = BPF_JMP | BPF_CALL, .imm = LIBBPF_POISON_CORE_IMM };
	char *s;
	FILE *f;
	int rc;

	if (!mkdtemp(dir))
		return 1;
	snprintf(src, sizeof(src), "%s/core.c", dir);
	f = fopen(src, "w");
	if (!f)
		return 1;
	fputs(source, f);
	fclose(f);
	insns[14] = poison;	/* relo #0's insn 1, behind 13 */
	insns[18] = poison;	/* relo #1's insn 5 */

	s = report(shifted_log, relos, insns, 20, &rc);
	CHECK_INT(rc, 0, "a verifier log: reported");
	CHECK(strstr(s, "program 'f' at core.c:13 (`x = BPF_CORE_READ(t, no_such_field);`): the "
		     "running kernel's struct task_struct has no field no_such_field (CO-RE "
		     "relocation #0: <byte_off> [26] struct task_struct___old.no_such_field "
		     "(0:0 @ offset 0)); check the name") != NULL,
	      "poisoned call at 14 behind 13 instructions: relocation #0, on the line naming the field");
	CHECK(!strstr(s, "195896080"), "libbpf's poison number is not shown");
	CHECK_INT(strchr(s, '\n') - s + 1, (long)strlen(s), "one line");
	free(s);

	{
		char log[sizeof(shifted_log) + 16];
		char *p;

		snprintf(log, sizeof(log), "%s", shifted_log);
		p = strstr(log, "14: (85) call unknown");
		memcpy(p, "18", 2);
		s = report(log, relos, insns, 20, &rc);
		CHECK(strstr(s, "at core.c:14 (`x += BPF_CORE_READ(t, other);`)") &&
		      strstr(s, "no field other (CO-RE relocation #1:"),
		      "the second poisoned call is the second relocation");
		free(s);
	}

	s = report(fixed_up_log, relos, NULL, 0, &rc);
	CHECK(strstr(s, "at core.c:14 (`x += BPF_CORE_READ(t, other);`): the running kernel's struct "
		     "task_struct has no field other (CO-RE relocation #1:") != NULL,
	      "libbpf's own rewrite of the log names the relocation");
	free(s);

	s = report(shifted_log, "", insns, 20, &rc);
	CHECK(strstr(s, "a CO-RE relocation failed") != NULL,
	      "without libbpf's relocation lines: still said to be a CO-RE failure");
	free(s);

	s = report(null_log, NULL, NULL, 0, &rc);
	CHECK(strstr(s, "the BPF verifier rejected program 'f' at core.c:15 (`*v += 1;`): R0 invalid "
		     "mem access 'map_value_or_null'; compare the pointer with NULL") != NULL,
	      "a verifier rejection: its line, its reason and what to do");
	free(s);

	s = report("libbpf: failed to open object\n", NULL, NULL, 0, &rc);
	CHECK_INT(rc, -ENOENT, "no verifier log: -ENOENT");
	CHECK_STR(s, "", "and nothing printed");
	free(s);

	/* the kernel refuses more than 1,000,000 instructions with E2BIG and no log */
	s = report("libbpf: prog 'f': BPF program load failed: Argument list too long\n", NULL, NULL,
		   1000001, &rc);
	CHECK_INT(rc, 0, "1,000,001 instructions: reported");
	CHECK(strstr(s, "program 'f' has 1000001 BPF instructions, more than the kernel loads (1000000, "
		     "the verifier's BPF_COMPLEXITY_LIMIT_INSNS)") != NULL, "the kernel's limit named");
	free(s);
	s = report("libbpf: failed to open object\n", NULL, NULL, 1000000, &rc);
	CHECK_INT(rc, -ENOENT, "1,000,000 instructions are within the limit");
	free(s);

	unlink(src);
	snprintf(src, sizeof(src), "%s/stderr", dir);
	unlink(src);
	rmdir(dir);
	return TEST_DONE();
}

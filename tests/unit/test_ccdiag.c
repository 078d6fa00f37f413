// SPDX-License-Identifier: GPL-2.0
/* clang's diagnostics shortened: texts as clang 14 printed them for vtrace. */
#include <stdlib.h>

#include "bpf/ccdiag.h"
#include "test.h"

static const char undeclared_in_macro[] =
	"undecl.c:8:26: error: use of undeclared identifier 'idd'; did you mean 'id'?\n"
	"        vtrace_printf(\"id=%ld\", idd);\n"
	"                                ^~~\n"
	"                                id\n"
	"/c/include/vtrace.h:155:74: note: expanded from macro 'vtrace_printf'\n"
	"#define vtrace_printf(fmt, args...) ___vtrace_printf(__COUNTER__, fmt, ##args)\n"
	"                                                                         ^\n"
	"/c/include/vtrace.h:157:27: note: expanded from macro '___vtrace_printf'\n"
	"        __VT_CHECK_FORMAT(fmt, ##args)                                  \\\n"
	"                                 ^\n"
	"/c/include/vtrace.h:152:45: note: expanded from macro '__VT_CHECK_FORMAT'\n"
	"        (void)sizeof((__vtrace_printf_check(fmt, ##args), 0));          \\\n"
	"                                                   ^\n"
	"undecl.c:6:7: note: 'id' declared here\n"
	"        long id = ctx->args[1];\n"
	"             ^\n"
	"undecl.c:8:26: error: use of undeclared identifier 'idd'; did you mean 'id'?\n"
	"        vtrace_printf(\"id=%ld\", idd);\n"
	"                                ^~~\n"
	"                                id\n"
	"/c/include/vtrace.h:155:74: note: expanded from macro 'vtrace_printf'\n"
	"#define vtrace_printf(fmt, args...) ___vtrace_printf(__COUNTER__, fmt, ##args)\n"
	"                                                                         ^\n"
	"/c/include/vtrace.h:168:41: note: expanded from macro '___vtrace_printf'\n"
	"                char data[0 __VT_EACH(__VT_SIZE_OF, ##args)];           \\\n"
	"                                                      ^\n"
	"/c/include/vtrace.h:117:78: note: expanded from macro '__VT_EACH'\n"
	"#define __VT_EACH(m, ...) __VT_CAT(__VT_EACH_, __VT_NARGS(__VA_ARGS__))(m, ##__VA_ARGS__)\n"
	"                                                                             ^\n"
	"note: (skipping 1 expansions in backtrace; use -fmacro-backtrace-limit=0 to see all)\n"
	"/c/include/vtrace.h:128:40: note: expanded from macro '__VT_SIZE_OF'\n"
	"#define __VT_SIZE_OF(i, x) + __VT_SLOT(x)\n"
	"                                       ^\n"
	"/c/include/vtrace.h:111:32: note: expanded from macro '__VT_SLOT'\n"
	"#define __VT_SLOT(x) (__VT_TAG(x) == VT_ARG_STR ? VTRACE_STR_MAX : 8)\n"
	"                               ^\n"
	"/c/include/vtrace.h:101:31: note: expanded from macro '__VT_TAG'\n"
	"#define __VT_TAG(x) _Generic((x),                                       \\\n"
	"                              ^\n"
	"undecl.c:6:7: note: 'id' declared here\n"
	"        long id = ctx->args[1];\n"
	"             ^\n"
	"5 errors generated.\n";

static const char signed_division_crash[] =
	"Error at line 7: Unsupport signed division for DAG: 0x2a2af300: i64 = sdiv 0x2a2af230, Constant:i64<2>, sdiv.c:7:17Please convert to unsigned div/mod.\n"
	"fatal error: error in backend: Cannot select: 0x2a2af300: i64 = sdiv 0x2a2af230, Constant:i64<2>, sdiv.c:7:17\n"
	"  0x2a2af230: i64,ch = CopyFromReg 0x2a6e7eb8, Register:i64 %0, sdiv.c:7:17\n"
	"    0x2a2af1c8: i64 = Register %0\n"
	"  0x2a2af298: i64 = Constant<2>\n"
	"In function: f\n"
	"PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/ and include the crash backtrace, preprocessed source, and associated run script.\n"
	"Stack dump:\n"
	"0.\tProgram arguments: /usr/bin/clang -target bpf -mcpu=v3 -O2 -g -D__TARGET_ARCH_x86 -Wno-unused-value -Wno-pointer-sign -Wno-compare-distinct-pointer-types -Wno-gnu-variable-sized-type-not-at-end -Wno-address-of-packed-member -fno-stack-protector -fno-crash-diagnostics -idirafter /usr/include/x86_64-linux-gnu -I/c/include -I/c/btf/9087652624d8393b -MD -MF /c/obj/87113cff6d1a89acc5bffe7a332b3f2eead1a5dfcb1a38eb3de7766589252f30.o.d.18307 -c sdiv.c -o /c/obj/87113cff6d1a89acc5bffe7a332b3f2eead1a5dfcb1a38eb3de7766589252f30.o.tmp.18307\n"
	"1.\t<eof> parser at end of file\n"
	"2.\tCode generation\n"
	"3.\tRunning pass 'Function Pass Manager' on module 'sdiv.c'.\n";

static const char three_errors[] =
	"redef.c:2:8: error: redefinition of 'task_struct'\n"
	"struct task_struct { int pid; };\n"
	"       ^\n"
	"/c/btf/9087652624d8393b/vmlinux.h:708:8: note: previous definition is here\n"
	"struct task_struct {\n"
	"       ^\n"
	"redef.c:3:40: error: expected ';' after return statement\n"
	"static int helper(int x) { return x + 1 }\n"
	"                                       ^\n"
	"                                       ;\n"
	"redef.c:7:21: error: expected ';' at end of declaration\n"
	"        unsigned long x = 3\n"
	"                           ^\n"
	"                           ;\n"
	"3 errors generated.\n";

static const char included_warning_then_error[] =
	"In file included from prog.c:2:\n"
	"In file included from ./local.h:1:\n"
	"                 from ./other.h:3:\n"
	"./local.h:4:9: warning: 'X' macro redefined [-Wmacro-redefined]\n"
	"#define X 2\n"
	"        ^\n"
	"./other.h:1:9: note: previous definition is here\n"
	"#define X 1\n"
	"        ^\n"
	"prog.c:9:12: error: called object type 'int' is not a function or function pointer\n"
	"        return x();\n"
	"               ~^\n"
	"1 warning and 1 error generated.\n";

static const char backend_fatal[] =
	"fatal error: error in backend: Cannot select: 0x55: i64 = foo 0x56\n"
	"  0x56: i64 = Register %0\n"
	"In function: f\n"
	"PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/\n"
	"Stack dump:\n"
	"0.\tProgram arguments: /usr/bin/clang -target bpf -c prog.c\n";

static char *shorten(const char *text, struct cc_summary *sum)
{
	struct strbuf out = STRBUF_INIT;

	cc_diag_shorten(text, &out, sum);
	return out.buf ? strbuf_detach(&out) : strdup("");
}

int main(void)
{
	struct cc_summary sum;
	char loc[256], *s;

	s = shorten(undeclared_in_macro, &sum);
	CHECK_STR(s, "undecl.c:8:26: error: use of undeclared identifier 'idd'; did you mean 'id'?\n"
		  "        vtrace_printf(\"id=%ld\", idd);\n"
		  "                                ^~~\n"
		  "                                id\n",
		  "one undeclared name in a macro: the error, its line, caret and fix-it, no notes");
	CHECK_INT(sum.errors, 1, "the same error at the same place three times counts once");
	CHECK_INT(sum.warnings, 0, "no warnings in it");
	free(s);

	s = shorten(three_errors, &sum);
	CHECK_STR(s, "redef.c:2:8: error: redefinition of 'task_struct'\n"
		  "struct task_struct { int pid; };\n"
		  "       ^\n",
		  "three errors: the first, without the note that follows it");
	CHECK_INT(sum.errors, 3, "three distinct errors counted");
	free(s);

	s = shorten(included_warning_then_error, &sum);
	CHECK_STR(s, "prog.c:9:12: error: called object type 'int' is not a function or function pointer\n"
		  "        return x();\n"
		  "               ~^\n",
		  "an error is shown before an earlier warning; include lines dropped");
	CHECK_INT(sum.errors, 1, "one error");
	CHECK_INT(sum.warnings, 1, "one warning");
	free(s);

	s = shorten("prog.c:3:1: warning: a warning [-Wfoo]\nint x\n^\n"
		    "prog.c:4:1: warning: another [-Wbar]\nint y\n^\n2 warnings generated.\n", &sum);
	CHECK_STR(s, "prog.c:3:1: warning: a warning [-Wfoo]\nint x\n^\n",
		  "only warnings: the first one");
	CHECK_INT(sum.warnings, 2, "two warnings counted");
	CHECK_INT(sum.errors, 0, "no errors");
	free(s);

	s = shorten("clang: error: no such file or directory: 'nope.c'\n"
		    "clang: error: no input files\n", &sum);
	CHECK_STR(s, "clang: error: no such file or directory: 'nope.c'\n",
		  "the driver's errors: the first, with no source lines");
	CHECK_INT(sum.errors, 2, "the driver's errors are counted");
	free(s);

	s = shorten(backend_fatal, &sum);
	CHECK_STR(s, "fatal error: error in backend: Cannot select: 0x55: i64 = foo 0x56\n",
		  "a backend crash: its one line, not the DAG or the stack dump");
	CHECK_INT(sum.errors, 1, "a fatal error is an error");
	free(s);

	s = shorten("", &sum);
	CHECK_STR(s, "", "no output, nothing to show");
	CHECK_INT(sum.errors + sum.warnings, 0, "and nothing counted");
	free(s);

	s = shorten("prog.c:1:5: error: no newline at the end", &sum);
	CHECK_STR(s, "prog.c:1:5: error: no newline at the end\n", "a last line without newline");
	free(s);

	CHECK_INT(cc_diag_signed_division(signed_division_crash, loc, sizeof(loc)), 1,
		  "clang 14's signed division crash is recognised");
	CHECK_STR(loc, "sdiv.c:7:17", "its source location comes from the DAG node");
	CHECK_INT(cc_diag_signed_division("Error: Unsupport signed division for DAG: 0x1: i64 = sdiv "
					  "0x2, 0x3Please convert to unsigned div/mod.\n"
					  "fatal error: error in backend: Cannot select\nIn function: g\n",
					  loc, sizeof(loc)), 1, "without debug info too");
	CHECK_STR(loc, "function g", "then the function names the place");
	CHECK_INT(cc_diag_signed_division(three_errors, loc, sizeof(loc)), 0,
		  "other errors are not taken for it");
	return TEST_DONE();
}

// Counts the traced processes' getppid() calls (a raw tracepoint on sys_enter).
#include <vtrace.h>

int count;

SEC("raw_tp/sys_enter")
int on_getppid(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == 110 /* __NR_getppid on x86-64 */)
		vtrace_printf("getppid count=%d", __sync_fetch_and_add(&count, 1) + 1);
	return 0;
}

char _license[] SEC("license") = "GPL";

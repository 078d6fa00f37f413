// Prints what the traced processes write to stdout (a tracepoint).
#include <vtrace.h>

SEC("tp/syscalls/sys_enter_write")
int on_write(struct trace_event_raw_sys_enter *ctx)
{
	if (ctx->args[0] == 1)
		vtrace_printf("fd=%ld len=%ld buf=%s", (long)ctx->args[0], (long)ctx->args[2],
			      (const char *)ctx->args[1]);
	return 0;
}

char _license[] SEC("license") = "GPL";

/* Files linked into the vtrace binary: the header user programs include,
 * and vtrace's own BPF object (process-tree tracking). */
#define EMBED(name, file)			\
	.section .rodata;			\
	.balign 8;				\
	.global name##_data;			\
name##_data:					\
	.incbin file;				\
	.global name##_end;			\
name##_end:					\
	.byte 0

EMBED(vtrace_h, "bpf/include/vtrace.h")
EMBED(vtrace_sample_h, "bpf/include/vtrace_sample.h")
EMBED(own_bpf, "bpf/own.bpf.o")

	.section .note.GNU-stack,"",@progbits

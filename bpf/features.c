// SPDX-License-Identifier: GPL-2.0
/* What the running kernel lets a uprobe program do to read user memory: see features.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "lib/env.h"
#include "bpf/features.h"
#include "bpf/kfacts.h"
#include "bpf/insn.h"
#include "lib/error.h"
#include "probe/elf.h"

void user_reads_init(struct user_reads *ur)
{
	memset(ur, 0, sizeof(*ur));
	ur->scratch_fd = -1;
}

void user_reads_close(struct user_reads *ur)
{
	if (ur->scratch_fd >= 0)
		close(ur->scratch_fd);
	user_reads_init(ur);
}

/* Task storage needs BTF for its key and value: an int, and size bytes. */
static int task_scratch_create(uint32_t size)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	struct btf *btf = btf__new_empty();
	int key, byte, value, fd, err;

	if (!btf)
		return -errno;
	key = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	byte = btf__add_int(btf, "unsigned char", 1, 0);
	value = btf__add_array(btf, key, byte, size);
	err = key < 0 ? key : byte < 0 ? byte : value < 0 ? value : btf__load_into_kernel(btf);
	if (err) {
		btf__free(btf);
		return err;
	}
	opts.btf_fd = btf__fd(btf);
	opts.btf_key_type_id = key;
	opts.btf_value_type_id = value;
	fd = bpf_map_create(BPF_MAP_TYPE_TASK_STORAGE, "vtrace_tscratch", 4, size, 0, &opts);
	err = fd < 0 ? -errno : 0;
	btf__free(btf);		/* the map keeps its own reference to the BTF */
	return err ? err : fd;
}

/* Loads a test program as a sleepable uprobe program would be: 0 or -errno. */
static int try_load(const struct bpf_insn *insns, size_t n)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_flags = BPF_F_SLEEPABLE);
	int fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "vtrace_feature", "GPL", insns, n, &opts);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* A sleepable program reads user memory and gets its thread's scratch sample. */
static int probe_sleepable(int scratch_fd)
{
	const struct bpf_insn prog[] = {
		MOV64_REG(BPF_REG_1, BPF_REG_10),
		ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
		MOV64_IMM(BPF_REG_2, 8),
		MOV64_IMM(BPF_REG_3, 0),
		CALL_HELPER(BPF_FUNC_copy_from_user),
		CALL_HELPER(BPF_FUNC_get_current_task_btf),
		MOV64_REG(BPF_REG_2, BPF_REG_0),
		LD_IMM64_LO(BPF_REG_1, BPF_PSEUDO_MAP_FD, scratch_fd),
		LD_IMM64_HI(0),
		MOV64_IMM(BPF_REG_3, 0),
		MOV64_IMM(BPF_REG_4, BPF_LOCAL_STORAGE_GET_F_CREATE),
		CALL_HELPER(BPF_FUNC_task_storage_get),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
	};

	return try_load(prog, sizeof(prog) / sizeof(prog[0]));
}

/* The kfunc, where the kernel has it and lets a uprobe program call it. */
static int probe_str_kfunc(int id)
{
	if (id <= 0)
		return 0;
	{
		const struct bpf_insn prog[] = {
			ST_MEM(BPF_DW, BPF_REG_10, -16, 0),
			ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
			MOV64_REG(BPF_REG_1, BPF_REG_10),
			ALU64_IMM(BPF_ADD, BPF_REG_1, -16),
			MOV64_IMM(BPF_REG_2, 16),
			MOV64_IMM(BPF_REG_3, 0),
			MOV64_IMM(BPF_REG_4, VTRACE_F_PAD_ZEROS),
			KFUNC_CALL(id),
			MOV64_IMM(BPF_REG_0, 0),
			EXIT_INSN(),
		};

		return try_load(prog, sizeof(prog) / sizeof(prog[0])) ? 0 : id;
	}
}

void user_reads_setup(struct user_reads *ur, uint32_t sample_size)
{
	struct kernel_facts kf;
	int err;

	user_reads_init(ur);
	/*
	 * Each thread's own sample, for every uprobe program, sleepable or
	 * not: on a uprobe multi link the kernel runs a program with only
	 * migration disabled, so on a preemptible kernel another thread on
	 * this CPU could fill a per-CPU sample under it.
	 */
	ur->scratch_fd = task_scratch_create((sample_size + 7) & ~7u);
	if (ur->scratch_fd < 0) {
		snprintf(ur->why, sizeof(ur->why), "no task storage of %u bytes (%s)", sample_size,
			 strerror(-ur->scratch_fd));
		ur->scratch_fd = -1;
		return;
	}
	if (env_switch_on(VTRACE_NO_SLEEPABLE_ENV)) {
		snprintf(ur->why, sizeof(ur->why), "%s is set", VTRACE_NO_SLEEPABLE_ENV);
		return;
	}
	kernel_facts_get(&kf);		/* cached: no vmlinux BTF parse */
	if (!kf.uprobes_may_sleep) {
		snprintf(ur->why, sizeof(ur->why), "this kernel's uprobes run BPF programs under a "
			 "per-CPU lock, which a sleeping read would keep (Linux 6.10 runs them before)");
		return;
	}
	err = probe_sleepable(ur->scratch_fd);
	if (err) {
		snprintf(ur->why, sizeof(ur->why), "this kernel loads no sleepable uprobe program with "
			 "bpf_copy_from_user (%s; Linux 5.19 has them)", strerror(-err));
		return;
	}
	ur->sleepable = true;
	ur->str_kfunc = probe_str_kfunc(kf.str_kfunc);
}

/* The verifier's reason: the last line of its log that is not an instruction or a statistic. */
static void log_reason(const char *log, char *why, size_t size)
{
	const char *line = log, *reason = NULL;
	int len = 0;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		int n = nl ? nl - line : (int)strlen(line);

		if (n > 0 && !(line[0] >= '0' && line[0] <= '9') && line[0] != ';' && line[0] != ' ' &&
		    strncmp(line, "processed ", 10) && strncmp(line, "verification time", 17) &&
		    strncmp(line, "stack depth", 11) && strncmp(line, "func#", 5)) {
			reason = line;
			len = n;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (reason)
		snprintf(why, size, "%.*s", len, reason);
}

int sleepable_try(const char *obj_path, const char *name, const struct bpf_insn *insns, size_t n,
		  const struct bpf_prog_load_opts *opts, char *why, size_t size)
{
	struct bpf_prog_load_opts o = *opts;
	char license[128] = "GPL";
	size_t len = 0;
	void *data;
	int fd, err;

	/* the kernel checks the license (some helpers and every kfunc need GPL) */
	if (!elf_section_bytes(obj_path, "license", &data, &len)) {
		snprintf(license, sizeof(license), "%.*s", (int)strnlen(data, len), (const char *)data);
		free(data);
	}
	o.prog_flags |= BPF_F_SLEEPABLE;
	o.log_buf = NULL;
	o.log_size = 0;
	o.log_level = 0;
	fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, name, license, insns, n, &o);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	err = -errno;
	snprintf(why, size, "%s", strerror(-err));
	if (verbose) {
		/* once more, only to say why */
		o.log_size = 1 << 20;
		o.log_buf = calloc(1, o.log_size);
		o.log_level = 1;
		if (o.log_buf) {
			fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, name, license, insns, n, &o);
			if (fd >= 0)
				close(fd);
			log_reason(o.log_buf, why, size);
			free(o.log_buf);
		}
	}
	return err;
}

// SPDX-License-Identifier: GPL-2.0
#include <dwarf.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/fs.h"
#include "lib/strbuf.h"
#include "probe/arch.h"
#include "probe/stack.h"
#include "lib/demangle.h"
#include "vtrace_sample.h"

#define FRAMES_MAX 128

struct build_id {
	char *path;
	char *hex;
};

struct proc {
	pid_t pid;
	char *text;		/* the mappings, as a MAPS record has them */
	size_t len;
	bool loaded;		/* dwfl is made from text */
	unsigned gen;		/* of this dwfl, for the symbol cache */
	bool written;		/* text was handed out for a data file */
	Dwfl *dwfl;
	bool attached;
	struct build_id *ids;	/* as recorded; checked against the files read */
	size_t nids;
	/* the sample being unwound */
	const uint64_t *regs;
	const unsigned char *stack;
	uint64_t sp;
	size_t stack_len;
};

struct ksym {
	uint64_t addr;
	char *name;
	char *mod;
};

/* One pc's symbols, kept: looking up DWARF scopes costs far more than unwinding. */
#define SYMCACHE_SIZE 8192
#define SYMCACHE_SYMS 8

struct sym {
	const char *name;	/* NULL: [unknown] */
	uint64_t off;
	const char *dso;	/* NULL: [unknown] */
	bool inlined;
};

struct symcache_entry {
	unsigned gen;		/* the proc's load generation, 0: empty */
	uint64_t pc;
	bool activation;
	size_t n;
	struct sym syms[SYMCACHE_SYMS];
};

struct stack_syms {
	struct symcache_entry *cache;
	unsigned gens;
	struct proc *procs;
	size_t nprocs;
	struct ksym *ksyms;
	size_t nksyms;
	bool ksyms_read;
	struct strbuf text;
	struct demangler *dm;	/* C++ names, demangled once each */
};

struct frame {
	uint64_t pc;
	bool kernel;
	bool activation;	/* the pc itself, not a return address */
};

static const Dwfl_Callbacks dwfl_cbs = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

static void proc_reset(struct proc *p);

struct stack_syms *stack_syms_new(void)
{
	struct stack_syms *ss = calloc(1, sizeof(*ss));

	if (ss && !(ss->dm = demangler_new())) {
		free(ss);
		ss = NULL;
	}
	return ss;
}

void stack_syms_free(struct stack_syms *ss)
{
	if (!ss)
		return;
	demangler_free(ss->dm);
	for (size_t i = 0; i < ss->nprocs; i++) {
		proc_reset(&ss->procs[i]);
		free(ss->procs[i].text);
	}
	free(ss->procs);
	for (size_t i = 0; i < ss->nksyms; i++) {
		free(ss->ksyms[i].name);
		free(ss->ksyms[i].mod);
	}
	free(ss->ksyms);
	free(ss->cache);
	strbuf_release(&ss->text);
	free(ss);
}

static struct proc *proc_find(struct stack_syms *ss, pid_t pid)
{
	for (size_t i = 0; i < ss->nprocs; i++)
		if (ss->procs[i].pid == pid)
			return &ss->procs[i];
	return NULL;
}

/* The file's GNU build id in hex, or "" when it has none. */
static void build_id_hex(const char *path, char *out, size_t size)
{
	const unsigned char *id;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	ssize_t n;

	out[0] = 0;
	if (fd < 0)
		return;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	n = elf ? dwelf_elf_gnu_build_id(elf, (const void **)&id) : -1;
	for (ssize_t i = 0; i < n && (size_t)(2 * i + 2) < size; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
	if (elf)
		elf_end(elf);
	close(fd);
}

static void proc_reset(struct proc *p)
{
	if (p->dwfl)
		dwfl_end(p->dwfl);
	p->dwfl = NULL;
	p->attached = false;
	for (size_t j = 0; j < p->nids; j++) {
		free(p->ids[j].path);
		free(p->ids[j].hex);
	}
	free(p->ids);
	p->ids = NULL;
	p->nids = 0;
}

/*
 * pid's mappings from text: the maps lines of its files go to libdwfl,
 * the "# build-id" lines are kept to check the files against.
 */
static int proc_load(struct proc *p, const char *text, size_t len)
{
	struct strbuf maps = STRBUF_INIT;
	FILE *f;
	int rc = 0;

	proc_reset(p);
	for (const char *l = text, *end = text + len; l < end;) {
		const char *nl = memchr(l, '\n', end - l);
		size_t n = (nl ? nl : end) - l;
		char hex[128], path[4096];

		if (n > 11 && !strncmp(l, "# build-id ", 11)) {
			char line[4300];
			struct build_id *ni;

			snprintf(line, sizeof(line), "%.*s", (int)n, l);
			if (sscanf(line, "# build-id %127s %4095[^\n]", hex, path) == 2 &&
			    (ni = realloc(p->ids, (p->nids + 1) * sizeof(*ni)))) {
				p->ids = ni;
				ni[p->nids].path = strdup(path);
				ni[p->nids++].hex = strdup(hex);
			}
		} else if (n && l[0] != '#') {
			strbuf_add(&maps, l, n);
			strbuf_addch(&maps, '\n');
		}
		l += n + 1;
	}
	p->dwfl = dwfl_begin(&dwfl_cbs);
	f = maps.len ? fmemopen(maps.buf, maps.len, "r") : NULL;
	if (!p->dwfl) {
		rc = -ENOMEM;
	} else if (f) {
		dwfl_report_begin(p->dwfl);
		if (dwfl_linux_proc_maps_report(p->dwfl, f))
			rc = -EINVAL;
		dwfl_report_end(p->dwfl, NULL, NULL);
	}
	if (f)
		fclose(f);
	strbuf_release(&maps);
	return rc;
}

int stack_syms_set_maps(struct stack_syms *ss, pid_t pid, const char *text, size_t len)
{
	struct proc *p = proc_find(ss, pid);

	if (!p) {
		struct proc *np = realloc(ss->procs, (ss->nprocs + 1) * sizeof(*np));

		if (!np)
			return -ENOMEM;
		ss->procs = np;
		p = &ss->procs[ss->nprocs++];
		memset(p, 0, sizeof(*p));
		p->pid = pid;
	}
	free(p->text);
	p->text = malloc(len + 1);
	if (!p->text) {
		p->len = 0;
		return -ENOMEM;
	}
	memcpy(p->text, text, len);
	p->text[len] = 0;
	p->len = len;
	p->loaded = false;
	p->written = false;
	return 0;
}

int stack_syms_add_maps(struct stack_syms *ss, pid_t pid, const char *text, size_t len)
{
	return stack_syms_set_maps(ss, pid, text, len);
}

void stack_maps_line(struct strbuf *sb, uint64_t start, uint64_t end, uint64_t pgoff, bool exec,
		     uint32_t maj, uint32_t min, uint64_t ino, const char *path)
{
	/* libdwfl takes a line with inode 0 for an anonymous mapping */
	strbuf_addf(sb, "%" PRIx64 "-%" PRIx64 " r-%cp %08" PRIx64 " %02x:%02x %" PRIu64 " %s\n",
		    start, end, exec ? 'x' : '-', pgoff, maj, min, ino ? ino : 1, path);
}

int stack_maps_proc(struct strbuf *sb, pid_t pid)
{
	char path[64], *raw = NULL;
	size_t rlen = 0;
	int rc;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	rc = read_file(path, &raw, &rlen);
	/* the lines of files (not the heap, the stack, [vdso]) */
	for (size_t off = 0; !rc && off < rlen;) {
		char *nl = memchr(raw + off, '\n', rlen - off);
		size_t n = (nl ? (size_t)(nl - raw) : rlen) - off;
		char *line = strndup(raw + off, n), *file = line ? strchr(line, '/') : NULL;

		if (file && !strstr(file, " (deleted)"))
			strbuf_addf(sb, "%s\n", line);
		free(line);
		off += n + 1;
	}
	free(raw);
	return rc;
}

void stack_maps_build_ids(struct strbuf *sb, const char *maps, size_t len)
{
	const char *prev = NULL;
	size_t prev_len = 0;

	for (const char *l = maps, *end = maps + len; l < end;) {
		const char *nl = memchr(l, '\n', end - l);
		size_t n = (nl ? nl : end) - l;
		const char *file = memchr(l, '/', n);

		if (file && l[0] != '#' &&
		    (!prev || prev_len != (size_t)(l + n - file) || memcmp(prev, file, prev_len))) {
			char hex[128], *path = strndup(file, l + n - file);

			if (path) {
				build_id_hex(path, hex, sizeof(hex));
				if (hex[0])
					strbuf_addf(sb, "# build-id %s %s\n", hex, path);
				free(path);
			}
			prev = file;
			prev_len = l + n - file;
		}
		l += n + 1;
	}
}

int stack_syms_track(struct stack_syms *ss, pid_t pid, const char **text, size_t *len)
{
	struct proc *p = proc_find(ss, pid);
	int rc;

	*text = NULL;
	*len = 0;
	if (!p) {
		/* a process that was there before: its mappings now (gone: [unknown] frames) */
		struct strbuf ids = STRBUF_INIT;

		strbuf_reset(&ss->text);
		stack_maps_proc(&ss->text, pid);
		stack_maps_build_ids(&ids, ss->text.buf ? ss->text.buf : "", ss->text.len);
		if (ids.len)
			strbuf_add(&ss->text, ids.buf, ids.len);
		strbuf_release(&ids);
		rc = stack_syms_set_maps(ss, pid, ss->text.buf ? ss->text.buf : "", ss->text.len);
		if (rc)
			return rc;
		p = proc_find(ss, pid);
	}
	if (!p->written) {
		p->written = true;
		*text = p->text;
		*len = p->len;
	}
	return 0;
}

/* ---- unwinding ---------------------------------------------------- */

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct proc *p = arg;

	(void)dwfl;
	if (*thread_argp)
		return 0;
	*thread_argp = arg;
	return p->pid;
}

static bool get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	(void)dwfl;
	(void)tid;
	*thread_argp = arg;
	return true;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct proc *p = arg;

	(void)dwfl;
	if (addr < p->sp || addr - p->sp + 8 > p->stack_len)
		return false;
	memcpy(result, p->stack + (addr - p->sp), 8);
	return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct proc *p = arg;
	Dwarf_Word regs[DREG_NUM];

	for (int i = 0; i < DREG_NUM; i++)
		regs[i] = p->regs[pt_regs_offset(i) / 8];
	if (!dwfl_thread_state_registers(thread, 0, DREG_RIP, regs))
		return false;
	dwfl_thread_state_register_pc(thread, regs[DREG_RIP]);
	return true;
}

static const Dwfl_Thread_Callbacks thread_cbs = {
	.next_thread = next_thread,
	.get_thread = get_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

struct unwind {
	struct frame *frames;
	size_t n;
};

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct unwind *u = arg;
	Dwarf_Addr pc;
	bool act;

	if (!dwfl_frame_pc(state, &pc, &act) || !pc)
		return DWARF_CB_ABORT;
	u->frames[u->n].pc = pc;
	u->frames[u->n].kernel = false;
	u->frames[u->n].activation = act;
	return ++u->n < FRAMES_MAX ? DWARF_CB_OK : DWARF_CB_ABORT;
}

static void unwind_user(struct proc *p, const unsigned char *regs, const unsigned char *stk,
			size_t stk_len, struct unwind *u)
{
	uint64_t r[VTRACE_UREGS_SIZE / 8];

	memcpy(r, regs, sizeof(r));
	if (!r[pt_regs_offset(DREG_RIP) / 8])
		return;	/* a kernel thread: no user stack */
	p->regs = r;
	p->stack = stk;
	p->sp = r[pt_regs_offset(DREG_RSP) / 8];
	p->stack_len = stk_len;
	if (!p->attached)
		p->attached = dwfl_attach_state(p->dwfl, NULL, p->pid, &thread_cbs, p);
	if (p->attached)
		dwfl_getthread_frames(p->dwfl, p->pid, frame_cb, u);
	if (!u->n) {
		/* no CFI to start from: the pc alone */
		u->frames[u->n].pc = r[pt_regs_offset(DREG_RIP) / 8];
		u->frames[u->n].kernel = false;
		u->frames[u->n++].activation = true;
	}
	p->regs = NULL;
}

/* ---- symbols ------------------------------------------------------ */

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void ksyms_read(struct stack_syms *ss)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512];
	size_t cap = 0;

	ss->ksyms_read = true;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type, name[256], mod[128] = "";
		struct ksym *k;

		if (sscanf(line, "%llx %c %255s [%127[^]]]", &addr, &type, name, mod) < 3 || !addr)
			continue;
		if (type != 't' && type != 'T' && type != 'W' && type != 'w')
			continue;
		if (ss->nksyms == cap) {
			cap = cap ? 2 * cap : 65536;
			k = realloc(ss->ksyms, cap * sizeof(*k));
			if (!k)
				break;
			ss->ksyms = k;
		}
		k = &ss->ksyms[ss->nksyms++];
		k->addr = addr;
		k->name = strdup(name);
		k->mod = mod[0] ? strdup(mod) : NULL;
	}
	fclose(f);
	qsort(ss->ksyms, ss->nksyms, sizeof(*ss->ksyms), ksym_cmp);
}

static const struct ksym *ksym_find(struct stack_syms *ss, uint64_t addr)
{
	size_t lo = 0, hi;

	if (!ss->ksyms_read)
		ksyms_read(ss);
	hi = ss->nksyms;
	if (!hi || addr < ss->ksyms[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (ss->ksyms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return &ss->ksyms[lo];
}


static void frame_out(struct strbuf *sb, uint64_t pc, const struct sym *s, bool kernel,
		      enum decode_stack_mode mode, bool *first)
{
	switch (mode) {
	case STACK_TEXT:
		/* names and paths (a data file's maps name them) as text, never escape sequences */
		strbuf_addf(sb, "\n\t%16" PRIx64 " ", pc);
		if (s->name) {
			strbuf_add_escaped(sb, s->name, (size_t)-1, 0);
			strbuf_addf(sb, "+0x%" PRIx64, s->off);
		} else {
			strbuf_addstr(sb, "[unknown]");
		}
		if (s->inlined) {
			strbuf_addstr(sb, " (inlined)");
		} else {
			strbuf_addstr(sb, " (");
			strbuf_add_escaped(sb, s->dso ? s->dso : "[unknown]", (size_t)-1, 0);
			strbuf_addch(sb, ')');
		}
		break;
	case STACK_JSON:
		strbuf_addf(sb, "%s{\"addr\":\"0x%" PRIx64 "\",\"symbol\":", *first ? "" : ",", pc);
		if (s->name)
			strbuf_add_json_string(sb, s->name, (size_t)-1);
		else
			strbuf_addstr(sb, "null");
		strbuf_addf(sb, ",\"offset\":%" PRIu64 ",\"dso\":", s->off);
		if (s->dso)
			strbuf_add_json_string(sb, s->dso, (size_t)-1);
		else
			strbuf_addstr(sb, "null");
		strbuf_addf(sb, ",\"inlined\":%s,\"kernel\":%s}", s->inlined ? "true" : "false",
			    kernel ? "true" : "false");
		break;
	case STACK_FOLDED:
		break;
	}
	*first = false;
}

/*
 * Is the file the one recorded (its build id as the MAPS record says)?  A
 * rebuilt binary's symbols would be wrong: its frames print [unknown],
 * said once per file.
 */
static bool module_matches(struct proc *p, Dwfl_Module *mod, const char *path)
{
	for (size_t i = 0; path && i < p->nids; i++) {
		const unsigned char *bits;
		GElf_Addr vaddr;
		char hex[128] = "";
		int n;

		if (!p->ids[i].path || strcmp(p->ids[i].path, path))
			continue;
		if (p->ids[i].hex[0] == '!')
			return false;	/* already found different */
		n = dwfl_module_build_id(mod, &bits, &vaddr);
		for (int j = 0; j < n && 2 * j + 2 < (int)sizeof(hex); j++)
			snprintf(hex + 2 * j, 3, "%02x", bits[j]);
		if (n <= 0 || !strcmp(hex, p->ids[i].hex))
			return true;
		pr_warn("%s is not the file recorded (build id %s, recorded %s): its frames print "
			"[unknown]", path, hex, p->ids[i].hex);
		p->ids[i].hex[0] = '!';
		return false;
	}
	return true;
}

/*
 * An inlined call's name: its function's linkage name demangled (C++:
 * "shop::Cart::total() const", as the function's own frame prints), else
 * DWARF's name.
 */
static const char *inlined_name(struct demangler *dm, Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *linkage = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &attr));

	if (!linkage)
		linkage = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr));
	return linkage ? demangle(dm, linkage) : dwarf_diename(die);
}

/* The frames of one pc, innermost first: its inlined calls, then its function. */
static size_t user_syms(struct stack_syms *ss, struct proc *p, const struct frame *f,
			struct sym *out, size_t max)
{
	Dwarf_Addr lookup = f->activation ? f->pc : f->pc - 1, bias;
	Dwfl_Module *mod = p && p->dwfl ? dwfl_addrmodule(p->dwfl, lookup) : NULL;
	const char *dso = NULL, *name = NULL;
	GElf_Off off = 0;
	GElf_Sym sym;
	Dwarf_Die *cu, *scopes = NULL;
	size_t n = 0;
	int nscopes;

	if (mod) {
		dso = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
		if (!module_matches(p, mod, dso))
			return (out[0] = (struct sym){ NULL, 0, dso, false }), 1;
		name = demangle(ss->dm, dwfl_module_addrinfo(mod, lookup, &off, &sym, NULL, NULL, NULL));
		off += f->pc - lookup;
	}
	cu = mod ? dwfl_module_addrdie(mod, lookup, &bias) : NULL;
	/* without .debug_aranges (clang), the unit whose ranges hold the pc */
	if (mod && !cu) {
		Dwarf_Die *c = NULL;

		while ((c = dwfl_module_nextcu(mod, c, &bias)) && dwarf_haspc(c, lookup - bias) <= 0)
			;
		cu = c;
	}
	nscopes = cu ? dwarf_getscopes(cu, lookup - bias, &scopes) : 0;
	for (int i = 0; i < nscopes && n + 1 < max; i++) {
		const char *in;

		if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine)
			continue;
		in = inlined_name(ss->dm, &scopes[i]);
		out[n++] = (struct sym){ in, off, dso, true };
	}
	free(scopes);
	out[n++] = (struct sym){ name, name ? off : 0, dso, false };
	return n;
}

static size_t cached_user_syms(struct stack_syms *ss, struct proc *p, const struct frame *f,
			       struct sym *out, size_t max)
{
	struct symcache_entry *e;
	size_t n;

	if (!p || !p->gen)
		return user_syms(ss, p, f, out, max);
	if (!ss->cache)
		ss->cache = calloc(SYMCACHE_SIZE, sizeof(*ss->cache));
	if (!ss->cache)
		return user_syms(ss, p, f, out, max);
	e = &ss->cache[(f->pc * 0x9e3779b97f4a7c15ULL + p->gen) >> 51 & (SYMCACHE_SIZE - 1)];
	if (e->gen == p->gen && e->pc == f->pc && e->activation == f->activation) {
		memcpy(out, e->syms, e->n * sizeof(*out));
		return e->n;
	}
	n = user_syms(ss, p, f, out, max);
	if (n <= SYMCACHE_SYMS) {
		e->gen = p->gen;
		e->pc = f->pc;
		e->activation = f->activation;
		e->n = n;
		memcpy(e->syms, out, n * sizeof(*out));
	}
	return n;
}

int stack_syms_print(void *ctx, struct strbuf *sb, const struct vtrace_sample *h, const void *blk,
		     size_t len, enum decode_stack_mode mode)
{
	struct stack_syms *ss = ctx;
	struct vtrace_stack_block b;
	const unsigned char *q = blk;
	struct frame frames[2 * FRAMES_MAX];
	struct unwind u = { frames, 0 };
	struct proc *p;
	size_t nk, kb;
	bool first = true;
	struct strbuf fold = STRBUF_INIT;

	if (len < sizeof(b))
		return -EINVAL;
	memcpy(&b, q, sizeof(b));
	kb = b.kern_bytes;
	if ((uint64_t)(b.kern_room > b.kern_bytes ? b.kern_room : b.kern_bytes) + b.regs_bytes + b.stack_bytes > len - sizeof(b) ||
	    (b.regs_bytes && b.regs_bytes != VTRACE_UREGS_SIZE) || b.kern_bytes % 8)
		return -EINVAL;
	if (b.kern_room > b.kern_bytes)
		b.kern_bytes = b.kern_room;	/* skipped below: only the frames it holds are read */
	q += sizeof(b);
	nk = kb / 8;
	if (nk > FRAMES_MAX)
		nk = FRAMES_MAX;
	for (size_t i = 0; i < nk; i++) {
		memcpy(&frames[u.n].pc, q + 8 * i, 8);
		frames[u.n].kernel = true;
		frames[u.n++].activation = i == 0;
	}
	q += b.kern_bytes;
	p = proc_find(ss, h->pid);
	if (p && !p->loaded) {
		p->loaded = true;
		p->gen = ++ss->gens;
		proc_load(p, p->text, p->len);
	}
	if (b.regs_bytes) {
		if (p && p->dwfl) {
			struct unwind uu = { frames + u.n, 0 };

			unwind_user(p, q, q + b.regs_bytes, b.stack_bytes, &uu);
			u.n += uu.n;
		} else {
			uint64_t ip;

			memcpy(&ip, q + pt_regs_offset(DREG_RIP), 8);
			if (ip)
				frames[u.n++] = (struct frame){ ip, false, true };
		}
	}

	if (mode == STACK_JSON)
		strbuf_addstr(sb, ",\"stack\":[");
	/* folded: outermost first, so the frames are collected, then reversed */
	for (size_t i = 0; i < u.n; i++) {
		struct sym syms[16];
		size_t ns;

		if (frames[i].kernel) {
			const struct ksym *k = ksym_find(ss, frames[i].pc);

			syms[0] = k ? (struct sym){ k->name, frames[i].pc - k->addr,
						     k->mod ? k->mod : "[kernel.kallsyms]", false }
				    : (struct sym){ NULL, 0, "[kernel.kallsyms]", false };
			ns = 1;
		} else {
			ns = cached_user_syms(ss, p, &frames[i], syms, 16);
		}
		for (size_t j = 0; j < ns; j++) {
			if (mode != STACK_FOLDED) {
				frame_out(sb, frames[i].pc, &syms[j], frames[i].kernel, mode, &first);
				continue;
			}
			/* prepend: ";name" before what is there */
			{
				struct strbuf t = STRBUF_INIT;

				strbuf_addch(&t, ';');
				strbuf_addstr(&t, syms[j].name ? syms[j].name : "[unknown]");
				if (frames[i].kernel)
					strbuf_addstr(&t, "_[k]");
				if (fold.len)
					strbuf_add(&t, fold.buf, fold.len);
				strbuf_release(&fold);
				fold = t;
			}
		}
	}
	if (mode == STACK_JSON)
		strbuf_addch(sb, ']');
	else if (mode == STACK_TEXT)
		strbuf_addch(sb, '\n');	/* perf script: a blank line after the frames */
	else if (fold.len)
		strbuf_add(sb, fold.buf, fold.len);
	strbuf_release(&fold);
	return 0;
}

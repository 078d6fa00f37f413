// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <sys/stat.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpf/registry.h"
#include "lib/fs.h"
#include "lib/trust.h"

static const char *const dirs[] = { "/run/vtrace", "/tmp/vtrace-run" };

/*
 * The first registry directory this process can write (/run may be
 * read-only, as in the VM) that nobody else can: /tmp/vtrace-run may
 * have been made by another user.
 */
static const char *writable_dir(void)
{
	static const char *chosen;
	static bool tried;

	if (tried)
		return chosen;	/* decided (and said) once */
	tried = true;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !chosen; i++)
		if (!mkdir(dirs[i], 0755) || errno == EEXIST) {
			if (!access(dirs[i], W_OK) && !trust_dir(dirs[i], "the registry directory"))
				chosen = dirs[i];
		}
	return chosen;
}

/* What list reads of a record's registry file. */
#define REGISTRY_MAX (1 << 20)

/* A field of a tab-separated line: no tabs or newlines inside. */
static void add_field(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\t');
	for (; s && *s; s++)
		strbuf_addch(sb, *s == '\t' || *s == '\n' ? ' ' : *s);
}

static const char *kind_of(const struct vt_program *p)
{
	return p->def ? p->def->kind : "?";
}

static void target_of(const struct vt_program *p, size_t k, struct strbuf *sb)
{
	const struct probe_instance *in = &p->res.insts[k];

	switch (p->res.target) {
	case TARGET_USER:
		strbuf_addf(sb, "%s:%s+%llu", p->res.binary, in->func, (unsigned long long)in->func_offset);
		break;
	case TARGET_KERNEL:
		strbuf_addf(sb, "%s+%llu", in->func, (unsigned long long)in->func_offset);
		break;
	case TARGET_RAW_TP:
	case TARGET_TP_BTF:
	case TARGET_FENTRY:
		strbuf_addstr(sb, in->func);
		break;
	case TARGET_TP:
		strbuf_addf(sb, "%s:%s", p->res.tp_system, in->func);
		break;
	}
	if (in->src_file)
		strbuf_addf(sb, " (%s:%d)", in->src_file, in->src_line);
}

int registry_publish(struct session *s, const unsigned long long *samples)
{
	struct strbuf sb = STRBUF_INIT;
	const char *dir;
	int rc;

	if (!s->registry_links.len) {
		/* the link and program ids do not change: asked of the kernel once */
		for (size_t i = 0; i < s->nprogs; i++) {
			const struct vt_program *p = s->progs[i];

			size_t nfds = p->multi_fd >= 0 ? 1 : p->nlinks;

			for (size_t k = 0; k < nfds; k++) {
				struct bpf_link_info info = { 0 };
				__u32 len = sizeof(info);
				struct strbuf target = STRBUF_INIT;
				int fd = p->multi_fd >= 0 ? p->multi_fd : bpf_link__fd(p->links[k]);

				if (bpf_obj_get_info_by_fd(fd, &info, &len))
					continue;
				target_of(p, k, &target);
				if (p->multi_fd >= 0 && p->res.ninsts > 1)
					strbuf_addf(&target, " and %zu more places", p->res.ninsts - 1);
				strbuf_addf(&s->registry_links, "link\t%u\t%u\t%u", info.id, info.prog_id, p->id);
				add_field(&s->registry_links, kind_of(p));
				add_field(&s->registry_links, p->event);
				add_field(&s->registry_links, target.buf);
				add_field(&s->registry_links, p->sec);
				strbuf_addch(&s->registry_links, '\n');
				strbuf_release(&target);
			}
		}
	}
	dir = writable_dir();
	if (!dir)
		return -EACCES;
	strbuf_add(&sb, s->registry_links.buf, s->registry_links.len);
	for (size_t i = 0; samples && i < s->nprogs; i++)
		strbuf_addf(&sb, "samples\t%zu\t%llu\n", i, samples[i]);
	if (!s->registry_file && asprintf(&s->registry_file, "%s/%d", dir, getpid()) < 0) {
		s->registry_file = NULL;
		strbuf_release(&sb);
		return -ENOMEM;
	}
	rc = write_file_atomic(s->registry_file, sb.buf ? sb.buf : "", sb.len);
	strbuf_release(&sb);
	return rc;
}

void registry_remove(struct session *s)
{
	if (s->registry_file)
		unlink(s->registry_file);
	free(s->registry_file);
	s->registry_file = NULL;
	strbuf_release(&s->registry_links);
}

/* ---- list ----------------------------------------------------------- */

struct published_file {
	pid_t pid;
	struct registry_entry *entries;	/* into the shared array */
	size_t first, n;
	uint64_t *samples;
	size_t nsamples;
};

static char *dup_field(char **cur)
{
	char *tab = strchr(*cur, '\t'), *s;

	if (tab)
		*tab = 0;
	s = strdup(*cur);
	*cur = tab ? tab + 1 : *cur + strlen(*cur);
	return s;
}

/* Which process holds each link: the link_id lines of /proc/PID/fdinfo. */
static pid_t owner_of(uint32_t link_id)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	while (proc && !found && (de = readdir(proc))) {
		char path[300];
		DIR *fds;
		struct dirent *fe;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", de->d_name);
		fds = opendir(path);
		while (fds && !found && (fe = readdir(fds))) {
			char file[600], *data, *at;

			if (fe->d_name[0] == '.')
				continue;
			snprintf(file, sizeof(file), "%s/%s", path, fe->d_name);
			if (read_file(file, &data, NULL))
				continue;
			at = strstr(data, "link_id:");
			if (at && strtoul(at + 8, NULL, 10) == link_id)
				found = atoi(de->d_name);
			free(data);
		}
		if (fds)
			closedir(fds);
	}
	if (proc)
		closedir(proc);
	return found;
}

static int read_published(struct published_file **files, size_t *nfiles, struct registry_entry **ents,
			  size_t *nents)
{
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *de;

		while (dir && (de = readdir(dir))) {
			char path[600], *data, *line, *save = NULL;
			struct published_file *f, *nf;
			pid_t pid = atoi(de->d_name);

			if (pid <= 0 || strchr(de->d_name, '.'))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], de->d_name);
			if (kill(pid, 0) && errno == ESRCH) {
				unlink(path);	/* its vtrace is gone, and so are its links */
				continue;
			}
			/* only root's, a regular file, of a bounded size */
			if (trust_read_file(path, REGISTRY_MAX, &data, NULL))
				continue;
			nf = realloc(*files, (*nfiles + 1) * sizeof(*nf));
			if (!nf) {
				free(data);
				break;
			}
			*files = nf;
			f = &nf[(*nfiles)++];
			memset(f, 0, sizeof(*f));
			f->pid = pid;
			f->first = *nents;
			for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
				char *cur = line;

				if (!strncmp(line, "link\t", 5)) {
					struct registry_entry *ne = realloc(*ents, (*nents + 1) * sizeof(*ne)), *e;

					if (!ne)
						break;
					*ents = ne;
					e = &ne[(*nents)++];
					cur += 5;
					e->link_id = strtoul(cur, &cur, 10);
					e->prog_id = strtoul(cur + 1, &cur, 10);
					e->probe_id = strtoul(cur + 1, &cur, 10);
					cur++;
					e->kind = dup_field(&cur);
					e->event = dup_field(&cur);
					e->target = dup_field(&cur);
					e->spec = dup_field(&cur);
					f->n++;
				} else if (!strncmp(line, "samples\t", 8)) {
					size_t probe = strtoul(cur + 8, &cur, 10);
					uint64_t count = strtoull(cur + 1, NULL, 10);

					if (probe < 65536 && probe >= f->nsamples) {
						uint64_t *ns = realloc(f->samples, (probe + 1) * sizeof(*ns));

						if (!ns)
							continue;
						memset(ns + f->nsamples, 0, (probe + 1 - f->nsamples) * sizeof(*ns));
						f->samples = ns;
						f->nsamples = probe + 1;
					}
					if (probe < f->nsamples)
						f->samples[probe] = count;
				}
			}
			free(data);
		}
		if (dir)
			closedir(dir);
	}
	return 0;
}

int registry_collect(struct attached **out, size_t *n, struct registry_entry **entries, size_t *nentries)
{
	struct published_file *files = NULL;
	size_t nfiles = 0;
	__u32 id = 0;
	int stats_on = 0;
	char *v;

	*out = NULL;
	*n = 0;
	*entries = NULL;
	*nentries = 0;
	read_published(&files, &nfiles, entries, nentries);
	if (!read_file("/proc/sys/kernel/bpf_stats_enabled", &v, NULL)) {
		stats_on = atoi(v);
		free(v);
	}
	/* the kernel's links, in id order: those a live vtrace published */
	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info li = { 0 };
		__u32 len = sizeof(li);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &li, &len)) {
			close(fd);
			continue;
		}
		close(fd);
		for (size_t f = 0; f < nfiles; f++) {
			for (size_t k = 0; k < files[f].n; k++) {
				struct registry_entry *e = &(*entries)[files[f].first + k];
				struct attached *na, *a;
				struct bpf_prog_info pi = { 0 };
				__u32 plen = sizeof(pi);
				int pfd;

				if (e->link_id != id || e->prog_id != li.prog_id)
					continue;
				/* a recycled pid holding no such link is not the publisher */
				if (owner_of(id) != files[f].pid)
					continue;
				na = realloc(*out, (*n + 1) * sizeof(*na));
				if (!na)
					break;
				*out = na;
				a = &na[(*n)++];
				memset(a, 0, sizeof(*a));
				a->link_id = id;
				a->prog_id = li.prog_id;
				a->owner = files[f].pid;
				a->e = e;
				a->samples = e->probe_id < files[f].nsamples ? files[f].samples[e->probe_id] : 0;
				pfd = bpf_prog_get_fd_by_id(li.prog_id);
				if (pfd >= 0 && !bpf_obj_get_info_by_fd(pfd, &pi, &plen)) {
					a->run_cnt = pi.run_cnt;
					a->stats = stats_on || pi.run_time_ns;
				}
				if (pfd >= 0)
					close(pfd);
			}
		}
	}
	for (size_t f = 0; f < nfiles; f++)
		free(files[f].samples);
	free(files);
	return 0;
}

void registry_free(struct attached *a, size_t n, struct registry_entry *e, size_t ne)
{
	(void)n;
	free(a);
	for (size_t i = 0; i < ne; i++) {
		free(e[i].kind);
		free(e[i].event);
		free(e[i].target);
		free(e[i].spec);
	}
	free(e);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * vtrace record: compile, load and attach the -e programs, run the command
 * (or watch a process, or the whole system), print samples as they come.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/utsname.h>
#include <time.h>

#include "bpf/oneliner.h"
#include "bpf/aggspec.h"
#include "bpf/maps.h"
#include "bpf/reader.h"
#include "bpf/registry.h"
#include "bpf/session.h"
#include "cmd/builtin.h"
#include "lib/error.h"
#include "lib/output.h"
#include "lib/outq.h"
#include "lib/stop.h"
#include "lib/trust.h"
#include "probe/filter.h"

/* An -e: a file, "-" or a spec, with the -x in effect where it was given. */
struct record_event {
	const char *arg;
	const char *exec;
	char *spec;		/* the spec as recorded (exec= of -x in front) */
	const char *filter;	/* --filter after it */
	struct agg_opt agg;	/* --count, --hist=ARG, ... after it */
};

struct record_opts {
	struct record_event *events;
	int nevents;
	const char *exec;
	pid_t pid;
	bool all;
	double duration;
	size_t buffer_size;
	char **cmd;
	const char *output;
	bool json;
	bool text;
	unsigned fields;
	bool stacks;
	double interval;
};

enum { OPT_DURATION = 0x100, OPT_BUFFER_SIZE, OPT_JSON, OPT_TEXT, OPT_FILTER, OPT_INTERVAL,
       OPT_COUNT, OPT_SUM, OPT_MIN, OPT_MAX, OPT_AVG, OPT_HIST, OPT_LHIST, OPT_BY };

/* What vtrace script reads when given no -i, and what -w writes. */
#define DEFAULT_DATA "vtrace.data"

static const struct argp_option options[] = {
	{ "event", 'e', "FILE|SPEC|-", 0, "BPF program: C source (.c, compiled and cached) or object (.o); "
	  "or a probe spec (vtrace-spec(7)), recorded at every hit with all its args; or -, "
	  "a program in C on standard input; repeatable", 0 },
	{ "filter", OPT_FILTER, "EXPR", 0, "Record only the hits of the preceding -e (a spec, or a file "
	  "of spec programs) whose args make EXPR true: ARG == != < <= > >= NUMBER, \"STRING\" or ARG; "
	  "ARG & MASK; ARG ~ \"GLOB\"; &&, ||, !, ( ) (vtrace-record(1))", 0 },
	{ "exec", 'x', "BIN", 0, "exec=BIN for the specs that follow (those naming no exec=, module= "
	  "or tracepoint)", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process (and the processes it starts)", 0 },
	{ "all-cpus", 'a', NULL, 0, "Trace the whole system (with a COMMAND: while it runs)", 0 },
	{ "duration", OPT_DURATION, "SECS", 0, "Stop after SECS seconds", 0 },
	{ "buffer-size", OPT_BUFFER_SIZE, "SIZE", 0, "Ring buffer size (power of two; K, M suffixes; default 8M, 64M with kernel probes)", 0 },
	{ "output", 'o', "FILE", 0, "Write samples to FILE, not standard output: a data file (print it "
	  "with vtrace script), or text with --text or -F, or JSON with --json; an old FILE is kept as FILE.old", 0 },
	{ "write", 'w', NULL, 0, "Write the data file " DEFAULT_DATA " (-o " DEFAULT_DATA ", what vtrace script reads)", 0 },
	{ "json", OPT_JSON, NULL, 0, "One JSON object per sample (see vtrace-script(1))", 0 },
	{ "text", OPT_TEXT, NULL, 0, "Text (the default on standard output), also into -o FILE", 0 },
	{ "fields", 'F', "LIST", 0, "Text fields: comm,pid,tid,cpu,time,event,args", 0 },
	{ "call-graph", 'g', NULL, 0, "Record the user stack of each sample (and the kernel stack of kernel probes)", 0 },
	{ "count", OPT_COUNT, NULL, 0, "Count the hits of the preceding -e SPEC instead of recording them", 0 },
	{ "hist", OPT_HIST, "ARG", 0, "A log2 histogram of ARG of the preceding -e SPEC instead of recording", 0 },
	{ "lhist", OPT_LHIST, "ARG:MIN:MAX:STEP", 0, "A linear histogram of ARG, likewise", 0 },
	{ "sum", OPT_SUM, "ARG", 0, "The sum of ARG, likewise (also --min, --max, --avg)", 0 },
	{ "min", OPT_MIN, "ARG", OPTION_HIDDEN, NULL, 0 },
	{ "max", OPT_MAX, "ARG", OPTION_HIDDEN, NULL, 0 },
	{ "avg", OPT_AVG, "ARG", OPTION_HIDDEN, NULL, 0 },
	{ "by", OPT_BY, "ARG", 0, "Key the aggregation before it by ARG (@name[ARG]), as bpftrace's @[ARG]; or by "
	  "pid, tid, cpu, comm of the hit", 0 },
	{ "interval", OPT_INTERVAL, "SECS", 0, "Print the aggregations (vtrace.h's VTRACE_COUNT() ...) every SECS seconds too, not only at exit", 0 },
	{ "verbose", 'v', NULL, 0, "Say more (twice: libbpf's debug output too)", 0 },
	{ 0 }
};

static const char doc[] =
	"Run BPF programs on probes and print what they send.\v"
	"With a COMMAND, only its process tree is traced and vtrace exits with its status; "
	"with -p, that process; with -a (or neither), the whole system until Ctrl-C or --duration.\n\n"
	"Sections vtrace attaches: kprobe/FUNC[+OFF], kretprobe/FUNC, uprobe/PATH:FUNC[+OFF], "
	"uretprobe/PATH:FUNC, raw_tp/NAME, tp/CATEGORY/NAME, and probe specs "
	"(\"exec=PATH;[EVENT=]FUNC+OFF ARG..., EVENT= defaulting to FUNC\", see vtrace-spec(7)): their args are fetched and "
	"the function is called as perf did (r2 = error flag, r3..r5 = args; nonzero records "
	"the event with all args).  Programs also send samples with vtrace_printf() and "
	"vtrace_emit() from <vtrace.h>.\n\n"
	"Samples go to standard output as text (perf script's layout), with --json as one JSON "
	"object per line, or with -o FILE to a data file that vtrace script prints later.\n\n"
	"An -e that is an existing regular file, or names a .c or .o file, is a file; - is "
	"standard input; anything else is a probe spec.\n\n"
	"Examples:\n"
	"  vtrace record -e 'exec=examples/target;ev=process_order o->id quantity' -- examples/target 3\n"
	"  vtrace record -x examples/target -e 'ev=process_order quantity' -- examples/target 3\n"
	"  vtrace record -a -e 'raw_tp/sched_switch prev->pid next->pid' --duration 1\n"
	"  vtrace record -e examples/hello.c -- examples/target 3\n";

static int parse_size(const char *arg, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg)
		return -EINVAL;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		v <<= 30, end++;
	if (*end || v < 4096 || (v & (v - 1)) || v > (1ULL << 31))
		return -EINVAL;
	*out = v;
	return 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct record_opts *o = state->input;
	char *end;

	switch (key) {
	case 'e': {
		struct record_event *ne = realloc(o->events, (o->nevents + 1) * sizeof(*ne));

		if (!ne)
			return ENOMEM;
		o->events = ne;
		ne[o->nevents++] = (struct record_event){ .arg = arg, .exec = o->exec };
		break;
	}
	case 'x':
		o->exec = arg;
		break;
	case OPT_FILTER:
		if (!o->nevents)
			argp_error(state, "--filter applies to the -e before it; give the -e first");
		if (o->events[o->nevents - 1].filter)
			argp_error(state, "two --filter for one -e; join them with &&");
		o->events[o->nevents - 1].filter = arg;
		break;
	case 'p': {
		long v;

		/* parsed as a long, then range-checked: 4294967296+N must not wrap to N */
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || end == arg || v <= 0 || v > INT_MAX)
			argp_error(state, "-p takes a process id, not '%s'", arg);
		o->pid = v;
		break;
	}
	case 'a':
		o->all = true;
		break;
	case 'o':
	case 'w':
		if (o->output)
			argp_error(state, "-o and -w name the output once");
		o->output = key == 'w' ? DEFAULT_DATA : arg;
		break;
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_TEXT:
		o->text = true;
		break;
	case 'F': {
		const char *bad = arg;

		if (decode_fields_parse(arg, &o->fields, &bad))
			argp_error(state, "-F takes comm,pid,tid,cpu,time,event,args; not '%s'", bad);
		break;
	}
	case 'g':
		o->stacks = true;
		break;
	case 'v':
		verbose++;
		break;
	case OPT_DURATION:
		o->duration = strtod(arg, &end);
		if (*end || !(o->duration > 0) || !isfinite(o->duration))
			argp_error(state, "--duration takes a positive number of seconds, not '%s'", arg);
		break;
	case OPT_COUNT: case OPT_SUM: case OPT_MIN: case OPT_MAX: case OPT_AVG: case OPT_HIST:
	case OPT_LHIST: {
		static const char *const names[] = { "count", "sum", "min", "max", "avg", "hist", "lhist" };
		const char *kind = names[key - OPT_COUNT];
		char why[256];

		if (!o->nevents)
			argp_error(state, "--%s applies to the -e SPEC before it; give the -e first", kind);
		if (o->events[o->nevents - 1].agg.kind)
			argp_error(state, "one aggregation per -e; give the spec again for another");
		if (agg_opt_parse(kind, arg, &o->events[o->nevents - 1].agg, why, sizeof(why)))
			argp_error(state, "%s", why);
		break;
	}
	case OPT_BY: {
		char why[256];

		if (!o->nevents || agg_opt_by(&o->events[o->nevents - 1].agg, arg, why, sizeof(why)))
			argp_error(state, "%s", o->nevents ? why : "--by keys the aggregation of an -e SPEC");
		break;
	}
	case OPT_INTERVAL:
		o->interval = strtod(arg, &end);
		if (*end || !(o->interval > 0) || !isfinite(o->interval))
			argp_error(state, "--interval takes a positive number of seconds, not '%s'", arg);
		break;
	case OPT_BUFFER_SIZE:
		if (parse_size(arg, &o->buffer_size))
			argp_error(state, "--buffer-size takes a power of two from 4K to 2G, not '%s'", arg);
		break;
	case ARGP_KEY_ARG:
		/* The command starts here; its own options are not ours. */
		o->cmd = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		if (!o->nevents)
			argp_error(state, "no programs: give one or more with -e FILE or -e SPEC");
		if ((o->cmd != NULL) + (o->pid != 0) > 1 || (o->pid && o->all))
			argp_error(state, "a COMMAND, -p and -a exclude each other (-a with a COMMAND "
				   "traces everything while it runs)");
		if (o->json && (o->fields || o->text))
			argp_error(state, "--json prints every field; -F and --text choose text");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Which -e are specs (parsed now: a bad one is a usage error, with its caret). */
static int classify_events(struct record_opts *o)
{
	int nstdin = 0;

	for (int i = 0; i < o->nevents; i++) {
		struct record_event *e = &o->events[i];

		switch (event_classify(e->arg)) {
		case EVENT_STDIN:
			if (!strcmp(e->arg, "-") && nstdin++) {
				pr_err("-e - is given twice; standard input holds one program");
				return -EINVAL;
			}
			break;
		case EVENT_FILE:
			break;
		case EVENT_SPEC:
			if (oneliner_spec(e->arg, e->exec, &e->spec))
				return -EINVAL;
			break;
		}
		if (e->agg.kind && !e->spec) {
			pr_err("-e %s: --count, --hist and the other aggregation options apply to a "
			       "spec; in a program, call vtrace_count(), vtrace_hist() ... (vtrace-agg(7))",
			       e->arg);
			return -EINVAL;
		}
		if (e->filter) {
			struct filter f;
			struct spec_error err;

			if (filter_parse(e->filter, &f, &err)) {
				spec_error_print("--filter", e->filter, &err);
				return -EINVAL;
			}
			filter_free(&f);
		}
	}
	return 0;
}

static void free_events(struct record_opts *o)
{
	for (int i = 0; i < o->nevents; i++)
		free(o->events[i].spec);
	free(o->events);
}

/* Like execvp's search, done before anything is loaded. */
static int find_executable(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		if (access(name, X_OK))
			return -errno;
		snprintf(out, size, "%s", name);
		return 0;
	}
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		const char *end = strchrnul(p, ':');

		snprintf(out, size, "%.*s/%s", (int)(end - p), p, name);
		if (!access(out, X_OK))
			return 0;
		p = *end ? end + 1 : end;
	}
	return -ENOENT;
}

struct child {
	pid_t pid;
	int go_fd;	/* write a byte: exec; close: give up */
	int err_fd;	/* exec's errno, or EOF once exec succeeded */
};

/* Forks the command, stopped before exec until child_release(). */
static int child_start(struct child *c, char **argv)
{
	int go[2], errp[2];

	if (pipe2(go, O_CLOEXEC) || pipe2(errp, O_CLOEXEC))
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (!c->pid) {
		char byte;

		stop_child_reset();
		close(go[1]);
		close(errp[0]);
		if (read(go[0], &byte, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		byte = errno;
		if (write(errp[1], &byte, 1) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(errp[1]);
	c->go_fd = go[1];
	c->err_fd = errp[0];
	return 0;
}

static int child_release(struct child *c)
{
	char byte = 1;
	ssize_t n;

	if (write(c->go_fd, &byte, 1) != 1)
		return -errno;
	close(c->go_fd);
	c->go_fd = -1;
	do
		n = read(c->err_fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	close(c->err_fd);
	c->err_fd = -1;
	return n == 1 ? -byte : 0;
}

static void child_abort(struct child *c)
{
	if (c->pid <= 0)
		return;
	if (c->go_fd >= 0)
		close(c->go_fd);	/* the child exits without exec */
	if (c->err_fd >= 0)
		close(c->err_fd);
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	c->pid = 0;
}

static int exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

static int epoll_add(int ep, int fd, int tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

enum { EV_RING, EV_SIGNAL, EV_TIMER, EV_PIDFD, EV_PUBLISH, EV_INTERVAL };

/* A timerfd that fires once after secs, or every secs when repeat. */
static int timer_start(double secs, bool repeat)
{
	struct itimerspec its = { 0 };
	int fd;

	its.it_value.tv_sec = (time_t)secs;
	its.it_value.tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9);
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1;
	if (repeat)
		its.it_interval = its.it_value;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd >= 0 && timerfd_settime(fd, 0, &its, NULL)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* --interval: the aggregations so far (cumulative), after the samples before them. */
struct interval {
	double secs;
	struct map_set *ms;
	bool json;
	unsigned n;
};

/* Text or JSON to a terminal or a pipe: flushed after each read of the ring buffer. */
static bool flush_batches;

/* One batch of samples; 1 when more are waiting (-EAGAIN). */
static int consume(struct reader *r)
{
	int rc = reader_consume(r);

	if (r->o.q) {
		if (outq_flush(r->o.q) < 0 && r->o.q->err)
			stop_note(SIGPIPE);	/* the reader went away: the run ends */
	} else if (flush_batches) {
		fflush(r->o.out);
	}
	return rc == -EAGAIN;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* How long the end may take: the command's SIGTERM grace, the last samples, the output. */
#define TERM_GRACE_MS 1000
/* Samples per read of the ring buffer between looks at the signals. */
#define READ_BATCH 4096
/* What a slow reader of standard output may leave queued. */
#define OUTQ_LIMIT (4u << 20)
#define DRAIN_MS 600
#define OUTPUT_MS 300

/*
 * Reads samples until the command exits, the -p process exits, a signal or
 * the duration ends.  Returns the command's exit status, or -1 when there
 * is no command.
 */
static int run_loop(struct reader *r, struct child *c, pid_t watch_pid, double duration,
		    struct interval *iv)
{
	int ep, sfd, tfd = -1, pfd = -1, ufd = -1, ifd = -1, status = -1;
	unsigned long long published = 0;
	bool done = false;

	ep = epoll_create1(EPOLL_CLOEXEC);
	sfd = signalfd(-1, stop_sigset(), SFD_CLOEXEC | SFD_NONBLOCK);
	if (ep < 0 || sfd < 0 || epoll_add(ep, reader_fd(r), EV_RING) ||
	    epoll_add(ep, sfd, EV_SIGNAL))
		return -errno;
	if (duration > 0) {
		struct itimerspec its = { 0 };

		its.it_value.tv_sec = (time_t)duration;
		its.it_value.tv_nsec = (long)((duration - (double)(time_t)duration) * 1e9);
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
		tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
		if (tfd < 0 || timerfd_settime(tfd, 0, &its, NULL) || epoll_add(ep, tfd, EV_TIMER))
			return -errno;
	}
	if (watch_pid > 0) {
		pfd = syscall(SYS_pidfd_open, watch_pid, 0);
		if (pfd >= 0)
			epoll_add(ep, pfd, EV_PIDFD);
		else if (errno == ESRCH)
			done = true;	/* it exited (and was reaped) while vtrace was starting */
	}
	if (iv->secs > 0) {
		ifd = timer_start(iv->secs, true);
		if (ifd < 0 || epoll_add(ep, ifd, EV_INTERVAL))
			return -errno;
	}
	/* vtrace list's sample counts, refreshed once a second when they change */
	{
		struct itimerspec its = { { 1, 0 }, { 1, 0 } };

		ufd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (ufd >= 0 && !timerfd_settime(ufd, 0, &its, NULL))
			epoll_add(ep, ufd, EV_PUBLISH);
	}

	if (stop_pending())
		done = true;	/* a signal while the command was being started */
	while (!done) {
		struct epoll_event evs[6];
		/* output waiting for a slow reader: tried again soon */
		int n = epoll_wait(ep, evs, 6, r->o.q && outq_pending(r->o.q) ? 20 : -1);

		if (r->o.q && outq_pending(r->o.q))
			consume(r);
		if (stop_pending())
			done = true;

		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			switch (evs[i].data.u32) {
			case EV_RING:
				consume(r);
				break;
			case EV_TIMER:
			case EV_PIDFD:
				done = true;
				break;
			case EV_INTERVAL: {
				uint64_t ticks;

				if (read(ifd, &ticks, sizeof(ticks)) < 0)
					break;
				reader_consume(r);
				if (!iv->json) {
					time_t now = time(NULL);
					char when[16];

					strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
					fprintf(r->o.out, "%s\n", when);
				}
				map_set_print(iv->ms, r->o.out, iv->json, ++iv->n);
				break;
			}
			case EV_PUBLISH: {
				uint64_t ticks;

				if (read(ufd, &ticks, sizeof(ticks)) < 0)
					break;
				if (r->samples != published) {
					registry_publish(r->s, r->per_probe);
					published = r->samples;
				}
				break;
			}
			case EV_SIGNAL: {
				struct signalfd_siginfo si;

				/* An interrupt stops recording (the command then gets SIGTERM, as perf does). */
				while (read(sfd, &si, sizeof(si)) == sizeof(si))
					if (si.ssi_signo != SIGCHLD) {
						stop_note(si.ssi_signo);
						done = true;
					}
				if (c && c->pid > 0) {
					int st;

					if (waitpid(c->pid, &st, WNOHANG) == c->pid) {
						status = exit_status(st);
						c->pid = 0;
						done = true;
					}
				}
				break;
			}
			}
		}
	}
	/*
	 * The end, bounded: nothing more is sent (the links go), the command
	 * gets SIGTERM, what the programs sent before is read, and the command
	 * gets SIGKILL if it is still there a second later.
	 */
	stop_enter("writing");
	session_detach(r->s);
	if (c && c->pid > 0)
		kill(c->pid, SIGTERM);
	{
		struct timespec t0;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (consume(r) && ms_since(&t0) < DRAIN_MS)
			;
		if (ms_since(&t0) >= DRAIN_MS)
			pr_warn("stopped reading the ring buffer after %d ms: what was left in it is "
				"not printed", DRAIN_MS);
	}
	if (c && c->pid > 0) {
		struct timespec t0;
		int st;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (waitpid(c->pid, &st, WNOHANG) == 0) {
			if (ms_since(&t0) >= TERM_GRACE_MS) {
				kill(c->pid, SIGKILL);
				waitpid(c->pid, &st, 0);
				break;
			}
			usleep(20000);
		}
		status = exit_status(st);
		c->pid = 0;
	}
	close(ep);
	close(sfd);
	if (tfd >= 0)
		close(tfd);
	if (pfd >= 0)
		close(pfd);
	if (ufd >= 0)
		close(ufd);
	if (ifd >= 0)
		close(ifd);
	return status;
}

/* Two programs sending under one event name print alike: said, naming their files. */
static void warn_duplicate_events(const struct session *s)
{
	for (size_t i = 0; i < s->nprogs; i++)
		for (size_t j = 0; j < i; j++) {
			const struct vt_program *a = s->progs[j], *b = s->progs[i];

			if (strcmp(a->event, b->event))
				continue;
			pr_warn("two probes send samples as event '%s' (%s and %s): their samples are "
				"told apart only by their args; rename one", b->event, a->obj->src, b->obj->src);
			break;
		}
}

/* The data file's META record: where and how it was recorded. */
static void describe(char *buf, size_t size, int argc, char **argv)
{
	struct utsname u;
	size_t n;
	time_t now = time(NULL);
	char when[64];

	uname(&u);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	n = snprintf(buf, size, "host=%s\nkernel=%s %s\nvtrace=%s\nrecorded=%s\ncommand=vtrace record",
		     u.nodename, u.release, u.version, VTRACE_VERSION, when);
	for (int i = 1; i < argc && n < size; i++)
		n += snprintf(buf + n, size - n, " %s", argv[i]);
	if (n < size)
		snprintf(buf + n, size - n, "\n");
}

int cmd_record(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[--] [COMMAND [ARGS...]]", doc, common_children, NULL, NULL };
	struct record_opts o = { .buffer_size = 0 };	/* 0: by the probes' kinds */
	struct child child = { .pid = 0, .go_fd = -1, .err_fd = -1 };
	char exe[PATH_MAX];
	struct session s;
	struct reader r = { 0 };
	struct map_set maps = { 0 };
	struct interval iv = { 0 };
	unsigned long long lost, samples, malformed, unwritten = 0;
	const char *why = "";
	struct outq q = { .fd = -1 };
	char meta[8192];
	FILE *out = stdout, *pout = stdout;
	bool datafile, streamed = false;
	int err, status = 0;

	argv[0] = "vtrace record";
	if (argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &o))
		return 2;
	if (classify_events(&o)) {
		free_events(&o);
		return 2;
	}
	if (check_privileges()) {
		free_events(&o);
		return 1;
	}
	if (o.cmd && (err = find_executable(o.cmd[0], exe, sizeof(exe)))) {
		pr_err("cannot execute '%s': %s", o.cmd[0], strerror(-err));
		free_events(&o);
		return 127;
	}
	if (o.pid && kill(o.pid, 0) && errno == ESRCH) {
		pr_err("-p %d: no such process", o.pid);
		free_events(&o);
		return 1;
	}

	describe(meta, sizeof(meta), argc, argv);
	/* from here every signal ends vtrace through one path, at any stage */
	stop_init();

	session_init(&s);
	s.rb_size = o.buffer_size;
	s.stacks = o.stacks;
	for (int i = 0; i < o.nevents; i++) {
		size_t first = s.nprogs;

		err = stop_enter("compiling");
		if (!err)
			err = o.events[i].agg.kind ? session_add_agg(&s, o.events[i].spec, &o.events[i].agg) :
			      session_add_event(&s, o.events[i].arg, o.events[i].spec);
		if (!err && o.events[i].filter)
			err = session_filter(&s, first, o.events[i].filter);
		if (err)
			goto out;
	}
	warn_duplicate_events(&s);
	if (o.cmd) {
		err = child_start(&child, o.cmd);
		if (err) {
			pr_err("cannot start '%s': %s", o.cmd[0], strerror(-err));
			goto out;
		}
	}
	/* -a with a command: everything, for as long as the command runs */
	err = stop_enter("loading");
	if (!err)
		err = session_load(&s, (o.cmd && !o.all) || o.pid);
	if (!err && ((o.cmd && !o.all) || o.pid))
		err = session_track(&s, o.cmd ? child.pid : o.pid);
	if (!err)
		err = stop_enter("attaching");
	if (!err)
		err = session_attach(&s);
	/* -o FILE: a data file, unless text or JSON is asked for */
	datafile = o.output && !o.json && !o.text && !o.fields;
	if (!err && o.output && (err = trust_output_path(o.output)))
		goto out;
	if (!err && o.output) {
		err = datafile ? output_keep_old(o.output) : output_open(o.output, &out);
		if (err) {
			pr_err("%s: %s", o.output, strerror(-err));
			goto out;
		}
	}
	pout = out;
	flush_batches = !datafile && output_is_stream(out);
	/* a pipe, a terminal: through a bounded queue, never blocking on the reader */
	if (!err && flush_batches) {
		fflush(out);
		if (outq_open(&q, fileno(out), OUTQ_LIMIT))
			pr_debug("output not queued: %s", strerror(errno));
		else
			pout = outq_file(&q);
	}
	if (!err) {
		struct reader_opts ro = { .out = pout, .path = datafile ? o.output : NULL, .json = o.json,
					  .fields = o.fields, .meta = meta, .q = q.file ? &q : NULL,
					  .batch = READ_BATCH };

		err = reader_open(&r, &s, &ro);
		if (err && o.output)
			pr_err("%s: %s", o.output, strerror(-err));
		else if (err)
			pr_err("cannot read the ring buffer: %s", strerror(-err));
	}
	if (!err)
		err = map_set_open(&maps, &s);
	if (err)
		goto out;
	if (registry_publish(&s, NULL))
		pr_debug("cannot publish the probes for vtrace list");
	pr_debug("%zu program(s) attached", s.nprogs);

	if (o.cmd) {
		/* a signal while attaching: the command is never started */
		err = stop_enter("starting the command");
		if (!err)
			err = child_release(&child);
		if (err == -EINTR)
			goto out;
		if (err) {
			pr_err("cannot execute '%s': %s", o.cmd[0], strerror(-err));
			waitpid(child.pid, NULL, 0);
			child.pid = 0;
			status = 127;
			goto out;
		}
	}
	stop_stage("streaming");
	streamed = true;
	iv = (struct interval){ o.interval, &maps, o.json, 0 };
	status = run_loop(&r, o.cmd ? &child : NULL, o.pid, o.duration, &iv);
	if (status < -1) {
		pr_err("cannot wait for samples: %s", strerror(-status));
		status = 1;
	} else if (status == -1) {
		status = 0;
	}
	lost = session_lost(&s);
	samples = r.samples;
	malformed = r.malformed;
	/* a data file keeps the maps too, for vtrace script */
	if (datafile && map_set_save(&maps, &r.df))
		pr_warn("%s: cannot keep some of the programs' maps in it", o.output);
	err = reader_close(&r, lost);
	/* the aggregations and maps after the samples, where they went (stdout for a data file) */
	if (map_set_print(&maps, pout, o.json, 0))
		pr_warn("cannot read some of the programs' maps");
	if (map_set_dropped(&maps))
		pr_warn("%llu aggregation updates were dropped: a map was full (raise "
			"VTRACE_AGG_ENTRIES)", map_set_dropped(&maps));
	if (q.file) {
		/* what a slow reader takes within the time left; the rest is counted */
		if (outq_drain(&q, OUTPUT_MS) == -EAGAIN)
			pr_debug("standard output: %zu bytes not written", outq_pending(&q));
		unwritten = outq_lost(&q);
		if (q.err == -EPIPE)
			why = "; not written: the output was closed";
		else if (unwritten)
			why = "; not written: the output was not read fast enough";
		if (q.err && q.err != -EPIPE && !err)
			err = q.err;
		outq_close(&q);
		pout = out;
	}
	if (fflush(out) && !err)
		err = -errno;
	if (out != stdout) {
		if (fclose(out) && !err)
			err = -errno;
		out = stdout;
	}
	if (err) {
		pr_err("%s: cannot write: %s", o.output ? o.output : "standard output", strerror(-err));
		status = status ? status : 1;
	}
	if (!quiet || lost || unwritten)
		fprintf(stderr, "[ vtrace: %llu samples%s%s, %llu lost%s%s ]\n", samples,
			o.output ? " written to " : "", o.output ? o.output : "", lost + unwritten,
			lost ? "; the ring buffer was full: raise --buffer-size" : "", unwritten ? why : "");
	if (malformed)
		pr_warn("%llu malformed samples were dropped", malformed);
out:
	if (!streamed && stop_pending()) {
		/* stopped before any sample was read: said once, the command never ran */
		pr_err("interrupted by SIG%s while %s%s", sigabbrev_np(stop_pending()),
		       stop_stage_name(), o.cmd ? "; the command was not started" : "");
		status = 128 + stop_pending();
		err = 0;
	}
	registry_remove(&s);
	map_set_close(&maps);
	child_abort(&child);
	if (r.rb || r.per_probe)	/* a reader_open() that failed halfway too */
		reader_close(&r, 0);
	if (q.file)
		outq_close(&q);
	if (out != stdout)
		fclose(out);
	session_close(&s);
	stop_restore();
	free_events(&o);
	if (err)
		return status ? status : 1;
	return status;
}

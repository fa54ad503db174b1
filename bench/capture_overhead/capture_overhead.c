/* capture_overhead: what saker-capture costs the workloads it watches.
 *
 * For each workload, rounds alternate without and with a running
 * saker-capture (streaming to a real saker-engine, or to an in-process nng
 * PULL socket that stands in for the engine's event link and drains every
 * message: see below); the workloads run in a worker process of their own,
 * as they would beside saker-engine.
 * Each reports the median cost ratio with/without (CPU time of the
 * workload, for redis of server and client), the events/s the sensor
 * produced and its drops.
 * With --b-args/--b-interest/--b-exe, every round also runs the workload
 * under a second sensor configuration (an A/B measured under the same load).
 * Needs root.
 *
 * What the sensor captures (--a-interest / --b-interest):
 *   rules  what a real saker-engine asks for over the control link with the
 *          rules of --rules (default Falco's upstream stable file, as the
 *          issue's acceptance says): the rules' event types plus the state's
 *   all    every syscall the sensor knows (--all)
 *   none   nothing: the bench answers the control link with an empty set, so
 *          every hook is attached and returns at once (the hooks' floor)
 *
 *   capture_overhead [--rounds N] [--scale F] [--rules FILE]
 *                    [--a-interest rules|all|none] [--b-interest rules|all|none]
 *                    [--a-args "OPTS"] [--b-args "OPTS"] [--b-exe PATH]
 *                    [--only NAME[,NAME...]] [--stand-in] [--b-stopped]
 *
 * --b-stopped SIGSTOPs configuration B's sensor while the workload runs: its
 * programs stay attached and events pile up in the rings (give it room:
 * --b-args "--ring-mb 1024"), so B is what the kernel side alone costs the
 * workload, without the reader and the engine beside it.
 *
 * --only runs just the named workloads (getppid, open_close, fork_exec,
 * redis), for an A/B that concerns one of them. failed_open (opens of a
 * missing file and closes of a bad fd, every syscall failing) runs only when
 * --only names it: it has no target, it shows what drop_failed_exit saves
 * (--b-args "--drop-failed-exit"). So does open_close_2cpu (the open+close
 * loop on two CPUs at once), for rings shared by CPUs
 * (--b-args "--cpus-for-each-buffer 2").
 *
 * Sensors with interest "rules" stream to the real saker-engine, so its
 * decoding, state and rules run beside the workload as in production, and
 * its CPU is reported too; --stand-in sends their events to the stand-in
 * instead (the engine then only answers the control link; figures before
 * the fifth session were taken that way). Interest "all" and "none" always
 * stream to the stand-in.
 * SAKER_BUILD_DIR (or ./build) locates bin/saker-capture and bin/saker-engine;
 * --b-exe runs configuration B with another saker-capture binary. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <nng/nng.h>
#include <nng/protocol/pipeline0/pull.h>
#include <nng/protocol/reqrep0/rep.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS 15
#define MAX_EXTRA  8 /* extra saker-capture options per configuration */

static double scale = 1.0;
static char events_url[128];
static char engine_control_url[128]; /* the real engine's, for "rules" */
static char engine_events_url[128];  /* the real engine's, for "rules" */
static bool to_engine = true;        /* "rules" sensors stream to the real engine */
static pid_t engine_pid = -1;
static char empty_control_url[128];  /* the bench's own, answering "none" */
static atomic_bool sink_stop;
static atomic_ullong sink_bytes;

/* CPU seconds (user + system) of the calling thread (the worker's only
 * one) and of its reaped children:
 * the hook's cost lands in the workload's system time, and CPU time is far
 * less disturbed than wall time by other load on a shared machine. */
static double cpu_s(void)
{
	struct rusage self, kids;
	getrusage(RUSAGE_THREAD, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) +
	       (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec +
			kids.ru_stime.tv_usec) /
		       1e6;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* The engine stand-in: receives and drops every batch. */
static void *sink_main(void *arg)
{
	nng_socket *s = arg;
	while (!atomic_load(&sink_stop)) {
		nng_msg *m;
		if (nng_recvmsg(*s, &m, 0) == 0) {
			atomic_fetch_add(&sink_bytes, nng_msg_len(m));
			nng_msg_free(m);
		}
	}
	return NULL;
}

/* ---- workloads: each returns its elapsed seconds ---- */

static double work_getppid(void)
{
	long n = (long)(2000000 * scale);
	double t = cpu_s();
	for (long i = 0; i < n; i++) {
		syscall(SYS_getppid);
	}
	return cpu_s() - t;
}

/* n opens and closes of an existing file. */
static void open_close_loop(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
		}
	}
}

static double work_open_close(void)
{
	double t = cpu_s();
	open_close_loop((long)(200000 * scale));
	return cpu_s() - t;
}

/* One open+close loop pinned to each of two CPUs at once: the two CPUs
 * write events at the same time, so rings shared by CPUs
 * (--cpus-for-each-buffer) meet their lock. The children's CPU time is the
 * cost (cpu_s() counts reaped children). */
static double work_open_close_2cpu(void)
{
	long n = (long)(200000 * scale);
	double t = cpu_s();
	pid_t kids[2] = {-1, -1};
	for (int cpu = 0; cpu < 2; cpu++) {
		kids[cpu] = fork();
		if (kids[cpu] == 0) {
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			(void)sched_setaffinity(0, sizeof(set), &set);
			open_close_loop(n);
			_exit(0);
		}
	}
	for (int cpu = 0; cpu < 2; cpu++) {
		if (kids[cpu] > 0) {
			waitpid(kids[cpu], NULL, 0);
		}
	}
	return cpu_s() - t;
}

static double work_failed_open(void)
{
	long n = (long)(200000 * scale);
	double t = cpu_s();
	for (long i = 0; i < n; i++) {
		int fd = open("/etc/saker-bench-missing", O_RDONLY | O_CLOEXEC);
		close(fd); /* -1: EBADF */
	}
	return cpu_s() - t;
}

static double work_fork_exec(void)
{
	long n = (long)(400 * scale);
	double t = cpu_s();
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			char *argv[] = {"/bin/true", NULL};
			execv(argv[0], argv);
			_exit(127);
		}
		waitpid(p, NULL, 0);
	}
	return cpu_s() - t;
}

static int redis_port;
static pid_t redis_pid;

/* CPU seconds process pid has used so far (utime + stime from /proc). */
static double proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		return 0;
	}
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	const char *p = strrchr(buf, ')');
	unsigned long long ut = 0, st = 0;
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) {
		return 0;
	}
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* The server's and the client's CPU time for a fixed request count. */
static double work_redis(void)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 "redis-benchmark -h 127.0.0.1 -p %d -q -n %ld -c 10 -t set,get >/dev/null 2>&1", redis_port,
		 (long)(40000 * scale));
	double t = cpu_s() + proc_cpu_s(redis_pid);
	if (system(cmd) != 0) {
		return -1;
	}
	return cpu_s() + proc_cpu_s(redis_pid) - t;
}

struct workload {
	const char *name;
	double (*fn)(void);
	double target; /* ratio we aim for; 0: none, run only when --only names it */
};

static const struct workload loads[] = {
	{"getppid", work_getppid, 1.12},
	{"open_close", work_open_close, 1.35},
	{"fork_exec", work_fork_exec, 1.05},
	{"redis", work_redis, 1.05},
	{"failed_open", work_failed_open, 0},
	{"open_close_2cpu", work_open_close_2cpu, 0},
};
#define NLOADS (sizeof(loads) / sizeof(loads[0]))

/* The workloads run in a single-threaded worker process forked before the
 * bench starts any thread. Run in the bench process itself, each fork of
 * the fork+exec loop copied the page tables of a process whose engine
 * stand-in and nng threads also run on the other CPU, and with any sensor
 * running that loop measured x1.6 where the worker measures x1.05-1.2
 * (docs/performance.md). A real workload runs beside saker-engine in its
 * own process. */
static int worker_req = -1, worker_rep = -1;
static pid_t worker_pid = -1;

static void worker_main(int req, int rep)
{
	uint32_t idx;
	while (read(req, &idx, sizeof(idx)) == (ssize_t)sizeof(idx) && idx < NLOADS) {
		double cost = loads[idx].fn();
		if (write(rep, &cost, sizeof(cost)) != (ssize_t)sizeof(cost)) {
			break;
		}
	}
	_exit(0);
}

static int start_worker(void)
{
	/* close-on-exec: the sensors and the engine the bench starts later
	 * must not hold the worker's pipes */
	int req[2], rep[2];
	if (pipe2(req, O_CLOEXEC) != 0) {
		return -1;
	}
	if (pipe2(rep, O_CLOEXEC) != 0) {
		close(req[0]);
		close(req[1]);
		return -1;
	}
	worker_pid = fork();
	if (worker_pid < 0) {
		close(req[0]);
		close(req[1]);
		close(rep[0]);
		close(rep[1]);
		return -1;
	}
	if (worker_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(req[1]);
		close(rep[0]);
		worker_main(req[0], rep[1]);
	}
	close(req[0]);
	close(rep[1]);
	worker_req = req[1];
	worker_rep = rep[0];
	return 0;
}

/* Runs workload w in the worker; its cost in seconds, <= 0 on failure. */
static double run_workload(const struct workload *w)
{
	uint32_t idx = (uint32_t)(w - loads);
	double cost = -1;
	if (write(worker_req, &idx, sizeof(idx)) != (ssize_t)sizeof(idx) ||
	    read(worker_rep, &cost, sizeof(cost)) != (ssize_t)sizeof(cost)) {
		return -1;
	}
	return cost;
}

static void stop_worker(void)
{
	if (worker_pid > 0) {
		close(worker_req);
		close(worker_rep);
		waitpid(worker_pid, NULL, 0);
	}
}

/* ---- the sensor ---- */

struct sensor_run {
	pid_t pid;
	int err_fd; /* its stderr: the final stats line */
};

/* Extra saker-capture options of configuration A and B (B unused when
 * empty), split on spaces in place. */
static char *extra[2][MAX_EXTRA + 1];
static bool have_b;
static const char *b_exe; /* configuration B's binary, NULL: the same as A */
static bool b_stopped;    /* B's sensor SIGSTOPped while the workload runs */
static const char *interest[2] = {"rules", NULL}; /* B: A's unless given */

/* Answers every control request with an empty interest set (generation 1). */
static void *empty_control_main(void *arg)
{
	nng_socket *s = arg;
	while (!atomic_load(&sink_stop)) {
		char *msg = NULL;
		size_t len = 0;
		if (nng_recv(*s, &msg, &len, NNG_FLAG_ALLOC) == 0) {
			nng_free(msg, len);
			nng_send(*s, "SKCTL1 SET 1 0", 14, 0);
		}
	}
	return NULL;
}

/* Whether configuration config streams its events to the real engine. */
static bool feeds_engine(int config)
{
	return to_engine && strcmp(interest[config], "rules") == 0;
}

/* Starts saker-engine with the rules, listening on engine_events_url (it
 * receives the events of "rules" sensors unless --stand-in) and on
 * engine_control_url, so the sensor gets the set the engine computes. */
static pid_t start_engine(const char *rules)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	char exe[512];
	snprintf(exe, sizeof(exe), "%s/bin/saker-engine", build ? build : "build");
	pid_t p = fork();
	if (p == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		char *argv[] = {exe,	  "-r",			(char *)rules, "--events", engine_events_url, "--control",
				engine_control_url, "-o", "stdout_output.enabled=false", NULL};
		execv(exe, argv);
		_exit(127);
	}
	return p;
}

static int split_args(char *line, char **out)
{
	int n = 0;
	for (char *tok = strtok(line, " "); tok != NULL; tok = strtok(NULL, " ")) {
		if (n == MAX_EXTRA) {
			return -1;
		}
		out[n++] = tok;
	}
	out[n] = NULL;
	return 0;
}

static int sensor_start(struct sensor_run *r, int config)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	char exe[512];
	snprintf(exe, sizeof(exe), "%s/bin/saker-capture", build ? build : "build");
	if (config == 1 && b_exe != NULL) {
		snprintf(exe, sizeof(exe), "%s", b_exe);
	}
	int pipefd[2];
	if (pipe(pipefd) != 0) {
		return -1;
	}
	r->pid = fork();
	if (r->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGINT); /* never outlive the bench */
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		char *argv[8 + MAX_EXTRA] = {exe, "--stats", "--events",
					     feeds_engine(config) ? engine_events_url : events_url};
		int n = 4;
		if (strcmp(interest[config], "all") == 0) {
			argv[n++] = "--all";
		} else {
			argv[n++] = "--control";
			argv[n++] = strcmp(interest[config], "rules") == 0 ? engine_control_url : empty_control_url;
		}
		for (int i = 0; extra[config][i] != NULL; i++) {
			argv[n++] = extra[config][i];
		}
		execv(exe, argv);
		_exit(127);
	}
	close(pipefd[1]);
	r->err_fd = pipefd[0];
	/* loaded when it says "capturing", and with the control link once the
	 * engine's set is applied */
	const char *ready = strcmp(interest[config], "all") == 0 ? "capturing" : "interest set generation";
	char buf[4096];
	size_t len = 0;
	double deadline = now_s() + 20;
	while (now_s() < deadline && len < sizeof(buf) - 1) {
		ssize_t n = read(r->err_fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0) {
			break;
		}
		len += (size_t)n;
		buf[len] = 0;
		if (strstr(buf, ready) != NULL) {
			sleep_ms(300);
			return 0;
		}
	}
	fprintf(stderr, "saker-capture did not start:\n%s\n", buf);
	return -1;
}

struct sensor_stats {
	double events, drops_full, drops_oversize, lost;
};

/* Stops the sensor and reads the last stats line it printed. */
static void sensor_stop(struct sensor_run *r, struct sensor_stats *st)
{
	kill(r->pid, SIGINT);
	static char buf[1 << 20];
	size_t len = 0;
	while (len < sizeof(buf) - 1) {
		ssize_t n = read(r->err_fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0) {
			break;
		}
		len += (size_t)n;
	}
	buf[len] = 0;
	waitpid(r->pid, NULL, 0);
	close(r->err_fd);
	memset(st, 0, sizeof(*st));
	char *last = NULL, *p = buf;
	while ((p = strstr(p, "stats: ")) != NULL) {
		last = p++;
	}
	unsigned long long ev = 0, full = 0, over = 0, lost = 0;
	if (last != NULL && sscanf(last, "stats: %*f events/s, events %llu, written %*u, drops full %llu, oversize %llu, "
					  "lost (engine away) %llu",
				   &ev, &full, &over, &lost) == 4) {
		st->events = (double)ev;
		st->drops_full = (double)full;
		st->drops_oversize = (double)over;
		st->lost = (double)lost;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct config_result {
	double ratio[MAX_ROUNDS];
	double events, seconds_on, drops, lost;
	double sensor_s; /* the sensor's own CPU seconds while the workload ran */
	double engine_s; /* the real engine's, when the sensor streams to it */
};

/* One run of the workload under a sensor of configuration config: its cost
 * in *on, the sensor's counters added to res. */
static int run_with_sensor(const struct workload *w, int config, double *on, struct config_result *res)
{
	struct sensor_run run;
	struct sensor_stats st;
	if (sensor_start(&run, config) != 0) {
		return -1;
	}
	bool engine_works = feeds_engine(config);
	double sensor_before = proc_cpu_s(run.pid), engine_before = engine_works ? proc_cpu_s(engine_pid) : 0;
	bool stop = config == 1 && b_stopped;
	if (stop) {
		kill(run.pid, SIGSTOP);
	}
	*on = run_workload(w);
	if (stop) {
		kill(run.pid, SIGCONT);
	}
	res->sensor_s += proc_cpu_s(run.pid) - sensor_before;
	res->engine_s += engine_works ? proc_cpu_s(engine_pid) - engine_before : 0;
	sensor_stop(&run, &st);
	res->events += st.events;
	res->seconds_on += *on;
	res->drops += st.drops_full + st.drops_oversize;
	res->lost += st.lost;
	return *on > 0 ? 0 : -1;
}

static void report(const struct workload *w, const char *label, int config, struct config_result *res,
		   int rounds)
{
	qsort(res->ratio, (size_t)rounds, sizeof(double), cmp_double);
	char target[32] = "no target";
	if (w->target > 0) {
		snprintf(target, sizeof(target), "target <= x%.2f", w->target);
	}
	printf("%-12s%s ratio x%.3f (%s, min %.3f max %.3f)  %.0f events/s  ring drops %.0f  "
	       "not taken by the engine %.0f  sensor CPU %.0f%% of the workload's",
	       w->name, label, res->ratio[rounds / 2], target, res->ratio[0], res->ratio[rounds - 1],
	       res->events / res->seconds_on, res->drops, res->lost, 100.0 * res->sensor_s / res->seconds_on);
	if (feeds_engine(config)) {
		printf("  engine CPU %.0f%%", 100.0 * res->engine_s / res->seconds_on);
	}
	printf("\n");
}

static int bench(const struct workload *w, int rounds)
{
	struct config_result res[2];
	int configs = have_b ? 2 : 1;
	memset(res, 0, sizeof(res));
	for (int r = 0; r < rounds; r++) {
		/* without the sensor first in even rounds, last in odd ones, and A
		 * and B take turns going first, so drift (frequency, load) cancels */
		double on[2] = {0, 0};
		double off = r % 2 == 0 ? run_workload(w) : 0;
		for (int k = 0; k < configs; k++) {
			int config = (k + r) % configs;
			if (run_with_sensor(w, config, &on[config], &res[config]) != 0) {
				fprintf(stderr, "%s: workload or sensor failed\n", w->name);
				return -1;
			}
		}
		if (r % 2 == 1) {
			off = run_workload(w);
		}
		if (off <= 0) {
			fprintf(stderr, "%s: workload failed\n", w->name);
			return -1;
		}
		for (int c = 0; c < configs; c++) {
			res[c].ratio[r] = on[c] / off;
		}
	}
	report(w, have_b ? " A" : "", 0, &res[0], rounds);
	if (have_b) {
		report(w, " B", 1, &res[1], rounds);
	}
	fflush(stdout);
	return 0;
}

static pid_t start_redis(void)
{
	redis_port = 20000 + (int)(getpid() % 20000);
	pid_t p = fork();
	if (p == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		char port[16];
		snprintf(port, sizeof(port), "%d", redis_port);
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		char *argv[] = {"/usr/bin/redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "",
				"--appendonly", "no", NULL};
		execv(argv[0], argv);
		_exit(127);
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "redis-cli -p %d ping >/dev/null 2>&1", redis_port);
	for (int i = 0; i < 100; i++) {
		if (system(cmd) == 0) {
			return p;
		}
		sleep_ms(50);
	}
	kill(p, SIGTERM);
	waitpid(p, NULL, 0);
	return -1;
}

/* Whether NAME is one of the comma-separated names in LIST. */
static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = list; p != NULL && *p != 0;) {
		const char *comma = strchr(p, ',');
		size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (n == len && strncmp(p, name, n) == 0) {
			return true;
		}
		p = comma != NULL ? comma + 1 : NULL;
	}
	return false;
}

static bool interest_known(const char *v)
{
	return strcmp(v, "rules") == 0 || strcmp(v, "all") == 0 || strcmp(v, "none") == 0;
}

int main(int argc, char **argv)
{
	int rounds = 5;
	const char *rules = "../shared/upstream/rules/falco_rules.yaml";
	const char *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
			rounds = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
			scale = atof(argv[++i]);
		} else if ((strcmp(argv[i], "--a-args") == 0 || strcmp(argv[i], "--b-args") == 0) && i + 1 < argc) {
			int config = argv[i][2] == 'b';
			if (split_args(argv[++i], extra[config]) != 0) {
				fprintf(stderr, "capture_overhead: at most %d extra options\n", MAX_EXTRA);
				return 2;
			}
			have_b |= config == 1;
		} else if (strcmp(argv[i], "--b-exe") == 0 && i + 1 < argc) {
			b_exe = argv[++i];
			have_b = true;
		} else if ((strcmp(argv[i], "--a-interest") == 0 || strcmp(argv[i], "--b-interest") == 0) &&
			   i + 1 < argc && interest_known(argv[i + 1])) {
			int config = argv[i][2] == 'b';
			interest[config] = argv[++i];
			have_b |= config == 1;
		} else if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc) {
			rules = argv[++i];
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			only = argv[++i];
		} else if (strcmp(argv[i], "--stand-in") == 0) {
			to_engine = false;
		} else if (strcmp(argv[i], "--b-stopped") == 0) {
			b_stopped = true;
			have_b = true;
		} else {
			fprintf(stderr, "usage: capture_overhead [--rounds N] [--scale F] [--rules FILE] "
					"[--a-interest rules|all|none] [--b-interest rules|all|none] [--a-args OPTS] "
					"[--b-args OPTS] [--b-exe PATH] [--only NAME[,NAME...]] [--stand-in] [--b-stopped]\n");
			return 2;
		}
	}
	if (interest[1] == NULL) {
		interest[1] = interest[0];
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || scale <= 0) {
		fprintf(stderr, "capture_overhead: --rounds 1..%d, --scale > 0\n", MAX_ROUNDS);
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "capture_overhead: needs root (loads eBPF)\n");
		return 2;
	}
	/* before any thread exists: the worker inherits the redis port */
	pid_t redis = start_redis();
	redis_pid = redis;
	if (start_worker() != 0) {
		fprintf(stderr, "capture_overhead: cannot start the workload process\n");
		return 1;
	}
	snprintf(events_url, sizeof(events_url), "ipc:///tmp/sk_capture_bench_%d.sock", (int)getpid());
	nng_socket pull;
	if (nng_pull0_open(&pull) != 0 || nng_listen(pull, events_url, NULL, 0) != 0) {
		fprintf(stderr, "capture_overhead: cannot listen on %s\n", events_url);
		return 1;
	}
	nng_socket_set_ms(pull, NNG_OPT_RECVTIMEO, 100);
	pthread_t sink, control;
	pthread_create(&sink, NULL, sink_main, &pull);
	snprintf(engine_control_url, sizeof(engine_control_url), "ipc:///tmp/sk_capture_bench_ctl_%d.sock",
		 (int)getpid());
	snprintf(empty_control_url, sizeof(empty_control_url), "ipc:///tmp/sk_capture_bench_empty_%d.sock",
		 (int)getpid());
	nng_socket rep;
	if (nng_rep0_open(&rep) != 0 || nng_listen(rep, empty_control_url, NULL, 0) != 0) {
		fprintf(stderr, "capture_overhead: cannot listen on %s\n", empty_control_url);
		return 1;
	}
	nng_socket_set_ms(rep, NNG_OPT_RECVTIMEO, 100);
	pthread_create(&control, NULL, empty_control_main, &rep);
	pid_t engine = -1;
	if (strcmp(interest[0], "rules") == 0 || strcmp(interest[1], "rules") == 0) {
		if (access(rules, R_OK) != 0) {
			fprintf(stderr, "capture_overhead: cannot read %s (--rules; run from the repo root)\n", rules);
			return 1;
		}
		snprintf(engine_events_url, sizeof(engine_events_url), "ipc:///tmp/sk_capture_bench_engine_%d.sock",
			 (int)getpid());
		engine = start_engine(rules);
		engine_pid = engine;
	}
	int rc = 0;
	printf("capture_overhead: %d interleaved rounds, scale %.2f, median ratio with/without saker-capture\n", rounds,
	       scale);
	for (int c = 0; c < (have_b ? 2 : 1); c++) {
		bool rules_set = strcmp(interest[c], "rules") == 0;
		printf("  %s: %s, interest %s%s%s%s", c == 0 ? "A" : "B", c == 1 && b_exe != NULL ? b_exe : "saker-capture",
		       interest[c], rules_set ? " of " : "", rules_set ? rules : "",
		       feeds_engine(c) ? ", events to saker-engine" : "");
		for (int i = 0; extra[c][i] != NULL; i++) {
			printf(" %s", extra[c][i]);
		}
		printf("%s\n", c == 1 && b_stopped ? ", SIGSTOPped while the workload runs" : "");
	}
	for (size_t i = 0; i < NLOADS; i++) {
		if ((only == NULL && loads[i].target == 0) || (only != NULL && !listed(only, loads[i].name))) {
			continue;
		}
		if (loads[i].fn == work_redis && redis < 0) {
			printf("%-12s skipped: redis-server did not start\n", loads[i].name);
			continue;
		}
		if (bench(&loads[i], rounds) != 0) {
			rc = 1;
		}
	}
	stop_worker();
	if (redis > 0) {
		kill(redis, SIGTERM);
		waitpid(redis, NULL, 0);
	}
	if (engine > 0) {
		kill(engine, SIGTERM);
		waitpid(engine, NULL, 0);
	}
	atomic_store(&sink_stop, true);
	pthread_join(sink, NULL);
	pthread_join(control, NULL);
	nng_close(pull);
	nng_close(rep);
	printf("engine stand-in received %.1f MiB\n", (double)atomic_load(&sink_bytes) / (1024.0 * 1024.0));
	return rc;
}

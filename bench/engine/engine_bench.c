/* engine_bench: events per second of decode + state + rules, against sysdig
 * with the same condition on the same file, plus peak memory.
 *
 * The input is a large capture made by repeating a shared capture's events
 * (timestamps shifted forward); process exits are dropped from all copies
 * but the last, so the processes stay alive and every copy finds the state
 * the first one built, as a long-running host would. Each measured pass
 * runs in its own child process so its peak RSS is its own.
 *
 *   passes: saker one condition | saker all upstream rules | sysdig one condition
 *
 * Usage (from the repository root):
 *   build/bench/engine_bench [-s SRC.scap] [-e EVENTS] [-r RULES.yaml[,MORE.yaml]] [-o OUT.scap]
 *
 * Defaults: cat_write.scap, 2.5 M events, Falco's stable + incubating rules. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "eval_ctx.h"
#include "event_table.h"
#include "ruleset.h"
#include "scap_reader.h"
#include "scap_writer.h"
#include "state.h"
#include "state_scap.h"

#define ONE_CONDITION "evt.type in (open, openat) and proc.name = cat and fd.name startswith /etc"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Snapshot records are copied once, through the reader's callbacks. */
static sk_err copy_thread(void *w, const sk_scap_thread *th)
{
	return sk_scap_writer_thread(w, th);
}

static sk_err copy_fd(void *w, uint64_t tid, const sk_scap_fd *fd)
{
	return sk_scap_writer_fd(w, tid, fd);
}

static sk_err copy_user(void *w, const sk_scap_user *u)
{
	return sk_scap_writer_user(w, u);
}

static sk_err copy_group(void *w, const sk_scap_group *g)
{
	return sk_scap_writer_group(w, g);
}

static sk_err copy_iface(void *w, const sk_scap_iface *i)
{
	return sk_scap_writer_iface(w, i);
}

static sk_err copy_machine(void *w, const sk_scap_machine *m)
{
	return sk_scap_writer_machine(w, m);
}

static bool is_procexit(uint16_t type)
{
	return strcmp(sk_event_info_get(type)->name, "procexit") == 0;
}

/* Events in src that every copy repeats (0 when unreadable). */
static long count_events(const char *src)
{
	sk_scap_reader *r = NULL;
	if (sk_scap_reader_open_file(src, NULL, NULL, &r) != SK_OK) {
		return 0;
	}
	sk_event ev;
	long n = 0;
	while (n < 100000000 && sk_scap_reader_next(r, &ev) == SK_OK) {
		n += !is_procexit(ev.type); /* exits are written once only */
	}
	sk_scap_reader_close(r);
	return n;
}

/* Writes src's snapshot once and its events until at least want events. */
static long build(const char *src, const char *out, long want)
{
	long per_copy = count_events(src);
	if (per_copy == 0) {
		return -1;
	}
	long copies = (want + per_copy - 1) / per_copy;
	sk_scap_writer *w = NULL;
	if (sk_scap_writer_open_file(out, false, &w) != SK_OK) {
		return -1;
	}
	static const sk_scap_callbacks copy = {copy_machine, copy_thread, copy_fd, copy_user,
					       copy_group,   copy_iface,  NULL};
	long written = 0;
	uint64_t shift = 0;
	sk_err err = SK_OK;
	for (long rep = 0; rep < copies && err == SK_OK; rep++) {
		sk_scap_reader *r = NULL;
		if (sk_scap_reader_open_file(src, rep == 0 ? &copy : NULL, w, &r) != SK_OK) {
			err = SK_EIO;
			break;
		}
		sk_event ev;
		uint64_t first = 0, last = 0;
		long before = written;
		while (err == SK_OK && sk_scap_reader_next(r, &ev) == SK_OK) {
			if (first == 0) {
				first = ev.ts;
			}
			last = ev.ts;
			/* Exits only in the final copy: the processes live on. */
			if (is_procexit(ev.type) && rep + 1 < copies) {
				continue;
			}
			ev.ts += shift;
			err = sk_scap_writer_event(w, &ev);
			written++;
		}
		sk_scap_reader_close(r);
		shift += last - first + 1000;
		if (written == before) {
			break; /* only exits: nothing to repeat */
		}
	}
	sk_err cerr = sk_scap_writer_close(w);
	return err == SK_OK && cerr == SK_OK ? written : -1;
}

typedef struct pass_result {
	long events;
	long alerts;
	double seconds;
} pass_result;

static bool count_match(const sk_rule *rule, void *user)
{
	(void)rule;
	(*(long *)user)++;
	return true;
}

/* Reads path through the state and the rule set; fills res. */
static int saker_pass(const char *path, const char *rules_file, const char *condition, pass_result *res)
{
	sk_rules_opts opts = {0};
	opts.min_priority = SK_PRIO_DEBUG;
	sk_ruleset *rs = NULL;
	if (sk_ruleset_new(&opts, &rs) != SK_OK) {
		return 1;
	}
	sk_err err;
	if (rules_file != NULL) {
		/* A comma-separated list of files, loaded in order. */
		char files[1024];
		snprintf(files, sizeof(files), "%s", rules_file);
		err = SK_OK;
		for (char *save = NULL, *f = strtok_r(files, ",", &save); f != NULL && err == SK_OK;
		     f = strtok_r(NULL, ",", &save)) {
			err = sk_ruleset_load_file(rs, f);
		}
	} else {
		char yaml[512];
		int n = snprintf(yaml, sizeof(yaml),
				 "- rule: one\n  desc: one condition\n  condition: %s\n  output: x\n  priority: INFO\n",
				 condition);
		err = sk_ruleset_load_string(rs, "one.yaml", yaml, (size_t)n);
	}
	if (err == SK_OK) {
		err = sk_ruleset_compile(rs);
	}
	if (err != SK_OK) {
		fprintf(stderr, "engine_bench: rules did not compile (%s)\n", sk_strerror(err));
		sk_ruleset_free(rs);
		return 1;
	}
	sk_state *st = NULL;
	sk_scap_reader *r = NULL;
	sk_eval_ctx ctx;
	double t0 = now();
	if (sk_state_new(NULL, &st) != SK_OK ||
	    sk_scap_reader_open_file(path, sk_state_scap_callbacks(), st, &r) != SK_OK ||
	    sk_eval_ctx_init(&ctx, st, "bench") != SK_OK) {
		return 1;
	}
	sk_event ev;
	res->events = 0;
	res->alerts = 0;
	while (sk_scap_reader_next(r, &ev) == SK_OK) {
		sk_state_view view;
		if (sk_state_apply(st, &ev, &view) != SK_OK) {
			return 1;
		}
		sk_eval_ctx_set_event(&ctx, &ev, &view);
		if (sk_ruleset_match(rs, ev.type, &ctx, count_match, &res->alerts) != SK_OK) {
			return 1;
		}
		res->events++;
	}
	res->seconds = now() - t0;
	sk_eval_ctx_free(&ctx);
	sk_scap_reader_close(r);
	sk_state_free(st);
	sk_ruleset_free(rs);
	return 0;
}

/* Runs fn-equivalent work in a child; returns its peak RSS in KiB. */
static long in_child(const char *path, const char *rules_file, const char *condition, pass_result *res)
{
	int fds[2];
	if (pipe(fds) != 0) {
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		pass_result r = {0};
		int rc = saker_pass(path, rules_file, condition, &r);
		ssize_t w = write(fds[1], &r, sizeof(r));
		_exit(rc == 0 && w == (ssize_t)sizeof(r) ? 0 : 1);
	}
	close(fds[1]);
	ssize_t got = pid > 0 ? read(fds[0], res, sizeof(*res)) : -1;
	close(fds[0]);
	int status = 0;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    got != (ssize_t)sizeof(*res)) {
		return -1;
	}
	return ru.ru_maxrss;
}

/* Times sysdig -r path 'condition', counting the events it prints; *rss
 * gets its peak (run before any other child so the peak is sysdig's). */
static double sysdig_pass(const char *path, const char *condition, long *rss, long *lines)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "sysdig -r '%s' '%s' | wc -l", path, condition);
	double t0 = now();
	FILE *p = popen(cmd, "r");
	if (p == NULL || fscanf(p, "%ld", lines) != 1) {
		if (p != NULL) {
			pclose(p);
		}
		return -1;
	}
	if (pclose(p) != 0) {
		return -1;
	}
	double secs = now() - t0;
	struct rusage all;
	getrusage(RUSAGE_CHILDREN, &all);
	*rss = all.ru_maxrss;
	return secs;
}

int main(int argc, char **argv)
{
	const char *src = "../shared/upstream/scap/cat_write.scap";
	const char *rules = "../shared/upstream/rules/falco_rules.yaml,../shared/upstream/rules/falco-incubating_rules.yaml";
	const char *out = "/tmp/saker_engine_bench.scap";
	long want = 2500000;
	int opt;
	while ((opt = getopt(argc, argv, "s:e:r:o:")) != -1) {
		switch (opt) {
		case 's':
			src = optarg;
			break;
		case 'e':
			want = atol(optarg);
			break;
		case 'r':
			rules = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-s SRC.scap] [-e EVENTS] [-r RULES.yaml] [-o OUT.scap]\n", argv[0]);
			return 2;
		}
	}
	if (want < 1 || want > 100000000) {
		fprintf(stderr, "engine_bench: -e must be 1..100000000\n");
		return 2;
	}
	long events = build(src, out, want);
	if (events < 0) {
		fprintf(stderr, "engine_bench: cannot build %s from %s\n", out, src);
		return 1;
	}
	printf("input: %s repeated to %ld events (%s), condition: %s\n", src, events, out, ONE_CONDITION);
	long sys_rss = 0, sys_lines = 0;
	double sys_secs = sysdig_pass(out, ONE_CONDITION, &sys_rss, &sys_lines);
	pass_result one = {0}, all = {0};
	long rss_one = in_child(out, NULL, ONE_CONDITION, &one);
	long rss_all = in_child(out, rules, NULL, &all);
	if (rss_one < 0 || rss_all < 0 || sys_secs <= 0) {
		fprintf(stderr, "engine_bench: a pass failed (saker one %ld, all %ld, sysdig %.2f)\n", rss_one, rss_all,
			sys_secs);
		unlink(out);
		return 1;
	}
	double sys_rate = (double)events / sys_secs;
	double one_rate = (double)one.events / one.seconds;
	double all_rate = (double)all.events / all.seconds;
	printf("%-38s %12s %10s %9s %10s\n", "pass", "events/s", "alerts", "RSS MiB", "vs sysdig");
	printf("%-38s %12.0f %10ld %9.1f %9.2fx\n", "saker: decode+state+1 condition", one_rate, one.alerts,
	       rss_one / 1024.0, one_rate / sys_rate);
	printf("%-38s %12.0f %10ld %9.1f %9.2fx\n", "saker: decode+state+all upstream rules", all_rate, all.alerts,
	       rss_all / 1024.0, all_rate / sys_rate);
	printf("%-38s %12.0f %10ld %9.1f %9.2fx\n", "sysdig -r, same condition", sys_rate, sys_lines,
	       sys_rss / 1024.0, 1.0);
	if (sys_lines != one.alerts) {
		printf("warning: saker matched %ld events, sysdig %ld\n", one.alerts, sys_lines);
	}
	unlink(out);
	return 0;
}

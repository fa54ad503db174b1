/* capture_files_bench: what falco.yaml's capture costs the engine's event
 * path: replays through the real pipeline (state, rules, outputs) with no
 * capture file open, against the same replay with one open for every event
 * (a rule with capture: true matches the first event and the duration
 * outlasts the run), in alternating rounds of the same run.
 *
 * Then the one-off work when a file opens (the state written as snapshot
 * records) for a node of PROCESSES processes with 16 fds each, against the
 * time the engine takes per event.
 *
 * Usage (from the repository root):
 *   build/bench/capture_files_bench [-s SRC.scap] [-r RULES.yaml] [-x REPEAT] [-n ROUNDS] [-p PROCESSES]
 *
 * Defaults: cat_write.scap read 2000 times (690 k events), Falco's stable
 * rules, 5 rounds, 10000 processes. Prints events/s of each pass, the
 * median ratio, the bytes a captured event takes on disk and the
 * snapshot's time. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pipeline.h"
#include "scap_reader.h"
#include "sk_log.h"
#include "scap_writer.h"
#include "state.h"
#include "state_scap.h"

#define MAX_ROUNDS 64

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

typedef struct pass {
	double events_per_s;
	uint64_t events, file_bytes;
} pass;

/* One replay of src repeat times through a new pipeline; capture says
 * whether the capture file is open throughout. */
static int run_pass(const char *src, const char *rules, const char *trigger, const char *prefix, int repeat,
		    bool capture, pass *out)
{
	sk_engine_config cfg;
	sk_strbuf why = SK_STRBUF_INIT;
	sk_pipeline p;
	int rc = 1;
	memset(&p, 0, sizeof(p));
	if (sk_engine_config_init(&cfg) != SK_OK) {
		return 1;
	}
	const char *const settings[] = {"rules_files",		rules,
					"rules_files[]",	trigger,
					"stdout_output.enabled", "false",
					"file_output.enabled",	"true",
					"file_output.filename", "/dev/null",
					"capture.enabled",	capture ? "true" : "false",
					"capture.path_prefix",	prefix};
	for (size_t i = 0; i + 1 < sizeof(settings) / sizeof(settings[0]); i += 2) {
		if (sk_engine_config_set(&cfg, settings[i], settings[i + 1], &why) != SK_OK) {
			fprintf(stderr, "%s: %s\n", settings[i], sk_strbuf_str(&why));
			goto cleanup;
		}
	}
	if (sk_pipeline_open(&p, &cfg) != SK_OK) {
		goto cleanup;
	}
	double t0 = now();
	for (int r = 0; r < repeat; r++) {
		sk_scap_reader *rd = NULL;
		if (sk_scap_reader_open_file(src, sk_state_scap_callbacks(), p.state, &rd) != SK_OK) {
			fprintf(stderr, "cannot read %s\n", src);
			goto cleanup;
		}
		sk_event evt;
		while (sk_scap_reader_next(rd, &evt) == SK_OK) {
			(void)sk_pipeline_event(&p, &evt);
		}
		sk_scap_reader_close(rd);
	}
	sk_outputs_drain(p.outputs);
	out->events = p.events;
	sk_pipeline_close(&p); /* closes the capture file: its flush counts */
	out->events_per_s = (double)out->events / (now() - t0);
	out->file_bytes = 0;
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "du -cb %s_*.scap 2>/dev/null | tail -1", prefix);
	FILE *du = capture ? popen(cmd, "r") : NULL;
	unsigned long long bytes = 0;
	if (du != NULL && fscanf(du, "%llu", &bytes) == 1) {
		out->file_bytes = bytes;
	}
	if (du != NULL) {
		pclose(du);
	}
	snprintf(cmd, sizeof(cmd), "rm -f %s_*.scap", prefix);
	rc = system(cmd) == 0 ? 0 : 1;
cleanup:
	sk_pipeline_close(&p);
	sk_engine_config_free(&cfg);
	sk_strbuf_free(&why);
	return rc;
}

/* The state a busy node has: threads processes of fds files each (a path
 * under /var/lib and a socket), in a state of its own. */
static sk_state *busy_state(int threads, int fds)
{
	sk_state *st = NULL;
	sk_state_config cfg = {.max_threads = (uint32_t)threads + 16};
	if (sk_state_new(&cfg, &st) != SK_OK) {
		return NULL;
	}
	char comm[32], path[96];
	static const char args[] = "--config\0/etc/service/config.yaml\0--verbose";
	static const char env[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin\0HOME=/root\0LANG=C.UTF-8";
	for (int t = 0; t < threads; t++) {
		snprintf(comm, sizeof(comm), "worker-%d", t % 97);
		sk_thread_info info = {.tid = 1000 + t, .pid = 1000 + t, .ptid = 1, .loginuid = -1, .comm = comm,
				       .exe = comm, .exepath = "/usr/bin/worker", .cwd = "/srv", .args = args,
				       .args_len = sizeof(args) - 1, .env = env, .env_len = sizeof(env) - 1};
		(void)sk_state_add_thread(st, &info);
		for (int f = 0; f < fds; f++) {
			snprintf(path, sizeof(path), "/var/lib/worker/%d/segment-%06d.log", t, f);
			sk_fd_info fd = {.num = 3 + f, .type = f % 4 == 3 ? SK_FD_IPV4 : SK_FD_FILE, .l4proto = SK_L4_TCP,
					 .name = f % 4 == 3 ? NULL : path, .sport = 443, .cport = (uint16_t)(40000 + f)};
			(void)sk_state_add_fd(st, 1000 + t, &fd);
		}
	}
	return st;
}

/* Seconds one snapshot of st takes into a new capture file at path. */
static double snapshot_seconds(const sk_state *st, const char *path, uint64_t *bytes, uint64_t *disk)
{
	sk_scap_writer *w = NULL;
	double t0 = now();
	if (sk_scap_writer_open_file(path, true, &w) != SK_OK) {
		return -1;
	}
	sk_err err = sk_state_scap_write(st, w);
	*bytes = sk_scap_writer_raw_bytes(w);
	err = err == SK_OK ? sk_scap_writer_close(w) : err;
	double took = now() - t0;
	struct stat sb;
	*disk = stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
	unlink(path);
	return err == SK_OK ? took : -1;
}

int main(int argc, char **argv)
{
	const char *src = "../shared/upstream/scap/cat_write.scap";
	const char *rules = "../shared/upstream/rules/falco_rules.yaml";
	int repeat = 2000, rounds = 5, threads = 10000, opt;
	while ((opt = getopt(argc, argv, "s:r:x:n:p:")) != -1) {
		switch (opt) {
		case 'p':
			threads = atoi(optarg);
			break;
		case 's':
			src = optarg;
			break;
		case 'r':
			rules = optarg;
			break;
		case 'x':
			repeat = atoi(optarg);
			break;
		case 'n':
			rounds = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-s SRC.scap] [-r RULES.yaml] [-x REPEAT] [-n ROUNDS] [-p PROCESSES]\n",
				argv[0]);
			return 2;
		}
	}
	if (repeat < 1 || rounds < 1 || rounds > MAX_ROUNDS || threads < 1 || threads > 1000000) {
		fprintf(stderr, "-x at least 1, -n 1..%d, -p 1..1000000\n", MAX_ROUNDS);
		return 2;
	}
	sk_log_init("capture_files_bench", SK_LOG_WARNING);
	char dir[] = "/tmp/capture_files_bench.XXXXXX";
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	char trigger[128], prefix[128];
	snprintf(trigger, sizeof(trigger), "%s/trigger.yaml", dir);
	snprintf(prefix, sizeof(prefix), "%s/cap", dir);
	FILE *f = fopen(trigger, "w");
	if (f == NULL) {
		perror(trigger);
		return 1;
	}
	fputs("- rule: bench capture start\n  desc: opens the capture file at the first event\n"
	      "  condition: evt.num = 1\n  output: capture started\n  priority: DEBUG\n"
	      "  capture: true\n  capture_duration: 86400000\n",
	      f);
	fclose(f);
	double ratio[MAX_ROUNDS], per_event = 0;
	int rc = 0;
	for (int i = 0; i < rounds && rc == 0; i++) {
		pass off, on;
		/* alternate which goes first: a drifting machine favours neither */
		bool on_first = (i % 2) == 1;
		rc |= run_pass(src, rules, trigger, prefix, repeat, on_first, on_first ? &on : &off);
		rc |= run_pass(src, rules, trigger, prefix, repeat, !on_first, on_first ? &off : &on);
		if (rc != 0) {
			break;
		}
		ratio[i] = off.events_per_s / on.events_per_s;
		per_event = 1.0 / off.events_per_s;
		printf("round %d: no file %.2f M events/s, file open %.2f M events/s (%llu events, %.1f bytes each on "
		       "disk), cost x%.3f\n",
		       i + 1, off.events_per_s / 1e6, on.events_per_s / 1e6, (unsigned long long)on.events,
		       on.events > 0 ? (double)on.file_bytes / (double)on.events : 0.0, ratio[i]);
	}
	if (rc == 0) {
		qsort(ratio, (size_t)rounds, sizeof(ratio[0]), cmp_double);
		printf("median cost of an open capture file: x%.3f (%s, %d x %s)\n", ratio[rounds / 2], rules, repeat,
		       src);
	}
	/* the one-off work when a file opens: the state as snapshot records,
	 * on the alert's event; against the last round's time per event */
	sk_state *busy = rc == 0 ? busy_state(threads, 16) : NULL;
	char snap_path[160];
	snprintf(snap_path, sizeof(snap_path), "%s/snapshot.scap", dir);
	double best = -1;
	uint64_t bytes = 0, disk = 0;
	for (int i = 0; busy != NULL && i < 3; i++) {
		double took = snapshot_seconds(busy, snap_path, &bytes, &disk);
		best = best < 0 || (took >= 0 && took < best) ? took : best;
	}
	if (busy != NULL && best >= 0) {
		printf("snapshot when a file opens, %d processes with 16 fds each: %.1f ms (best of 3), %.1f MiB before "
		       "compression, %.1f MiB on disk, as long as %.0f events of the replay without a file\n",
		       threads, best * 1e3, (double)bytes / 1048576.0, (double)disk / 1048576.0,
		       per_event > 0 ? best / per_event : 0.0);
	} else if (rc == 0) {
		rc = 1;
	}
	sk_state_free(busy);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? rc : 1;
}

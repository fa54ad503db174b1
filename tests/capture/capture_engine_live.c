/* capture_engine_live: saker-capture streaming live to saker-engine over nng
 * (events PUSH/PULL, control REQ/REP), the engine loading Falco's upstream
 * rules: reading /etc/shadow with cat under sh must produce Falco's
 * sensitive-file alert within seconds. Both processes are real and are
 * stopped at the end, even on failure.
 *
 * drop_failed_exit: a worker makes two failed syscalls (an open of a missing
 * file, a refused connect) between successful ones and a connect left in
 * progress. Without the option every one alerts; with falco.yaml's
 * engine.modern_ebpf.drop_failed_exit (sent over the control link), or with
 * saker-capture --drop-failed-exit, the two failures do not and the rest,
 * the in-progress connect included, still do.
 *
 * Needs root, BTF and a built saker-engine; exits 77 (ctest SKIP) otherwise. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_live.h"
#include "sk_test.h"

static char dir[64] = "/tmp/sk_live_XXXXXX";
static pid_t engine_pid = -1, capture_pid = -1;

static void stop(pid_t *pid)
{
	if (*pid <= 0) {
		return;
	}
	sk_live_stop(*pid);
	*pid = -1;
}

SK_TEST(falco_rule_fires_on_live_events)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	char engine[512], capture[512], events[128], control[128], engine_log[128], capture_log[128];
	snprintf(engine, sizeof(engine), "%s/bin/saker-engine", build ? build : "build");
	capture_exe(capture, sizeof(capture));
	snprintf(events, sizeof(events), "ipc://%s/events.sock", dir);
	snprintf(control, sizeof(control), "ipc://%s/control.sock", dir);
	snprintf(engine_log, sizeof(engine_log), "%s/engine.log", dir);
	snprintf(capture_log, sizeof(capture_log), "%s/capture.log", dir);

	char *eargv[] = {engine, "--events", events, "--control", control, "-r",
			 "../shared/upstream/rules/falco_rules.yaml", NULL};
	engine_pid = sk_live_spawn_logged(eargv, engine_log);
	char *cargv[] = {capture, "--events", events, "--control", control, "--duration", "60", NULL};
	capture_pid = sk_live_spawn_logged(cargv, capture_log);

	bool alert = false;
	for (int i = 0; i < 40 && !alert; i++) {
		sleep(1);
		if (system("sh -c 'cat /etc/shadow > /dev/null; true'") != 0) {
			break;
		}
		usleep(300000);
		alert = sk_live_file_contains(engine_log, "Sensitive file opened for reading by non-trusted program") &&
			sk_live_file_contains(engine_log, "process=cat");
	}
	SK_CHECK(alert);
	SK_CHECK(sk_live_file_contains(capture_log, "interest set generation"));
	stop(&capture_pid);
	stop(&engine_pid);
	if (!alert) {
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "tail -n 5 '%s' '%s' >&2", engine_log, capture_log);
		if (system(cmd) != 0) {
			fprintf(stderr, "(no logs)\n");
		}
	}
}

/* The worker, run as "sk-dfe-work" (its proc.name) by dfe_run(): in that
 * order, a missing file's open, a present one's, a non-blocking connect to
 * the listening port (EINPROGRESS), a connect to the closed port
 * (ECONNREFUSED), then the "done" file's open. Exits 0 when each syscall
 * gave what the test expects of it. */
static int dfe_work(const char *workdir, int listen_port, int closed_port)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/sk-dfe-missing", workdir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd < 0 && errno == ENOENT;
	snprintf(path, sizeof(path), "%s/sk-dfe-present", workdir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ok = ok && fd >= 0;
	if (fd >= 0) {
		close(fd);
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int s1 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	sa.sin_port = htons((uint16_t)listen_port);
	ok = ok && s1 >= 0 && connect(s1, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno == EINPROGRESS;
	int s2 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa.sin_port = htons((uint16_t)closed_port);
	ok = ok && s2 >= 0 && connect(s2, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno == ECONNREFUSED;
	snprintf(path, sizeof(path), "%s/sk-dfe-done", workdir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ok = ok && fd >= 0;
	return ok ? 0 : 1;
}

/* A loopback TCP socket bound to a free port, listening when listen_too;
 * *port gets the port. Returns the socket or -1. */
static int loopback_socket(bool listen_too, int *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) != 0 || (listen_too && listen(s, 8) != 0)) {
		if (s >= 0) {
			close(s);
		}
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return s;
}

/* Starts engine and capture (extra arguments engine_extra, capture_extra:
 * one each, may be NULL), runs the worker once their interest set is in
 * place and waits for its last alert. dfe_log gets the engine's log path.
 * Returns false when the pipeline did not come up or the worker failed. */
static bool dfe_run(const char *name, const char *engine_extra, const char *capture_extra, char *engine_log,
		    size_t log_cap)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	char engine[512], capture[512], events[160], control[160], capture_log[160], rules[160], worker[160];
	snprintf(engine, sizeof(engine), "%s/bin/saker-engine", build ? build : "build");
	capture_exe(capture, sizeof(capture));
	snprintf(events, sizeof(events), "ipc://%s/%s-events.sock", dir, name);
	snprintf(control, sizeof(control), "ipc://%s/%s-control.sock", dir, name);
	snprintf(engine_log, log_cap, "%s/%s-engine.log", dir, name);
	snprintf(capture_log, sizeof(capture_log), "%s/%s-capture.log", dir, name);
	snprintf(rules, sizeof(rules), "%s/dfe_rules.yaml", dir);
	snprintf(worker, sizeof(worker), "%s/sk-dfe-work", dir);

	char *eargv[10] = {engine, "--events", events, "--control", control, "-r", rules, NULL};
	char *cargv[10] = {capture, "--events", events, "--control", control, "--duration", "60", NULL};
	char eopt[256], copt[64];
	if (engine_extra != NULL) {
		snprintf(eopt, sizeof(eopt), "%s", engine_extra);
		eargv[7] = "-c";
		eargv[8] = eopt;
	}
	if (capture_extra != NULL) {
		snprintf(copt, sizeof(copt), "%s", capture_extra);
		cargv[7] = copt;
	}
	engine_pid = sk_live_spawn_logged(eargv, engine_log);
	capture_pid = sk_live_spawn_logged(cargv, capture_log);
	bool ready = false;
	for (int i = 0; i < 1500 && !ready; i++) { /* 30 s: see capture_wait_ready */
		sk_live_sleep_ms(20);
		ready = sk_live_file_contains(capture_log, "interest set generation");
	}
	int listen_port = 0, closed_port = 0;
	int ls = loopback_socket(true, &listen_port);
	int cs = loopback_socket(false, &closed_port); /* bound, not listening: refuses */
	bool worked = false, done = false;
	if (ready && ls >= 0 && cs >= 0) {
		char lp[16], cp[16];
		snprintf(lp, sizeof(lp), "%d", listen_port);
		snprintf(cp, sizeof(cp), "%d", closed_port);
		char *wargv[] = {worker, "work", dir, lp, cp, NULL};
		pid_t w = fork();
		if (w == 0) {
			execv(worker, wargv);
			_exit(127);
		}
		int status = w > 0 ? sk_live_reap(w, 10000) : -1;
		worked = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		for (int i = 0; worked && i < 500 && !done; i++) { /* 10 s */
			sk_live_sleep_ms(20);
			done = sk_live_file_contains(engine_log, "sk-dfe-done");
		}
	}
	if (ls >= 0) {
		close(ls);
	}
	if (cs >= 0) {
		close(cs);
	}
	stop(&capture_pid);
	stop(&engine_pid);
	if (!done) {
		fprintf(stderr, "%s: ready=%d worker ok=%d, no alert for the last open\n", name, ready, worked);
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "tail -n 5 '%s' '%s' >&2", engine_log, capture_log);
		if (system(cmd) != 0) {
			fprintf(stderr, "(no logs)\n");
		}
	}
	return done;
}

/* Counts the alerts of the worker in the engine's log, by what they say. */
struct dfe_seen {
	bool missing, present, in_progress, refused, done;
};

static struct dfe_seen dfe_alerts(const char *engine_log)
{
	struct dfe_seen s = {
		.missing = sk_live_file_contains(engine_log, "dfe open name=") &&
			   sk_live_file_contains(engine_log, "sk-dfe-missing res=ENOENT"),
		.present = sk_live_file_contains(engine_log, "sk-dfe-present res=SUCCESS"),
		.in_progress = sk_live_file_contains(engine_log, "dfe connect res=EINPROGRESS"),
		.refused = sk_live_file_contains(engine_log, "dfe connect res=ECONNREFUSED"),
		.done = sk_live_file_contains(engine_log, "sk-dfe-done res=SUCCESS"),
	};
	return s;
}

SK_TEST(drop_failed_exit_drops_failures_only)
{
	char path[160], log[160];
	snprintf(path, sizeof(path), "%s/dfe_rules.yaml", dir);
	SK_CHECK(sk_live_write_file(path, "- rule: dfe open\n"
					  "  desc: the worker's opens\n"
					  "  condition: evt.type in (open, openat, openat2) and proc.name=sk-dfe-work\n"
					  "  output: dfe open name=%evt.arg.name res=%evt.res\n"
					  "  priority: WARNING\n"
					  "- rule: dfe connect\n"
					  "  desc: the worker's connects\n"
					  "  condition: evt.type=connect and proc.name=sk-dfe-work\n"
					  "  output: dfe connect res=%evt.res\n"
					  "  priority: WARNING\n"));
	snprintf(path, sizeof(path), "%s/sk-dfe-present", dir);
	SK_CHECK(sk_live_write_file(path, "x\n"));
	snprintf(path, sizeof(path), "%s/sk-dfe-done", dir);
	SK_CHECK(sk_live_write_file(path, "x\n"));
	char self[160];
	snprintf(path, sizeof(path), "%s/sk-dfe-work", dir);
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	SK_CHECK(n > 0);
	if (n <= 0) {
		return;
	}
	self[n] = '\0';
	SK_CHECK(symlink(self, path) == 0);

	/* baseline: every syscall alerts */
	SK_CHECK(dfe_run("keep", NULL, NULL, log, sizeof(log)));
	struct dfe_seen keep = dfe_alerts(log);
	SK_CHECK(keep.missing && keep.present && keep.in_progress && keep.refused && keep.done);

	/* falco.yaml's key, through the engine */
	char yaml[160];
	snprintf(yaml, sizeof(yaml), "%s/falco.yaml", dir);
	SK_CHECK(sk_live_write_file(yaml, "engine:\n  kind: modern_ebpf\n  modern_ebpf:\n    drop_failed_exit: true\n"));
	SK_CHECK(dfe_run("yaml", yaml, NULL, log, sizeof(log)));
	SK_CHECK(sk_live_file_contains(log, "failed syscalls dropped"));
	struct dfe_seen yamlrun = dfe_alerts(log);
	SK_CHECK(!yamlrun.missing && yamlrun.present && yamlrun.in_progress && !yamlrun.refused && yamlrun.done);

	/* the capture's own flag, the engine left at its default */
	SK_CHECK(dfe_run("flag", NULL, "--drop-failed-exit", log, sizeof(log)));
	struct dfe_seen flag = dfe_alerts(log);
	SK_CHECK(!flag.missing && flag.present && flag.in_progress && !flag.refused && flag.done);
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "work") == 0) {
		return dfe_work(argv[2], atoi(argv[3]), atoi(argv[4]));
	}
	int pre = capture_preflight("capture_engine_live");
	if (pre != 0) {
		return pre;
	}
	const char *build = getenv("SAKER_BUILD_DIR");
	char engine[512];
	snprintf(engine, sizeof(engine), "%s/bin/saker-engine", build ? build : "build");
	if (access(engine, X_OK) != 0) {
		printf("SKIP: capture_engine_live needs %s\n", engine);
		return CAPTURE_SKIP;
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	int rc = sk_test_run();
	stop(&capture_pid);
	stop(&engine_pid);
	sk_live_remove_dir(dir);
	return rc;
}

/* capture_engine_live: saker-capture streaming live to saker-engine over nng
 * (events PUSH/PULL, control REQ/REP), the engine loading Falco's upstream
 * rules: reading /etc/shadow with cat under sh must produce Falco's
 * sensitive-file alert within seconds. Both processes are real and are
 * stopped at the end, even on failure.
 *
 * Needs root, BTF and a built saker-engine; exits 77 (ctest SKIP) otherwise. */
#define _GNU_SOURCE
#include <fcntl.h>
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
	capture_stop(*pid);
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
	engine_pid = capture_spawn_logged(eargv, engine_log);
	char *cargv[] = {capture, "--events", events, "--control", control, "--duration", "60", NULL};
	capture_pid = capture_spawn_logged(cargv, capture_log);

	bool alert = false;
	for (int i = 0; i < 40 && !alert; i++) {
		sleep(1);
		if (system("sh -c 'cat /etc/shadow > /dev/null; true'") != 0) {
			break;
		}
		usleep(300000);
		alert = capture_file_contains(engine_log, "Sensitive file opened for reading by non-trusted program") &&
			capture_file_contains(engine_log, "process=cat");
	}
	SK_CHECK(alert);
	SK_CHECK(capture_file_contains(capture_log, "interest set generation"));
	stop(&capture_pid);
	stop(&engine_pid);
	if (!alert) {
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "tail -5 '%s' '%s' >&2", engine_log, capture_log);
		if (system(cmd) != 0) {
			fprintf(stderr, "(no logs)\n");
		}
	}
}

int main(void)
{
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
	capture_remove_dir(dir);
	return rc;
}

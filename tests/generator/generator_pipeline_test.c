/* The real thing: saker-capture records while saker-event-generator runs
 * every action, then saker-engine replays the capture through Saker's rules;
 * each action's rule must have fired, every one of them (overlay upper-layer
 * exec included). A rule missed in the first round (events dropped under
 * load) gets a second round of its own action. */
#include <json-c/json.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gen_actions.h"
#include "gen_name.h"
#include "sk_test.h"

#define MAX_FIRED 512

static char *fired[MAX_FIRED];
static int nfired;

static const char *bin(const char *name, char *buf, size_t cap)
{
	const char *build = getenv("SAKER_BUILD_DIR");

	snprintf(buf, cap, "%s/bin/%s", build != NULL ? build : "build", name);
	return buf;
}

static bool has_fired(const char *rule)
{
	for (int i = 0; i < nfired; i++) {
		if (strcmp(fired[i], rule) == 0) {
			return true;
		}
	}
	return false;
}

/* Waits up to seconds for pid; kills it after that. Returns its exit status. */
static int wait_bounded(pid_t pid, int seconds)
{
	int status = 0;

	for (int i = 0; i < seconds * 20; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
		usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static bool file_contains(const char *path, const char *needle)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		return false;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, needle) != NULL;
}

/* Records while every action runs; returns true when the capture is complete. */
static bool capture_actions(const char *scap, const char *log, const char *gen_args)
{
	char capture[4096], generator[4096], cmd[8192];
	pid_t pid;
	bool started = false;
	int rc;

	bin("saker-capture", capture, sizeof(capture));
	bin("saker-event-generator", generator, sizeof(generator));
	pid = fork();
	if (pid == 0) {
		FILE *f = freopen(log, "w", stderr);
		(void)f;
		execl(capture, "saker-capture", "--all", "-w", scap, "--duration", "60", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && !started; i++) { /* at most 5 s for the probes to attach */
		started = file_contains(log, "capturing");
		usleep(50000);
	}
	if (!started) {
		fprintf(stderr, "saker-capture did not start within 5 s\n");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return false;
	}
	snprintf(cmd, sizeof(cmd), "'%s' run %s > /dev/null", generator, gen_args);
	if (system(cmd) != 0) {
		fprintf(stderr, "saker-event-generator run %s failed\n", gen_args);
	}
	usleep(500000); /* let the last events drain, then stop and flush */
	kill(pid, SIGINT);
	rc = wait_bounded(pid, 20);
	return rc == 0;
}

static void replay(const char *scap)
{
	char engine[4096], cmd[8192], line[65536];
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "'%s' -r rules/saker_rules.yaml -r rules/saker_rules_extra.yaml -e '%s' -o json_output=true 2>/dev/null",
		 bin("saker-engine", engine, sizeof(engine)), scap);
	p = popen(cmd, "r");
	if (p == NULL) {
		return;
	}
	while (p != NULL && fgets(line, sizeof(line), p) != NULL) {
		json_object *alert = line[0] == '{' ? json_tokener_parse(line) : NULL;
		json_object *rule = NULL;
		if (alert != NULL && json_object_object_get_ex(alert, "rule", &rule) &&
		    !has_fired(json_object_get_string(rule)) && nfired < MAX_FIRED) {
			fired[nfired++] = strdup(json_object_get_string(rule));
		}
		json_object_put(alert);
	}
	if (pclose(p) != 0) {
		fprintf(stderr, "saker-engine -e %s failed\n", scap);
	}
}

/* Captures gen_args' actions and replays them; false when the capture failed. */
static bool round_trip(const char *gen_args)
{
	char scap[] = "/tmp/saker-gen-pipeline-XXXXXX";
	char log[sizeof(scap) + 8];
	int fd = mkstemp(scap);
	bool ok;

	if (fd < 0) {
		return false;
	}
	close(fd);
	snprintf(log, sizeof(log), "%s.log", scap);
	ok = capture_actions(scap, log, gen_args);
	if (ok) {
		replay(scap);
	} else {
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "tail -5 '%s' >&2", log);
		fprintf(stderr, "saker-capture failed; its log ends with:\n");
		if (system(cmd) != 0) {
			fprintf(stderr, "(no log)\n");
		}
	}
	unlink(scap);
	unlink(log);
	return ok;
}

/* Writes the actions whose rule should have fired and did not into args;
 * returns how many. */
static int missing_actions(const gen_action *actions, size_t count, char *args, size_t cap)
{
	size_t used = 0;
	int n = 0;

	args[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		char name[GEN_NAME_MAX];
		if (has_fired(actions[i].rule) || gen_action_name(actions[i].rule, name, sizeof(name)) != SK_OK) {
			continue;
		}
		used += (size_t)snprintf(args + used, cap - used, "%s ", name);
		if (used >= cap) {
			break;
		}
		n++;
	}
	return n;
}

SK_TEST(every_action_fires_its_rule_through_capture_and_engine)
{
	static char retry[16384];
	size_t count;
	const gen_action *actions = gen_actions(&count);
	round_trip("--all");
	if (nfired == 0) {
		printf("nothing fired: second round for every action\n");
		round_trip("--all");
	} else if (missing_actions(actions, count, retry, sizeof(retry)) > 0) {
		printf("second round for: %s\n", retry);
		round_trip(retry);
	}
	for (size_t i = 0; i < count; i++) {
		if (!has_fired(actions[i].rule)) {
			fprintf(stderr, "rule \"%s\" did not fire for its action\n", actions[i].rule);
			SK_CHECK(false);
		}
	}
	printf("%d rules fired\n", nfired);
	SK_CHECK(nfired > 0);
	for (int i = 0; i < nfired; i++) {
		free(fired[i]);
	}
}

int main(void)
{
	if (geteuid() != 0) {
		printf("skipped: capturing needs root\n");
		return 77;
	}
	return sk_test_run();
}

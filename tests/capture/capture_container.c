/* capture_container: a process in a cgroup named the way Docker's systemd
 * driver names it (<cgroup2>/saker-test-<pid>/docker-<64 hex>.scope) execs
 * while saker-capture records; replayed through saker-engine, its exec has
 * container.id = the 12-char id and matches a rule using the `container`
 * macro, and the same command run on the host stays "host". A process that
 * was in the cgroup before the capture started (known from the /proc
 * snapshot only) opens a file: that open has the container id too. The cgroup and
 * the capture are removed/stopped at the end, even on failure.
 *
 * Needs root, BTF, a cgroup2 mount and a built saker-engine; exits 77 (ctest
 * SKIP) otherwise. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture_live.h"
#include "sk_test.h"

#define CONTAINER_ID "5a4e1c0de5a4e1c0de5a4e1c0de5a4e1c0de5a4e1c0de5a4e1c0de5a4e1c0de5"

static char dir[64] = "/tmp/sk_ctr_XXXXXX";
static char cg_parent[256], cg_leaf[512];
static pid_t capture_pid = -1;

/* %s: the marker file the process started before the capture opens. */
static const char rules_fmt[] =
    "- macro: container\n"
    "  condition: (container.id != host)\n"
    "- rule: exec in container\n"
    "  desc: test\n"
    "  condition: evt.type in (execve, execveat) and evt.dir = < and container and proc.name = true\n"
    "  output: \"CTR id=%%container.id pid=%%proc.pid name=%%container.name image=%%container.image.repository"
    ":%%container.image.tag\"\n"
    "  priority: WARNING\n"
    "- rule: exec on host\n"
    "  desc: test\n"
    "  condition: evt.type in (execve, execveat) and evt.dir = < and not container and proc.name = true\n"
    "  output: \"HOST id=%%container.id pid=%%proc.pid\"\n"
    "  priority: WARNING\n"
    "- rule: open in container\n"
    "  desc: test\n"
    "  condition: evt.type in (open, openat) and evt.dir = < and container and fd.name = %s\n"
    "  output: \"OPEN id=%%container.id pid=%%proc.pid\"\n"
    "  priority: WARNING\n";

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	if (f == NULL) {
		return false;
	}
	bool ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* Runs /bin/true, inside the cgroup when procs is set; returns its pid. */
static pid_t run_true(const char *procs)
{
	pid_t pid = fork();
	if (pid == 0) {
		char self[32];
		snprintf(self, sizeof(self), "%d\n", getpid());
		if (procs != NULL && !write_file(procs, self)) {
			_exit(126);
		}
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? pid : -1;
}

/* Forks a process that joins the cgroup now and, once go_fd is readable,
 * creates marker. Returns its pid. */
static pid_t start_resident(const char *procs, int go_fd, const char *marker)
{
	pid_t pid = fork();
	if (pid == 0) {
		char self[32], go;
		snprintf(self, sizeof(self), "%d\n", getpid());
		if (!write_file(procs, self) || read(go_fd, &go, 1) != 1) {
			_exit(126);
		}
		int fd = open(marker, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		_exit(fd >= 0 ? 0 : 127);
	}
	return pid;
}

static void stop_capture(void)
{
	if (capture_pid <= 0) {
		return;
	}
	kill(capture_pid, SIGINT);
	for (int i = 0; i < 250 && waitpid(capture_pid, NULL, WNOHANG) == 0; i++) {
		sleep_ms(20);
	}
	if (waitpid(capture_pid, NULL, WNOHANG) == 0) {
		kill(capture_pid, SIGKILL);
		waitpid(capture_pid, NULL, 0);
	}
	capture_pid = -1;
}

SK_TEST(exec_in_docker_cgroup_has_container_id)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	char capture[512], engine[512], scap[128], log[128], rules_path[128], out[128], procs[600], cmd[1600];
	char marker[128], rules[2048];
	capture_exe(capture, sizeof(capture));
	snprintf(engine, sizeof(engine), "%s/bin/saker-engine", build ? build : "build");
	snprintf(scap, sizeof(scap), "%s/c.scap", dir);
	snprintf(log, sizeof(log), "%s/capture.log", dir);
	snprintf(rules_path, sizeof(rules_path), "%s/rules.yaml", dir);
	snprintf(out, sizeof(out), "%s/engine.out", dir);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg_leaf);
	snprintf(marker, sizeof(marker), "%s/resident-marker", dir);
	snprintf(rules, sizeof(rules), rules_fmt, marker);
	SK_CHECK(write_file(rules_path, rules));
	int go[2];
	SK_CHECK_INT(pipe2(go, O_CLOEXEC), 0);
	pid_t resident = start_resident(procs, go[0], marker);
	char resident_cg[64];
	snprintf(resident_cg, sizeof(resident_cg), "/proc/%d/cgroup", resident);
	bool joined = false;
	for (int i = 0; i < 250 && !joined; i++) { /* joined before the snapshot */
		joined = capture_file_contains(resident_cg, "docker-" CONTAINER_ID);
		sleep_ms(joined ? 0 : 10);
	}
	SK_CHECK(joined);

	capture_pid = fork();
	if (capture_pid == 0) {
		int fd = open(log, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(capture, capture, "-w", scap, "--duration", "30", (char *)NULL);
		_exit(127);
	}
	bool ready = false;
	/* up to 30 s: the load (BTF, verifier) took over 5 s once when CI
	 * shared the machine with another BPF-loading run */
	for (int i = 0; i < 1500 && !ready; i++) {
		sleep_ms(20);
		ready = capture_file_contains(log, "capturing");
	}
	SK_CHECK(ready);
	SK_CHECK_INT(write(go[1], "g", 1), 1);
	int rstatus = -1;
	waitpid(resident, &rstatus, 0);
	SK_CHECK(WIFEXITED(rstatus) && WEXITSTATUS(rstatus) == 0);
	close(go[0]);
	close(go[1]);
	pid_t in_ctr = run_true(procs);
	pid_t on_host = run_true(NULL);
	SK_CHECK(in_ctr > 0 && on_host > 0);
	sleep_ms(500); /* the capture drains its rings every few ms */
	stop_capture();

	/* The runtime's on-disk state, as docker writes it, in a private root. */
	char state_dir[256], conf_path[512];
	snprintf(state_dir, sizeof(state_dir), "%s/docker/containers/%s", dir, CONTAINER_ID);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", state_dir);
	SK_CHECK_INT(system(cmd), 0);
	snprintf(conf_path, sizeof(conf_path), "%s/config.v2.json", state_dir);
	SK_CHECK(write_file(conf_path, "{\"ID\":\"" CONTAINER_ID "\",\"Name\":\"/saker-web\","
				       "\"Image\":\"sha256:0123\",\"Config\":{\"Image\":\"nginx:1.25\",\"Labels\":{}}}"));
	snprintf(conf_path, sizeof(conf_path), "%s/hostconfig.json", state_dir);
	SK_CHECK(write_file(conf_path, "{\"Privileged\":false}"));

	snprintf(cmd, sizeof(cmd), "SAKER_DOCKER_ROOT='%s/docker' '%s' -e '%s' -r '%s' > '%s' 2>&1", dir, engine, scap,
		 rules_path, out);
	SK_CHECK_INT(system(cmd), 0);
	char want[192];
	snprintf(want, sizeof(want), "CTR id=%.12s pid=%d name=saker-web image=nginx:1.25", CONTAINER_ID, in_ctr);
	SK_CHECK(capture_file_contains(out, want));
	snprintf(want, sizeof(want), "OPEN id=%.12s pid=%d", CONTAINER_ID, resident);
	SK_CHECK(capture_file_contains(out, want));
	snprintf(want, sizeof(want), "HOST id=host pid=%d", on_host);
	SK_CHECK(capture_file_contains(out, want));
	char wrong[128];
	snprintf(wrong, sizeof(wrong), "CTR id=%.12s pid=%d", CONTAINER_ID, on_host);
	SK_CHECK(!capture_file_contains(out, wrong));
	snprintf(wrong, sizeof(wrong), "HOST id=host pid=%d", in_ctr);
	SK_CHECK(!capture_file_contains(out, wrong));
	if (!capture_file_contains(out, "CTR id=")) {
		snprintf(cmd, sizeof(cmd), "tail -n 5 '%s' '%s' >&2", out, log);
		SK_CHECK_INT(system(cmd), 0);
	}
}

/* The cgroup2 mount: /sys/fs/cgroup (unified) or /sys/fs/cgroup/unified (hybrid). */
static const char *cgroup2_root(void)
{
	static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		char probe[128];
		snprintf(probe, sizeof(probe), "%s/cgroup.controllers", roots[i]);
		if (access(probe, F_OK) == 0) {
			return roots[i];
		}
	}
	return NULL;
}

int main(void)
{
	int rc = capture_setup("capture_container", dir);
	if (rc != 0) {
		return rc;
	}
	const char *root = cgroup2_root();
	if (root == NULL) {
		printf("SKIP: capture_container needs a cgroup2 mount\n");
		rmdir(dir);
		return CAPTURE_SKIP;
	}
	snprintf(cg_parent, sizeof(cg_parent), "%s/saker-test-%d", root, getpid());
	snprintf(cg_leaf, sizeof(cg_leaf), "%s/docker-%s.scope", cg_parent, CONTAINER_ID);
	if (mkdir(cg_parent, 0755) != 0 || mkdir(cg_leaf, 0755) != 0) {
		perror("creating the test cgroup");
		rmdir(cg_parent);
		rmdir(dir);
		return 1;
	}
	rc = sk_test_run();
	stop_capture();
	if (rmdir(cg_leaf) != 0 || rmdir(cg_parent) != 0) {
		perror("removing the test cgroup");
		rc = 1;
	}
	char cleanup[128];
	snprintf(cleanup, sizeof(cleanup), "rm -rf '%s'", dir);
	if (system(cleanup) != 0) {
		fprintf(stderr, "could not remove %s\n", dir);
	}
	return rc;
}

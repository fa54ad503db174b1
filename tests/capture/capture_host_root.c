/* capture_host_root: with HOST_ROOT set, as the Helm chart and the compose
 * file set it, saker-capture's /proc snapshot takes users and groups from
 * HOST_ROOT/etc/passwd and HOST_ROOT/etc/group (a container's own name none
 * of the node's users) and processes from HOST_ROOT/proc. The test builds a
 * host root whose passwd names uid 4242 (in no real passwd here) and whose
 * proc is this machine's; a uid-4242 process execs while the capture
 * records, and saker-engine's replay names its user. Without HOST_ROOT the
 * name is unknown. A HOST_ROOT without those files falls back to this
 * process's own, with a warning.
 *
 * Needs root, BTF and a built saker-engine; exits 77 (ctest SKIP) without
 * root or BTF. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_live.h"
#include "sk_test.h"

#define NODE_UID  4242
#define NODE_USER "saker-node-user"

static char dir[64] = "/tmp/sk_hostroot_XXXXXX";

static const char rules[] = "- rule: exec by the node user\n"
			    "  desc: test\n"
			    "  condition: evt.type = execve and evt.dir = < and user.uid = 4242\n"
			    "  output: \"NODE name=%user.name group=%group.name pid=%proc.pid\"\n"
			    "  priority: WARNING\n";

/* Runs /bin/true as NODE_UID; returns its pid, -1 on failure. */
static pid_t run_as_node_user(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(NODE_UID) != 0 || setuid(NODE_UID) != 0) {
			_exit(126);
		}
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? pid : -1;
}

/* Records while a NODE_UID process execs, with HOST_ROOT=host_root (NULL:
 * unset), replays the recording through saker-engine with rules and leaves
 * its output in out and the capture's log in log. Returns the exec's pid. */
static pid_t record_and_replay(const char *host_root, const char *tag, char *out, size_t out_cap, char *log,
			       size_t log_cap)
{
	char capture[512], scap[128], rules_path[128];
	capture_exe(capture, sizeof(capture));
	snprintf(scap, sizeof(scap), "%s/%s.scap", dir, tag);
	snprintf(rules_path, sizeof(rules_path), "%s/rules.yaml", dir);
	snprintf(out, out_cap, "%s/%s.out", dir, tag);
	snprintf(log, log_cap, "%s/%s.log", dir, tag);
	SK_CHECK(sk_live_write_file(rules_path, rules));
	if (host_root != NULL) {
		setenv("HOST_ROOT", host_root, 1);
	} else {
		unsetenv("HOST_ROOT");
	}
	char *argv[] = {capture, "-w", scap, "--duration", "30", NULL};
	pid_t cap = sk_live_spawn_logged(argv, log);
	unsetenv("HOST_ROOT");
	SK_CHECK(capture_wait_ready(log));
	pid_t pid = run_as_node_user();
	SK_CHECK(pid > 0);
	sk_live_sleep_ms(500); /* the capture drains its rings every few ms */
	int status = sk_live_stop(cap);
	SK_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	SK_CHECK_INT(capture_replay("", scap, rules_path, out), 0);
	return pid;
}

SK_TEST(snapshot_users_come_from_host_root)
{
	char root[128], path[256], out[128], log[128], want[160];
	snprintf(root, sizeof(root), "%s/host", dir);
	snprintf(path, sizeof(path), "%s/etc", root);
	SK_CHECK_INT(mkdir(root, 0755), 0);
	SK_CHECK_INT(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc", root);
	SK_CHECK_INT(symlink("/proc", path), 0);
	snprintf(path, sizeof(path), "%s/etc/passwd", root);
	SK_CHECK(sk_live_write_file(path, "root:x:0:0:root:/root:/bin/sh\n" NODE_USER ":x:4242:4242::/home/node:/bin/sh\n"));
	snprintf(path, sizeof(path), "%s/etc/group", root);
	SK_CHECK(sk_live_write_file(path, "root:x:0:\nsaker-node-group:x:4242:\n"));

	pid_t pid = record_and_replay(root, "host", out, sizeof(out), log, sizeof(log));
	snprintf(want, sizeof(want), "NODE name=" NODE_USER " group=saker-node-group pid=%d", pid);
	SK_CHECK(sk_live_file_contains(out, want));
	SK_CHECK(!sk_live_file_contains(log, "HOST_ROOT"));

	/* without HOST_ROOT: this machine's /etc/passwd has no uid 4242 */
	pid = record_and_replay(NULL, "own", out, sizeof(out), log, sizeof(log));
	snprintf(want, sizeof(want), "NODE name=<NA> group=<NA> pid=%d", pid);
	SK_CHECK(sk_live_file_contains(out, want));

	/* a HOST_ROOT without the files: this process's own, said once each */
	snprintf(path, sizeof(path), "%s/empty", dir);
	SK_CHECK_INT(mkdir(path, 0755), 0);
	pid = record_and_replay(path, "empty", out, sizeof(out), log, sizeof(log));
	SK_CHECK(sk_live_file_contains(log, "no /etc/passwd there"));
	SK_CHECK(sk_live_file_contains(log, "no /proc there"));
	snprintf(want, sizeof(want), "NODE name=<NA> group=<NA> pid=%d", pid);
	SK_CHECK(sk_live_file_contains(out, want));
}

int main(void)
{
	int rc = capture_setup("capture_host_root", dir);
	if (rc != 0) {
		return rc;
	}
	if (getpwuid(NODE_UID) != NULL) {
		printf("SKIP: uid %d has a name here; the test needs one without\n", NODE_UID);
		rmdir(dir);
		return CAPTURE_SKIP;
	}
	rc = sk_test_run();
	sk_live_remove_dir(dir);
	return rc;
}

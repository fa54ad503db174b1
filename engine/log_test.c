/* log_test: falco.yaml's log_level, log_stderr and log_syslog, and the
 * alerts of syslog_output, from the command line a user types.
 * saker-engine runs live (it logs its start and stop at info, and a
 * warning for a base_syscalls name no syscall has) or replays a capture;
 * the test reads its stderr, and its syslog lines from a datagram socket
 * at /dev/log. So that the machine's own /dev (and syslog daemon, if any)
 * is left alone, the test runs in a private mount namespace with a tmpfs
 * on /dev; it needs root, as the capture tests do.
 * Bounded: each start waits 10 s at most for the engine's socket, 10 s for
 * its exit. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "sk_live.h"
#include "sk_strbuf.h"
#include "sk_test.h"

static char dir[] = "/tmp/sk_log_XXXXXX";
static int syslog_fd = -1;

/* A private /dev holding what the engine opens, and /dev/log bound to a
 * datagram socket of ours. */
static bool private_dev(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	static const struct {
		const char *path;
		unsigned major, minor;
	} nodes[] = {{"/dev/null", 1, 3}, {"/dev/zero", 1, 5}, {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}};
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755,size=1m") != 0) {
		fprintf(stderr, "private /dev: %s (log_test needs root)\n", strerror(errno));
		return false;
	}
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		if (mknod(nodes[i].path, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) != 0) {
			return false;
		}
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/dev/log");
	syslog_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	return syslog_fd >= 0 && bind(syslog_fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
}

/* Every datagram /dev/log got so far, one per line, into out. */
static void drain_syslog(sk_strbuf *out)
{
	char buf[4096];
	for (int i = 0; i < 10000; i++) {
		ssize_t n = recv(syslog_fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			return;
		}
		sk_strbuf_append(out, buf, (size_t)n);
		sk_strbuf_puts(out, "\n");
	}
}

/* The engine's exit code, or -1 when a signal ended it: then which signal
 * and what it logged go to stderr (seen rarely in CI, not yet explained). */
static int exit_code(int status, const char *log)
{
	char cmd[256];

	if (WIFEXITED(status)) {
		return WEXITSTATUS(status);
	}
	fprintf(stderr, "saker-engine died of signal %d; its log:\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	snprintf(cmd, sizeof(cmd), "cat '%s' >&2", log);
	if (system(cmd) != 0) {
		fprintf(stderr, "(no log)\n");
	}
	return -1;
}

/* Runs saker-engine live with the -o settings (NULL-ended) until its
 * control socket exists, stops it, and returns its exit code (-1 for a
 * signal), or the code it stopped with at the start; its
 * stderr is left in <dir>/engine.log, what it sent to syslog in sys. */
static int run_engine(const char *const *settings, sk_strbuf *sys)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	char engine[512], events[128], control[128], sock[128], log[128];
	snprintf(engine, sizeof(engine), "%s/bin/saker-engine", build ? build : "build");
	snprintf(events, sizeof(events), "ipc://%s/events.sock", dir);
	snprintf(control, sizeof(control), "ipc://%s/control.sock", dir);
	snprintf(sock, sizeof(sock), "%s/control.sock", dir);
	snprintf(log, sizeof(log), "%s/engine.log", dir);
	const char *argv[32] = {engine,	   "-r",	"tests/data/interest/rules.yaml", "--events", events,
				"--control", control, "-o", "base_syscalls.custom_set=[read, nosuchcall]"};
	size_t argc = 9;
	for (size_t i = 0; settings[i] != NULL && argc < 29; i++) {
		argv[argc++] = "-o";
		argv[argc++] = settings[i];
	}
	argv[argc] = NULL;
	unlink(sock);
	pid_t pid = sk_live_spawn_logged((char *const *)argv, log);
	int status = -1;
	bool up = false;
	for (int i = 0; i < 100 && !up; i++) {
		sk_live_sleep_ms(100);
		if (waitpid(pid, &status, WNOHANG) == pid) {
			drain_syslog(sys);
			return exit_code(status, log); /* stopped at the start */
		}
		up = access(sock, F_OK) == 0;
	}
	SK_CHECK(up);
	sk_live_sleep_ms(200); /* the line after the listen */
	kill(pid, SIGTERM);
	status = sk_live_reap(pid, 10000);
	drain_syslog(sys);
	return exit_code(status, log);
}

static bool logged(const char *needle)
{
	char log[128];
	snprintf(log, sizeof(log), "%s/engine.log", dir);
	return sk_live_file_contains(log, needle);
}

SK_TEST(log_keys)
{
	sk_strbuf sys = SK_STRBUF_INIT;

	/* Falco's defaults: info and above, to stderr and to syslog */
	static const char *const defaults[] = {NULL};
	SK_CHECK_INT(run_engine(defaults, &sys), 0);
	SK_CHECK(logged("saker-engine: info: listening for saker-capture"));
	SK_CHECK(logged("saker-engine: warning: base_syscalls.custom_set: no syscall Saker captures is named"));
	/* <14>: facility user, severity info; <12>: warning */
	SK_CHECK_CONTAINS(sk_strbuf_str(&sys), "<14>");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sys), "saker-engine[");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sys), "listening for saker-capture on ipc://");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sys), "<12>");
	SK_CHECK(strstr(sk_strbuf_str(&sys), "no syscall Saker captures is named nosuchcall") != NULL);

	/* log_level: warning keeps the warning, drops info; syslog off */
	sk_strbuf_reset(&sys);
	static const char *const warning[] = {"log_level=warning", "log_syslog=false", NULL};
	SK_CHECK_INT(run_engine(warning, &sys), 0);
	SK_CHECK(logged("saker-engine: warning: base_syscalls.custom_set"));
	SK_CHECK(!logged(": info: "));
	SK_CHECK_STR(sk_strbuf_str(&sys), "");

	/* log_level: error (critical, alert, emergency alike) drops the warning too */
	static const char *const critical[] = {"log_level=critical", "log_syslog=false", NULL};
	SK_CHECK_INT(run_engine(critical, &sys), 0);
	SK_CHECK(!logged(": warning: ") && !logged(": info: "));

	/* log_stderr: false, syslog only */
	static const char *const quiet[] = {"log_stderr=false", "log_level=notice", NULL};
	SK_CHECK_INT(run_engine(quiet, &sys), 0);
	SK_CHECK(!logged("saker-engine:"));
	SK_CHECK_CONTAINS(sk_strbuf_str(&sys), "<14>"); /* notice shows info, Saker's next level */
	SK_CHECK_CONTAINS(sk_strbuf_str(&sys), "listening for saker-capture");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sys), "<12>");

	/* a bad level stops the start and says where */
	static const char *const bad[] = {"log_level=verbose", NULL};
	SK_CHECK_INT(run_engine(bad, &sys), 2);
	SK_CHECK(logged("log_level: 'verbose' is none of emergency, alert, critical, error, warning, notice, info, "
			"debug"));
	sk_strbuf_free(&sys);
}

/* Replays cat_write.scap through rules with the extra -o settings and
 * collects what reached /dev/log into sys (emptied first). */
static void replay_to_syslog(const char *rules, const char *settings, sk_strbuf *sys)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "'%s/bin/saker-engine' -e ../shared/upstream/scap/cat_write.scap -r '%s' -o log_syslog=false %s "
		 ">/dev/null 2>&1",
		 build ? build : "build", rules, settings);
	SK_CHECK(system(cmd) == 0);
	sk_strbuf_reset(sys);
	drain_syslog(sys);
}

SK_TEST(syslog_output_sends_alerts_with_their_priority)
{
	char rules[128];
	sk_strbuf sys = SK_STRBUF_INIT;
	snprintf(rules, sizeof(rules), "%s/syslog_rules.yaml", dir);
	SK_CHECK(sk_live_write_file(rules, "- rule: Syslog exec\n  desc: d\n  condition: evt.type=execve and evt.dir=<\n"
					   "  output: \"syslog-exec %proc.name\"\n  priority: WARNING\n"
					   "- rule: Syslog etc\n  desc: d\n  condition: evt.type in (open, openat) and "
					   "evt.dir=< and fd.name startswith /etc\n  output: \"syslog-etc %fd.name\"\n"
					   "  priority: CRITICAL\n"));
	/* <12>: user, warning; <10>: user, critical; the text line, as stdout's */
	replay_to_syslog(rules, "-o syslog_output.enabled=true", &sys);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sys), "<12>");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sys), ": Warning syslog-exec cat");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sys), "<10>");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sys), ": Critical syslog-etc /etc/");
	SK_CHECK(strstr(sk_strbuf_str(&sys), "Events read") == NULL);
	/* with json_output, the JSON document */
	replay_to_syslog(rules, "-o syslog_output.enabled=true -o json_output=true", &sys);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sys), "\"rule\":\"Syslog exec\"");
	/* off by default (Falco's falco.yaml turns it on) */
	replay_to_syslog(rules, "", &sys);
	SK_CHECK_STR(sk_strbuf_str(&sys), "");
	sk_strbuf_free(&sys);
}

int main(void)
{
	if (mkdtemp(dir) == NULL || !private_dev()) {
		perror("log_test setup");
		return 1;
	}
	int rc = sk_test_run();
	sk_live_remove_dir(dir);
	return rc;
}

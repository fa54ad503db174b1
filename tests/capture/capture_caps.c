/* capture_caps: saker-capture started with exactly the capabilities the
 * Helm chart (driver.capabilities) and the compose file (the capture
 * service's cap_add) give it loads, keeps only CAP_SYS_PTRACE and
 * CAP_DAC_READ_SEARCH after the load, and its /proc snapshot holds a file
 * that a process of another user (uid 65534) has open. Started once more
 * without CAP_DAC_READ_SEARCH, it keeps only CAP_SYS_PTRACE, says what the
 * snapshot will miss, and the snapshot lacks that file: why the capability
 * is in both lists.
 *
 * Needs root, BTF, setpriv (util-linux) and python3-yaml; exits 77 (ctest
 * SKIP) without root or BTF. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_live.h"
#include "sk_test.h"

#define NOBODY 65534
#define CAP_BIT_DAC_READ_SEARCH (1ull << 2)
#define CAP_BIT_SYS_PTRACE      (1ull << 19)

static char dir[64] = "/tmp/sk_caps_XXXXXX";
static char open_file[128]; /* what the other user's process holds open */

/* Prints the capture capabilities of the chart and of the compose file,
 * one comma-separated line each, as setpriv names them (lower case). */
static const char caps_script[] =
    "import yaml\n"
    "v = yaml.safe_load(open('deploy/helm/saker/values.yaml'))\n"
    "c = yaml.safe_load(open('deploy/compose/docker-compose.yaml'))\n"
    "print(','.join(x.lower() for x in v['driver']['capabilities']))\n"
    "print(','.join(x.lower() for x in c['services']['capture']['cap_add']))\n";

/* Reads the two capability lines of caps_script; false on failure. */
static bool deploy_caps(char *chart, char *compose, size_t cap)
{
	char script[256];
	snprintf(script, sizeof(script), "%s/caps.py", dir);
	FILE *f = fopen(script, "we");
	if (f == NULL || fputs(caps_script, f) < 0) {
		if (f != NULL) {
			fclose(f);
		}
		return false;
	}
	fclose(f);
	char cmd[320];
	snprintf(cmd, sizeof(cmd), "python3 '%s'", script);
	FILE *p = popen(cmd, "r");
	bool ok = p != NULL && fgets(chart, (int)cap, p) != NULL && fgets(compose, (int)cap, p) != NULL;
	if (p != NULL && pclose(p) != 0) {
		ok = false;
	}
	if (ok) {
		chart[strcspn(chart, "\n")] = 0;
		compose[strcspn(compose, "\n")] = 0;
	}
	return ok;
}

/* A process of uid NOBODY that holds open_file open: it opens it, then
 * execs sleep (the exec makes it an ordinary process of that user, whose
 * /proc/<pid> entries that user owns; before it they stay root's). Returns
 * its pid once it runs sleep, or -1. */
static pid_t start_other_user(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0) {
			_exit(126);
		}
		int fd = open(open_file, O_RDONLY); /* no O_CLOEXEC: kept across the exec */
		if (fd < 0) {
			_exit(127);
		}
		execlp("sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	char exe_link[64], exe[256];
	snprintf(exe_link, sizeof(exe_link), "/proc/%d/exe", pid);
	for (int i = 0; i < 250; i++) {
		ssize_t n = readlink(exe_link, exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = 0;
			if (strstr(exe, "sleep") != NULL) {
				return pid;
			}
		}
		sk_live_sleep_ms(20);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/* The hex capability mask of line key ("CapEff:") in /proc/pid/status. */
static unsigned long long status_caps(pid_t pid, const char *key)
{
	char path[64], line[256];
	unsigned long long v = ~0ull;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "re");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, strlen(key)) == 0) {
			v = strtoull(line + strlen(key), NULL, 16);
		}
	}
	if (f != NULL) {
		fclose(f);
	}
	return v;
}

/* True when the file at path contains needle (binary-safe, up to 64 MiB). */
static bool file_has_bytes(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return false;
	}
	size_t cap = 64u << 20;
	char *buf = malloc(cap);
	size_t n = buf != NULL ? fread(buf, 1, cap, f) : 0;
	fclose(f);
	bool found = buf != NULL && memmem(buf, n, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

/* Starts saker-capture -w under setpriv with bounding set caps (setpriv's
 * "+a,+b" form), checks its capabilities after the load against want and
 * stops it. The recording goes to scap, the log to log. */
static void run_capture(const char *caps, const char *scap, const char *log, unsigned long long want)
{
	char capture[512], bounding[512];
	capture_exe(capture, sizeof(capture));
	snprintf(bounding, sizeof(bounding), "--bounding-set=-all,%s", caps);
	char *argv[] = {"setpriv", bounding, "--inh-caps=-all", "--", capture, "-w", (char *)scap, "--duration", "30",
			NULL};
	pid_t pid = sk_live_spawn_logged(argv, log);
	SK_CHECK(capture_wait_ready(log));
	/* setpriv execs saker-capture: same pid */
	SK_CHECK_INT(status_caps(pid, "CapPrm:"), want);
	SK_CHECK_INT(status_caps(pid, "CapEff:"), want);
	int status = sk_live_stop(pid);
	SK_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	SK_CHECK(!sk_live_file_contains(log, "could not drop"));
}

SK_TEST(deploy_capabilities_load_drop_and_snapshot_other_users)
{
	char chart[256] = "", compose[256] = "";
	SK_CHECK(deploy_caps(chart, compose, sizeof(chart)));
	SK_CHECK_STR(chart, compose);
	SK_CHECK(strstr(chart, "dac_read_search") != NULL);
	/* setpriv's form: +bpf,+perfmon,... */
	char plus[512] = "", without[512] = "";
	char *save = NULL;
	for (char *c = strtok_r(chart, ",", &save); c != NULL; c = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(plus);
		snprintf(plus + n, sizeof(plus) - n, "%s+%s", n > 0 ? "," : "", c);
		if (strcmp(c, "dac_read_search") != 0) {
			n = strlen(without);
			snprintf(without + n, sizeof(without) - n, "%s+%s", n > 0 ? "," : "", c);
		}
	}

	pid_t other = start_other_user();
	SK_CHECK(other > 0);
	if (other <= 0) {
		return;
	}

	char scap[128], log[128];
	snprintf(scap, sizeof(scap), "%s/with.scap", dir);
	snprintf(log, sizeof(log), "%s/with.log", dir);
	run_capture(plus, scap, log, CAP_BIT_SYS_PTRACE | CAP_BIT_DAC_READ_SEARCH);
	SK_CHECK(!sk_live_file_contains(log, "warning"));
	SK_CHECK(file_has_bytes(scap, open_file));

	snprintf(scap, sizeof(scap), "%s/without.scap", dir);
	snprintf(log, sizeof(log), "%s/without.log", dir);
	run_capture(without, scap, log, CAP_BIT_SYS_PTRACE);
	SK_CHECK(sk_live_file_contains(log, "no cap_dac_read_search"));
	SK_CHECK(!file_has_bytes(scap, open_file));

	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
}

/* A memory cgroup (v1, or v2 with the memory controller) that holds 48 MiB,
 * made for this test; false when this host has no writable one. */
static bool make_small_memcg(char *path, size_t cap, char *procs, size_t procs_cap)
{
	static const char *const roots[] = {"/sys/fs/cgroup/memory", "/sys/fs/cgroup"};
	static const char *const limits[] = {"memory.limit_in_bytes", "memory.max"};
	for (size_t i = 0; i < 2; i++) {
		char limit[300], bytes[32];
		snprintf(path, cap, "%s/sk_capture_caps_%d", roots[i], (int)getpid());
		snprintf(limit, sizeof(limit), "%s/%s", path, limits[i]);
		snprintf(procs, procs_cap, "%s/cgroup.procs", path);
		snprintf(bytes, sizeof(bytes), "%d\n", 48 << 20);
		if (mkdir(path, 0755) != 0) {
			continue;
		}
		if (sk_live_write_file(limit, bytes)) {
			return true;
		}
		rmdir(path);
	}
	return false;
}

/* The lanes do not fit the memory limit: one line says so and what to
 * change, exit 1 (not a verifier report). */
SK_TEST(lanes_larger_than_the_memory_limit_are_named)
{
	char cg[200], procs[300], log[128], capture[512];
	if (!make_small_memcg(cg, sizeof(cg), procs, sizeof(procs))) {
		printf("no writable memory cgroup here: not checked\n");
		return;
	}
	snprintf(log, sizeof(log), "%s/memcg.log", dir);
	capture_exe(capture, sizeof(capture));
	pid_t pid = fork();
	if (pid == 0) {
		char self[32];
		snprintf(self, sizeof(self), "%d\n", (int)getpid());
		if (!sk_live_write_file(procs, self)) {
			_exit(126);
		}
		sk_live_log_to(log);
		execl(capture, capture, "-w", "/dev/null", "--ring-mb", "64", "--duration", "5", (char *)NULL);
		_exit(127);
	}
	SK_CHECK(pid > 0);
	int status = pid > 0 ? sk_live_reap(pid, 30000) : -1;
	SK_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	SK_CHECK(sk_live_file_contains(log, "the event lanes take 67108864 bytes per CPU"));
	SK_CHECK(!sk_live_file_contains(log, "rejected the BPF programs"));
	/* libbpf's lines about the map are not passed off as the verifier's */
	SK_CHECK(!sk_live_file_contains(log, "verifier: "));
	rmdir(cg);
}

int main(void)
{
	int rc = capture_setup("capture_caps", dir);
	if (rc != 0) {
		return rc;
	}
	/* the other user must reach the file */
	snprintf(open_file, sizeof(open_file), "%s/held-open-by-uid-%d", dir, NOBODY);
	int fd = open(open_file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0 || close(fd) != 0 || chmod(dir, 0755) != 0) {
		perror(open_file);
		return 1;
	}
	rc = sk_test_run();
	sk_live_remove_dir(dir);
	return rc;
}

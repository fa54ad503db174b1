/* capture_container: a process in a cgroup named the way a container
 * runtime names it execs while saker-capture records; replayed through
 * saker-engine, its exec has container.id = the 12-char id and matches a rule
 * using the `container` macro, and the same command run on the host stays
 * "host". A process that was in the cgroup before the capture started (known
 * from the /proc snapshot only) opens a file: that open has the container id
 * too. The container's processes see an /etc/passwd and /etc/group of their
 * own (bind mounts in a mount namespace, as an image brings them) and run as
 * a uid only those name: user.name and group.name are the container's names
 * (read by the capture through /proc/<pid>/root: from the snapshot for the
 * resident, and at the exec, through the still-running parent of the short
 * command, for the others), and root on the host stays root. The resident's
 * cgroup path is whole (the kernel's, from the snapshot's task iterator),
 * not relative to the sensor's cgroup namespace. Twice: in the unified hierarchy as Docker's systemd driver names it
 * (<cgroup2>/saker-test-<pid>/docker-<64 hex>.scope), and, where the cpuset
 * controller sits on a v1 hierarchy (hybrid and v1 hosts, like this CI
 * machine), in that hierarchy only, as Docker's cgroupfs driver names it
 * (<cpuset>/saker-test-<pid>/docker/<64 hex>); and a third time with the
 * sensor as in a Kubernetes pod (enter_pod). Each run also execs in the
 * container with a 4 000-byte argument from a 3 000-byte working directory,
 * which leaves the exec event no room for whole cgroup paths: the leaf, and
 * so the id, must still be there. A fourth container is first met through
 * a shell that joined its cgroup before setting its mounts up (its first
 * execs see the node's files): the command it runs as the container's uid
 * still gets the container's names. The cgroups and the capture are
 * removed/stopped at the end of each, even on failure.
 *
 * Needs root, BTF, a cgroup2 mount and a built saker-engine; exits 77 (ctest
 * SKIP) otherwise. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <pwd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_live.h"
#include "sk_test.h"

#define CONTAINER_ID    "5a4e1c0de5a4e1c0de5a4e1c0de5a4e1c0de5a4e1c0de5a4e1c0de5a4e1c0de5"
#define CONTAINER_ID_V1 "c0de5a4ec0de5a4ec0de5a4ec0de5a4ec0de5a4ec0de5a4ec0de5a4ec0de5a4e"
#define CONTAINER_ID_POD "0dd5a4e10dd5a4e10dd5a4e10dd5a4e10dd5a4e10dd5a4e10dd5a4e10dd5a4e1"
#define CONTAINER_ID_LATE "1a7e1a7e1a7e1a7e1a7e1a7e1a7e1a7e1a7e1a7e1a7e1a7e1a7e1a7e1a7e1a7e"

/* The container's own user and group, unknown to the host. */
#define CTR_UID 48611
#define CTR_USERS "root:x:0:0:root:/root:/bin/sh\nctruser:x:48611:48611:Test:/home/ctr:/bin/sh\n"
#define CTR_GROUPS "root:x:0:\nctrgroup:x:48611:\n"

static char dir[64] = "/tmp/sk_ctr_XXXXXX";
static pid_t capture_pid = -1;

/* One test cgroup: root/saker-test-<pid><suffix>/<middle>/<leaf>; suffix and
 * middle may be "" (NULL suffix: ""). */
struct test_cgroup {
	const char *id;     /* the container id its leaf names */
	const char *suffix; /* ends the test's directory name */
	const char *leaf;   /* the leaf's name */
	const char *middle; /* a directory between the test's and the leaf, or "" */
	bool cpuset;        /* a v1 cpuset hierarchy: cpus and mems copied from the root */
	char dirs[3][512];  /* created, outermost first; "" when not */
};

/* %s: the marker file the process started before the capture opens. */
static const char rules_fmt[] =
    "- macro: container\n"
    "  condition: (container.id != host)\n"
    "- rule: exec in container\n"
    "  desc: test\n"
    "  condition: evt.type in (execve, execveat) and evt.dir = < and container and proc.name = true\n"
    "  output: \"CTR id=%%container.id pid=%%proc.pid name=%%container.name image=%%container.image.repository"
    ":%%container.image.tag user=%%user.name group=%%group.name\"\n"
    "  priority: WARNING\n"
    "- rule: exec on host\n"
    "  desc: test\n"
    "  condition: evt.type in (execve, execveat) and evt.dir = < and not container and proc.name = true\n"
    "  output: \"HOST id=%%container.id pid=%%proc.pid user=%%user.name\"\n"
    "  priority: WARNING\n"
    "- rule: open in container\n"
    "  desc: test\n"
    "  condition: evt.type in (open, openat) and evt.dir = < and container and fd.name = %s\n"
    "  output: \"OPEN id=%%container.id pid=%%proc.pid user=%%user.name cg=%%thread.cgroups\"\n"
    "  priority: WARNING\n"
    "- rule: late exec in container\n"
    "  desc: test\n"
    "  condition: evt.type in (execve, execveat) and evt.dir = < and container and proc.name = late_sleep\n"
    "  output: \"LATE id=%%container.id pid=%%proc.pid user=%%user.name group=%%group.name\"\n"
    "  priority: WARNING\n";

static char deep_dir[3200]; /* a working directory whose path is ~3 000 bytes long */

/* In a forked child: joins the cgroup (its cgroup.procs), then becomes a
 * container process as far as users go: a mount namespace of its own where
 * <dir>/ctr-passwd and <dir>/ctr-group are /etc/passwd and /etc/group, and
 * uid/gid CTR_UID. False on failure. */
static bool enter_container(const char *procs)
{
	char self[32], users[128], groups[128];
	snprintf(self, sizeof(self), "%d\n", getpid());
	snprintf(users, sizeof(users), "%s/ctr-passwd", dir);
	snprintf(groups, sizeof(groups), "%s/ctr-group", dir);
	return sk_live_write_file(procs, self) && unshare(CLONE_NEWNS) == 0 &&
	       mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
	       mount(users, "/etc/passwd", NULL, MS_BIND, NULL) == 0 &&
	       mount(groups, "/etc/group", NULL, MS_BIND, NULL) == 0 && setgroups(0, NULL) == 0 &&
	       setgid(CTR_UID) == 0 && setuid(CTR_UID) == 0;
}

/* Execs /bin/true (from deep_dir with a 4 000-byte argument when crowded, so
 * the exec event has little room left for its cgroups). */
static void exec_true(bool crowded)
{
	static char arg[4001];
	memset(arg, 'a', sizeof(arg) - 1);
	if (crowded && chdir(deep_dir) != 0) {
		_exit(125);
	}
	execl("/bin/true", "true", crowded ? arg : NULL, (char *)NULL);
	_exit(127);
}

/* Runs /bin/true and returns its pid. With procs set, in the container: a
 * child enters it (enter_container) and runs /bin/true as a shell would,
 * staying 300 ms after it so the capture can read the container's users
 * through it; the pid of /bin/true comes back through a pipe. */
static pid_t run_true(const char *procs, bool crowded)
{
	int report[2];
	if (pipe2(report, O_CLOEXEC) != 0) {
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0 && procs == NULL) {
		exec_true(crowded);
	}
	if (pid == 0) {
		if (!enter_container(procs)) {
			_exit(126);
		}
		pid_t cmd = fork();
		if (cmd == 0) {
			exec_true(crowded);
		}
		int status = -1;
		bool ok = cmd > 0 && waitpid(cmd, &status, 0) == cmd && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
			  write(report[1], &cmd, sizeof(cmd)) == (ssize_t)sizeof(cmd);
		sk_live_sleep_ms(300);
		_exit(ok ? 0 : 1);
	}
	close(report[1]);
	int status = 0;
	pid_t cmd = pid;
	if (procs != NULL && read(report[0], &cmd, sizeof(cmd)) != (ssize_t)sizeof(cmd)) {
		cmd = -1;
	}
	close(report[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? cmd : -1;
}

/* Makes deep_dir below base: 12 directories of 240-byte names. */
static bool make_deep_dir(const char *base)
{
	char name[241];
	memset(name, 'd', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	size_t len = (size_t)snprintf(deep_dir, sizeof(deep_dir), "%s", base);
	for (int i = 0; i < 12; i++) {
		len += (size_t)snprintf(deep_dir + len, sizeof(deep_dir) - len, "/%s", name);
		if (len >= sizeof(deep_dir) || mkdir(deep_dir, 0755) != 0) {
			return false;
		}
	}
	return true;
}

/* Copies the first line of the file at path that contains needle into
 * line; false when none does. */
static bool line_with(const char *path, const char *needle, char *line, size_t cap)
{
	FILE *f = fopen(path, "re");
	bool found = false;
	while (f != NULL && !found && fgets(line, (int)cap, f) != NULL) {
		found = strstr(line, needle) != NULL;
	}
	if (f != NULL) {
		fclose(f);
	}
	return found;
}

/* Joins the cgroup first and only then sets the mounts up, as a shell
 * would: sh (in the cgroup, the node's mounts) execs unshare, whose sh
 * (own mount namespace, not yet its files) bind-mounts the container's
 * passwd and group and execs late_sleep as CTR_UID. The first execs in the
 * cgroup see the node's files; late_sleep must still get the container's
 * names. It lives 300 ms: the names are read through its root when the
 * reader meets its exec, and a command gone by then leaves none to read
 * (docs/capture.md). Returns the shell's exit status. */
static int run_late_sleep(const char *procs)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "sh -c 'echo $$ > %s; exec unshare -m sh -c \"mount --make-rprivate /; "
		 "mount --bind %s/ctr-passwd /etc/passwd; mount --bind %s/ctr-group /etc/group; "
		 "exec setpriv --reuid %d --regid %d --clear-groups %s/late_sleep 0.3\"'",
		 procs, dir, dir, CTR_UID, CTR_UID, dir);
	return system(cmd);
}

/* Forks a process that enters the container now (enter_container) and,
 * once go_fd is readable, opens marker. Returns its pid. */
static pid_t start_resident(const char *procs, int go_fd, const char *marker)
{
	pid_t pid = fork();
	if (pid == 0) {
		char go;
		if (!enter_container(procs) || read(go_fd, &go, 1) != 1) {
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
	sk_live_stop(capture_pid);
	capture_pid = -1;
}

/* Copies cpuset.cpus and cpuset.mems from the hierarchy's root to dir (a
 * v1 cpuset cgroup takes no task before both are set). */
static bool copy_cpuset(const char *root, const char *dir_path)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	for (size_t i = 0; i < 2; i++) {
		char from[600], to[600], value[256] = "";
		snprintf(from, sizeof(from), "%s/%s", root, files[i]);
		snprintf(to, sizeof(to), "%s/%s", dir_path, files[i]);
		FILE *f = fopen(from, "re");
		bool ok = f != NULL && fgets(value, sizeof(value), f) != NULL;
		if (f != NULL) {
			fclose(f);
		}
		if (!ok || !sk_live_write_file(to, value)) {
			return false;
		}
	}
	return true;
}

/* Creates the cgroup's directories below root; false on failure
 * (cgroup_remove then removes what was made). */
static bool cgroup_create(struct test_cgroup *cg, const char *root)
{
	char parent[sizeof(cg->dirs[0])];
	int n = snprintf(parent, sizeof(parent), "%s/saker-test-%d%s", root, getpid(), cg->suffix ? cg->suffix : "");
	int m = cg->middle[0] != '\0' ? snprintf(cg->dirs[1], sizeof(cg->dirs[1]), "%s/%s", parent, cg->middle) : 0;
	int l = snprintf(cg->dirs[2], sizeof(cg->dirs[2]), "%s/%s", m > 0 ? cg->dirs[1] : parent, cg->leaf);
	if (n < 0 || m < 0 || l < 0 || (size_t)m >= sizeof(cg->dirs[1]) || (size_t)l >= sizeof(cg->dirs[2])) {
		cg->dirs[1][0] = cg->dirs[2][0] = '\0';
		return false;
	}
	memcpy(cg->dirs[0], parent, sizeof(parent));
	for (size_t i = 0; i < 3; i++) {
		if (cg->dirs[i][0] == '\0') {
			continue;
		}
		if (mkdir(cg->dirs[i], 0755) != 0) {
			perror(cg->dirs[i]);
			for (size_t j = i; j < 3; j++) {
				cg->dirs[j][0] = '\0'; /* not made: not to be removed */
			}
			return false;
		}
		if (cg->cpuset && !copy_cpuset(root, cg->dirs[i])) {
			fprintf(stderr, "%s: could not copy cpuset.cpus/mems\n", cg->dirs[i]);
			return false;
		}
	}
	return true;
}

/* Removes the cgroup's directories, innermost first; false on failure. */
static bool cgroup_remove(struct test_cgroup *cg)
{
	bool ok = true;
	for (size_t i = 3; i-- > 0;) {
		if (cg->dirs[i][0] != '\0' && rmdir(cg->dirs[i]) != 0) {
			perror(cg->dirs[i]);
			ok = false;
		}
	}
	return ok;
}

/* Puts the calling process where a Kubernetes pod's sensor runs: in the pod
 * cgroup (its cgroup.procs at pod_procs), then in cgroup and mount
 * namespaces of its own, with /sys/fs/cgroup replaced by a tmpfs holding
 * only a cgroup2 mount of its namespace, which shows the pod's cgroup and
 * nothing else (no v1 hierarchy either). Returns false on failure. */
static bool enter_pod(const char *pod_procs)
{
	char self[32];
	snprintf(self, sizeof(self), "%d\n", getpid());
	return sk_live_write_file(pod_procs, self) && unshare(CLONE_NEWNS | CLONE_NEWCGROUP) == 0 &&
	       mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
	       mount("tmpfs", "/sys/fs/cgroup", "tmpfs", 0, "mode=0755") == 0 &&
	       mkdir("/sys/fs/cgroup/unified", 0755) == 0 &&
	       mount("cgroup2", "/sys/fs/cgroup/unified", "cgroup2", 0, NULL) == 0;
}

/* The scenario of the header comment in cgroup cg (created); with pod_procs
 * set, saker-capture runs as in a pod (enter_pod). */
/* A scenario's files in dir: saker-capture, its recording and log, the
 * rules (rules_fmt with marker) and the replay's output. */
struct scenario {
	char capture[512], scap[128], log[128], rules_path[128], out[128], procs[600];
};

static void scenario_files(struct scenario *f, const char *tag, const struct test_cgroup *cg, const char *marker)
{
	char rules[2048];
	capture_exe(f->capture, sizeof(f->capture));
	snprintf(f->scap, sizeof(f->scap), "%s/%s.scap", dir, tag);
	snprintf(f->log, sizeof(f->log), "%s/%s.log", dir, tag);
	snprintf(f->rules_path, sizeof(f->rules_path), "%s/rules.yaml", dir);
	snprintf(f->out, sizeof(f->out), "%s/%s.out", dir, tag);
	snprintf(f->procs, sizeof(f->procs), "%s/cgroup.procs", cg->dirs[2]);
	snprintf(rules, sizeof(rules), rules_fmt, marker);
	SK_CHECK(sk_live_write_file(f->rules_path, rules));
}

/* Starts saker-capture recording to f's scap, as in a pod (enter_pod) when
 * pod_procs is set, and waits until it captures. */
static void start_capture(const struct scenario *f, const char *pod_procs)
{
	capture_pid = fork();
	if (capture_pid == 0) {
		sk_live_log_to(f->log);
		if (pod_procs != NULL && !enter_pod(pod_procs)) {
			perror("entering the pod's namespaces");
			_exit(125);
		}
		execl(f->capture, f->capture, "-w", f->scap, "--duration", "30", (char *)NULL);
		_exit(127);
	}
	SK_CHECK(capture_wait_ready(f->log));
}

static void check_container(const struct test_cgroup *cg, const char *pod_procs)
{
	struct scenario f;
	char cmd[1600], marker[128];
	snprintf(marker, sizeof(marker), "%s/resident-marker", dir);
	scenario_files(&f, "c", cg, marker);
	SK_CHECK(sk_live_write_file(marker, "") && chmod(marker, 0666) == 0); /* the container's uid opens it */
	int go[2];
	SK_CHECK_INT(pipe2(go, O_CLOEXEC), 0);
	pid_t resident = start_resident(f.procs, go[0], marker);
	char resident_cg[64];
	snprintf(resident_cg, sizeof(resident_cg), "/proc/%d/cgroup", resident);
	bool joined = false;
	for (int i = 0; i < 250 && !joined; i++) { /* joined before the snapshot */
		joined = sk_live_file_contains(resident_cg, cg->leaf);
		sk_live_sleep_ms(joined ? 0 : 10);
	}
	SK_CHECK(joined);

	start_capture(&f, pod_procs);
	SK_CHECK_INT(write(go[1], "g", 1), 1);
	int rstatus = -1;
	waitpid(resident, &rstatus, 0);
	SK_CHECK(WIFEXITED(rstatus) && WEXITSTATUS(rstatus) == 0);
	close(go[0]);
	close(go[1]);
	pid_t in_ctr = run_true(f.procs, false);
	pid_t on_host = run_true(NULL, false);
	pid_t crowded = run_true(f.procs, true);
	SK_CHECK(in_ctr > 0 && on_host > 0 && crowded > 0);
	sk_live_sleep_ms(500); /* the capture drains its rings every few ms */
	stop_capture();

	/* The runtime's on-disk state, as docker writes it, in a private root. */
	char state_dir[256], conf_path[512];
	snprintf(state_dir, sizeof(state_dir), "%s/docker/containers/%s", dir, cg->id);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", state_dir);
	SK_CHECK_INT(system(cmd), 0);
	snprintf(conf_path, sizeof(conf_path), "%s/config.v2.json", state_dir);
	char config[512];
	snprintf(config, sizeof(config),
		 "{\"ID\":\"%s\",\"Name\":\"/saker-web\",\"Image\":\"sha256:0123\","
		 "\"Config\":{\"Image\":\"nginx:1.25\",\"Labels\":{}}}",
		 cg->id);
	SK_CHECK(sk_live_write_file(conf_path, config));
	snprintf(conf_path, sizeof(conf_path), "%s/hostconfig.json", state_dir);
	SK_CHECK(sk_live_write_file(conf_path, "{\"Privileged\":false}"));

	char env[128];
	snprintf(env, sizeof(env), "SAKER_DOCKER_ROOT='%s/docker' ", dir);
	SK_CHECK_INT(capture_replay(env, f.scap, f.rules_path, f.out), 0);
	char want[192];
	snprintf(want, sizeof(want),
		 "CTR id=%.12s pid=%d name=saker-web image=nginx:1.25 user=ctruser group=ctrgroup", cg->id, in_ctr);
	SK_CHECK(sk_live_file_contains(f.out, want));
	/* the leaf survives an exec event with no room for the rest of the path */
	snprintf(want, sizeof(want), "CTR id=%.12s pid=%d name=saker-web", cg->id, crowded);
	SK_CHECK(sk_live_file_contains(f.out, want));
	/* the resident's users came with the snapshot */
	snprintf(want, sizeof(want), "OPEN id=%.12s pid=%d user=ctruser", cg->id, resident);
	SK_CHECK(sk_live_file_contains(f.out, want));
	/* and its whole cgroup path, as events carry them, even from a pod,
	 * where /proc shows it relative to the sensor's (/../../saker-test-...) */
	char cg_path[600];
	snprintf(cg_path, sizeof(cg_path), "=%s", strstr(cg->dirs[2], "/saker-test-"));
	SK_CHECK(sk_live_file_contains(f.out, cg_path));
	SK_CHECK(!sk_live_file_contains(f.out, "=/.."));
	snprintf(want, sizeof(want), "HOST id=host pid=%d user=root", on_host);
	SK_CHECK(sk_live_file_contains(f.out, want));
	char wrong[128];
	snprintf(wrong, sizeof(wrong), "CTR id=%.12s pid=%d", cg->id, on_host);
	SK_CHECK(!sk_live_file_contains(f.out, wrong));
	snprintf(wrong, sizeof(wrong), "HOST id=host pid=%d", in_ctr);
	SK_CHECK(!sk_live_file_contains(f.out, wrong));
	if (!sk_live_file_contains(f.out, "CTR id=")) {
		snprintf(cmd, sizeof(cmd), "tail -n 5 '%s' '%s' >&2", f.out, f.log);
		SK_CHECK_INT(system(cmd), 0);
	}
}

/* The cgroup2 mount: /sys/fs/cgroup (unified) or /sys/fs/cgroup/unified (hybrid). */
static const char *cgroup2_root(void);

/* A container the capture first meets through a shell that joined its
 * cgroup before setting its mounts up (run_late_sleep): the first execs
 * there see the node's /etc/passwd, the command run as CTR_UID must still
 * get the container's names. */
static void check_late_mounts(const struct test_cgroup *cg)
{
	struct scenario f;
	char line[512], want[128];
	scenario_files(&f, "late", cg, "/nonexistent");
	start_capture(&f, NULL);
	SK_CHECK_INT(run_late_sleep(f.procs), 0);
	sk_live_sleep_ms(500); /* the capture drains its rings every few ms */
	stop_capture();
	SK_CHECK_INT(capture_replay("", f.scap, f.rules_path, f.out), 0);
	snprintf(want, sizeof(want), "LATE id=%.12s pid=", cg->id);
	SK_CHECK(line_with(f.out, want, line, sizeof(line)));
	SK_CHECK(strstr(line, " user=ctruser group=ctrgroup") != NULL);
	if (strstr(line, " user=ctruser") == NULL) {
		fprintf(stderr, "late exec: %s", line);
	}
}

/* The mount point of the v1 hierarchy the cpuset controller is bound to, or
 * NULL (a pure v2 host). */
static const char *cpuset_v1_root(void)
{
	static char mnt[256];
	char line[1024];
	bool found = false;
	FILE *f = fopen("/proc/self/mounts", "re");
	while (!found && f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char type[32], opts[512];
		found = sscanf(line, "%*s %255s %31s %511s", mnt, type, opts) == 3 && strcmp(type, "cgroup") == 0 &&
			(strstr(opts, ",cpuset") != NULL || strncmp(opts, "cpuset", 6) == 0);
	}
	if (f != NULL) {
		fclose(f);
	}
	return found ? mnt : NULL;
}

/* Makes cg below root, runs the scenario in it (the sensor as in a pod with
 * pod_procs set) and removes it. */
static void run_in_cgroup(struct test_cgroup *cg, const char *root, const char *pod_procs)
{
	if (cgroup_create(cg, root)) {
		check_container(cg, pod_procs);
	} else {
		SK_CHECK(!"the test cgroup could be made");
	}
	stop_capture();
	SK_CHECK(cgroup_remove(cg));
}

SK_TEST(exec_in_docker_cgroup_has_container_id)
{
	struct test_cgroup cg = {.id = CONTAINER_ID, .leaf = "docker-" CONTAINER_ID ".scope", .middle = ""};
	run_in_cgroup(&cg, cgroup2_root(), NULL);
}

SK_TEST(exec_in_v1_cpuset_docker_cgroup_has_container_id)
{
	const char *root = cpuset_v1_root();
	if (root == NULL) {
		printf("no v1 cpuset hierarchy (a pure cgroup v2 host): the v1 case is not run\n");
		return;
	}
	struct test_cgroup cg = {.id = CONTAINER_ID_V1, .leaf = CONTAINER_ID_V1, .middle = "docker", .cpuset = true};
	run_in_cgroup(&cg, root, NULL);
}

/* The sensor in a pod whose own cgroup mount shows only the pod (a private
 * cgroup namespace, as containerd gives unprivileged containers on cgroup
 * v2 hosts) still names other containers: the kernel side walks kernfs
 * names instead of looking cgroups up through a mount. */
SK_TEST(sensor_in_a_pod_resolves_other_containers)
{
	struct test_cgroup cg = {.id = CONTAINER_ID_POD, .leaf = "docker-" CONTAINER_ID_POD ".scope", .middle = ""};
	struct test_cgroup pod = {.id = "", .suffix = "-pod", .leaf = "sensor", .middle = ""};
	char pod_procs[600];
	if (!cgroup_create(&pod, cgroup2_root())) {
		SK_CHECK(!"the pod's test cgroup could be made");
	} else {
		snprintf(pod_procs, sizeof(pod_procs), "%s/cgroup.procs", pod.dirs[2]);
		run_in_cgroup(&cg, cgroup2_root(), pod_procs);
	}
	SK_CHECK(cgroup_remove(&pod));
}

SK_TEST(mounts_set_after_joining_the_cgroup)
{
	struct test_cgroup cg = {.id = CONTAINER_ID_LATE, .leaf = "docker-" CONTAINER_ID_LATE ".scope", .middle = ""};
	if (cgroup_create(&cg, cgroup2_root())) {
		check_late_mounts(&cg);
	} else {
		SK_CHECK(!"the test cgroup could be made");
	}
	stop_capture();
	SK_CHECK(cgroup_remove(&cg));
}

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
	if (getpwuid(CTR_UID) != NULL || getgrgid(CTR_UID) != NULL) {
		fprintf(stderr, "uid/gid %d exists on this host: the container's own names cannot be told apart\n",
			CTR_UID);
		return 1;
	}
	char deep_base[128], path[128];
	snprintf(path, sizeof(path), "%s/ctr-passwd", dir);
	bool files = sk_live_write_file(path, CTR_USERS);
	snprintf(path, sizeof(path), "%s/ctr-group", dir);
	files = files && sk_live_write_file(path, CTR_GROUPS);
	/* run_late_sleep's command, named apart from the others */
	char late[256];
	snprintf(late, sizeof(late), "cp /bin/sleep '%s/late_sleep' && chmod 755 '%s/late_sleep'", dir, dir);
	files = files && system(late) == 0;
	/* the container's uid passes through to its marker and working directory */
	if (!files || chmod(dir, 0711) != 0) {
		perror("preparing the container's files");
		return 1;
	}
	snprintf(deep_base, sizeof(deep_base), "%s/deep", dir);
	if (mkdir(deep_base, 0755) != 0 || !make_deep_dir(deep_base)) {
		perror("making the deep working directory");
		return 1;
	}
	rc = sk_test_run();
	sk_live_remove_dir(dir);
	return rc;
}

#include "gen_sandbox.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sk_log.h"

#define DAEMON_ID 1 /* uid and gid of "daemon" on Debian, RHEL and Alpine */

/* A cgroup made to look like a Docker container's. */
typedef struct gen_cgroup {
	char id[GEN_CONTAINER_ID_LEN + 1];
	char dir[PATH_MAX];
	char made_parent[PATH_MAX]; /* v1 "docker" dir we created, "" when none */
} gen_cgroup;

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

sk_err gen_remove_tree(const char *path)
{
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT) {
		return SK_EIO;
	}
	return SK_OK;
}

static bool file_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static sk_err random_container_id(char *out)
{
	unsigned char raw[GEN_CONTAINER_ID_LEN / 2];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		return SK_EIO;
	}
	for (size_t i = 0; i < sizeof(raw); i++) {
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	}
	return SK_OK;
}

/* Creates the cgroup: cgroup v2 "docker-<id>.scope" (systemd driver) when a
 * v2 hierarchy is mounted, else v1 "docker/<id>" (cgroupfs driver). */
static sk_err cgroup_create(gen_cgroup *cg)
{
	static const char *const v2_roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	static const char *const v1_roots[] = {"/sys/fs/cgroup/systemd", "/sys/fs/cgroup/pids",
					       "/sys/fs/cgroup/memory"};
	sk_err err = random_container_id(cg->id);

	cg->made_parent[0] = '\0';
	if (err != SK_OK) {
		return err;
	}
	for (size_t i = 0; i < sizeof(v2_roots) / sizeof(v2_roots[0]); i++) {
		if (file_exists(v2_roots[i], "cgroup.controllers")) {
			snprintf(cg->dir, sizeof(cg->dir), "%s/docker-%s.scope", v2_roots[i], cg->id);
			return mkdir(cg->dir, 0755) == 0 ? SK_OK : SK_EIO;
		}
	}
	for (size_t i = 0; i < sizeof(v1_roots) / sizeof(v1_roots[0]); i++) {
		if (!file_exists(v1_roots[i], "cgroup.procs")) {
			continue;
		}
		snprintf(cg->made_parent, sizeof(cg->made_parent), "%s/docker", v1_roots[i]);
		if (mkdir(cg->made_parent, 0755) != 0) {
			cg->made_parent[0] = '\0';
			if (errno != EEXIST) {
				return SK_EIO;
			}
		}
		snprintf(cg->dir, sizeof(cg->dir), "%s/docker/%s", v1_roots[i], cg->id);
		return mkdir(cg->dir, 0755) == 0 ? SK_OK : SK_EIO;
	}
	return SK_EUNSUPP;
}

static sk_err cgroup_join(const gen_cgroup *cg)
{
	char path[PATH_MAX + 16];
	int fd;
	sk_err err = SK_OK;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg->dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		err = SK_EIO;
	}
	if (fd >= 0) {
		close(fd);
	}
	return err;
}

/* Kills what is left in the cgroup and removes it; bounded to ~1 s. */
static void cgroup_destroy(const gen_cgroup *cg)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg->dir);
	for (int attempt = 0; attempt < 200; attempt++) {
		FILE *f = fopen(path, "re");
		long pid;
		if (f != NULL) {
			while (fscanf(f, "%ld", &pid) == 1) {
				kill((pid_t)pid, SIGKILL);
			}
			fclose(f);
		}
		if (rmdir(cg->dir) == 0 || errno == ENOENT) {
			break;
		}
		usleep(5000);
	}
	if (cg->made_parent[0] != '\0') {
		rmdir(cg->made_parent);
	}
}

static sk_err loopback_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	sk_err err = SK_OK;

	if (fd < 0) {
		return SK_EIO;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
		err = SK_EIO;
		goto cleanup;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) {
		err = SK_EIO;
	}
cleanup:
	close(fd);
	return err;
}

static void nl_add_attr(struct nlmsghdr *nh, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Adds ip/32 to lo through rtnetlink (what `ip addr add IP/32 dev lo` does). */
static sk_err loopback_add_address(const struct in_addr *ip)
{
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
		char attrs[64];
	} req;
	char reply[512];
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct nlmsghdr *ack = (struct nlmsghdr *)reply;
	ssize_t n;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	sk_err err = SK_OK;

	if (fd < 0) {
		return SK_EIO;
	}
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	req.nh.nlmsg_type = RTM_NEWADDR;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	req.ifa.ifa_family = AF_INET;
	req.ifa.ifa_prefixlen = 32;
	req.ifa.ifa_index = if_nametoindex("lo");
	nl_add_attr(&req.nh, IFA_LOCAL, ip, sizeof(*ip));
	nl_add_attr(&req.nh, IFA_ADDRESS, ip, sizeof(*ip));
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		err = SK_EIO;
		goto cleanup;
	}
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) || ack->nlmsg_type != NLMSG_ERROR ||
	    ((struct nlmsgerr *)NLMSG_DATA(ack))->error != 0) {
		err = SK_EIO;
	}
cleanup:
	close(fd);
	return err;
}

/* Brings lo up, puts listen_ip on it and leaves a TCP listener there. The
 * listener is inherited across exec so aliased helpers can connect to it. */
static sk_err network_setup(const gen_sandbox_spec *spec)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(spec->listen_port)};
	int one = 1;
	int fd;

	if (loopback_up() != SK_OK) {
		sk_error("cannot bring up lo: %s", strerror(errno));
		return SK_EIO;
	}
	if (spec->listen_ip == NULL) {
		return SK_OK;
	}
	if (inet_pton(AF_INET, spec->listen_ip, &sa.sin_addr) != 1) {
		return SK_EINVAL;
	}
	if ((ntohl(sa.sin_addr.s_addr) >> 24) != 127 && loopback_add_address(&sa.sin_addr) != SK_OK) {
		sk_error("cannot add %s to lo", spec->listen_ip);
		return SK_EIO;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		return SK_EIO;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 16) != 0) {
		sk_error("cannot listen on %s:%u: %s", spec->listen_ip, spec->listen_port, strerror(errno));
		close(fd);
		return SK_EIO;
	}
	return SK_OK;
}

/* New session whose controlling terminal is a fresh pseudo-terminal on fd 0. */
static sk_err terminal_setup(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	int slave;

	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
		return SK_EIO;
	}
	if (setsid() < 0) {
		return SK_EIO;
	}
	slave = open(ptsname(master), O_RDWR);
	if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) != 0 || dup2(slave, STDIN_FILENO) < 0) {
		return SK_EIO;
	}
	/* master stays open (and across exec) so the terminal does not hang up. */
	return SK_OK;
}

static sk_err drop_to_daemon(const char *tmpdir)
{
	if (chown(tmpdir, DAEMON_ID, DAEMON_ID) != 0 || setgroups(0, NULL) != 0 || setgid(DAEMON_ID) != 0 ||
	    setuid(DAEMON_ID) != 0) {
		return SK_EPERM;
	}
	return SK_OK;
}

/* Forks; the parent waits and exits with the child's status, the child
 * returns (and dies with its parent). */
static void continue_in_child(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0) {
		_exit(100 + SK_EIO);
	}
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
		}
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* Everything that happens inside the action's process. Never returns. */
static void child_main(const gen_sandbox_spec *spec, const gen_cgroup *cg, const gen_env *env, gen_body_fn body,
		       const void *arg)
{
	int ns_flags = 0;
	sk_err err = SK_OK;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (spec->flags & GEN_IN_CONTAINER) {
		/* Namespaces first, cgroup after: the unshare itself stays on the host. */
		setpgid(0, 0);
		if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID) != 0) {
			sk_error("unshare: %s", strerror(errno));
			_exit(100 + SK_EPERM);
		}
		continue_in_child(); /* becomes pid 1 of the new pid namespace */
		if (cgroup_join(cg) != SK_OK || sethostname(cg->id, 12) != 0) {
			sk_error("cannot enter cgroup %s: %s", cg->dir, strerror(errno));
			_exit(100 + SK_EIO);
		}
		/* A process announces its cgroup to the sensor when it is created or
		 * execs (as a real container's first process execs): fork once more
		 * inside the cgroup. */
		continue_in_child();
		ns_flags = CLONE_NEWNS | CLONE_NEWNET;
	} else {
		if (!(spec->flags & GEN_TTY)) {
			setpgid(0, 0);
		}
		ns_flags = (spec->flags & GEN_NETNS ? CLONE_NEWNET : 0) | (spec->shadow != NULL ? CLONE_NEWNS : 0);
		if (ns_flags != 0 && unshare(ns_flags) != 0) {
			sk_error("unshare: %s", strerror(errno));
			_exit(100 + SK_EPERM);
		}
	}
	if ((ns_flags & CLONE_NEWNS) && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		err = SK_EIO;
	}
	if (err == SK_OK && spec->shadow != NULL &&
	    mount("tmpfs", spec->shadow, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=8m") != 0) {
		sk_error("cannot cover %s with a tmpfs: %s", spec->shadow, strerror(errno));
		err = SK_EIO;
	}
	if (err == SK_OK && (ns_flags & CLONE_NEWNET)) {
		err = network_setup(spec);
	}
	if (err == SK_OK && (spec->flags & GEN_TTY)) {
		err = terminal_setup();
	}
	if (err == SK_OK && (spec->flags & GEN_AS_DAEMON)) {
		err = drop_to_daemon(env->tmpdir);
	}
	if (err == SK_OK && chdir(env->tmpdir) != 0) {
		err = SK_EIO;
	}
	if (err == SK_OK) {
		err = body(env, arg);
	}
	_exit(err == SK_OK ? 0 : 100 + (int)err);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Waits for pid up to timeout_ms, then kills its process group. */
static sk_err wait_child(pid_t pid, int timeout_ms, int *exit_code)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
	int status = 0;
	sk_err err = SK_OK;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			break;
		}
		if (r < 0 && errno != EINTR) {
			return SK_EIO;
		}
		if (now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
			}
			err = SK_ETIMEDOUT;
			break;
		}
		usleep(2000);
	}
	*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (err == SK_OK) {
		/* Stragglers of a finished action (a helper's child) go too. */
		kill(-pid, SIGKILL);
	}
	return err;
}

sk_err gen_sandbox_run(const gen_sandbox_spec *spec, gen_body_fn body, const void *arg, int timeout_ms,
		       int *exit_code)
{
	char tmpdir[] = GEN_TMP_PREFIX "XXXXXX";
	char self[PATH_MAX];
	gen_cgroup cg = {.dir = ""};
	gen_env env = {.tmpdir = tmpdir, .self_exe = self};
	ssize_t n;
	pid_t pid;
	sk_err err = SK_OK;

	*exit_code = -1;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0 || mkdtemp(tmpdir) == NULL) {
		return SK_EIO;
	}
	self[n] = '\0';
	if (chmod(tmpdir, 0755) != 0) {
		err = SK_EIO;
		goto cleanup;
	}
	if (spec->flags & GEN_IN_CONTAINER) {
		err = cgroup_create(&cg);
		if (err != SK_OK) {
			cg.dir[0] = '\0';
			goto cleanup;
		}
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = SK_EIO;
		goto cleanup;
	}
	if (pid == 0) {
		child_main(spec, &cg, &env, body, arg);
	}
	err = wait_child(pid, timeout_ms, exit_code);
cleanup:
	if (cg.dir[0] != '\0') {
		cgroup_destroy(&cg);
	}
	if (gen_remove_tree(tmpdir) != SK_OK && err == SK_OK) {
		err = SK_EIO;
	}
	return err;
}

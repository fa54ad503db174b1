/* kernel_vm_test: saker-capture on Debian bookworm's stock 6.1 kernel.
 *
 * Boots the kernel that scripts/install-deps.sh unpacked (never installed on
 * the host) under qemu-system-x86_64 with TCG, from an initramfs built here:
 * busybox, this build's saker-capture and saker-engine with their shared
 * libraries, rules.yaml and init.sh as /init. The VM records a few actions,
 * replays them through the rules and prints the alerts on the serial
 * console, which this test then checks: kernel 6.1, capture started, each
 * expected alert with its fields. The console log stays in
 * <build>/tests/kernel_vm/console.log for a failed run.
 *
 * Exits 77 (skip) only when qemu or the unpacked kernel is missing.
 * Environment: SAKER_BUILD_DIR (set by ctest), SAKER_VM_KERNEL_DIR (default
 * /var/cache/saker-test/kernel-6.1), SAKER_VM_TIMEOUT (seconds, default 300). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vm_console.h"
#include "vm_cpio.h"

#define SKIP               77
#define PATH_LEN           512
#define MAX_LIBS           128
#define MAX_CONSOLE        (8u << 20)
#define DEFAULT_KERNEL_DIR "/var/cache/saker-test/kernel-6.1"
#define EXPECT_VERSION     "Linux version 6.1."
#define SRC_DIR            "tests/kernel_vm" /* ctest runs from the repository root */

typedef struct lib_set {
	size_t count;
	char path[MAX_LIBS][PATH_LEN];
} lib_set;

static int failures;

static void fail_check(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail_check(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kernel_vm_test: FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failures++;
}

/* dir/name into out; SK_ERANGE when it does not fit. */
static sk_err join_path(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= cap ? SK_ERANGE : SK_OK;
}

/* Finds the first boot/vmlinuz-6.1.* of kernel_dir. */
static sk_err find_kernel(const char *kernel_dir, char *out, size_t cap)
{
	char boot[PATH_LEN];
	struct dirent *ent;
	sk_err err = SK_ENOENT;
	DIR *dir;

	if (join_path(boot, sizeof(boot), kernel_dir, "boot") != SK_OK)
		return SK_ERANGE;
	dir = opendir(boot);
	if (dir == NULL)
		return SK_ENOENT;
	for (ent = readdir(dir); ent != NULL; ent = readdir(dir)) {
		if (strncmp(ent->d_name, "vmlinuz-6.1.", 12) == 0) {
			err = join_path(out, cap, boot, ent->d_name);
			break;
		}
	}
	closedir(dir);
	return err;
}

/* Finds name in PATH (plus the sbin dirs a root shell has). */
static bool find_program(const char *name, char *out, size_t cap)
{
	const char *env = getenv("PATH");
	char dirs[2048];
	char *save = NULL;

	snprintf(dirs, sizeof(dirs), "%s:/usr/sbin:/sbin:/usr/bin:/bin", env != NULL ? env : "");
	for (char *d = strtok_r(dirs, ":", &save); d != NULL; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, cap, "%s/%s", d, name);
		if (access(out, X_OK) == 0)
			return true;
	}
	return false;
}

static void lib_add(lib_set *libs, const char *path)
{
	for (size_t i = 0; i < libs->count; i++) {
		if (strcmp(libs->path[i], path) == 0)
			return;
	}
	if (libs->count < MAX_LIBS && strlen(path) < PATH_LEN)
		snprintf(libs->path[libs->count++], PATH_LEN, "%s", path);
}

/* Adds the shared libraries and the loader ldd lists for binary. A static
 * binary adds nothing. */
static sk_err collect_libs(const char *binary, lib_set *libs)
{
	char cmd[PATH_LEN + 32], line[1024];
	FILE *p;

	if (strchr(binary, '\'') != NULL)
		return SK_EINVAL;
	snprintf(cmd, sizeof(cmd), "ldd '%s' 2>/dev/null", binary);
	p = popen(cmd, "r");
	if (p == NULL)
		return SK_EIO;
	while (fgets(line, sizeof(line), p) != NULL) {
		/* "\tlibc.so.6 => /lib/.../libc.so.6 (0x...)" or "\t/lib64/ld-linux-x86-64.so.2 (0x...)" */
		char *arrow = strstr(line, "=> ");
		char *path = arrow != NULL ? arrow + 3 : line + strspn(line, " \t");
		size_t n = strcspn(path, " \t\n");

		if (path[0] != '/')
			continue;
		path[n] = '\0';
		lib_add(libs, path);
	}
	pclose(p);
	return SK_OK;
}

/* Writes the VM's sanitizer options as a shell file init.sh sources. */
static sk_err put_env(vm_cpio *c)
{
	static const char *const names[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
	char text[2048];
	size_t len = 0;

	text[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = getenv(names[i]);
		int n;

		if (v == NULL || strchr(v, '\'') != NULL)
			continue;
		n = snprintf(text + len, sizeof(text) - len, "export %s='%s'\n", names[i], v);
		if (n < 0 || (size_t)n >= sizeof(text) - len)
			return SK_ERANGE;
		len += (size_t)n;
	}
	return vm_cpio_add_data(c, "/etc/saker-vm.env", 0644, text, len);
}

/* Builds the initramfs at path. */
static sk_err build_initramfs(const char *path, const char *build_dir, const char *busybox, char *err,
                              size_t err_len)
{
	char capture[PATH_LEN], engine[PATH_LEN];
	static lib_set libs; /* 64 KiB: not on the stack */
	vm_cpio c;
	sk_err rc;

	snprintf(capture, sizeof(capture), "%s/bin/saker-capture", build_dir);
	snprintf(engine, sizeof(engine), "%s/bin/saker-engine", build_dir);
	const char *const binaries[] = {capture, engine, busybox};
	libs.count = 0;
	for (size_t i = 0; i < sizeof(binaries) / sizeof(binaries[0]); i++) {
		rc = collect_libs(binaries[i], &libs);
		if (rc != SK_OK) {
			snprintf(err, err_len, "ldd %s failed", binaries[i]);
			return rc;
		}
	}
	rc = vm_cpio_open(&c, path, err, err_len);
	if (rc != SK_OK)
		return rc;
	vm_cpio_add_dir(&c, "/dev", 0755);
	vm_cpio_add_chardev(&c, "/dev/console", 0600, 5, 1);
	vm_cpio_add_chardev(&c, "/dev/null", 0666, 1, 3);
	vm_cpio_add_dir(&c, "/tmp", 01777);
	vm_cpio_add_host_file(&c, "/bin/busybox", 0755, busybox);
	vm_cpio_add_symlink(&c, "/bin/sh", "busybox");
	vm_cpio_add_host_file(&c, "/init", 0755, SRC_DIR "/init.sh");
	vm_cpio_add_host_file(&c, "/etc/saker/rules.yaml", 0644, SRC_DIR "/rules.yaml");
	put_env(&c);
	vm_cpio_add_host_file(&c, "/usr/bin/saker-capture", 0755, capture);
	vm_cpio_add_host_file(&c, "/usr/bin/saker-engine", 0755, engine);
	for (size_t i = 0; i < libs.count; i++)
		vm_cpio_add_host_file(&c, libs.path[i], 0755, libs.path[i]);
	return vm_cpio_close(&c);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs qemu with stdout/stderr to log_path; kills it after timeout_s.
 * Returns SK_ETIMEDOUT when it had to be killed. */
static sk_err run_qemu(const char *const argv[], const char *log_path, int timeout_s, int *status)
{
	long long deadline = now_ms() + (long long)timeout_s * 1000;
	pid_t pid = fork();

	if (pid < 0)
		return SK_EIO;
	if (pid == 0) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (now_ms() < deadline) {
		pid_t done = waitpid(pid, status, WNOHANG);

		if (done == pid)
			return SK_OK;
		if (done < 0 && errno != EINTR)
			return SK_EIO;
		usleep(100 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return SK_ETIMEDOUT;
}

/* Maps path read-only (at most MAX_CONSOLE bytes); *len 0 leaves *out NULL. */
static sk_err map_text(const char *path, const char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	sk_err err = SK_OK;
	void *map;

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return SK_ENOENT;
	if (fstat(fd, &st) != 0) {
		err = SK_EIO;
		goto cleanup;
	}
	if (st.st_size == 0)
		goto cleanup;
	*len = (uint64_t)st.st_size < MAX_CONSOLE ? (size_t)st.st_size : MAX_CONSOLE;
	map = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		*len = 0;
		err = SK_EIO;
		goto cleanup;
	}
	*out = map;
cleanup:
	close(fd);
	return err;
}

/* Prints the console's last lines so a CI log shows what happened. */
static void print_tail(const char *text, size_t len, int lines)
{
	size_t start = len;

	while (start > 0 && lines > 0) {
		start--;
		if (text[start] == '\n' && start + 1 < len)
			lines--;
	}
	fprintf(stderr, "---- console (last lines) ----\n%.*s\n------------------------------\n",
	        (int)(len - start), text + start);
}

static void expect_alert(const vm_console *con, const char *rule, const char *const *pairs)
{
	if (vm_console_find(con, rule, pairs) != NULL)
		return;
	fail_check("no alert '%s' with fields:", rule);
	for (size_t i = 0; pairs[i] != NULL && pairs[i + 1] != NULL; i += 2)
		fprintf(stderr, "    %s=%s\n", pairs[i], pairs[i + 1]);
}

/* The checks on what the VM printed. */
static void check_console(const vm_console *con)
{
	static const char *const read_ok[] = {"proc.name", "cat",     "fd.name", "/tmp/vm-probe/secret.txt",
	                                      "evt.res",   "SUCCESS", NULL};
	static const char *const open_failed[] = {
	    "proc.name", "cat", "evt.arg.name", "/tmp/vm-probe/missing.txt", "evt.res", "ENOENT", NULL};
	static const char *const exec_copy[] = {"proc.name",
	                                        "uname",
	                                        "proc.exepath",
	                                        "/tmp/vm-probe/uname",
	                                        "proc.cmdline",
	                                        "uname -r",
	                                        "evt.res",
	                                        "SUCCESS",
	                                        NULL};

	if (strncmp(con->kernel, EXPECT_VERSION, strlen(EXPECT_VERSION)) != 0)
		fail_check("the VM's kernel is not 6.1: /proc/version \"%s\"", con->kernel);
	if (!con->done)
		fail_check("the VM's init did not print its end marker (crash, hang or timeout)");
	if (!con->capture_started) {
		fail_check("saker-capture did not start in the VM: %s",
		           con->capture_error[0] != '\0' ? con->capture_error : "(no error line)");
		return;
	}
	if (con->capture_rc != 0)
		fail_check("saker-capture in the VM exited with %d after SIGINT (-1: not reported)%s%s",
		           con->capture_rc, con->capture_error[0] != '\0' ? ": " : "", con->capture_error);
	if (con->engine_rc != 0)
		fail_check("saker-engine -e in the VM exited with %d", con->engine_rc);
	if (con->bad_alert_lines > 0)
		fail_check("%u lines of the engine's output were no JSON alert", con->bad_alert_lines);
	expect_alert(con, "VM probe file read", read_ok);
	expect_alert(con, "VM probe failed open", open_failed);
	expect_alert(con, "VM probe exec of a copied binary", exec_copy);
}

static void make_nonce(char *out, size_t cap)
{
	unsigned char raw[8] = {0};
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, raw, sizeof(raw)) != (ssize_t)sizeof(raw)) {
		long long t = now_ms() ^ (long long)getpid() << 20;

		memcpy(raw, &t, sizeof(raw));
	}
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < sizeof(raw) && 2 * i + 2 < cap; i++)
		snprintf(out + 2 * i, cap - 2 * i, "%02x", raw[i]);
}

int main(void)
{
	const char *build_dir = getenv("SAKER_BUILD_DIR");
	const char *kernel_dir = getenv("SAKER_VM_KERNEL_DIR");
	const char *timeout_env = getenv("SAKER_VM_TIMEOUT");
	char kernel[PATH_LEN], qemu[PATH_LEN], busybox[PATH_LEN], work[PATH_LEN];
	char initramfs[PATH_LEN], console[PATH_LEN], qemu_log[PATH_LEN], serial[PATH_LEN + 8];
	char nonce[20] = "", append[128], err[512] = "";
	int timeout_s = timeout_env != NULL ? atoi(timeout_env) : 300;
	const char *text = NULL;
	size_t text_len = 0;
	vm_console con = {0};
	long long started;
	int status = 0;
	sk_err rc;

	if (build_dir == NULL)
		build_dir = "build";
	if (kernel_dir == NULL)
		kernel_dir = DEFAULT_KERNEL_DIR;
	if (timeout_s <= 0 || timeout_s > 3600)
		timeout_s = 300;
	if (find_kernel(kernel_dir, kernel, sizeof(kernel)) != SK_OK) {
		printf("SKIP: no %s/boot/vmlinuz-6.1.* (scripts/install-deps.sh unpacks it)\n", kernel_dir);
		return SKIP;
	}
	if (!find_program("qemu-system-x86_64", qemu, sizeof(qemu))) {
		printf("SKIP: qemu-system-x86_64 not installed (scripts/install-deps.sh installs it)\n");
		return SKIP;
	}
	if (!find_program("busybox", busybox, sizeof(busybox))) {
		fprintf(stderr,
		        "kernel_vm_test: busybox not installed (scripts/install-deps.sh: busybox-static)\n");
		return 1;
	}
	if (join_path(work, sizeof(work), build_dir, "tests/kernel_vm") != SK_OK ||
	    join_path(initramfs, sizeof(initramfs), work, "initramfs.cpio") != SK_OK ||
	    join_path(console, sizeof(console), work, "console.log") != SK_OK ||
	    join_path(qemu_log, sizeof(qemu_log), work, "qemu.log") != SK_OK) {
		fprintf(stderr, "kernel_vm_test: build dir path too long: %s\n", build_dir);
		return 1;
	}
	if (mkdir(work, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "kernel_vm_test: mkdir %s: %s\n", work, strerror(errno));
		return 1;
	}
	unlink(console);
	rc = build_initramfs(initramfs, build_dir, busybox, err, sizeof(err));
	if (rc != SK_OK) {
		fprintf(stderr, "kernel_vm_test: initramfs %s: %s (%s)\n", initramfs, err, sk_strerror(rc));
		return 1;
	}
	make_nonce(nonce, sizeof(nonce));
	snprintf(append, sizeof(append), "console=ttyS0 panic=-1 quiet saker.nonce=%s", nonce);
	snprintf(serial, sizeof(serial), "file:%s", console);
	const char *const argv[] = {qemu,   "-nodefaults", "-display", "none",    "-no-reboot", "-accel",
	                            "tcg",  "-cpu",        "max",      "-m",      "1024",       "-smp",
	                            "2",    "-kernel",     kernel,     "-initrd", initramfs,    "-append",
	                            append, "-serial",     serial,     NULL};
	printf("kernel_vm_test: booting %s (timeout %d s)\n", kernel, timeout_s);
	fflush(stdout);
	started = now_ms();
	rc = run_qemu(argv, qemu_log, timeout_s, &status);
	printf("kernel_vm_test: qemu ran %.1f s\n", (double)(now_ms() - started) / 1000.0);
	fflush(stdout);
	if (rc == SK_ETIMEDOUT)
		fail_check("qemu still running after %d s: killed", timeout_s);
	else if (rc != SK_OK)
		fail_check("could not run %s: %s", qemu, sk_strerror(rc));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_check("qemu failed (status 0x%x), see %s", status, qemu_log);
	if (map_text(console, &text, &text_len) != SK_OK) {
		fail_check("no console log %s", console);
		goto cleanup;
	}
	if (vm_console_scan(text, text_len, nonce, &con) != SK_OK) {
		fail_check("out of memory reading the console");
		goto cleanup;
	}
	check_console(&con);
	if (failures == 0) {
		printf("kernel_vm_test: %s\nkernel_vm_test: %zu alerts, all expected ones present\n",
		       con.kernel, json_object_array_length(con.alerts));
		unlink(initramfs);
	}
cleanup:
	if (failures > 0) {
		if (text != NULL)
			print_tail(text, text_len, 60);
		fprintf(stderr, "kernel_vm_test: %d check(s) failed; console log kept at %s\n", failures,
		        console);
	}
	vm_console_free(&con);
	if (text != NULL)
		munmap((void *)text, text_len);
	return failures > 0 ? 1 : 0;
}

/* capture_live.h: what the live capture tests share: the preflight that
 * skips (exit code 77) without root or BTF, saker-capture's path, a log grep. */
#ifndef CAPTURE_LIVE_H
#define CAPTURE_LIVE_H

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CAPTURE_SKIP 77

/* Returns 0 when eBPF can be loaded here, else prints why and returns
 * CAPTURE_SKIP. */
static inline int capture_preflight(const char *test)
{
	if (geteuid() != 0) {
		printf("SKIP: %s needs root (loads eBPF programs)\n", test);
		return CAPTURE_SKIP;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		printf("SKIP: %s needs kernel BTF (/sys/kernel/btf/vmlinux)\n", test);
		return CAPTURE_SKIP;
	}
	return 0;
}

/* Preflight, then creates the test's scratch directory from the mkdtemp
 * template dir. Returns 0, CAPTURE_SKIP, or 1 on failure. */
static inline int capture_setup(const char *test, char *dir)
{
	int pre = capture_preflight(test);
	if (pre != 0) {
		return pre;
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	return 0;
}

/* Writes the path of the saker-capture under test into out. */
static inline void capture_exe(char *out, size_t cap)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	snprintf(out, cap, "%s/bin/saker-capture", build ? build : "build");
}

/* Replays the recording scap through the saker-engine under test with the
 * rules file rules, its output (both streams) to the file out; env (may be
 * "") goes before the command, e.g. "SAKER_DOCKER_ROOT='/x' ". Returns
 * system()'s status (0: the engine exited 0). */
static inline int capture_replay(const char *env, const char *scap, const char *rules, const char *out)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	char cmd[2048];
	int n = snprintf(cmd, sizeof(cmd), "%s'%s/bin/saker-engine' -e '%s' -r '%s' > '%s' 2>&1", env,
			 build ? build : "build", scap, rules, out);
	return n > 0 && (size_t)n < sizeof(cmd) ? system(cmd) : -1;
}

static inline void capture_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* In a forked child: sends stdout and stderr to the file log (truncated). */
static inline void capture_log_to(const char *log)
{
	int fd = open(log, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
}

/* Runs argv (argv[0] searched in PATH) with stdout and stderr in log;
 * returns its pid. */
static inline pid_t capture_spawn_logged(char *const argv[], const char *log)
{
	pid_t pid = fork();
	if (pid == 0) {
		capture_log_to(log);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Waits for pid up to ms; kills it when it does not exit. Returns its wait
 * status (-1 when it was not our child). */
static inline int capture_reap(pid_t pid, long ms)
{
	int status = -1;
	for (long waited = 0; waited < ms; waited += 20) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			return status;
		}
		capture_sleep_ms(20);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

/* Stops pid with SIGINT (SIGKILL after 5 s) and reaps it; returns its wait
 * status. */
static inline int capture_stop(pid_t pid)
{
	kill(pid, SIGINT);
	return capture_reap(pid, 5000);
}

/* Removes the test's scratch directory dir and all in it. */
static inline void capture_remove_dir(const char *dir)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "could not remove %s\n", dir);
	}
}

/* Writes text to path (created or truncated); false on failure. */
static inline bool capture_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	if (f == NULL) {
		return false;
	}
	bool ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* True when a line (up to 4 KiB) of the file at path contains needle. */
static inline bool capture_file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	bool found = false;
	while (f != NULL && !found && fgets(line, sizeof(line), f) != NULL) {
		found = strstr(line, needle) != NULL;
	}
	if (f != NULL) {
		fclose(f);
	}
	return found;
}

/* Waits until saker-capture's log says "capturing" (its programs loaded and
 * attached); false after 30 s: the load (BTF, verifier) took over 5 s once
 * when CI shared the machine with another BPF-loading run. */
static inline bool capture_wait_ready(const char *log)
{
	for (int i = 0; i < 1500; i++) {
		capture_sleep_ms(20);
		if (capture_file_contains(log, "capturing")) {
			return true;
		}
	}
	return false;
}

#endif

/* sk_live.h: what the tests that run the real programs share: sleeping,
 * spawning a program with its output in a file, reaping or stopping it
 * within a bound, and small file helpers. Header-only, like sk_test.h. */
#ifndef SK_LIVE_H
#define SK_LIVE_H

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

static inline void sk_live_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* In a forked child: sends stdout and stderr to the file log (truncated). */
static inline void sk_live_log_to(const char *log)
{
	int fd = open(log, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
}

/* Runs argv (argv[0] searched in PATH) with stdout and stderr in log;
 * returns its pid. */
static inline pid_t sk_live_spawn_logged(char *const argv[], const char *log)
{
	pid_t pid = fork();
	if (pid == 0) {
		sk_live_log_to(log);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Starts saker-engine ($SAKER_BUILD_DIR/bin, else build/bin) live on
 * ipc://<dir>/events.sock and control.sock with the rules file and extra
 * arguments (NULL-ended, at most 23), its output in log; returns its pid. */
static inline pid_t sk_live_start_engine(const char *dir, const char *rules, const char *const *extra,
					 const char *log)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	char engine[512], events[300], control[300];
	snprintf(engine, sizeof(engine), "%s/bin/saker-engine", build != NULL ? build : "build");
	snprintf(events, sizeof(events), "ipc://%s/events.sock", dir);
	snprintf(control, sizeof(control), "ipc://%s/control.sock", dir);
	const char *argv[32] = {engine, "--events", events, "--control", control, "-r", rules};
	size_t n = 7;
	for (size_t i = 0; extra[i] != NULL && n < 30; i++) {
		argv[n++] = extra[i];
	}
	argv[n] = NULL;
	return sk_live_spawn_logged((char *const *)argv, log);
}

/* Waits for pid up to ms; kills it when it does not exit. Returns its wait
 * status (-1 when it was not our child). */
static inline int sk_live_reap(pid_t pid, long ms)
{
	int status = -1;
	for (long waited = 0; waited < ms; waited += 20) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			return status;
		}
		sk_live_sleep_ms(20);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

/* Stops pid with SIGINT (SIGKILL after 5 s) and reaps it; returns its wait
 * status. */
static inline int sk_live_stop(pid_t pid)
{
	kill(pid, SIGINT);
	return sk_live_reap(pid, 5000);
}

/* Removes the test's scratch directory dir and all in it. */
static inline void sk_live_remove_dir(const char *dir)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "could not remove %s\n", dir);
	}
}

/* Writes text to path (created or truncated); false on failure. */
static inline bool sk_live_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	if (f == NULL) {
		return false;
	}
	bool ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* True when a line (up to 4 KiB) of the file at path contains needle. */
static inline bool sk_live_file_contains(const char *path, const char *needle)
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

#endif

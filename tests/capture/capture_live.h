/* capture_live.h: what the live capture tests share: the preflight that
 * skips (exit code 77) without root or BTF, saker-capture's path, the wait
 * for its programs; the process and file helpers are tests/sk_live.h's. */
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

#include "sk_live.h"

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

/* Waits until saker-capture's log says "capturing" (its programs loaded and
 * attached); false after 30 s: the load (BTF, verifier) took over 5 s once
 * when CI shared the machine with another BPF-loading run. */
static inline bool capture_wait_ready(const char *log)
{
	for (int i = 0; i < 1500; i++) {
		sk_live_sleep_ms(20);
		if (sk_live_file_contains(log, "capturing")) {
			return true;
		}
	}
	return false;
}

#endif

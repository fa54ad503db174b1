/* e2e_stack: starts the real pipeline (saker-sidekick, saker-engine live,
 * saker-capture) on private ipc:// URLs in a temp dir and stops it again.
 * Every wait is bounded; e2e_stack_stop() ends every process it started. */
#ifndef E2E_STACK_H
#define E2E_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sk_err.h"

#define E2E_PATH_MAX 256

typedef struct e2e_opts {
	const char *rules[4];      /* rules files, NULL-terminated (default rules when rules[0] is NULL) */
	const char *webhook;       /* sidekick webhook address; NULL: no sidekick */
	const char *canary_cmd;    /* shell command that triggers canary_rule */
	const char *canary_rule;   /* rule name the engine must print before the stack counts as up */
	const char *capture_extra; /* extra saker-capture arguments (e.g. "--ring-mb 1"), may be NULL */
	const char *engine_extra;  /* extra saker-engine arguments, space-separated, may be NULL */
	const char *nng_output;    /* without webhook: engine nng_output URL (the caller listens), may be NULL */
} e2e_opts;

typedef struct e2e_stack {
	char dir[64]; /* private temp dir: sockets, logs, spool */
	char events_url[E2E_PATH_MAX], control_url[E2E_PATH_MAX], alerts_url[E2E_PATH_MAX];
	char engine_out[E2E_PATH_MAX];  /* engine stdout: one JSON alert per line */
	char engine_log[E2E_PATH_MAX];  /* engine stderr */
	char capture_log[E2E_PATH_MAX]; /* capture stderr */
	char sidekick_log[E2E_PATH_MAX];
	pid_t sidekick, engine, capture;
	uint16_t sidekick_port;
} e2e_stack;

/* Path of build/bin/<name> (SAKER_BUILD_DIR, else "build") in buf. */
const char *e2e_bin(const char *name, char *buf, size_t cap);

/* True when the tests can load eBPF here: root and kernel BTF. */
bool e2e_can_run(const char **why);

/* Forks and execs argv[0] with stdout and stderr appended to out_path. */
sk_err e2e_spawn(const char *const argv[], const char *out_path, pid_t *pid);

/* Sends sig, waits up to grace_ms, then SIGKILLs. Clears *pid; returns the
 * exit status (-1 when it had to be killed or was not running). */
int e2e_stop(pid_t *pid, int sig, int grace_ms);

/* Waits up to timeout_ms for pid to exit by itself; kills it after that.
 * Returns the exit status, -1 when killed. */
int e2e_wait(pid_t pid, int timeout_ms);

/* Polls path until it contains needle; false after timeout_ms. */
bool e2e_wait_contains(const char *path, const char *needle, int timeout_ms);

/* Reads path (at most 8 MiB) into a malloc'd NUL-terminated string. */
sk_err e2e_read(const char *path, char **out);

/* Writes text to path, replacing it. */
sk_err e2e_write(const char *path, const char *text);

/* A loopback TCP port the kernel just handed out. */
sk_err e2e_free_port(uint16_t *port);

void e2e_sleep_ms(int ms);

/* Starts sidekick (if o->webhook), engine and capture in a fresh temp dir,
 * then runs o->canary_cmd until the engine prints o->canary_rule (at most
 * 15 s). On failure everything started is stopped again. */
sk_err e2e_stack_start(e2e_stack *s, const e2e_opts *o);

/* Stops capture, engine, sidekick (that order, so the engine drains); the
 * logs stay readable. */
void e2e_stack_stop(e2e_stack *s);

/* Stops what still runs and removes the temp dir (with SAKER_E2E_KEEP set,
 * or keep, it keeps it and prints the logs' tails). */
void e2e_stack_free(e2e_stack *s, bool keep);

#endif

/* gen_sandbox: the throw-away process every generator action runs in.
 *
 * Each action gets a fresh temp dir and a child process; on request the
 * child lives in a simulated container (new mount/UTS/IPC/net/PID
 * namespaces plus a cgroup named as Docker names it, so container.id is
 * real), in a private network namespace whose loopback holds an address
 * with a listener (so "outbound" connections never leave the machine), has
 * a directory hidden behind an empty tmpfs (so writes below /etc never
 * touch the real /etc), a controlling terminal, or runs as user daemon.
 * Afterwards the temp dir and the cgroup are removed, whatever happened. */
#ifndef GEN_SANDBOX_H
#define GEN_SANDBOX_H

#include <stdint.h>

#include "sk_err.h"

enum {
	GEN_IN_CONTAINER = 1 << 0, /* namespaces + docker-<64hex>.scope cgroup */
	GEN_NETNS = 1 << 1,        /* private network namespace (implied by GEN_IN_CONTAINER) */
	GEN_TTY = 1 << 2,          /* new session with a pseudo-terminal as controlling tty */
	GEN_AS_DAEMON = 1 << 3,    /* drop to uid/gid 1 (daemon) before the body */
};

#define GEN_TMP_PREFIX "/tmp/saker-evgen-"
#define GEN_CONTAINER_ID_LEN 64

typedef struct gen_sandbox_spec {
	uint32_t flags;        /* GEN_* */
	const char *shadow;    /* directory covered by an empty tmpfs, or NULL */
	const char *listen_ip; /* with GEN_NETNS: address added to lo with a TCP listener, or NULL */
	uint16_t listen_port;
} gen_sandbox_spec;

typedef struct gen_env {
	const char *tmpdir;   /* the action's temp dir (also the cwd) */
	const char *self_exe; /* this program, for helper re-executions */
} gen_env;

/* Runs in the prepared child; its result becomes the exit status. */
typedef sk_err (*gen_body_fn)(const gen_env *env, const void *arg);

/* Prepares per spec, runs body(env, arg) in a child and waits for it up to
 * timeout_ms (then kills it). *exit_code receives the child's exit status
 * (128 + signal when killed). Removes the temp dir and the cgroup before it
 * returns. Returns SK_EUNSUPP when no writable cgroup hierarchy exists for
 * a container action, SK_ETIMEDOUT when the child had to be killed, SK_EIO
 * when the temp dir, cgroup or fork failed. */
sk_err gen_sandbox_run(const gen_sandbox_spec *spec, gen_body_fn body, const void *arg, int timeout_ms,
		       int *exit_code);

/* Removes path and everything below it, not following symlinks. */
sk_err gen_remove_tree(const char *path);

#endif

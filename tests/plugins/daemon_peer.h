/* daemon_peer: a server program (nats-server, mosquitto, influxd, ...) a
 * test runs on loopback for itself: a private directory for its files, the
 * process started quietly and tied to the test's life, a wait for its TCP
 * port, and a stop that kills, reaps and cleans up. */
#ifndef DAEMON_PEER_H
#define DAEMON_PEER_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct dp_daemon {
	pid_t pid;
	int port;     /* 127.0.0.1 port it listens on */
	char dir[64]; /* its private directory, "" until dp_prepare() */
} dp_daemon;

/* Makes d->dir (/tmp/saker-<name>-XXXXXX) unless it is made already and
 * sets d->port to port, or to a free one when port is 0. */
bool dp_prepare(dp_daemon *d, const char *name, int port);

/* Starts argv[0] (looked up in PATH) with its output discarded; it dies
 * with the test even if the test crashes. Then waits up to wait_ms for
 * d->port to accept connections; on timeout stops it and returns false. */
bool dp_start(dp_daemon *d, char *const argv[], long wait_ms);

/* Waits up to wait_ms for 127.0.0.1:port to accept connections (a second
 * listener of a daemon already started); true once it does. */
bool dp_wait_port(int port, long wait_ms);

/* Stops the process (SIGTERM, SIGKILL after 3 s) and reaps it. */
void dp_stop(dp_daemon *d);

/* dp_stop(), then removes d->dir with everything in it. */
void dp_done(dp_daemon *d);

/* Runs argv to completion with its output discarded; true on exit 0. */
bool dp_run_quietly(char *const argv[]);

/* Writes into dir, with the openssl tool: ca.crt/ca.key, server.crt/.key
 * for localhost and 127.0.0.1, client.crt/.key (P-256, valid one day). */
bool dp_make_certs(const char *dir);

/* The text of dir/name (at most 64 KiB, NUL-terminated, malloc'd), NULL
 * when it cannot be read or is empty. */
char *dp_slurp(const char *dir, const char *name);

#endif

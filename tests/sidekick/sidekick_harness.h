/* Helpers the sidekick integration tests and bench/sidekick share: free
 * loopback ports, shell commands, curl sinks. Header-only (static inline). */
#ifndef SIDEKICK_HARNESS_H
#define SIDEKICK_HARNESS_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* A TCP port on 127.0.0.1 that was free a moment ago (0 on failure). */
static inline uint16_t skt_free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t port = 0;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
		port = ntohs(a.sin_port);
	}
	if (fd >= 0) {
		close(fd);
	}
	return port;
}

/* Runs cmd with sh; returns its exit status (-1 if it did not exit). */
static inline int skt_run(const char *cmd)
{
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Ends a test run in dir: on failure shows the tail of dir/sidekick.log,
 * then removes dir. Returns rc. */
static inline int skt_finish(const char *dir, int rc)
{
	char cmd[512];
	if (rc != 0) {
		snprintf(cmd, sizeof(cmd), "tail -30 '%s/sidekick.log' >&2", dir);
		skt_run(cmd);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	skt_run(cmd);
	return rc;
}

/* A curl write callback that drops the body. */
static inline size_t skt_discard(char *p, size_t size, size_t n, void *user)
{
	(void)p;
	(void)user;
	return size * n;
}

#endif

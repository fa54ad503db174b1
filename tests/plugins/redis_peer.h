/* redis_peer: a private redis-server on 127.0.0.1 for one test, started and
 * stopped by the test (no persistence; killed with the test process). */
#ifndef REDIS_PEER_H
#define REDIS_PEER_H

#include <hiredis/hiredis.h>
#include <sys/types.h>

#include "sk_err.h"

typedef struct rp_server {
	pid_t pid;
	int port;
	char password[64]; /* "" = no auth */
} rp_server;

/* Starts redis-server on port (0 = a free one) and waits (at most 5 s)
 * until it answers PING. */
sk_err rp_start(rp_server *s, int port, const char *password);

/* Connects a checking client (authenticated, database db selected). */
redisContext *rp_client(const rp_server *s, int db);

/* Stops the server (SIGTERM, then SIGKILL after 3 s) and reaps it. */
void rp_stop(rp_server *s);

#endif

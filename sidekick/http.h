/* http: the sidekick's HTTP API (libmicrohttpd), Falcosidekick-compatible.
 *
 *   POST /         one Falco JSON alert: 200 once durably queued, 400 with a
 *                  reason for bad input, 401 without the bearer token (if
 *                  one is configured), 503 if the spool cannot take it
 *   POST /test     queues a test alert for every output
 *   GET  /ping     "pong"
 *   GET  /healthz  {"status": "ok"}
 *   GET  /metrics  Prometheus text exposition
 *
 * Bound to 127.0.0.1 unless configured; optional TLS and mutual TLS; body
 * size, connection count and per-connection time are limited. */
#ifndef SK_HTTP_H
#define SK_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* Accepts one alert body from src. Returns SK_OK once it is queued;
 * SK_EPARSE/SK_EINVAL/SK_ERANGE for bad input (reason in err); anything
 * else means the sidekick could not queue it (retryable for the sender). */
typedef sk_err (*skh_ingest_fn)(void *user, skm_source src, const char *body, size_t len, char *err,
				size_t errlen);

/* libmicrohttpd's memory pool per connection (request line, headers and
 * read buffer; bodies stream through). It zeroes the whole pool for every
 * request, so its size is a per-request cost: 16 KiB (the default is 32)
 * leaves room for ~15 KiB of request headers. */
#define SKH_CONN_MEMORY (16u << 10)

typedef struct skh_handlers {
	skh_ingest_fn ingest;
	sk_err (*test)(void *user);                    /* POST /test */
	void (*metrics)(void *user, sk_strbuf *out); /* GET /metrics */
	void *user;
} skh_handlers;

typedef struct skh_options {
	const char *address;      /* IPv4 or IPv6 literal ("127.0.0.1") */
	uint16_t port;            /* 0: any free port (see skh_port) */
	size_t body_limit;        /* bytes */
	unsigned max_connections;
	unsigned threads;         /* worker threads */
	const char *bearer_token; /* NULL/"": no authentication */
	bool tls;
	const char *cert_file;
	const char *key_file;
	bool mutual_tls;          /* require a client certificate signed by ca_file */
	const char *ca_file;
	/* When set, only these paths are served (404 for the rest): the plain
	 * HTTP side server of tlsserver.notlspaths (e.g. "/ping" for probes). */
	const char *const *only_paths;
	size_t nonly_paths;
} skh_options;

typedef struct skh_server skh_server;

/* Starts serving. Errors (bad address, port in use, unreadable cert) come
 * back with a one-line reason. */
sk_err skh_start(const skh_options *opt, const skh_handlers *h, skh_server **out, char *err, size_t errlen);

/* The port actually bound. */
uint16_t skh_port(const skh_server *s);

/* Stops accepting, finishes requests in flight, frees. NULL is allowed. */
void skh_stop(skh_server *s);

#endif

/* sk_http_recv: the loopback HTTP receiver tests and benches stand up in
 * place of a webhook, Slack or Loki endpoint (libmicrohttpd underneath).
 *
 * It listens on 127.0.0.1 only, collects each request's body up to a
 * bound, and hands every complete request to one handler, which chooses
 * the status and body of the answer:
 *
 *   static void on_req(void *ctx, const sk_http_req *req, sk_http_reply *reply)
 *   {
 *           reply->status = strcmp(req->method, "POST") == 0 ? 200 : 405;
 *   }
 *   sk_http_recv_opts o = {.handle = on_req, .ctx = &state};
 *   sk_http_recv *r = NULL;
 *   if (sk_http_recv_start(&o, &r) == SK_OK) { ... sk_http_recv_port(r) ...; sk_http_recv_stop(r); }
 *
 * The handler runs on the receiver's threads: it must guard what it
 * shares with the test. */
#ifndef SK_HTTP_RECV_H
#define SK_HTTP_RECV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

/* The body bound when the options leave max_body at 0. */
#define SK_HTTP_RECV_MAX_BODY_DEFAULT ((size_t)1 << 20)

/* One complete request, valid for the handler call only. */
typedef struct sk_http_req {
	const char *method;
	const char *url;  /* the path, without the query string */
	const char *body; /* NUL-terminated; "" when the request had none */
	size_t body_len;
	void *conn; /* the library's connection, for sk_http_req_header */
} sk_http_req;

/* The answer; preset to 200 with an empty body. */
typedef struct sk_http_reply {
	unsigned status;
	const char *body; /* copied once the handler returns; NULL = empty */
} sk_http_reply;

typedef void (*sk_http_handler)(void *ctx, const sk_http_req *req, sk_http_reply *reply);

typedef struct sk_http_recv_opts {
	sk_http_handler handle; /* NULL: every request gets the preset answer */
	void *ctx;              /* handed to handle */
	uint16_t port;          /* 0: a free port the kernel picks */
	size_t max_body;        /* 0: SK_HTTP_RECV_MAX_BODY_DEFAULT */
	/* A handler that blocks then holds up only its own connection (one
	 * thread each) instead of every client of this receiver. */
	bool thread_per_connection;
	unsigned idle_timeout_s; /* close idle connections after this; 0 = never */
} sk_http_recv_opts;

typedef struct sk_http_recv sk_http_recv;

/* Starts a receiver on 127.0.0.1 as opts says (opts is copied). A body
 * longer than max_body is answered 413 without calling the handler and
 * counted (sk_http_recv_too_big). Returns SK_EINVAL for bad options,
 * SK_ENOMEM, or SK_EIO when the port cannot be bound; *out is NULL then. */
sk_err sk_http_recv_start(const sk_http_recv_opts *opts, sk_http_recv **out);

/* Returns the port it listens on. */
uint16_t sk_http_recv_port(const sk_http_recv *r);

/* Writes "http://127.0.0.1:<port><path>" to buf; SK_ERANGE if it does not
 * fit in size bytes. */
sk_err sk_http_recv_url(const sk_http_recv *r, const char *path, char *buf, size_t size);

/* Returns how many requests were refused with 413 for their body size. */
size_t sk_http_recv_too_big(sk_http_recv *r);

/* Returns the value of request header name (case-insensitive), or NULL. */
const char *sk_http_req_header(const sk_http_req *req, const char *name);

/* Stops listening, waits for running handlers and frees everything;
 * NULL is fine. */
void sk_http_recv_stop(sk_http_recv *r);

#endif

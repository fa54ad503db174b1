/* http_peer: a loopback HTTP receiver (libmicrohttpd) that records every
 * request and answers with a status the test chooses, optionally late. */
#ifndef HTTP_PEER_H
#define HTTP_PEER_H

#include <stddef.h>

#include "sk_err.h"

#define HP_MAX_REQUESTS 64
#define HP_MAX_BODY (1 << 20)

typedef struct hp_request {
	char method[16];
	char url[256];	    /* the path, then "?k=v&..." when there were query arguments */
	char raw_url[512];  /* the request target as sent, escapes kept (SigV4 signs it) */
	char headers[4096]; /* "Name: value\n" per header, as received */
	char *body;         /* NUL-terminated */
	size_t body_len;
	int client_cert_ok; /* TLS peers with a trust CA: the client cert verified */
} hp_request;

typedef struct hp_peer hp_peer;

/* Starts a receiver on 127.0.0.1 (free port) answering every request with
 * status after delay_ms. */
sk_err hp_start(hp_peer **out, int status, int delay_ms);

/* Like hp_start over HTTPS with the PEM cert and key. With trust_pem, the
 * client must present a certificate signed by it, else the reply is 403. */
sk_err hp_start_tls(hp_peer **out, int status, const char *cert_pem, const char *key_pem, const char *trust_pem);

/* hp_start, then writes "http://127.0.0.1:<port><path>" to url. Returns
 * the peer, or NULL (with a message on stderr) if it could not start. */
hp_peer *hp_start_url(int status, int delay_ms, const char *path, char *url, size_t urlsize);

/* Returns the port it listens on. */
int hp_port(const hp_peer *p);

/* Changes the status and delay for the next requests. */
void hp_set_reply(hp_peer *p, int status, int delay_ms);

/* Answers the next requests with body (copied, at most 4 KiB; NULL or ""
 * for the default "ok"). */
void hp_set_reply_body(hp_peer *p, const char *body);

/* Answers requests whose target (raw_url) starts with prefix with status
 * and body (copied, at most 1 KiB) instead of the reply above; the first
 * matching route of at most HP_MAX_ROUTES wins. */
#define HP_MAX_ROUTES 8
void hp_route(hp_peer *p, const char *prefix, int status, const char *body);

/* Returns how many requests were recorded (capped at HP_MAX_REQUESTS). */
size_t hp_count(hp_peer *p);

/* Returns how many TCP connections clients opened so far. */
size_t hp_connections(hp_peer *p);

/* Returns recorded request i (valid until hp_stop), or NULL. */
const hp_request *hp_get(hp_peer *p, size_t i);

/* Stops the receiver and frees everything; NULL is fine. */
void hp_stop(hp_peer *p);

#endif

/* spl_stream: a kept TCP connection (or TLS over it) for outputs that write
 * lines to a socket (logstash, wavefront's proxy). libcurl dials it
 * (CONNECT_ONLY), so name resolution, the connect timeout and TLS are
 * libcurl's; its raw send carries the bytes. Servers on such inputs never
 * answer: before each write, a close seen on the connection drops it and
 * the next write dials again. */
#ifndef SPL_STREAM_H
#define SPL_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"

typedef struct spl_stream spl_stream;

/* Sets TLS up on a libcurl easy handle (a CURL *) before each dial; err
 * says why when it cannot (a missing certificate file). */
typedef sk_err (*spl_stream_setup_fn)(void *user, void *curl, char *err, size_t errlen);

/* A connection to url, "http://host:port" (plain TCP) or "https://host:port"
 * (TLS, set up by setup when not NULL), each dial and write bounded by
 * timeout_ms. Nothing is dialled yet. */
sk_err spl_stream_new(const char *url, int64_t timeout_ms, spl_stream_setup_fn setup, void *user, spl_stream **out,
		      char *err, size_t errlen);

/* Dials now when not connected: RETRY with the reason when the server
 * cannot be reached, FAIL when setup fails. */
saker_send_result spl_stream_dial(spl_stream *s, char *err, size_t errlen);

/* Writes len bytes, dialling first when needed: RETRY (the connection
 * dropped for the next try) when they cannot all be written in time. */
saker_send_result spl_stream_write(spl_stream *s, const char *data, size_t len, char *err, size_t errlen);

/* Closes the connection and frees s; NULL is fine. */
void spl_stream_free(spl_stream *s);

#endif

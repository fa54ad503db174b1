/* spl_http: one keep-alive HTTP client per plugin instance, over libcurl.
 *
 * Reads the settings every HTTP output shares from the instance's config
 * section (checkcert, mutualtls + client cert files, customheaders, timeout)
 * and maps each response to a delivery outcome the sidekick understands:
 * 2xx -> OK; 429, 5xx, timeouts and connection errors -> RETRY; other 4xx
 * and local errors -> FAIL. */
#ifndef SPL_HTTP_H
#define SPL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

typedef struct spl_http spl_http;

/* Creates a client for url reading the shared keys from host. The method is
 * POST, the content type application/json. On failure returns an error and
 * writes a one-line reason to err. */
sk_err spl_http_new(const saker_plugin_host *host, const char *url, spl_http **out, char *err, size_t errlen);

/* Initializes libcurl once per process (never cleaned up: another plugin
 * may still use it). SK_EINTERNAL with the reason in err when it failed. */
sk_err spl_curl_global(char *err, size_t errlen);

/* Sets up TLS on a libcurl easy handle (a CURL *) from the keys every
 * output shares: checkcert, tlsclient.cacertfile, and mutualtls with
 * mutualtlsclient.* or mutualtlsfilespath's client.crt, client.key and
 * ca.crt (Falcosidekick's keys; the host answers them from the top level
 * when the section lacks them). spl_http_new() calls it; outputs with
 * their own libcurl handle (smtp) do too. SK_ENOENT with the file named in
 * err when a mutual TLS file cannot be read. */
sk_err spl_curl_tls(void *curl, const saker_plugin_host *host, char *err, size_t errlen);

/* Replaces the timeout read from the config (ms, 1..600000, else
 * SK_ERANGE): the whole request, and connecting. */
sk_err spl_http_set_timeout(spl_http *h, int64_t ms);

/* Sets the request method ("POST" or "PUT"); anything else is SK_EINVAL. */
sk_err spl_http_set_method(spl_http *h, const char *method);

/* Adds one request header "name: value" sent with every request, replacing
 * an earlier header of the same name (any case). */
sk_err spl_http_add_header(spl_http *h, const char *name, const char *value);

/* Stops sending the header named name (any case); SK_OK when there was
 * none. */
sk_err spl_http_drop_header(spl_http *h, const char *name);

/* Sends the next requests to url (an output whose address changes, such
 * as a dated index); SK_EINVAL unless http:// or https://. */
sk_err spl_http_set_url(spl_http *h, const char *url);

/* Makes error messages name shown instead of the URL, for a URL that
 * holds a secret outside its query (Telegram's bot token is in the path).
 * Error messages never show a URL's query. */
sk_err spl_http_hide_url(spl_http *h, const char *shown);

/* Keeps the first SPL_HTTP_MAX_ANSWER bytes of each answer's body for
 * spl_http_last_answer() (they are dropped otherwise). */
#define SPL_HTTP_MAX_ANSWER (64u * 1024u)
void spl_http_keep_answer(spl_http *h);

/* The body of the last answer (NUL-terminated, possibly cut), "" when none
 * was kept. */
const char *spl_http_last_answer(const spl_http *h);

/* Its length in bytes (a binary answer may hold NULs). */
size_t spl_http_last_answer_len(const spl_http *h);

/* Sends every request with HTTP basic authentication. */
sk_err spl_http_set_basic_auth(spl_http *h, const char *user, const char *password);

/* Signs every request with AWS Signature Version 4 (libcurl's): provider
 * is libcurl's "aws:amz:<region>:<service>", key_id and secret the
 * credentials (a session token goes in an x-amz-security-token header).
 * Strings are copied; call again when the credentials change. */
sk_err spl_http_set_aws_sigv4(spl_http *h, const char *provider, const char *key_id, const char *secret);

/* Sends every body gzip-compressed, with Content-Encoding: gzip (an
 * output's enablecompression); in gRPC mode (spl_http_set_grpc() first)
 * the message is compressed instead, with grpc-encoding: gzip. */
sk_err spl_http_set_gzip(spl_http *h, bool on);

/* Makes every request a gRPC call over HTTP/2 (cleartext HTTP/2 without
 * an upgrade on http://, negotiated by TLS on https://): Content-Type
 * application/grpc, TE: trailers; the body must carry gRPC's message
 * prefix. An answer with HTTP 200 is then decided by its grpc-status
 * (header or trailer): 0 OK; CANCELLED, DEADLINE_EXCEEDED,
 * RESOURCE_EXHAUSTED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS
 * (those OTLP retries) RETRY; other codes, or none, FAIL, with the code's
 * name and grpc-message in err. Other HTTP statuses map as without it. */
sk_err spl_http_set_grpc(spl_http *h);

/* gRPC's message prefix: a flag byte (1: compressed) and the message's
 * length, big-endian. */
#define SPL_GRPC_PREFIX 5
void spl_grpc_prefix(uint8_t prefix[SPL_GRPC_PREFIX], bool compressed, uint32_t len);

/* The message of one gRPC frame (len bytes at data): true, with *message
 * and *message_len, when the frame is whole and not compressed. */
bool spl_grpc_message(const uint8_t *data, size_t len, const uint8_t **message, size_t *message_len);

/* Reads one answer header line (n bytes, "name: value" with or without its
 * CRLF) for gRPC: grpc-status sets *status (a value that is not a number
 * of one or two digits is UNKNOWN, 2), grpc-message fills message
 * (percent-decoded, cut to message_size - 1 bytes, NUL-terminated); other
 * lines change nothing. The gRPC mode's header callback. */
void spl_grpc_header(const char *line, size_t n, int *status, char *message, size_t message_size);

/* Sends body (len bytes) in one request on the kept-alive connection and
 * returns how it went; on RETRY/FAIL err holds the reason. */
saker_send_result spl_http_send(spl_http *h, const char *body, size_t len, char *err, size_t errlen);

/* Returns the HTTP status of the last response (0 when none arrived). */
long spl_http_last_status(const spl_http *h);

/* One request on a connection of its own, for an output's side calls
 * (credentials and metadata endpoints, token exchanges): method with body
 * (NULL for none) and header lines ("Name: value", NULL-terminated; may be
 * NULL). The answer's body goes to answer (at most SPL_HTTP_MAX_FETCH
 * bytes, else the call fails) and its status to *status. 5 s overall, 1 s
 * to connect (metadata endpoints that are not there must not hold the
 * start). SK_EIO, with the URL and libcurl's reason in err, when no answer
 * came. */
#define SPL_HTTP_MAX_FETCH (64u * 1024u)
sk_err spl_http_fetch(const char *method, const char *url, const char *const *headers, const char *body,
		      sk_strbuf *answer, long *status, char *err, size_t errlen);

/* Frees the client and closes its connection; NULL is fine. */
void spl_http_free(spl_http *h);

#endif

/* sk_http_recv: a loopback HTTP receiver for tests and benches. */
#include "sk_http_recv.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY_FIRST_CAP 4096

struct sk_http_recv {
	struct MHD_Daemon *mhd;
	sk_http_recv_opts opts;
	uint16_t port;
	atomic_size_t too_big;
};

/* One request's body as it arrives; libmicrohttpd keeps it per request. */
typedef struct recv_body {
	char *data;
	size_t len, cap;
	bool too_big; /* what came was dropped: past max_body */
} recv_body;

/* Appends n bytes, keeping data NUL-terminated; past max only marks the
 * body too big, so memory stays bounded whatever the client sends. */
static sk_err body_append(recv_body *b, const char *data, size_t n, size_t max)
{
	if (b->too_big || n > max - b->len) {
		b->too_big = true;
		return SK_OK;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap > 0 ? b->cap : BODY_FIRST_CAP;
		while (cap < b->len + n + 1) {
			cap *= 2;
		}
		cap = cap > max + 1 ? max + 1 : cap;
		char *grown = realloc(b->data, cap);
		if (grown == NULL) {
			return SK_ENOMEM;
		}
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return SK_OK;
}

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned status, const char *body)
{
	const char *text = body != NULL ? body : "";
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (resp == NULL) {
		return MHD_NO;
	}
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				 const char *version, const char *data, size_t *size, void **req_state)
{
	sk_http_recv *r = cls;
	recv_body *b = *req_state;

	if (b == NULL) { /* headers are in; the body, if any, follows */
		b = calloc(1, sizeof(*b));
		*req_state = b;
		return b != NULL ? MHD_YES : MHD_NO;
	}
	if (*size > 0) {
		sk_err err = body_append(b, data, *size, r->opts.max_body);
		*size = 0;
		return err == SK_OK ? MHD_YES : MHD_NO;
	}
	if (b->too_big) {
		atomic_fetch_add(&r->too_big, 1);
		return answer(conn, 413, "body too large for this receiver\n");
	}
	sk_http_req req = {.method = method,
			   .url = url,
			   .body = b->data != NULL ? b->data : "",
			   .body_len = b->len,
			   .conn = conn};
	sk_http_reply reply = {.status = 200, .body = NULL};
	if (r->opts.handle != NULL) {
		r->opts.handle(r->opts.ctx, &req, &reply);
	}
	return answer(conn, reply.status, reply.body);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_state,
			 enum MHD_RequestTerminationCode why)
{
	recv_body *b = *req_state;

	if (b != NULL) {
		free(b->data);
		free(b);
		*req_state = NULL;
	}
}

sk_err sk_http_recv_start(const sk_http_recv_opts *opts, sk_http_recv **out)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	const union MHD_DaemonInfo *info;
	sk_http_recv *r = NULL;
	sk_err err = SK_OK;

	if (out == NULL) {
		return SK_EINVAL;
	}
	*out = NULL;
	if (opts == NULL) {
		return SK_EINVAL;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return SK_ENOMEM;
	}
	r->opts = *opts;
	if (r->opts.max_body == 0) {
		r->opts.max_body = SK_HTTP_RECV_MAX_BODY_DEFAULT;
	}
	if (r->opts.thread_per_connection) {
		flags |= MHD_USE_THREAD_PER_CONNECTION;
	}
	sin.sin_port = htons(opts->port);
	r->mhd = MHD_start_daemon(flags, opts->port, NULL, NULL, on_access, r, MHD_OPTION_SOCK_ADDR,
				  (struct sockaddr *)&sin, MHD_OPTION_NOTIFY_COMPLETED, on_completed, r,
				  MHD_OPTION_CONNECTION_TIMEOUT, opts->idle_timeout_s, MHD_OPTION_END);
	if (r->mhd == NULL) {
		fprintf(stderr, "sk_http_recv: cannot listen on 127.0.0.1:%u\n", (unsigned)opts->port);
		err = SK_EIO;
		goto cleanup;
	}
	info = MHD_get_daemon_info(r->mhd, MHD_DAEMON_INFO_BIND_PORT);
	r->port = info != NULL ? info->port : 0;
	if (r->port == 0) {
		err = SK_EIO;
		goto cleanup;
	}
	*out = r;
	return SK_OK;
cleanup:
	sk_http_recv_stop(r);
	return err;
}

uint16_t sk_http_recv_port(const sk_http_recv *r)
{
	return r->port;
}

sk_err sk_http_recv_url(const sk_http_recv *r, const char *path, char *buf, size_t size)
{
	int n = snprintf(buf, size, "http://127.0.0.1:%u%s", (unsigned)r->port, path != NULL ? path : "");

	return n >= 0 && (size_t)n < size ? SK_OK : SK_ERANGE;
}

size_t sk_http_recv_too_big(sk_http_recv *r)
{
	return atomic_load(&r->too_big);
}

const char *sk_http_req_header(const sk_http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

void sk_http_recv_stop(sk_http_recv *r)
{
	if (r == NULL) {
		return;
	}
	if (r->mhd != NULL) {
		MHD_stop_daemon(r->mhd);
	}
	free(r);
}

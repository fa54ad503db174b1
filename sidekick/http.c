#include "http.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sk_log.h"
#include "sk_net.h"

#define SKH_MAX_TLS_FILE (1u << 20)
#define SKH_TEXT "text/plain; charset=utf-8"
#define SKH_KEEP_BODY (64u << 10) /* a connection keeps a body buffer up to this size between requests */

struct skh_server {
	struct MHD_Daemon *daemon;
	/* The answer to every accepted alert, built once: MHD responses are
	 * reference-counted and may be queued on any number of connections. */
	struct MHD_Response *ok;
	skh_options opt;
	skh_handlers h;
	char *token;
	char *cert;
	char *key;
	char *ca;
	uint16_t port;
};

/* Request state while the body arrives. One per connection, reused by
 * each of its keep-alive requests, so a request allocates nothing. */
struct skh_request {
	sk_strbuf body;
	bool too_big;
	bool answered; /* a response was queued before the body arrived */
};

static enum MHD_Result skh_reply(struct MHD_Connection *c, unsigned status, const char *type, const char *body,
				 size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL) {
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result skh_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	return skh_reply(c, status, SKH_TEXT, text, strlen(text));
}

/* Constant-time comparison so the token cannot be guessed byte by byte. */
static bool skh_token_ok(const skh_server *s, struct MHD_Connection *c)
{
	if (s->token == NULL) {
		return true;
	}
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0) {
		return false;
	}
	auth += 7;
	size_t n = strlen(s->token), m = strlen(auth);
	unsigned diff = (unsigned)(n ^ m);
	for (size_t i = 0; i < n; i++) {
		diff |= (unsigned)(s->token[i] ^ (i < m ? auth[i] : 0));
	}
	return diff == 0;
}

/* With mutual TLS, the client certificate must verify against the CA. */
static bool skh_client_cert_ok(const skh_server *s, struct MHD_Connection *c)
{
	if (!s->opt.tls || !s->opt.mutual_tls) {
		return true;
	}
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL) {
		return false;
	}
	unsigned status = 0;
	gnutls_session_t session = (gnutls_session_t)ci->tls_session;
	if (gnutls_certificate_verify_peers2(session, &status) != 0 || status != 0) {
		return false;
	}
	unsigned nchain = 0;
	return gnutls_certificate_get_peers(session, &nchain) != NULL && nchain > 0;
}

static enum MHD_Result skh_post_alert(skh_server *s, struct MHD_Connection *c, struct skh_request *req)
{
	char err[512] = "";
	char msg[600];

	if (!skh_token_ok(s, c)) {
		skh_text(c, MHD_HTTP_UNAUTHORIZED, "missing or wrong bearer token\n");
		return MHD_YES;
	}
	if (req->too_big) {
		snprintf(msg, sizeof(msg), "bad request: body larger than %zu bytes\n", s->opt.body_limit);
		s->h.ingest(s->h.user, SKM_SOURCE_HTTP, NULL, 0, err, 0); /* counts the rejection */
		return skh_text(c, MHD_HTTP_BAD_REQUEST, msg);
	}
	if (req->body.len == 0) {
		s->h.ingest(s->h.user, SKM_SOURCE_HTTP, NULL, 0, err, 0);
		return skh_text(c, MHD_HTTP_BAD_REQUEST, "bad request: empty body\n");
	}
	sk_err e = s->h.ingest(s->h.user, SKM_SOURCE_HTTP, req->body.data, req->body.len, err, sizeof(err));
	if (e == SK_OK) {
		return MHD_queue_response(c, MHD_HTTP_OK, s->ok);
	}
	if (e == SK_EPARSE || e == SK_EINVAL || e == SK_ERANGE) {
		snprintf(msg, sizeof(msg), "bad request: %s\n", err);
		return skh_text(c, MHD_HTTP_BAD_REQUEST, msg);
	}
	snprintf(msg, sizeof(msg), "cannot queue the alert: %s\n", err[0] != '\0' ? err : sk_strerror(e));
	return skh_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, msg);
}

static enum MHD_Result skh_get(skh_server *s, struct MHD_Connection *c, const char *url)
{
	if (strcmp(url, "/ping") == 0) {
		return skh_text(c, MHD_HTTP_OK, "pong\n");
	}
	if (strcmp(url, "/healthz") == 0) {
		static const char ok[] = "{\"status\": \"ok\"}";
		return skh_reply(c, MHD_HTTP_OK, "application/json", ok, sizeof(ok) - 1);
	}
	if (strcmp(url, "/metrics") == 0) {
		sk_strbuf out = SK_STRBUF_INIT;
		s->h.metrics(s->h.user, &out);
		enum MHD_Result r = sk_strbuf_failed(&out)
					    ? skh_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n")
					    : skh_reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
							sk_strbuf_str(&out), out.len);
		sk_strbuf_free(&out);
		return r;
	}
	if (strcmp(url, "/") == 0 || strcmp(url, "/test") == 0) {
		return skh_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST\n");
	}
	return skh_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

static bool skh_path_allowed(const skh_server *s, const char *url)
{
	if (s->opt.only_paths == NULL) {
		return true;
	}
	for (size_t i = 0; i < s->opt.nonly_paths; i++) {
		if (strcmp(s->opt.only_paths[i], url) == 0) {
			return true;
		}
	}
	return false;
}

static enum MHD_Result skh_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	skh_server *s = cls;
	struct skh_request *req = *con_cls;

	if (req == NULL) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		req = ci != NULL ? ci->socket_context : NULL;
		if (req == NULL) {
			return MHD_NO; /* its allocation failed: drop the connection */
		}
		sk_strbuf_reset(&req->body);
		req->too_big = false;
		req->answered = false;
		*con_cls = req;
		if (!skh_client_cert_ok(s, c)) {
			req->answered = true;
			return skh_text(c, MHD_HTTP_FORBIDDEN, "client certificate required\n");
		}
		/* Refuse an announced oversized body before reading any of it. */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > s->opt.body_limit) {
			char msg[128];
			req->answered = true;
			s->h.ingest(s->h.user, SKM_SOURCE_HTTP, NULL, 0, msg, 0); /* counts the rejection */
			snprintf(msg, sizeof(msg), "bad request: body larger than %zu bytes\n", s->opt.body_limit);
			return skh_text(c, MHD_HTTP_BAD_REQUEST, msg);
		}
		return MHD_YES;
	}
	if (req->answered) {
		*upload_data_size = 0; /* the answer is out; drop the rest */
		return MHD_YES;
	}
	if (!skh_path_allowed(s, url)) {
		if (*upload_data_size > 0) {
			*upload_data_size = 0; /* MHD takes an answer once the body is in */
			return MHD_YES;
		}
		return skh_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
	}
	if (*upload_data_size > 0) {
		if (req->body.len + *upload_data_size > s->opt.body_limit) {
			req->too_big = true; /* keep reading, answer once the body is in */
		} else {
			sk_strbuf_append(&req->body, upload_data, *upload_data_size);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0) {
		return skh_get(s, c, url);
	}
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
		return skh_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
	}
	if (sk_strbuf_failed(&req->body)) {
		return skh_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory\n");
	}
	if (strcmp(url, "/") == 0) {
		return skh_post_alert(s, c, req);
	}
	if (strcmp(url, "/test") == 0) {
		if (!skh_token_ok(s, c)) {
			return skh_text(c, MHD_HTTP_UNAUTHORIZED, "missing or wrong bearer token\n");
		}
		sk_err e = s->h.test(s->h.user);
		return e == SK_OK ? MHD_queue_response(c, MHD_HTTP_OK, s->ok)
				  : skh_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "cannot queue the test alert\n");
	}
	return skh_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

static void skh_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct skh_request *req = *con_cls;
	/* An idle connection does not hold on to a large body's memory. */
	if (req != NULL && req->body.cap > SKH_KEEP_BODY) {
		sk_strbuf_free(&req->body);
	}
	*con_cls = NULL;
}

static void skh_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			   enum MHD_ConnectionNotificationCode toe)
{
	struct skh_request *req = *socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = calloc(1, sizeof(struct skh_request));
		return;
	}
	if (req != NULL) {
		sk_strbuf_free(&req->body);
		free(req);
		*socket_context = NULL;
	}
}

static sk_err skh_read_file(const char *path, char **out, char *err, size_t errlen)
{
	FILE *f = fopen(path != NULL ? path : "", "rb");
	*out = NULL;
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path != NULL ? path : "(no file configured)",
			 strerror(errno));
		return SK_ENOENT;
	}
	char *buf = malloc(SKH_MAX_TLS_FILE + 1);
	size_t n = buf != NULL ? fread(buf, 1, SKH_MAX_TLS_FILE, f) : 0;
	fclose(f);
	if (buf == NULL) {
		return SK_ENOMEM;
	}
	buf[n] = '\0';
	*out = buf;
	return SK_OK;
}

void skh_stop(skh_server *s)
{
	if (s == NULL) {
		return;
	}
	if (s->daemon != NULL) {
		MHD_stop_daemon(s->daemon);
	}
	if (s->ok != NULL) {
		MHD_destroy_response(s->ok);
	}
	free(s->token);
	free(s->cert);
	free(s->key);
	free(s->ca);
	free(s);
}

uint16_t skh_port(const skh_server *s)
{
	return s->port;
}

sk_err skh_start(const skh_options *opt, const skh_handlers *h, skh_server **out, char *err, size_t errlen)
{
	struct sockaddr_storage addr = {0};
	struct MHD_OptionItem ops[16];
	int nops = 0;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	sk_err e = SK_OK;

	*out = NULL;
	skh_server *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return SK_ENOMEM;
	}
	s->opt = *opt;
	s->h = *h;
	const char *address = opt->address != NULL && opt->address[0] != '\0' ? opt->address : "127.0.0.1";
	bool ipv6 = false;
	if (sk_net_addr(address, opt->port, &addr, &ipv6) == SK_OK) {
		flags |= ipv6 ? MHD_USE_IPv6 : 0;
	} else {
		snprintf(err, errlen, "listenaddress \"%s\" is not an IPv4 or IPv6 address", address);
		e = SK_EINVAL;
		goto cleanup;
	}
	if (opt->bearer_token != NULL && opt->bearer_token[0] != '\0') {
		s->token = strdup(opt->bearer_token);
		if (s->token == NULL) {
			e = SK_ENOMEM;
			goto cleanup;
		}
	}
	s->ok = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (s->ok == NULL || MHD_add_response_header(s->ok, MHD_HTTP_HEADER_CONTENT_TYPE, SKH_TEXT) != MHD_YES) {
		e = SK_ENOMEM;
		goto cleanup;
	}
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &addr};
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, opt->max_connections, NULL};
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL};
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, SKH_CONN_MEMORY, NULL};
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, opt->threads > 0 ? opt->threads : 1, NULL};
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)skh_completed, NULL};
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)skh_connection, NULL};
	if (opt->tls) {
		e = skh_read_file(opt->cert_file, &s->cert, err, errlen);
		if (e == SK_OK) {
			e = skh_read_file(opt->key_file, &s->key, err, errlen);
		}
		if (e == SK_OK && opt->mutual_tls) {
			e = skh_read_file(opt->ca_file, &s->ca, err, errlen);
		}
		if (e != SK_OK) {
			goto cleanup;
		}
		flags |= MHD_USE_TLS;
		ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert};
		ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, s->key};
		if (s->ca != NULL) {
			ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, s->ca};
		}
	}
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, skh_handle, s, MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
	if (s->daemon == NULL) {
		snprintf(err, errlen, "cannot serve HTTP on %s port %u (address in use, or bad TLS files?)", address,
			 (unsigned)opt->port);
		e = SK_EIO;
		goto cleanup;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info != NULL ? info->port : opt->port;
	*out = s;
	return SK_OK;
cleanup:
	skh_stop(s);
	return e;
}

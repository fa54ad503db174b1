#include "http_peer.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct hp_peer {
	struct MHD_Daemon *mhd;
	int port;
	pthread_mutex_t lock;
	int status;
	int delay_ms;
	int require_client_cert;
	char reply_body[4096]; /* "" : "ok" */
	struct {
		char prefix[128];
		int status;
		char body[1024];
	} routes[HP_MAX_ROUTES];
	size_t nroutes;
	size_t nreq;
	size_t nconn;
	hp_request req[HP_MAX_REQUESTS];
};

typedef struct hp_conn {
	hp_request r;
	size_t cap;
	int too_big;
	int started; /* the first call of hp_handle recorded the request */
} hp_conn;

/* libmicrohttpd's first look at a request: the target before unescaping. */
static void *hp_raw_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	hp_conn *c = calloc(1, sizeof(*c));
	(void)cls;
	(void)conn;
	if (c != NULL) {
		snprintf(c->r.raw_url, sizeof(c->r.raw_url), "%s", uri);
	}
	return c;
}

/* Query arguments go back onto the recorded URL: "?k=v&k2=v2". */
static enum MHD_Result hp_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	hp_request *r = cls;
	size_t len = strlen(r->url);
	(void)kind;
	snprintf(r->url + len, sizeof(r->url) - len, "%c%s=%s", strchr(r->url, '?') != NULL ? '&' : '?', key,
		 value != NULL ? value : "");
	return MHD_YES;
}

static enum MHD_Result hp_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	hp_request *r = cls;
	size_t used = strlen(r->headers);

	snprintf(r->headers + used, sizeof(r->headers) - used, "%s: %s\n", key, value != NULL ? value : "");
	return MHD_YES;
}

/* True if the TLS client sent a certificate that verifies against trust. */
static int hp_client_cert_ok(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	unsigned int status = 1, n = 0;
	gnutls_session_t session;

	if (info == NULL) {
		return 0;
	}
	session = (gnutls_session_t)info->tls_session;
	if (gnutls_certificate_get_peers(session, &n) == NULL || n == 0) {
		return 0;
	}
	return gnutls_certificate_verify_peers2(session, &status) == 0 && status == 0;
}

static enum MHD_Result hp_handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				 const char *version, const char *data, size_t *data_size, void **con_cls)
{
	hp_peer *p = cls;
	hp_conn *c = *con_cls;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int status, delay_ms;

	if (c == NULL || !c->started) {
		c = c != NULL ? c : calloc(1, sizeof(*c));
		if (c == NULL) {
			return MHD_NO;
		}
		c->started = 1;
		snprintf(c->r.method, sizeof(c->r.method), "%s", method);
		snprintf(c->r.url, sizeof(c->r.url), "%s", url);
		MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, hp_query_arg, &c->r);
		MHD_get_connection_values(conn, MHD_HEADER_KIND, hp_header, &c->r);
		if (p->require_client_cert) {
			c->r.client_cert_ok = hp_client_cert_ok(conn);
		}
		*con_cls = c;
		return MHD_YES;
	}
	if (*data_size > 0) {
		if (c->r.body_len + *data_size > HP_MAX_BODY) {
			c->too_big = 1;
		} else {
			if (c->r.body_len + *data_size + 1 > c->cap) {
				size_t cap = (c->r.body_len + *data_size + 1) * 2;
				char *grown = realloc(c->r.body, cap);

				if (grown == NULL) {
					return MHD_NO;
				}
				c->r.body = grown;
				c->cap = cap;
			}
			memcpy(c->r.body + c->r.body_len, data, *data_size);
			c->r.body_len += *data_size;
			c->r.body[c->r.body_len] = '\0';
		}
		*data_size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&p->lock);
	status = c->too_big ? 413 : p->status;
	if (p->require_client_cert && !c->r.client_cert_ok) {
		status = 403;
	}
	delay_ms = p->delay_ms;
	char body[sizeof(p->reply_body)];
	snprintf(body, sizeof(body), "%s", p->reply_body[0] != '\0' ? p->reply_body : "ok");
	for (size_t i = 0; i < p->nroutes; i++) {
		if (strncmp(c->r.raw_url, p->routes[i].prefix, strlen(p->routes[i].prefix)) == 0) {
			status = p->routes[i].status;
			snprintf(body, sizeof(body), "%s", p->routes[i].body);
			break;
		}
	}
	if (p->nreq < HP_MAX_REQUESTS) {
		p->req[p->nreq++] = c->r;
		c->r.body = NULL; /* moved */
	}
	pthread_mutex_unlock(&p->lock);
	if (delay_ms > 0) {
		struct timespec ts = {delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L};

		nanosleep(&ts, NULL);
	}
	resp = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL) {
		return MHD_NO;
	}
	ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void hp_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	hp_conn *c = *con_cls;

	if (c != NULL) {
		free(c->r.body);
		free(c);
		*con_cls = NULL;
	}
}

static void hp_notify_conn(void *cls, struct MHD_Connection *conn, void **socket_ctx,
			   enum MHD_ConnectionNotificationCode toe)
{
	hp_peer *p = cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		pthread_mutex_lock(&p->lock);
		p->nconn++;
		pthread_mutex_unlock(&p->lock);
	}
}

static sk_err hp_start_any(hp_peer **out, int status, int delay_ms, const char *cert_pem, const char *key_pem,
			   const char *trust_pem)
{
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	hp_peer *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (p == NULL) {
		return SK_ENOMEM;
	}
	pthread_mutex_init(&p->lock, NULL);
	p->status = status;
	p->delay_ms = delay_ms;
	p->require_client_cert = trust_pem != NULL;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (cert_pem == NULL) {
		p->mhd = MHD_start_daemon(flags, 0, NULL, NULL, hp_handle, p, MHD_OPTION_SOCK_ADDR,
					  (struct sockaddr *)&sin, MHD_OPTION_NOTIFY_COMPLETED, hp_completed, p,
					  MHD_OPTION_NOTIFY_CONNECTION, hp_notify_conn, p,
					  MHD_OPTION_URI_LOG_CALLBACK, hp_raw_uri, p, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
					  MHD_OPTION_END);
	} else {
		/* Options after the first MHD_OPTION_END are ignored, so an
		 * absent trust CA simply ends the list early. */
		p->mhd = MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, hp_handle, p, MHD_OPTION_SOCK_ADDR,
					  (struct sockaddr *)&sin, MHD_OPTION_NOTIFY_COMPLETED, hp_completed, p,
					  MHD_OPTION_NOTIFY_CONNECTION, hp_notify_conn, p,
					  MHD_OPTION_URI_LOG_CALLBACK, hp_raw_uri, p,
					  MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
					  MHD_OPTION_HTTPS_MEM_KEY, key_pem,
					  trust_pem != NULL ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, trust_pem,
					  MHD_OPTION_END);
	}
	if (p->mhd == NULL) {
		hp_stop(p);
		return SK_EIO;
	}
	info = MHD_get_daemon_info(p->mhd, MHD_DAEMON_INFO_BIND_PORT);
	p->port = info != NULL ? info->port : 0;
	*out = p;
	return SK_OK;
}

sk_err hp_start(hp_peer **out, int status, int delay_ms)
{
	return hp_start_any(out, status, delay_ms, NULL, NULL, NULL);
}

sk_err hp_start_tls(hp_peer **out, int status, const char *cert_pem, const char *key_pem, const char *trust_pem)
{
	return hp_start_any(out, status, 0, cert_pem, key_pem, trust_pem);
}

hp_peer *hp_start_url(int status, int delay_ms, const char *path, char *url, size_t urlsize)
{
	hp_peer *p = NULL;

	if (hp_start(&p, status, delay_ms) != SK_OK) {
		fprintf(stderr, "http_peer: cannot start a receiver on 127.0.0.1\n");
		return NULL;
	}
	snprintf(url, urlsize, "http://127.0.0.1:%d%s", p->port, path);
	return p;
}

int hp_port(const hp_peer *p)
{
	return p->port;
}

void hp_set_reply(hp_peer *p, int status, int delay_ms)
{
	pthread_mutex_lock(&p->lock);
	p->status = status;
	p->delay_ms = delay_ms;
	pthread_mutex_unlock(&p->lock);
}

void hp_set_reply_body(hp_peer *p, const char *body)
{
	pthread_mutex_lock(&p->lock);
	snprintf(p->reply_body, sizeof(p->reply_body), "%s", body != NULL ? body : "");
	pthread_mutex_unlock(&p->lock);
}

void hp_route(hp_peer *p, const char *prefix, int status, const char *body)
{
	pthread_mutex_lock(&p->lock);
	if (p->nroutes < HP_MAX_ROUTES) {
		snprintf(p->routes[p->nroutes].prefix, sizeof(p->routes[0].prefix), "%s", prefix);
		snprintf(p->routes[p->nroutes].body, sizeof(p->routes[0].body), "%s", body);
		p->routes[p->nroutes++].status = status;
	}
	pthread_mutex_unlock(&p->lock);
}

static size_t hp_read_locked(hp_peer *p, const size_t *counter)
{
	size_t n;

	pthread_mutex_lock(&p->lock);
	n = *counter;
	pthread_mutex_unlock(&p->lock);
	return n;
}

size_t hp_count(hp_peer *p)
{
	return hp_read_locked(p, &p->nreq);
}

size_t hp_connections(hp_peer *p)
{
	return hp_read_locked(p, &p->nconn);
}

const hp_request *hp_get(hp_peer *p, size_t i)
{
	return i < hp_count(p) ? &p->req[i] : NULL;
}

void hp_stop(hp_peer *p)
{
	if (p == NULL) {
		return;
	}
	if (p->mhd != NULL) {
		MHD_stop_daemon(p->mhd);
	}
	for (size_t i = 0; i < p->nreq; i++) {
		free(p->req[i].body);
	}
	pthread_mutex_destroy(&p->lock);
	free(p);
}

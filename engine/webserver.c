/* webserver.c: libmicrohttpd behind saker-engine's /healthz, /versions and
 * /metrics (see webserver.h). */
#include "webserver.h"

#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ruleset.h" /* SK_RULES_ENGINE_VERSION */
#include "sk_net.h"

#define WEB_MAX_CONNECTIONS 64
#define WEB_CONNECTION_TIMEOUT_S 10
#define WEB_CONNECTION_MEMORY (32u * 1024u)
#define WEB_PEM_MAX (1u << 20)
#define JSON_TYPE "application/json"
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct sk_web {
	struct MHD_Daemon *daemon;
	char *healthz_path;
	bool metrics;
	uint64_t stall_ns;
	_Atomic uint64_t last_beat_ns; /* CLOCK_MONOTONIC */
	pthread_mutex_t lock;	       /* guards page */
	char *page;
	size_t page_len;
	char *pem; /* the TLS certificate and key, kept while MHD runs */
	uint16_t port;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Queues a response with a copy of body. */
static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type, const char *body,
			     size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL) {
		return MHD_NO;
	}
	enum MHD_Result ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (ok == MHD_YES) {
		ok = MHD_queue_response(conn, status, r);
	}
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned status, const char *type, const char *body)
{
	return reply(conn, status, type, body, strlen(body));
}

static enum MHD_Result serve_metrics(sk_web *w, struct MHD_Connection *conn)
{
	pthread_mutex_lock(&w->lock);
	enum MHD_Result ok = w->page != NULL ? reply(conn, MHD_HTTP_OK, METRICS_TYPE, w->page, w->page_len)
					     : reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE, METRICS_TYPE,
							  "# no metrics yet\n");
	pthread_mutex_unlock(&w->lock);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **state)
{
	sk_web *w = cls;
	(void)version;
	(void)upload;
	if (*state == NULL) {
		*state = w; /* the first call only announces the headers */
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0; /* a GET with a body: the body is ignored */
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, JSON_TYPE, "{\"error\": \"method not allowed\"}");
	}
	if (strcmp(url, w->healthz_path) == 0) {
		uint64_t gap = mono_ns() - atomic_load(&w->last_beat_ns);
		return gap <= w->stall_ns ? reply_text(conn, MHD_HTTP_OK, JSON_TYPE, "{\"status\": \"ok\"}")
					  : reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE, JSON_TYPE,
						       "{\"status\": \"stalled\"}");
	}
	if (strcmp(url, "/versions") == 0) {
		return reply_text(conn, MHD_HTTP_OK, JSON_TYPE,
				  "{\"engine_version\": \"" SK_RULES_ENGINE_VERSION "\", \"saker_version\": \"" SAKER_VERSION
				  "\"}");
	}
	if (w->metrics && strcmp(url, "/metrics") == 0) {
		return serve_metrics(w, conn);
	}
	return reply_text(conn, MHD_HTTP_NOT_FOUND, JSON_TYPE, "{\"error\": \"not found\"}");
}

/* Reads the PEM at path into *out (NUL-terminated, as libmicrohttpd wants
 * it) and checks that it holds a certificate and a private key. */
static sk_err read_pem(const char *path, char **out, char *why, size_t why_len)
{
	sk_strbuf pem = SK_STRBUF_INIT;
	sk_err err = sk_strbuf_read_file(&pem, path, WEB_PEM_MAX);

	*out = NULL;
	if (err == SK_ERANGE) {
		snprintf(why, why_len, "webserver.ssl_certificate %s: larger than 1 MiB", path);
	} else if (err != SK_OK) {
		snprintf(why, why_len, "webserver.ssl_certificate %s: %s", path,
			 err == SK_ENOMEM ? "no memory" : strerror(errno));
	} else if (strstr(sk_strbuf_str(&pem), "-----BEGIN CERTIFICATE-----") == NULL ||
		   strstr(sk_strbuf_str(&pem), "PRIVATE KEY-----") == NULL) {
		snprintf(why, why_len,
			 "webserver.ssl_certificate %s: needs the certificate and its private key in one PEM file "
			 "(cat cert.pem key.pem)",
			 path);
		err = SK_EINVAL;
	} else {
		*out = pem.data; /* NUL-terminated, malloc'ed: now the caller's */
		pem.data = NULL;
	}
	sk_strbuf_free(&pem);
	return err;
}

sk_err sk_web_start(const sk_web_config *cfg, sk_web **out, char *why, size_t why_len)
{
	struct sockaddr_storage addr;
	bool ipv6 = false;
	/* no MHD_USE_ERROR_LOG: its bind message names port 0 (the address
	 * goes in MHD_OPTION_SOCK_ADDR); why says what failed instead */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	sk_err err = SK_OK;

	*out = NULL;
	if (cfg->healthz_path == NULL || cfg->healthz_path[0] != '/') {
		snprintf(why, why_len, "webserver.k8s_healthz_endpoint '%s' must start with /",
			 cfg->healthz_path != NULL ? cfg->healthz_path : "");
		return SK_EINVAL;
	}
	if (sk_net_addr(cfg->address, cfg->port, &addr, &ipv6) != SK_OK) {
		snprintf(why, why_len, "webserver.listen_address '%s' is not an IPv4 or IPv6 address",
			 cfg->address != NULL ? cfg->address : "");
		return SK_EINVAL;
	}
	if (ipv6) {
		flags |= MHD_USE_IPv6;
	}
	sk_web *w = calloc(1, sizeof(*w));
	if (w == NULL) {
		return SK_ENOMEM;
	}
	pthread_mutex_init(&w->lock, NULL);
	w->metrics = cfg->metrics;
	w->stall_ns = (uint64_t)cfg->stall_ms * 1000000ull;
	atomic_store(&w->last_beat_ns, mono_ns());
	w->healthz_path = strdup(cfg->healthz_path);
	if (w->healthz_path == NULL) {
		err = SK_ENOMEM;
		goto cleanup;
	}
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = cfg->threads > 0 ? cfg->threads : ncpus > 0 ? (unsigned)ncpus : 1;
	struct MHD_OptionItem ops[10];
	size_t nops = 0;
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &addr};
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, WEB_MAX_CONNECTIONS, NULL};
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, WEB_CONNECTION_TIMEOUT_S, NULL};
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, WEB_CONNECTION_MEMORY, NULL};
	if (cfg->tls_pem != NULL) {
		err = read_pem(cfg->tls_pem, &w->pem, why, why_len);
		if (err != SK_OK) {
			goto cleanup;
		}
		/* one buffer for both: each PEM reader takes its own block */
		flags |= MHD_USE_TLS;
		ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, w->pem};
		ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, w->pem};
	}
	ops[nops++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	w->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, w, MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
	if (w->daemon == NULL) {
		snprintf(why, why_len, "webserver: cannot listen on %s port %u (in use? webserver.listen_port%s)",
			 cfg->address, (unsigned)cfg->port,
			 cfg->tls_pem != NULL ? "; or the certificate and key do not load" : "");
		err = SK_EIO;
		goto cleanup;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(w->daemon, MHD_DAEMON_INFO_BIND_PORT);
	w->port = info != NULL ? info->port : cfg->port;
	*out = w;
	return SK_OK;
cleanup:
	sk_web_stop(w);
	return err;
}

uint16_t sk_web_port(const sk_web *w)
{
	return w->port;
}

sk_err sk_web_set_metrics(sk_web *w, const char *text, size_t len)
{
	char *copy = malloc(len + 1);
	if (copy == NULL) {
		return SK_ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	pthread_mutex_lock(&w->lock);
	char *old = w->page;
	w->page = copy;
	w->page_len = len;
	pthread_mutex_unlock(&w->lock);
	free(old);
	return SK_OK;
}

void sk_web_beat(sk_web *w)
{
	atomic_store(&w->last_beat_ns, mono_ns());
}

void sk_web_stop(sk_web *w)
{
	if (w == NULL) {
		return;
	}
	if (w->daemon != NULL) {
		MHD_stop_daemon(w->daemon);
	}
	pthread_mutex_destroy(&w->lock);
	free(w->page);
	free(w->pem);
	free(w->healthz_path);
	free(w);
}

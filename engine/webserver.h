/* webserver: saker-engine's HTTP endpoint, falco.yaml's `webserver`
 * section: GET <k8s_healthz_endpoint> (default /healthz) for the kubelet's
 * probes, GET /versions, and GET /metrics (Prometheus, metrics.h) when
 * metrics.enabled and webserver.prometheus_metrics_enabled are both on, as
 * in Falco. libmicrohttpd serves it from threads of its own; the event loop
 * only hands over a finished /metrics page and beats a heartbeat.
 *
 * /healthz says {"status": "ok"} while the event loop beats, and
 * {"status": "stalled"} with 503 once it has not for stall_ms: a wedged
 * engine then fails its liveness probe and is restarted, where a server
 * that answers from its own thread would look healthy forever. */
#ifndef SK_ENGINE_WEBSERVER_H
#define SK_ENGINE_WEBSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

typedef struct sk_web_config {
	const char *address;	  /* numeric IPv4 or IPv6 */
	uint16_t port;		  /* 0: any free port (tests) */
	const char *healthz_path; /* must start with '/' */
	unsigned threads;	  /* 0: one per online CPU, as Falco's threadiness 0 */
	bool metrics;		  /* serve /metrics */
	uint32_t stall_ms;	  /* heartbeat gap that makes /healthz fail */
	/* HTTPS: one PEM file holding the certificate (chain) and its private
	 * key, as falco.yaml's webserver.ssl_certificate; NULL: plain HTTP */
	const char *tls_pem;
} sk_web_config;

typedef struct sk_web sk_web;

/* Starts serving. On failure *out stays NULL and why says what (address,
 * port in use, a PEM file that is unreadable, over 1 MiB, or lacks the
 * certificate or the key). */
sk_err sk_web_start(const sk_web_config *cfg, sk_web **out, char *why, size_t why_len);

/* The port served (the chosen one when cfg->port was 0). */
uint16_t sk_web_port(const sk_web *w);

/* Replaces the /metrics page with a copy of text (len bytes). SK_ENOMEM
 * keeps the previous page. */
sk_err sk_web_set_metrics(sk_web *w, const char *text, size_t len);

/* The event loop is alive (call at least every stall_ms / 2). */
void sk_web_beat(sk_web *w);

/* Stops the threads and frees w. NULL is allowed. */
void sk_web_stop(sk_web *w);

#endif

/* otlp.traces / otlp.logs / otlp.metrics: OTLP over HTTP with JSON or
 * protobuf, or over gRPC (otlp.h), one .so each (OTLP_TRACES, OTLP_LOGS,
 * OTLP_METRICS). Keys, as Falcosidekick's: endpoint (enabling; for OTLP/HTTP
 * "/v1/traces", "/v1/logs" or "/v1/metrics" is added when it has no path,
 * for grpc the path is the service's method), protocol (http/json,
 * http/protobuf or grpc; "" is http/json for traces and logs, grpc for
 * metrics, Falcosidekick's defaults), headers ("k=v,k2=v2"), timeout (ms),
 * duration (ms, traces), extraattributes (metrics), tls (the scheme of an
 * endpoint without one), checkcert, and the OpenTelemetry variables
 * OTEL_EXPORTER_OTLP[_TRACES|_LOGS|_METRICS]_HEADERS, _TIMEOUT,
 * _COMPRESSION and _PROTOCOL, OTEL_SERVICE_NAME and (metrics) OTEL_METRIC_EXPORT_INTERVAL,
 * from extraenvvars, then the environment; extraenvvars'
 * OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT replaces the endpoint key. Batches of up to 100 alerts go
 * in one request; metrics also go out every export interval from the
 * sidekick's tick. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "otlp.h"
#include "saker/output_plugin.h"
#include "spl_http.h"
#include "spl_util.h"

#if defined(OTLP_TRACES)
#define OTLP_NAME "otlp.traces"
#define OTLP_SIGNAL "TRACES"
#define OTLP_PATH "/v1/traces"
#define OTLP_GRPC_PATH "/opentelemetry.proto.collector.trace.v1.TraceService/Export"
#define OTLP_DEFAULT_PROTOCOL "http/json"
#define OTLP_SIGNAL_ID OTLP_SIGNAL_TRACES
#define OTLP_UNITS "spans"
#define OTLP_DESCRIPTION "OpenTelemetry traces (OTLP/HTTP or gRPC), one span per Falco alert"
#elif defined(OTLP_LOGS)
#define OTLP_NAME "otlp.logs"
#define OTLP_SIGNAL "LOGS"
#define OTLP_PATH "/v1/logs"
#define OTLP_GRPC_PATH "/opentelemetry.proto.collector.logs.v1.LogsService/Export"
#define OTLP_DEFAULT_PROTOCOL "http/json"
#define OTLP_SIGNAL_ID OTLP_SIGNAL_LOGS
#define OTLP_UNITS "log records"
#define OTLP_DESCRIPTION "OpenTelemetry logs (OTLP/HTTP or gRPC), one record per Falco alert"
#elif defined(OTLP_METRICS)
#define OTLP_NAME "otlp.metrics"
#define OTLP_SIGNAL "METRICS"
#define OTLP_PATH "/v1/metrics"
#define OTLP_GRPC_PATH "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export"
#define OTLP_DEFAULT_PROTOCOL "grpc"
#define OTLP_SIGNAL_ID OTLP_SIGNAL_METRICS
#define OTLP_UNITS "data points"
#define OTLP_DESCRIPTION "OpenTelemetry metrics (OTLP/HTTP or gRPC), a cumulative count of Falco alerts by rule"
#else
#error "define OTLP_TRACES, OTLP_LOGS or OTLP_METRICS"
#endif

/* attribute sets counted apart; more share one overflow series */
#define OTLP_MAX_SERIES 2000

#define OTLP_MAX_BATCH 100

typedef enum otlp_protocol { OTLP_HTTP_JSON, OTLP_HTTP_PROTOBUF, OTLP_GRPC } otlp_protocol;

typedef struct otlp_out {
	const saker_plugin_host *host; /* valid until otlp_close() */
	spl_http *http;
	otlp_protocol protocol;
	otlp_config cfg;
	char *service_name;
	sk_strbuf body;
	sk_strbuf wire;	       /* the body in protobuf (http/protobuf, grpc) */
	otlp_counter *counter; /* otlp.metrics */
} otlp_out;

/* extraenvvars entries, which override the environment (Falcosidekick
 * sets them as variables) */
typedef struct otlp_env {
	char headers[2048];
	char signal_headers[2048];
	char service[256];
	char interval[32]; /* OTEL_METRIC_EXPORT_INTERVAL */
	char timeout[32], signal_timeout[32];
	char compression[32], signal_compression[32];
	char protocol[32], signal_protocol[32];
	char signal_endpoint[1024];
} otlp_env;

static void otlp_extra_env(void *user, const char *key, const char *value)
{
	otlp_env *e = user;
	if (strcmp(key, "OTEL_EXPORTER_OTLP_HEADERS") == 0) {
		snprintf(e->headers, sizeof(e->headers), "%s", value);
	} else if (strcmp(key, "OTEL_EXPORTER_OTLP_" OTLP_SIGNAL "_HEADERS") == 0) {
		snprintf(e->signal_headers, sizeof(e->signal_headers), "%s", value);
	} else if (strcmp(key, "OTEL_SERVICE_NAME") == 0) {
		snprintf(e->service, sizeof(e->service), "%s", value);
	} else if (strcmp(key, "OTEL_METRIC_EXPORT_INTERVAL") == 0) {
		snprintf(e->interval, sizeof(e->interval), "%s", value);
	} else if (strcmp(key, "OTEL_EXPORTER_OTLP_TIMEOUT") == 0) {
		snprintf(e->timeout, sizeof(e->timeout), "%s", value);
	} else if (strcmp(key, "OTEL_EXPORTER_OTLP_" OTLP_SIGNAL "_TIMEOUT") == 0) {
		snprintf(e->signal_timeout, sizeof(e->signal_timeout), "%s", value);
	} else if (strcmp(key, "OTEL_EXPORTER_OTLP_COMPRESSION") == 0) {
		snprintf(e->compression, sizeof(e->compression), "%s", value);
	} else if (strcmp(key, "OTEL_EXPORTER_OTLP_" OTLP_SIGNAL "_COMPRESSION") == 0) {
		snprintf(e->signal_compression, sizeof(e->signal_compression), "%s", value);
	} else if (strcmp(key, "OTEL_EXPORTER_OTLP_PROTOCOL") == 0) {
		snprintf(e->protocol, sizeof(e->protocol), "%s", value);
	} else if (strcmp(key, "OTEL_EXPORTER_OTLP_" OTLP_SIGNAL "_PROTOCOL") == 0) {
		snprintf(e->signal_protocol, sizeof(e->signal_protocol), "%s", value);
	} else if (strcmp(key, "OTEL_EXPORTER_OTLP_" OTLP_SIGNAL "_ENDPOINT") == 0) {
		snprintf(e->signal_endpoint, sizeof(e->signal_endpoint), "%s", value);
	}
}

static const char *otlp_getenv(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* Adds each "k=v" of a comma-separated list as a header. */
static bool otlp_headers(spl_http *http, const char *list, char *err, size_t errlen)
{
	char copy[2048], *save = NULL;
	snprintf(copy, sizeof(copy), "%s", list);
	for (char *item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		while (*item == ' ') {
			item++;
		}
		if (eq == NULL || eq == item) {
			snprintf(err, errlen, "headers '%s': want key=value pairs separated by commas", list);
			return false;
		}
		*eq = '\0';
		if (spl_http_add_header(http, item, eq + 1) != SK_OK) {
			snprintf(err, errlen, "headers: '%s' is not a header", item);
			return false;
		}
	}
	return true;
}

#if defined(OTLP_METRICS)
/* The counter, with the customfields keys (those that cannot be attribute
 * names skipped with a warning, as Falcosidekick does: other outputs may
 * use them) and the extraattributes fields (refused when not names). */
static bool otlp_make_counter(const saker_plugin_host *host, otlp_out *o, char *err, size_t errlen)
{
	spl_strlist custom = {0}, extra = {0};
	const char *rejected = NULL;
	struct timespec now;
	bool ok = false;

	if (spl_strlist_keys_from_config(host, "customfields", &custom) != SK_OK ||
	    spl_strlist_from_config(host, "extraattributes", &extra) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	size_t kept = 0;
	for (size_t i = 0; i < custom.n; i++) {
		if (otlp_attr_name_ok(custom.items[i])) {
			custom.items[kept++] = custom.items[i];
			continue;
		}
		host->log(host->ctx, SAKER_LOG_WARNING,
			  "customfields '%s' is not a valid attribute name: not an attribute of the metric",
			  custom.items[i]);
		free(custom.items[i]);
	}
	custom.n = kept;
	clock_gettime(CLOCK_REALTIME, &now);
	sk_err e = otlp_counter_new(custom.items, custom.n, extra.items, extra.n, OTLP_MAX_SERIES,
				    (int64_t)now.tv_sec * 1000000000 + now.tv_nsec, &o->counter, &rejected);
	if (e == SK_EINVAL) {
		snprintf(err, errlen, "extraattributes '%s': not a valid attribute name once its dots are underscores "
			 "(want letters, digits, '_' and ':', not starting with a digit)", rejected);
	} else if (e != SK_OK) {
		snprintf(err, errlen, "out of memory");
	} else {
		ok = true;
	}
cleanup:
	spl_strlist_free(&custom);
	spl_strlist_free(&extra);
	return ok;
}
#endif

/* An exporter variable as the OpenTelemetry SDKs under Falcosidekick see
 * it: extraenvvars' per-signal value, then the config key (NULL or "" when
 * unset; Falcosidekick sets the per-signal variable from it), then the
 * environment's per-signal variable, extraenvvars' generic value, the
 * environment's generic variable. Any of the names and values may be NULL.
 * NULL when none is set. */
static const char *otlp_variable(const char *extra_signal, const char *key, const char *signal_name,
				 const char *extra_generic, const char *generic_name)
{
	const char *order[] = {extra_signal, key, signal_name != NULL ? otlp_getenv(signal_name) : NULL, extra_generic,
			       generic_name != NULL ? otlp_getenv(generic_name) : NULL};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (order[i] != NULL && order[i][0] != '\0') {
			return order[i];
		}
	}
	return NULL;
}

/* text as a whole number of milliseconds from 1 to max. */
static bool otlp_ms(const char *text, long long max, long long *ms)
{
	char *end = NULL;
	*ms = strtoll(text, &end, 10);
	return end != text && *end == '\0' && *ms >= 1 && *ms <= max;
}

#if defined(OTLP_METRICS)
/* The export interval, as the SDKs take it: OTEL_METRIC_EXPORT_INTERVAL in
 * ms (from extraenvvars, else the environment), a minute by default. */
static bool otlp_interval(otlp_out *o, const char *from_config, char *err, size_t errlen)
{
	const char *text = otlp_variable(from_config, NULL, "OTEL_METRIC_EXPORT_INTERVAL", NULL, NULL);
	long long ms = 0;
	if (text == NULL) {
		return true;
	}
	if (!otlp_ms(text, 86400000, &ms)) {
		snprintf(err, errlen, "OTEL_METRIC_EXPORT_INTERVAL '%s': want milliseconds, 1 to 86400000", text);
		return false;
	}
	otlp_counter_set_interval(o->counter, ms * 1000000);
	return true;
}
#endif

/* The exporters' timeout and compression variables, in otlp_variable's
 * order. */
static bool otlp_env_settings(const saker_plugin_host *host, otlp_out *o, const otlp_env *env, char *err,
			      size_t errlen)
{
	const char *key = host->config_string(host->ctx, "timeout", NULL);
	const char *timeout = otlp_variable(env->signal_timeout, key, "OTEL_EXPORTER_OTLP_" OTLP_SIGNAL "_TIMEOUT",
					    env->timeout, "OTEL_EXPORTER_OTLP_TIMEOUT");
	long long ms = 0;
	/* the key itself spl_http_new applied already */
	if (timeout != NULL && timeout != key &&
	    (!otlp_ms(timeout, 600000, &ms) || spl_http_set_timeout(o->http, ms) != SK_OK)) {
		snprintf(err, errlen, "OTLP timeout '%s': want milliseconds, 1 to 600000", timeout);
		return false;
	}
	const char *compression = otlp_variable(env->signal_compression, NULL,
						"OTEL_EXPORTER_OTLP_" OTLP_SIGNAL "_COMPRESSION", env->compression,
						"OTEL_EXPORTER_OTLP_COMPRESSION");
	if (compression != NULL && strcmp(compression, "gzip") == 0) {
		if (spl_http_set_gzip(o->http, true) != SK_OK) {
			snprintf(err, errlen, "out of memory");
			return false;
		}
	} else if (compression != NULL && strcmp(compression, "none") != 0) {
		snprintf(err, errlen, "OTLP compression '%s': want gzip or none", compression);
		return false;
	}
	return true;
}

/* 4317 is OTLP/gRPC's port and 4318 OTLP/HTTP's: an endpoint on the other
 * protocol's port (a migrated config that kept Falcosidekick's default
 * protocol for metrics, grpc, or left it out for traces) is named at start
 * rather than only failing each request. */
static void otlp_warn_port(const saker_plugin_host *host, const char *url, otlp_protocol protocol)
{
	CURLU *u = curl_url();
	char *port = NULL;
	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
		if (protocol != OTLP_GRPC && strcmp(port, "4317") == 0) {
			host->log(host->ctx, SAKER_LOG_WARNING,
				  "endpoint %s: port 4317 is OTLP/gRPC's; protocol is %s (set protocol: grpc for a "
				  "gRPC receiver)",
				  url, protocol == OTLP_HTTP_JSON ? "http/json" : "http/protobuf");
		} else if (protocol == OTLP_GRPC && strcmp(port, "4318") == 0) {
			host->log(host->ctx, SAKER_LOG_WARNING,
				  "endpoint %s: port 4318 is OTLP/HTTP's; protocol is grpc (set protocol: http/protobuf "
				  "or http/json for an HTTP receiver)",
				  url);
		}
	}
	curl_free(port);
	curl_url_cleanup(u);
}

/* protocol's value, "" meaning this signal's Falcosidekick default. */
static bool otlp_parse_protocol(const char *protocol, otlp_protocol *out)
{
	const char *p = protocol[0] != '\0' ? protocol : OTLP_DEFAULT_PROTOCOL;
	if (strcmp(p, "http/json") == 0) {
		*out = OTLP_HTTP_JSON;
	} else if (strcmp(p, "http/protobuf") == 0) {
		*out = OTLP_HTTP_PROTOBUF;
	} else if (strcmp(p, "grpc") == 0) {
		*out = OTLP_GRPC;
	} else {
		return false;
	}
	return true;
}

/* The request URL: for gRPC the endpoint's scheme and authority with the
 * service's method as path (gRPC clients ignore an endpoint's path); for
 * OTLP/HTTP the endpoint as the exporters' per-signal variable takes it,
 * a URL without a path getting the signal's. An endpoint without a scheme
 * ("collector:4317", as gRPC configs often have it) is https:// when tls
 * (Falcosidekick's key) says so, else http://. */
static void otlp_request_url(sk_strbuf *url, const char *endpoint, otlp_protocol protocol, bool tls)
{
	sk_strbuf with_scheme = SK_STRBUF_INIT;
	if (endpoint[0] != '\0' && strstr(endpoint, "://") == NULL) {
		sk_strbuf_printf(&with_scheme, "%s://%s", tls ? "https" : "http", endpoint);
		endpoint = sk_strbuf_str(&with_scheme);
	}
	const char *scheme_end = strstr(endpoint, "://");
	const char *path = scheme_end != NULL ? strchr(scheme_end + 3, '/') : NULL;
	if (scheme_end == NULL) {
		sk_strbuf_puts(url, endpoint); /* refused by spl_http_new with the reason */
	} else if (protocol == OTLP_GRPC) {
		size_t authority_end = strcspn(scheme_end + 3, "/?#");
		sk_strbuf_append(url, endpoint, (size_t)(scheme_end + 3 - endpoint) + authority_end);
		sk_strbuf_puts(url, OTLP_GRPC_PATH);
	} else if (path == NULL || strcmp(path, "/") == 0) {
		sk_strbuf_append(url, endpoint, path != NULL ? (size_t)(path - endpoint) : strlen(endpoint));
		sk_strbuf_puts(url, OTLP_PATH);
	} else {
		sk_strbuf_puts(url, endpoint);
	}
	if (sk_strbuf_failed(&with_scheme)) {
		url->failed = true;
	}
	sk_strbuf_free(&with_scheme);
}

static void otlp_close(void *state)
{
	otlp_out *o = state;
	if (o == NULL) {
		return;
	}
	spl_http_free(o->http);
	otlp_counter_free(o->counter);
	free(o->service_name);
	sk_strbuf_free(&o->body);
	sk_strbuf_free(&o->wire);
	free(o);
}

static bool otlp_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	otlp_out *o = calloc(1, sizeof(*o));
	otlp_env env = {0};
	sk_strbuf url = SK_STRBUF_INIT;
	const char *endpoint = host->config_string(host->ctx, "endpoint", "");
	const char *protocol = host->config_string(host->ctx, "protocol", "");
	bool ok = false;

	if (o == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	o->host = host;
	host->config_map(host->ctx, "extraenvvars", otlp_extra_env, &env);
	/* the protocol key is the per-signal variable under Falcosidekick:
	 * extraenvvars' per-signal one beats it, and it beats the generic ones */
	protocol = otlp_variable(env.signal_protocol, protocol, "OTEL_EXPORTER_OTLP_" OTLP_SIGNAL "_PROTOCOL",
				 env.protocol, "OTEL_EXPORTER_OTLP_PROTOCOL");
	if (protocol == NULL) {
		protocol = "";
	}
	/* the endpoint key is the per-signal variable too (and, set, it beats
	 * every other but extraenvvars' per-signal one) */
	endpoint = otlp_variable(env.signal_endpoint, endpoint, NULL, NULL, NULL);
	if (endpoint == NULL) {
		endpoint = "";
	}
	if (!otlp_parse_protocol(protocol, &o->protocol)) {
		snprintf(err, errlen, "protocol '%s': want http/json, http/protobuf or grpc", protocol);
		goto cleanup;
	}
	otlp_request_url(&url, endpoint, o->protocol, host->config_bool(host->ctx, "tls", false));
	if (sk_strbuf_failed(&url) || spl_http_new(host, sk_strbuf_str(&url), &o->http, err, errlen) != SK_OK) {
		if (sk_strbuf_failed(&url)) {
			snprintf(err, errlen, "out of memory");
		}
		goto cleanup;
	}
	otlp_warn_port(host, sk_strbuf_str(&url), o->protocol);
	sk_err set = SK_OK;
	if (o->protocol == OTLP_GRPC) {
		set = spl_http_set_grpc(o->http);
	} else if (o->protocol == OTLP_HTTP_PROTOBUF) {
		set = spl_http_add_header(o->http, "Content-Type", "application/x-protobuf");
	}
	if (set != SK_OK) {
		snprintf(err, errlen, "cannot set up %s requests", protocol[0] != '\0' ? protocol : OTLP_DEFAULT_PROTOCOL);
		goto cleanup;
	}
	spl_http_keep_answer(o->http); /* for a partial success */
	if (!otlp_env_settings(host, o, &env, err, errlen)) {
		goto cleanup;
	}
	const char *lists[] = {env.headers[0] != '\0' ? env.headers : otlp_getenv("OTEL_EXPORTER_OTLP_HEADERS"),
			       env.signal_headers[0] != '\0' ? env.signal_headers
							     : otlp_getenv("OTEL_EXPORTER_OTLP_" OTLP_SIGNAL "_HEADERS"),
			       host->config_string(host->ctx, "headers", "")};
	for (size_t i = 0; i < 3; i++) {
		if (lists[i] != NULL && lists[i][0] != '\0' && !otlp_headers(o->http, lists[i], err, errlen)) {
			goto cleanup;
		}
	}
	const char *service = otlp_variable(env.service, NULL, "OTEL_SERVICE_NAME", NULL, NULL);
	o->service_name = strdup(service != NULL ? service : "falco");
	if (o->service_name == NULL) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	o->cfg.service_name = o->service_name;
	o->cfg.service_version = SAKER_VERSION;
	o->cfg.duration_ms = host->config_int(host->ctx, "duration", 1000);
	if (o->cfg.duration_ms < 0 || o->cfg.duration_ms > 86400000) {
		snprintf(err, errlen, "duration %lld: want 0..86400000 ms", (long long)o->cfg.duration_ms);
		goto cleanup;
	}
#if defined(OTLP_METRICS)
	if (!otlp_make_counter(host, o, err, errlen) || !otlp_interval(o, env.interval, err, errlen)) {
		goto cleanup;
	}
#endif
	*state = o;
	o = NULL;
	ok = true;
cleanup:
	sk_strbuf_free(&url);
	otlp_close(o);
	return ok;
}

/* A collector that took the request but refused part of it says so in
 * the answer's partial success (JSON or protobuf, as the request): logged,
 * as the OpenTelemetry SDKs do (the rest was delivered; a retry would
 * duplicate it). */
static void otlp_partial_success(otlp_out *o)
{
	const uint8_t *answer = (const uint8_t *)spl_http_last_answer(o->http);
	size_t len = spl_http_last_answer_len(o->http);
	int64_t rejected = 0;
	char why[256];
	bool ok = false;

	if (o->protocol == OTLP_HTTP_JSON) {
		ok = otlp_json_rejected((const char *)answer, len, &rejected, why, sizeof(why)) == SK_OK;
	} else if (o->protocol == OTLP_GRPC && !spl_grpc_message(answer, len, &answer, &len)) {
		return; /* not one whole uncompressed message */
	}
	if (o->protocol != OTLP_HTTP_JSON) {
		ok = otlp_pb_rejected(answer, len, &rejected, why, sizeof(why)) == SK_OK;
	}
	if (ok && rejected > 0) {
		o->host->log(o->host->ctx, SAKER_LOG_WARNING, "the collector refused %lld %s of a request: %s",
			     (long long)rejected, OTLP_UNITS, why[0] != '\0' ? why : "(no reason given)");
	}
}

/* Builds and sends the request for n alerts (none: otlp.metrics' periodic
 * export). */
static saker_send_result otlp_send_request(otlp_out *o, const saker_alert *const *alerts, size_t n, char *err,
					   size_t errlen)
{
	bool json = o->protocol == OTLP_HTTP_JSON, grpc = o->protocol == OTLP_GRPC;
	sk_strbuf *wire = json ? &o->body : &o->wire;
#if defined(OTLP_TRACES)
	sk_err built = json ? otlp_traces_body(wire, &o->cfg, alerts, n) : otlp_traces_pb(wire, &o->cfg, alerts, n, grpc);
#else
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
#if defined(OTLP_LOGS)
	sk_err built = json ? otlp_logs_body(wire, &o->cfg, alerts, n, now_ns)
			    : otlp_logs_pb(wire, &o->cfg, alerts, n, now_ns, grpc);
#else
	/* the series keep their attributes as OTLP/JSON: re-encoded */
	sk_err built = otlp_metrics_body(&o->body, &o->cfg, o->counter, alerts, n, now_ns);
	if (built == SK_OK && !json) {
		built = otlp_pb_from_json(OTLP_SIGNAL_METRICS, o->body.data, o->body.len, grpc, wire);
	}
#endif
#endif
	saker_send_result r = SAKER_SEND_RETRY;
	if (built == SK_ENOMEM) {
		snprintf(err, errlen, "out of memory");
	} else if (built != SK_OK) {
		/* the JSON writers and otlp_wire.proto disagree: a bug, not the alerts' */
		snprintf(err, errlen, "internal error: the request does not fit OTLP's protobuf messages");
		r = SAKER_SEND_FAIL;
	} else {
		r = spl_http_send(o->http, wire->data, wire->len, err, errlen);
	}
	if (r == SAKER_SEND_OK) {
		otlp_partial_success(o);
	}
#if defined(OTLP_METRICS)
	/* counted once the collector has them: a retried batch comes again */
	otlp_counter_settle(o->counter, r == SAKER_SEND_OK);
#endif
	return r;
}

static saker_send_result otlp_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
					 size_t errlen)
{
	return otlp_send_request(state, alerts, n, err, errlen);
}

#if defined(OTLP_METRICS)
/* The periodic export: every series, once an interval has passed since the
 * last request that carried them all, so a quiet sidekick's totals stay
 * fresh at the collector (whose Prometheus exporter, for one, drops series
 * it has not heard of for 5 minutes). */
static saker_send_result otlp_tick(void *state, char *err, size_t errlen)
{
	otlp_out *o = state;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	if (!otlp_counter_export_due(o->counter, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec)) {
		return SAKER_SEND_OK;
	}
	return otlp_send_request(o, NULL, 0, err, errlen);
}
#endif

static saker_send_result otlp_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	return otlp_send_batch(state, &alert, 1, err, errlen);
}

static const saker_output_plugin otlp_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = OTLP_NAME,
	.description = OTLP_DESCRIPTION,
	.required_key = "endpoint",
	.max_batch = OTLP_MAX_BATCH,
	.init = otlp_init,
	.send = otlp_send,
	.send_batch = otlp_send_batch,
	.close = otlp_close,
#if defined(OTLP_METRICS)
	.tick_ms = 1000,
	.tick = otlp_tick,
#endif
};

SPL_PLUGIN_ENTRY(otlp_plugin)

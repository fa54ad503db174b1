/* otlp.traces / otlp.logs / otlp.metrics: OTLP over HTTP with the JSON
 * encoding (otlp.h), one .so each (OTLP_TRACES, OTLP_LOGS, OTLP_METRICS).
 * Keys, as Falcosidekick's: endpoint (enabling; "/v1/traces", "/v1/logs" or
 * "/v1/metrics" is added when it has no path), protocol ("" or http/json;
 * http/protobuf and grpc are refused), headers ("k=v,k2=v2"), timeout (ms),
 * duration (ms, traces), extraattributes (metrics), checkcert, and the
 * OpenTelemetry variables OTEL_EXPORTER_OTLP[_TRACES|_LOGS|_METRICS]_HEADERS
 * and OTEL_SERVICE_NAME, also from extraenvvars. Batches of up to 100
 * alerts go in one request. */
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
#define OTLP_DESCRIPTION "OpenTelemetry traces (OTLP/HTTP JSON), one span per Falco alert"
#elif defined(OTLP_LOGS)
#define OTLP_NAME "otlp.logs"
#define OTLP_SIGNAL "LOGS"
#define OTLP_PATH "/v1/logs"
#define OTLP_DESCRIPTION "OpenTelemetry logs (OTLP/HTTP JSON), one record per Falco alert"
#elif defined(OTLP_METRICS)
#define OTLP_NAME "otlp.metrics"
#define OTLP_SIGNAL "METRICS"
#define OTLP_PATH "/v1/metrics"
#define OTLP_DESCRIPTION "OpenTelemetry metrics (OTLP/HTTP JSON), a cumulative count of Falco alerts by rule"
#else
#error "define OTLP_TRACES, OTLP_LOGS or OTLP_METRICS"
#endif

/* attribute sets counted apart; more share one overflow series */
#define OTLP_MAX_SERIES 2000

#define OTLP_MAX_BATCH 100

typedef struct otlp_out {
	spl_http *http;
	otlp_config cfg;
	char *service_name;
	sk_strbuf body;
	otlp_counter *counter; /* otlp.metrics */
} otlp_out;

/* extraenvvars entries, which override the environment (Falcosidekick
 * sets them as variables) */
typedef struct otlp_env {
	char headers[2048];
	char signal_headers[2048];
	char service[256];
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

/* 4317 is OTLP/gRPC's port, where a migrated config with Falcosidekick's
 * grpc protocol (otlp.metrics' default there) points: say so at start
 * rather than only failing each request. */
static void otlp_warn_grpc_port(const saker_plugin_host *host, const char *url)
{
	CURLU *u = curl_url();
	char *port = NULL;
	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK && strcmp(port, "4317") == 0) {
		host->log(host->ctx, SAKER_LOG_WARNING,
			  "endpoint %s: port 4317 is OTLP/gRPC's; Saker sends OTLP/HTTP (JSON), usually on port 4318",
			  url);
	}
	curl_free(port);
	curl_url_cleanup(u);
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
	free(o);
}

static bool otlp_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	otlp_out *o = calloc(1, sizeof(*o));
	otlp_env env = {"", "", ""};
	sk_strbuf url = SK_STRBUF_INIT;
	const char *endpoint = host->config_string(host->ctx, "endpoint", "");
	const char *protocol = host->config_string(host->ctx, "protocol", "");
	bool ok = false;

	if (o == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (protocol[0] != '\0' && strcmp(protocol, "http/json") != 0) {
		snprintf(err, errlen, "protocol '%s': only http/json is supported (OTLP/HTTP with JSON, which every "
			 "OpenTelemetry collector accepts)", protocol);
		goto cleanup;
	}
	host->config_map(host->ctx, "extraenvvars", otlp_extra_env, &env);
	/* the endpoint as the OTLP exporters' per-signal variable takes it: a
	 * URL without a path gets the signal's */
	const char *scheme_end = strstr(endpoint, "://");
	const char *path = scheme_end != NULL ? strchr(scheme_end + 3, '/') : NULL;
	if (scheme_end != NULL && (path == NULL || strcmp(path, "/") == 0)) {
		sk_strbuf_append(&url, endpoint, path != NULL ? (size_t)(path - endpoint) : strlen(endpoint));
		sk_strbuf_puts(&url, OTLP_PATH);
	} else {
		sk_strbuf_puts(&url, endpoint);
	}
	if (sk_strbuf_failed(&url) || spl_http_new(host, sk_strbuf_str(&url), &o->http, err, errlen) != SK_OK) {
		if (sk_strbuf_failed(&url)) {
			snprintf(err, errlen, "out of memory");
		}
		goto cleanup;
	}
	otlp_warn_grpc_port(host, sk_strbuf_str(&url));
	const char *lists[] = {env.headers[0] != '\0' ? env.headers : otlp_getenv("OTEL_EXPORTER_OTLP_HEADERS"),
			       env.signal_headers[0] != '\0' ? env.signal_headers
							     : otlp_getenv("OTEL_EXPORTER_OTLP_" OTLP_SIGNAL "_HEADERS"),
			       host->config_string(host->ctx, "headers", "")};
	for (size_t i = 0; i < 3; i++) {
		if (lists[i] != NULL && lists[i][0] != '\0' && !otlp_headers(o->http, lists[i], err, errlen)) {
			goto cleanup;
		}
	}
	const char *service = env.service[0] != '\0' ? env.service : otlp_getenv("OTEL_SERVICE_NAME");
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
	if (!otlp_make_counter(host, o, err, errlen)) {
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

static saker_send_result otlp_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
					 size_t errlen)
{
	otlp_out *o = state;
#if defined(OTLP_TRACES)
	sk_err built = otlp_traces_body(&o->body, &o->cfg, alerts, n);
#else
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
#if defined(OTLP_LOGS)
	sk_err built = otlp_logs_body(&o->body, &o->cfg, alerts, n, now_ns);
#else
	sk_err built = otlp_metrics_body(&o->body, &o->cfg, o->counter, alerts, n, now_ns);
#endif
#endif
	if (built != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	saker_send_result r = spl_http_send(o->http, o->body.data, o->body.len, err, errlen);
#if defined(OTLP_METRICS)
	/* counted once the collector has them: a retried batch comes again */
	otlp_counter_settle(o->counter, r == SAKER_SEND_OK);
#endif
	return r;
}

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
};

SPL_PLUGIN_ENTRY(otlp_plugin)

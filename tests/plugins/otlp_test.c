/* otlp.traces, otlp.logs and otlp.metrics against a loopback OTLP/HTTP
 * receiver: the signal's path added to a bare endpoint (a given path kept),
 * JSON bodies with the alerts' spans, records and counts, one request per
 * batch, headers from the headers key, extraenvvars (endpoint included) and
 * OTEL_EXPORTER_OTLP[_METRICS]_HEADERS, the service name from
 * OTEL_SERVICE_NAME, outcomes (a refused metrics request counts nothing),
 * refusals. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

/* The array at root.<a>[0].<b>[0].<c>, NULL when absent. */
static json_object *inner(json_object *root, const char *a, const char *b, const char *c)
{
	json_object *x = NULL;
	if (!json_object_object_get_ex(root, a, &x) || (x = json_object_array_get_idx(x, 0)) == NULL ||
	    !json_object_object_get_ex(x, b, &x) || (x = json_object_array_get_idx(x, 0)) == NULL ||
	    !json_object_object_get_ex(x, c, &x)) {
		return NULL;
	}
	return x;
}

static const char *str_at(json_object *o, const char *k)
{
	json_object *v = NULL;
	return o != NULL && json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

SK_TEST(traces_batch_with_headers_and_service_name)
{
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));
	ph_plugin p = {0};
	ph_alert a[3];

	SK_CHECK(peer != NULL);
	if (peer == NULL) {
		return;
	}
	setenv("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer env-token", 1);
	const char *const cfg[] = {"endpoint", url, "headers", "x-scope-orgid=tenant-1", "duration", "250",
				   "extraenvvars.OTEL_SERVICE_NAME", "falco-prod", NULL};
	SK_CHECK(ph_open(&p, "otlp.traces", cfg));
	SK_CHECK_INT(ph_send_made_batch(&p, a, 3), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 1);
	const hp_request *r = hp_count(peer) == 1 ? hp_get(peer, 0) : NULL;
	if (r != NULL) {
		SK_CHECK_STR(r->raw_url, "/v1/traces");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/json\n");
		SK_CHECK_CONTAINS(r->headers, "authorization: Bearer env-token\n");
		SK_CHECK_CONTAINS(r->headers, "x-scope-orgid: tenant-1\n");
		json_object *root = json_tokener_parse(r->body);
		json_object *spans = inner(root, "resourceSpans", "scopeSpans", "spans");
		SK_CHECK(spans != NULL && json_object_array_length(spans) == 3);
		SK_CHECK_CONTAINS(r->body, "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"falco-prod\"}}");
		for (size_t i = 0; spans != NULL && i < 3; i++) {
			json_object *s = json_object_array_get_idx(spans, i);
			char want[32];
			SK_CHECK_STR(str_at(s, "name"), "Terminal shell in container");
			SK_CHECK_INT(strlen(str_at(s, "traceId")), 32);
			SK_CHECK_INT(strlen(str_at(s, "spanId")), 16);
			snprintf(want, sizeof(want), "%lld", (long long)a[i].a.time_ns);
			SK_CHECK_STR(str_at(s, "startTimeUnixNano"), want);
			snprintf(want, sizeof(want), "%lld", (long long)(a[i].a.time_ns + 250000000));
			SK_CHECK_STR(str_at(s, "endTimeUnixNano"), want);
		}
		/* one container: one trace */
		if (spans != NULL && json_object_array_length(spans) == 3) {
			SK_CHECK_STR(str_at(json_object_array_get_idx(spans, 0), "traceId"),
				     str_at(json_object_array_get_idx(spans, 2), "traceId"));
		}
		json_object_put(root);
	}
	/* a collector that is down or refuses */
	hp_set_reply(peer, 503, 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_RETRY);
	hp_set_reply(peer, 400, 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_FAIL);
	ph_unload(&p);
	unsetenv("OTEL_EXPORTER_OTLP_HEADERS");
	hp_stop(peer);
}

SK_TEST(logs_records_and_refusals)
{
	char url[128], with_path[160];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));
	ph_plugin p = {0};
	ph_alert a;

	SK_CHECK(peer != NULL);
	if (peer == NULL) {
		return;
	}
	snprintf(with_path, sizeof(with_path), "%s/otlp/v1/logs", url);
	const char *const endpoints[] = {url, with_path};
	const char *const paths[] = {"/v1/logs", "/otlp/v1/logs"};
	for (size_t i = 0; i < 2; i++) {
		const char *const cfg[] = {"endpoint", endpoints[i], NULL};
		memset(&p, 0, sizeof(p));
		SK_CHECK(ph_open(&p, "otlp.logs", cfg));
		ph_alert_make(&a, (int)i);
		SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
		ph_unload(&p);
		if (hp_count(peer) != i + 1) {
			SK_CHECK(!"one request");
			break;
		}
		const hp_request *r = hp_get(peer, i);
		SK_CHECK_STR(r->raw_url, paths[i]);
		json_object *root = json_tokener_parse(r->body);
		json_object *records = inner(root, "resourceLogs", "scopeLogs", "logRecords");
		json_object *rec = records != NULL ? json_object_array_get_idx(records, 0) : NULL, *body = NULL;
		SK_CHECK(rec != NULL && json_object_object_get_ex(rec, "body", &body));
		SK_CHECK_STR(str_at(body, "stringValue"), a.output);
		SK_CHECK_STR(str_at(rec, "severityText"), "Warning");
		SK_CHECK_CONTAINS(r->body, "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"falco\"}}");
		json_object_put(root);
	}

	/* an endpoint without a scheme is http:// unless tls says https:// */
	const char *authority = strstr(url, "://") + 3;
	const char *const no_scheme[] = {"endpoint", authority, NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "otlp.logs", no_scheme));
	size_t seen = hp_count(peer);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK(hp_count(peer) == seen + 1 && strcmp(hp_get(peer, seen)->raw_url, "/v1/logs") == 0);
	ph_unload(&p);
	const char *const no_scheme_tls[] = {"endpoint", authority, "tls", "true", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "otlp.logs", no_scheme_tls));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_RETRY); /* a TLS handshake with a plain HTTP peer */
	SK_CHECK_CONTAINS(p.err, "SSL");
	ph_unload(&p);

	/* OTEL_EXPORTER_OTLP_TIMEOUT (extraenvvars) when the timeout key is
	 * absent; the key, the per-signal variable under Falcosidekick, beats
	 * the generic one */
	hp_set_reply(peer, 200, 600);
	const char *const env_timeout[] = {"endpoint", url, "extraenvvars.OTEL_EXPORTER_OTLP_TIMEOUT", "200", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "otlp.logs", env_timeout));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(p.err, "Timeout");
	ph_unload(&p);
	const char *const key_timeout[] = {"endpoint", url, "timeout", "3000", "extraenvvars.OTEL_EXPORTER_OTLP_TIMEOUT",
					   "200", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "otlp.logs", key_timeout));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	ph_unload(&p);
	hp_set_reply(peer, 200, 0);

	/* OTEL_EXPORTER_OTLP_LOGS_ENDPOINT in extraenvvars replaces the key's
	 * endpoint (the key still enables the output) */
	const char *const env_endpoint[] = {"endpoint", "http://127.0.0.1:9/unused",
					    "extraenvvars.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", with_path, NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "otlp.logs", env_endpoint));
	seen = hp_count(peer);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK(hp_count(peer) == seen + 1 && strcmp(hp_get(peer, seen)->raw_url, "/otlp/v1/logs") == 0);
	ph_unload(&p);

	/* OTEL_EXPORTER_OTLP_LOGS_PROTOCOL in extraenvvars beats the key */
	const char *const env_protocol[] = {"endpoint", url, "protocol", "http/json",
					    "extraenvvars.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/protobuf", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "otlp.logs", env_protocol));
	seen = hp_count(peer);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK(hp_count(peer) == seen + 1 &&
		 strstr(hp_get(peer, seen)->headers, "Content-Type: application/x-protobuf\n") != NULL);
	ph_unload(&p);

	const char *const xml[] = {"endpoint", url, "protocol", "http/xml", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "otlp.logs", xml));
	SK_CHECK_CONTAINS(p.err, "protocol 'http/xml': want http/json, http/protobuf or grpc");
	ph_unload(&p);
	const char *const bad_headers[] = {"endpoint", url, "headers", "novalue", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "otlp.logs", bad_headers));
	SK_CHECK_CONTAINS(p.err, "headers 'novalue': want key=value pairs separated by commas");
	ph_unload(&p);
	hp_stop(peer);
}

/* The asInt of the only data point of the metric in body, -1 when the
 * body is not one such request. */
static long long only_count(const char *body, const char **attrs_json)
{
	json_object *root = json_tokener_parse(body), *metrics = inner(root, "resourceMetrics", "scopeMetrics",
									"metrics");
	json_object *m = metrics != NULL ? json_object_array_get_idx(metrics, 0) : NULL, *sum = NULL, *points = NULL;
	long long n = -1;
	static char attrs[1024];
	if (m != NULL && strcmp(str_at(m, "name"), "falcosecurity_falco_rules_matches_total") == 0 &&
	    json_object_object_get_ex(m, "sum", &sum) && json_object_object_get_ex(sum, "dataPoints", &points) &&
	    json_object_array_length(points) == 1) {
		json_object *pt = json_object_array_get_idx(points, 0), *a = NULL;
		n = strtoll(str_at(pt, "asInt"), NULL, 10);
		snprintf(attrs, sizeof(attrs), "%s",
			 json_object_object_get_ex(pt, "attributes", &a) ? json_object_to_json_string(a) : "");
	}
	*attrs_json = attrs;
	json_object_put(root);
	return n;
}

SK_TEST(metrics_count_alerts_cumulatively_and_only_once)
{
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));
	ph_plugin p = {0};
	ph_alert a[3];
	const char *attrs = "";

	SK_CHECK(peer != NULL);
	if (peer == NULL) {
		return;
	}
	setenv("OTEL_EXPORTER_OTLP_METRICS_HEADERS", "authorization=Bearer metrics-token", 1);
	/* a customfields key that cannot be an attribute is left out (warned),
	 * not a refusal: other outputs use it */
	const char *const cfg[] = {"endpoint", url, "protocol", "http/json", "extraattributes", "user.name, container.id",
				   "customfields.bad-key", "x", NULL};
	SK_CHECK(ph_open(&p, "otlp.metrics", cfg));
	SK_CHECK_INT(ph_send_made_batch(&p, a, 3), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 1);
	const hp_request *r = hp_count(peer) == 1 ? hp_get(peer, 0) : NULL;
	if (r != NULL) {
		SK_CHECK_STR(r->raw_url, "/v1/metrics");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/json\n");
		SK_CHECK_CONTAINS(r->headers, "authorization: Bearer metrics-token\n");
		SK_CHECK_INT(only_count(r->body, &attrs), 3);
		SK_CHECK_CONTAINS(attrs, "\"key\": \"container_id\", \"value\": { \"stringValue\": \"abc123\" }");
		SK_CHECK_CONTAINS(attrs, "\"key\": \"user_name\", \"value\": { \"stringValue\": \"root\" }");
		SK_CHECK_CONTAINS(attrs, "\"key\": \"rule\", \"value\": { \"stringValue\": \"Terminal shell in "
					 "container\" }");
		SK_CHECK_CONTAINS(r->body, "\"aggregationTemporality\":2,\"isMonotonic\":true");
		SK_CHECK(strstr(r->body, "bad-key") == NULL && strstr(r->body, "bad_key") == NULL);
	}
	/* a collector that is down: RETRY, and the alert is not counted until
	 * the retry gets through */
	hp_set_reply(peer, 503, 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_RETRY);
	hp_set_reply(peer, 200, 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 3);
	if (hp_count(peer) == 3) {
		SK_CHECK_INT(only_count(hp_get(peer, 1)->body, &attrs), 4);
		SK_CHECK_INT(only_count(hp_get(peer, 2)->body, &attrs), 4);
	}
	ph_unload(&p);
	unsetenv("OTEL_EXPORTER_OTLP_METRICS_HEADERS");

	const char *const bad[] = {"endpoint", url, "extraattributes", "evt.arg[0]", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "otlp.metrics", bad));
	SK_CHECK_CONTAINS(p.err, "extraattributes 'evt.arg[0]': not a valid attribute name");
	ph_unload(&p);
	const char *const bad_timeout[] = {"endpoint", url, "extraenvvars.OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "10s", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "otlp.metrics", bad_timeout));
	SK_CHECK_CONTAINS(p.err, "OTLP timeout '10s': want milliseconds, 1 to 600000");
	ph_unload(&p);
	const char *const bad_compression[] = {"endpoint", url, "extraenvvars.OTEL_EXPORTER_OTLP_COMPRESSION", "zstd",
					       NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "otlp.metrics", bad_compression));
	SK_CHECK_CONTAINS(p.err, "OTLP compression 'zstd': want gzip or none");
	ph_unload(&p);
	const char *const bad_interval[] = {"endpoint", url, "extraenvvars.OTEL_METRIC_EXPORT_INTERVAL", "soon", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "otlp.metrics", bad_interval));
	SK_CHECK_CONTAINS(p.err, "OTEL_METRIC_EXPORT_INTERVAL 'soon': want milliseconds, 1 to 86400000");
	ph_unload(&p);
	/* without a protocol it is gRPC, as in Falcosidekick: an HTTP/1.1-only
	 * receiver does not take the call, and nothing is counted */
	const char *const grpc_default[] = {"endpoint", url, NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "otlp.metrics", grpc_default));
	size_t before = hp_count(peer);
	SK_CHECK(ph_send(&p, &a[0].a) != SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), before);
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST_MAIN()

/* otlp: Falcosidekick's otlp.traces, otlp.logs and otlp.metrics requests in
 * OTLP/HTTP's JSON encoding (ExportTraceServiceRequest,
 * ExportLogsServiceRequest, ExportMetricsServiceRequest), and the same
 * requests in protobuf for OTLP/HTTP with protobuf and OTLP/gRPC.
 *
 * Traces: one span per alert, named after the rule, kind SERVER, from the
 * alert's time for `duration` ms, attributes uuid, source, priority, rule,
 * hostname, tags (an array) and every output field (as a string), one event
 * named after the output line at the alert's time. The trace id is
 * Falcosidekick's: FNV-1a 128 of "k8s.ns.name:k8s.pod.name", else of
 * container.id (not "host"), else of evt.hostname, so one workload's alerts
 * share a trace; an alert with none of these gets one from its uuid (where
 * Falcosidekick drops it). The span id is FNV-1a 64 of the uuid, so a
 * retried alert is the same span.
 *
 * Logs: one record per alert, body the output line, attributes priority,
 * source, rule, hostname, tags (joined by ','), timestamp (Go's time
 * string), severity from the priority.
 *
 * Both carry the resource attributes service.name (OTEL_SERVICE_NAME, else
 * "falco") and service.version. Numbers of 64 bits are strings, ids hex, as
 * OTLP/JSON wants. */
#ifndef OTLP_H
#define OTLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

typedef struct otlp_config {
	const char *service_name;
	const char *service_version;
	int64_t duration_ms; /* span length */
} otlp_config;

/* The traces request for n alerts. SK_ENOMEM when memory ran out. */
sk_err otlp_traces_body(sk_strbuf *b, const otlp_config *cfg, const saker_alert *const *alerts, size_t n);

/* The logs request for n alerts, observed at now_ns. */
sk_err otlp_logs_body(sk_strbuf *b, const otlp_config *cfg, const saker_alert *const *alerts, size_t n,
		      int64_t now_ns);

/* otlp.metrics: Falcosidekick's counter falcosecurity_falco_rules_matches_total,
 * cumulative, one series per attribute set: source, priority, rule,
 * hostname ("unknown" when empty), tags (an array), each customfields key
 * and each extraattributes field (dots as underscores, the alert's output
 * field as the value, "" when absent), sorted by key as OpenTelemetry's
 * SDKs export them. A request carries the totals so far of the series its
 * alerts changed, and of every series when the last request that did is an
 * export interval old (a minute by default, as the SDKs'), so a busy
 * sidekick does not resend thousands of idle series with each batch; a
 * quiet one sends every series each interval (otlp_counter_export_due). A count is kept
 * only once the collector took the request that carried it
 * (otlp_counter_settle), so a retried batch is not counted twice. Past
 * max_series new attribute sets count into one series with the attribute
 * otel.metric.overflow=true. */
typedef struct otlp_counter otlp_counter;

/* True when name, its dots made underscores, is a valid metric attribute
 * name ([a-zA-Z_:][a-zA-Z0-9_:]*, as Falcosidekick checks). */
bool otlp_attr_name_ok(const char *name);

/* Makes a counter whose series start at start_ns. customfields and extra
 * name output fields; SK_EINVAL (with *rejected naming it) when one is not
 * a valid attribute name once its dots are underscores. */
sk_err otlp_counter_new(char *const *customfields, size_t ncustom, char *const *extra, size_t nextra,
			size_t max_series, int64_t start_ns, otlp_counter **out, const char **rejected);
void otlp_counter_free(otlp_counter *c);

/* The metrics request with n more alerts counted (pending until
 * otlp_counter_settle), observed at now_ns. SK_ENOMEM when memory ran out
 * (nothing is then pending). */
sk_err otlp_metrics_body(sk_strbuf *b, const otlp_config *cfg, otlp_counter *c, const saker_alert *const *alerts,
			 size_t n, int64_t now_ns);

/* Keeps the pending counts when delivered, else drops them. */
void otlp_counter_settle(otlp_counter *c, bool delivered);

/* Sets how often every series goes out (default a minute, the SDKs'
 * OTEL_METRIC_EXPORT_INTERVAL). */
void otlp_counter_set_interval(otlp_counter *c, int64_t interval_ns);

/* True when a request with every series is due at now_ns (the last one is
 * an interval old, or none was taken yet) and some series has a count the
 * collector took: what the periodic export sends with no new alert. */
bool otlp_counter_export_due(const otlp_counter *c, int64_t now_ns);

/* Number of series (the overflow one included). */
size_t otlp_counter_series(const otlp_counter *c);

/* Appends one string attribute {"key":..,"value":{"stringValue":..}},
 * after a comma unless *first (which it then clears). */
void otlp_put_attr(sk_strbuf *b, bool *first, const char *key, const char *value);

/* Appends the alert's tags as an OTLP array value. */
void otlp_put_tags(sk_strbuf *b, const saker_alert *a);

/* Appends {"resource":{"attributes":[service.name, service.version]}, */
void otlp_put_resource(sk_strbuf *b, const otlp_config *cfg);

/* FNV-1a 64 of s (span ids, the metric series' hash table). */
uint64_t otlp_fnv64a(const char *s);

/* The trace id of an alert as 32 hex digits (+ NUL) into hex. */
void otlp_trace_id(const saker_alert *alert, char hex[33]);

/* The same 16 bytes. */
void otlp_trace_id_bytes(const saker_alert *alert, uint8_t id[16]);

/* The span id of an alert: FNV-1a 64 of its uuid, big-endian. */
void otlp_span_id_bytes(const saker_alert *alert, uint8_t id[8]);

/* A time for OTLP, whose times are unsigned: an alert dated before 1970
 * (Falco's time format allows it) gets 0, "unknown", rather than a negative
 * time the collector refuses. */
int64_t otlp_time_ns(int64_t ns);

/* OpenTelemetry's severity number for a Falco priority. */
int otlp_severity(saker_priority priority);

typedef enum otlp_signal { OTLP_SIGNAL_TRACES, OTLP_SIGNAL_LOGS, OTLP_SIGNAL_METRICS } otlp_signal;

/* The traces and logs requests in protobuf, built from the alerts (the
 * same requests as otlp_traces_body() and otlp_logs_body(), byte for byte
 * what otlp_pb_from_json() makes of those), after gRPC's 5-byte message
 * prefix when grpc_frame. SK_ENOMEM when memory ran out. */
sk_err otlp_traces_pb(sk_strbuf *out, const otlp_config *cfg, const saker_alert *const *alerts, size_t n,
		      bool grpc_frame);
sk_err otlp_logs_pb(sk_strbuf *out, const otlp_config *cfg, const saker_alert *const *alerts, size_t n,
		    int64_t now_ns, bool grpc_frame);

/* The request json (len bytes, as otlp_*_body() wrote it) re-encoded as
 * OTLP protobuf into out, after gRPC's 5-byte message prefix when
 * grpc_frame (otlp.metrics' requests, whose series keep their attributes
 * as JSON, and the tests' check of the builders above). SK_EINVAL when the
 * JSON is not such a request (a key the message lacks, a value of another
 * type), SK_ENOMEM when memory ran out. */
sk_err otlp_pb_from_json(otlp_signal signal, const char *json, size_t len, bool grpc_frame, sk_strbuf *out);

/* Reads an Export*ServiceResponse (len bytes of protobuf, without a gRPC
 * prefix): *rejected is the partial success's count of refused spans, log
 * records or data points (0 when none), why its message. SK_EINVAL when the
 * bytes are not such a message. */
sk_err otlp_pb_rejected(const void *answer, size_t len, int64_t *rejected, char *why, size_t whylen);

/* The same from an OTLP/JSON answer ({"partialSuccess":{"rejectedSpans":
 * "2","errorMessage":"..."}}, or rejectedLogRecords / rejectedDataPoints);
 * an empty answer refuses nothing. SK_EINVAL when it is not a JSON object. */
sk_err otlp_json_rejected(const char *answer, size_t len, int64_t *rejected, char *why, size_t whylen);

#endif

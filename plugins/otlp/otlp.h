/* otlp: Falcosidekick's otlp.traces and otlp.logs requests in OTLP/HTTP's
 * JSON encoding (ExportTraceServiceRequest, ExportLogsServiceRequest).
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

/* The trace id of an alert as 32 hex digits (+ NUL) into hex. */
void otlp_trace_id(const saker_alert *alert, char hex[33]);

/* OpenTelemetry's severity number for a Falco priority. */
int otlp_severity(saker_priority priority);

#endif

/* otlp: the traces, logs and metrics requests byte for byte, the trace id
 * (FNV-1a 128: the published vector for "a" and values computed by a
 * separate implementation), which field names the trace, the metric
 * counter's totals, retries and series limit, and the protobuf form of a
 * request (read back with protoc-c's own decoder). */
#include "otlp.h"

#include <json-c/json.h>
#include <string.h>

#include "otlp_wire.pb-c.h"
#include "sk_test.h"

static const char *const names[] = {"container.id", "k8s.ns.name", "k8s.pod.name", "proc.name"};

static saker_alert make_alert(const char *const *values, size_t n)
{
	static const char *const tags[] = {"T1059", "shell"};
	saker_alert a = {
		.uuid = "u-1",
		.json = "{}",
		.json_len = 2,
		.rule = "Shell in <container>",
		.priority = "Critical",
		.priority_num = SAKER_PRIORITY_CRITICAL,
		.source = "syscall",
		.hostname = "node-1",
		.output = "12:00:00.000000001: Critical shell",
		.time = "2026-12-01T12:00:00.000000001Z",
		.time_ns = 1796126400000000001LL,
		.tags = tags,
		.ntags = 2,
		.field_names = names,
		.field_values = values,
		.nfields = n,
	};
	return a;
}

SK_TEST(trace_ids_are_falcosidekicks)
{
	char hex[33];
	static const char *const pod[] = {"abc123", "falco", "my-pod", "bash"};
	static const char *const container[] = {"abc123", "<NA>", "<NA>", "bash"};
	static const char *const on_host[] = {"host"};
	saker_alert a = make_alert(pod, 4);

	otlp_trace_id(&a, hex);
	SK_CHECK_STR(hex, "eba91b4e44862d5227c1333294f6eea0"); /* "falco:my-pod" */
	a = make_alert(container, 4);
	otlp_trace_id(&a, hex);
	SK_CHECK_STR(hex, "9aeae968fe3c64bf6f0f51e802683e7d"); /* "abc123" */
	a = make_alert(on_host, 1);
	otlp_trace_id(&a, hex);
	SK_CHECK_STR(hex, "a68d993ff28b5822836dbc798e645512"); /* no workload: the uuid "u-1" */
	a.uuid = "a";
	otlp_trace_id(&a, hex);
	SK_CHECK_STR(hex, "d228cb696f1a8caf78912b704e4a8964"); /* FNV's published vector */

	SK_CHECK_INT(otlp_severity(SAKER_PRIORITY_EMERGENCY), 24);
	SK_CHECK_INT(otlp_severity(SAKER_PRIORITY_WARNING), 13);
	SK_CHECK_INT(otlp_severity(SAKER_PRIORITY_DEBUG), 5);
}

SK_TEST(traces_and_logs_bodies_are_exact)
{
	static const char *const values[] = {"abc123", "falco", "my-pod", "bash"};
	saker_alert a = make_alert(values, 4);
	const saker_alert *two[] = {&a, &a};
	otlp_config cfg = {"falco", "1.2.3", 1000};
	sk_strbuf b = SK_STRBUF_INIT;

	SK_CHECK_INT(otlp_traces_body(&b, &cfg, two, 1), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b),
		     "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{"
		     "\"stringValue\":\"falco\"}},{\"key\":\"service.version\",\"value\":{\"stringValue\":\"1.2.3\"}}]},"
		     "\"scopeSpans\":[{\"scope\":{\"name\":\"falco-event\"},\"spans\":[{\"traceId\":"
		     "\"eba91b4e44862d5227c1333294f6eea0\",\"spanId\":\"4d8458193ed06a42\",\"name\":\"Shell in "
		     "\\u003ccontainer\\u003e\",\"kind\":2,\"startTimeUnixNano\":\"1796126400000000001\","
		     "\"endTimeUnixNano\":\"1796126401000000001\",\"attributes\":[{\"key\":\"uuid\",\"value\":{"
		     "\"stringValue\":\"u-1\"}},{\"key\":\"source\",\"value\":{\"stringValue\":\"syscall\"}},{\"key\":"
		     "\"priority\",\"value\":{\"stringValue\":\"Critical\"}},{\"key\":\"rule\",\"value\":{\"stringValue\":"
		     "\"Shell in \\u003ccontainer\\u003e\"}},{\"key\":\"hostname\",\"value\":{\"stringValue\":\"node-1\"}},"
		     "{\"key\":\"tags\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"T1059\"},{\"stringValue\":"
		     "\"shell\"}]}}},{\"key\":\"container.id\",\"value\":{\"stringValue\":\"abc123\"}},{\"key\":"
		     "\"k8s.ns.name\",\"value\":{\"stringValue\":\"falco\"}},{\"key\":\"k8s.pod.name\",\"value\":{"
		     "\"stringValue\":\"my-pod\"}},{\"key\":\"proc.name\",\"value\":{\"stringValue\":\"bash\"}}],\"events\":"
		     "[{\"timeUnixNano\":\"1796126400000000001\",\"name\":\"12:00:00.000000001: Critical shell\"}],"
		     "\"status\":{}}]}]}]}");
	SK_CHECK_INT(otlp_traces_body(&b, &cfg, two, 2), SK_OK);
	json_object *o = json_tokener_parse(sk_strbuf_str(&b)), *rs = NULL;
	SK_CHECK(o != NULL && json_object_object_get_ex(o, "resourceSpans", &rs));
	json_object_put(o);

	SK_CHECK_INT(otlp_logs_body(&b, &cfg, two, 1, 1796126402000000000LL), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b),
		     "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{"
		     "\"stringValue\":\"falco\"}},{\"key\":\"service.version\",\"value\":{\"stringValue\":\"1.2.3\"}}]},"
		     "\"scopeLogs\":[{\"scope\":{\"name\":\"falco\"},\"logRecords\":[{\"timeUnixNano\":"
		     "\"1796126400000000001\",\"observedTimeUnixNano\":\"1796126402000000000\",\"severityNumber\":21,"
		     "\"severityText\":\"Critical\",\"body\":{\"stringValue\":\"12:00:00.000000001: Critical shell\"},"
		     "\"attributes\":[{\"key\":\"priority\",\"value\":{\"stringValue\":\"Critical\"}},{\"key\":\"source\","
		     "\"value\":{\"stringValue\":\"syscall\"}},{\"key\":\"rule\",\"value\":{\"stringValue\":\"Shell in "
		     "\\u003ccontainer\\u003e\"}},{\"key\":\"hostname\",\"value\":{\"stringValue\":\"node-1\"}},{\"key\":"
		     "\"tags\",\"value\":{\"stringValue\":\"T1059,shell\"}},{\"key\":\"timestamp\",\"value\":{"
		     "\"stringValue\":\"2026-12-01 12:00:00.000000001 +0000 UTC\"}}]}]}]}]}");
	sk_strbuf_free(&b);
}

SK_TEST(metrics_body_counts_by_attribute_set_and_keeps_only_delivered_counts)
{
	static const char *const values[] = {"abc123", "falco", "my-pod", "bash"};
	saker_alert a = make_alert(values, 4), b = make_alert(values, 4);
	b.rule = "Other";
	b.hostname = "";
	b.ntags = 0;
	const saker_alert *batch[] = {&a, &b, &a};
	otlp_config cfg = {"falco", "1.2.3", 1000};
	char *custom[] = {"k8s.ns.name"};
	char *extra[] = {"proc.name", "fd.name"};
	otlp_counter *c = NULL;
	const char *rejected = NULL;
	sk_strbuf body = SK_STRBUF_INIT;

	SK_CHECK_INT(otlp_counter_new(custom, 1, extra, 2, 3, 1000, &c, &rejected), SK_OK);
	if (c == NULL) {
		return;
	}
	SK_CHECK_INT(otlp_metrics_body(&body, &cfg, c, batch, 3, 5000), SK_OK);
	/* attributes sorted by key; "unknown" for an empty hostname; a field the
	 * alert lacks is "" */
	const char *want =
		"{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{"
		"\"stringValue\":\"falco\"}},{\"key\":\"service.version\",\"value\":{\"stringValue\":\"1.2.3\"}}]},"
		"\"scopeMetrics\":[{\"scope\":{\"name\":\"falcosecurity.falco.otlpmetrics.meter\"},\"metrics\":[{"
		"\"name\":\"falcosecurity_falco_rules_matches_total\",\"description\":\"Falco rule matches the "
		"sidekick received\",\"sum\":{\"dataPoints\":[{\"attributes\":[{\"key\":\"fd_name\",\"value\":{"
		"\"stringValue\":\"\"}},{\"key\":\"hostname\",\"value\":{\"stringValue\":\"node-1\"}},{\"key\":"
		"\"k8s_ns_name\",\"value\":{\"stringValue\":\"falco\"}},{\"key\":\"priority\",\"value\":{"
		"\"stringValue\":\"Critical\"}},{\"key\":\"proc_name\",\"value\":{\"stringValue\":\"bash\"}},{"
		"\"key\":\"rule\",\"value\":{\"stringValue\":\"Shell in \\u003ccontainer\\u003e\"}},{\"key\":"
		"\"source\",\"value\":{\"stringValue\":\"syscall\"}},{\"key\":\"tags\",\"value\":{\"arrayValue\":{"
		"\"values\":[{\"stringValue\":\"T1059\"},{\"stringValue\":\"shell\"}]}}}],\"startTimeUnixNano\":"
		"\"1000\",\"timeUnixNano\":\"5000\",\"asInt\":\"2\"},{\"attributes\":[{\"key\":\"fd_name\","
		"\"value\":{\"stringValue\":\"\"}},{\"key\":\"hostname\",\"value\":{\"stringValue\":\"unknown\"}},"
		"{\"key\":\"k8s_ns_name\",\"value\":{\"stringValue\":\"falco\"}},{\"key\":\"priority\",\"value\":"
		"{\"stringValue\":\"Critical\"}},{\"key\":\"proc_name\",\"value\":{\"stringValue\":\"bash\"}},{"
		"\"key\":\"rule\",\"value\":{\"stringValue\":\"Other\"}},{\"key\":\"source\",\"value\":{"
		"\"stringValue\":\"syscall\"}},{\"key\":\"tags\",\"value\":{\"arrayValue\":{\"values\":[]}}}],"
		"\"startTimeUnixNano\":\"1000\",\"timeUnixNano\":\"5000\",\"asInt\":\"1\"}],"
		"\"aggregationTemporality\":2,\"isMonotonic\":true}}]}]}]}";
	SK_CHECK_STR(sk_strbuf_str(&body), want);
	json_object *o = json_tokener_parse(sk_strbuf_str(&body));
	SK_CHECK(o != NULL);
	json_object_put(o);
	/* not delivered: the next request counts from the same totals */
	otlp_counter_settle(c, false);
	const saker_alert *one[] = {&a};
	SK_CHECK_INT(otlp_metrics_body(&body, &cfg, c, one, 1, 6000), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&body), "\"asInt\":\"1\"}]");
	SK_CHECK(strstr(sk_strbuf_str(&body), "\"rule\",\"value\":{\"stringValue\":\"Other\"") == NULL);
	otlp_counter_settle(c, true);
	SK_CHECK_INT(otlp_metrics_body(&body, &cfg, c, one, 1, 7000), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&body), "\"timeUnixNano\":\"7000\",\"asInt\":\"2\"}");
	otlp_counter_settle(c, true);
	/* a limit of 3 series: the third new set and any after it overflow */
	saker_alert more[3];
	const char *rules[] = {"R1", "R2", "R3"};
	for (size_t i = 0; i < 3; i++) {
		more[i] = make_alert(values, 4);
		more[i].rule = rules[i];
		const saker_alert *m[] = {&more[i]};
		SK_CHECK_INT(otlp_metrics_body(&body, &cfg, c, m, 1, 8000), SK_OK);
		otlp_counter_settle(c, true);
	}
	SK_CHECK_INT(otlp_counter_series(c), 4);
	/* within a minute of the last full request, only the series changed */
	SK_CHECK_CONTAINS(sk_strbuf_str(&body), "\"dataPoints\":[{\"attributes\":[{\"key\":\"otel.metric.overflow\","
						 "\"value\":{\"boolValue\":true}}],\"startTimeUnixNano\":\"1000\","
						 "\"timeUnixNano\":\"8000\",\"asInt\":\"2\"}]");
	/* a minute on, every series with a count */
	int64_t later = 6000 + 60000000000LL;
	SK_CHECK_INT(otlp_metrics_body(&body, &cfg, c, NULL, 0, later - 1), SK_OK);
	SK_CHECK(strstr(sk_strbuf_str(&body), "\"stringValue\":\"R1\"") == NULL);
	otlp_counter_settle(c, true);
	SK_CHECK_INT(otlp_metrics_body(&body, &cfg, c, NULL, 0, later), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&body), "\"stringValue\":\"R1\"");
	SK_CHECK_CONTAINS(sk_strbuf_str(&body), "\"stringValue\":\"Shell in \\u003ccontainer\\u003e\"");
	SK_CHECK_CONTAINS(sk_strbuf_str(&body), "\"otel.metric.overflow\"");
	SK_CHECK(strstr(sk_strbuf_str(&body), "\"stringValue\":\"R2\"") == NULL);
	SK_CHECK(strstr(sk_strbuf_str(&body), "\"stringValue\":\"Other\"") == NULL); /* never delivered */
	otlp_counter_settle(c, false);
	/* not taken: the next request is still the full one */
	SK_CHECK_INT(otlp_metrics_body(&body, &cfg, c, NULL, 0, later + 1), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&body), "\"stringValue\":\"R1\"");
	otlp_counter_free(c);
	sk_strbuf_free(&body);

	char *bad[] = {"proc.name", "evt.arg[0]"};
	SK_CHECK_INT(otlp_counter_new(NULL, 0, bad, 2, 10, 0, &c, &rejected), SK_EINVAL);
	SK_CHECK(c == NULL);
	SK_CHECK_STR(rejected != NULL ? rejected : "", "evt.arg[0]");
	SK_CHECK(otlp_attr_name_ok("k8s.pod.name") && otlp_attr_name_ok("_x:y"));
	SK_CHECK(!otlp_attr_name_ok("1abc") && !otlp_attr_name_ok("a-b") && !otlp_attr_name_ok(""));
}

SK_TEST(protobuf_form_carries_every_field_and_refuses_what_the_schema_lacks)
{
	const char *values[] = {"abc123", "prod", "web-1", "bash"};
	saker_alert a = make_alert(values, 4);
	const saker_alert *batch[] = {&a};
	otlp_config cfg = {"falco", "1.2.3", 1000};
	sk_strbuf json = SK_STRBUF_INIT, pb = SK_STRBUF_INIT, framed = SK_STRBUF_INIT;
	char trace[33];

	SK_CHECK_INT(otlp_traces_body(&json, &cfg, batch, 1), SK_OK);
	SK_CHECK_INT(otlp_pb_from_json(OTLP_SIGNAL_TRACES, json.data, json.len, false, &pb), SK_OK);
	Saker__Otlp__TracesRequest *r = saker__otlp__traces_request__unpack(NULL, pb.len, (const uint8_t *)pb.data);
	SK_CHECK(r != NULL && r->n_resource_spans == 1 && r->resource_spans[0]->n_scope_spans == 1 &&
		 r->resource_spans[0]->scope_spans[0]->n_spans == 1);
	if (r != NULL && r->n_resource_spans == 1 && r->resource_spans[0]->n_scope_spans == 1 &&
	    r->resource_spans[0]->scope_spans[0]->n_spans == 1) {
		const Saker__Otlp__Resource *res = r->resource_spans[0]->resource;
		SK_CHECK(res != NULL && res->n_attributes == 2);
		if (res != NULL && res->n_attributes == 2) {
			SK_CHECK_STR(res->attributes[1]->key, "service.version");
			SK_CHECK_STR(res->attributes[1]->value->string_value, "1.2.3");
		}
		const Saker__Otlp__ScopeSpans *ss = r->resource_spans[0]->scope_spans[0];
		SK_CHECK_STR(ss->scope->name, "falco-event");
		const Saker__Otlp__Span *span = ss->spans[0];
		SK_CHECK_STR(span->name, "Shell in <container>");
		SK_CHECK_INT(span->kind, 2);
		SK_CHECK(span->start_time_unix_nano == 1796126400000000001ULL);
		SK_CHECK(span->end_time_unix_nano == 1796126401000000001ULL);
		otlp_trace_id(&a, trace);
		SK_CHECK_INT(span->trace_id.len, 16);
		char hex[33] = "";
		for (size_t i = 0; i < span->trace_id.len && i < 16; i++) {
			snprintf(hex + 2 * i, 3, "%02x", span->trace_id.data[i]);
		}
		SK_CHECK_STR(hex, trace);
		SK_CHECK_INT(span->span_id.len, 8);
		/* uuid, source, priority, rule, hostname, tags, four output fields */
		SK_CHECK_INT(span->n_attributes, 10);
		if (span->n_attributes == 10) {
			const Saker__Otlp__AnyValue *tags = span->attributes[5]->value;
			SK_CHECK_STR(span->attributes[5]->key, "tags");
			SK_CHECK_INT(tags->value_case, SAKER__OTLP__ANY_VALUE__VALUE_ARRAY_VALUE);
			SK_CHECK(tags->array_value != NULL && tags->array_value->n_values == 2);
			SK_CHECK_STR(span->attributes[9]->key, "proc.name");
			SK_CHECK_STR(span->attributes[9]->value->string_value, "bash");
		}
		SK_CHECK(span->n_events == 1 && span->events[0]->time_unix_nano == 1796126400000000001ULL);
		SK_CHECK(span->status != NULL);
	}
	saker__otlp__traces_request__free_unpacked(r, NULL);

	/* gRPC's frame: a flag byte, the length big-endian, the same message */
	SK_CHECK_INT(otlp_pb_from_json(OTLP_SIGNAL_TRACES, json.data, json.len, true, &framed), SK_OK);
	SK_CHECK_INT(framed.len, pb.len + 5);
	if (framed.len == pb.len + 5) {
		const unsigned char *f = (const unsigned char *)framed.data;
		SK_CHECK_INT(f[0], 0);
		SK_CHECK_INT((size_t)f[1] << 24 | (size_t)f[2] << 16 | (size_t)f[3] << 8 | f[4], pb.len);
		SK_CHECK(memcmp(framed.data + 5, pb.data, pb.len) == 0);
	}

	/* what the schema lacks is refused, not dropped */
	static const char *const refused[] = {
		"{\"resourceSpans\":[{\"schemaUrl\":\"x\"}]}",	 /* a field otlp_wire.proto lacks */
		"{\"resourceSpans\":{}}",				 /* an object for a list */
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":\"2\"}]}]}]}", /* text for a number */
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"abc\"}]}]}]}", /* odd hex */
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"-1\"}]}]}]}",
		"{\"resourceSpans\":[]} trailing",
		"[]",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		SK_CHECK_INT(otlp_pb_from_json(OTLP_SIGNAL_TRACES, refused[i], strlen(refused[i]), false, &pb), SK_EINVAL);
	}
	/* two members of one oneof */
	const char *two = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"a\","
			  "\"boolValue\":true}}]}]}]}";
	SK_CHECK_INT(otlp_pb_from_json(OTLP_SIGNAL_LOGS, two, strlen(two), false, &pb), SK_EINVAL);

	/* a partial success in the answer */
	Saker__Otlp__PartialSuccess partial = SAKER__OTLP__PARTIAL_SUCCESS__INIT;
	Saker__Otlp__ExportResponse answer = SAKER__OTLP__EXPORT_RESPONSE__INIT;
	uint8_t buf[128];
	int64_t rejected = -1;
	char why[64];
	partial.rejected = 3;
	partial.error_message = "quota";
	answer.partial_success = &partial;
	size_t n = saker__otlp__export_response__pack(&answer, buf);
	SK_CHECK_INT(otlp_pb_rejected(buf, n, &rejected, why, sizeof(why)), SK_OK);
	SK_CHECK_INT(rejected, 3);
	SK_CHECK_STR(why, "quota");
	SK_CHECK_INT(otlp_pb_rejected("", 0, &rejected, why, sizeof(why)), SK_OK);
	SK_CHECK_INT(rejected, 0);
	SK_CHECK_INT(otlp_pb_rejected("\xff\xff", 2, &rejected, why, sizeof(why)), SK_EINVAL);
	/* and in OTLP/JSON answers: the count is an int64, a string or a number */
	const char *logs = "{\"partialSuccess\":{\"rejectedLogRecords\":\"2\",\"errorMessage\":\"too old\"}}";
	SK_CHECK_INT(otlp_json_rejected(logs, strlen(logs), &rejected, why, sizeof(why)), SK_OK);
	SK_CHECK_INT(rejected, 2);
	SK_CHECK_STR(why, "too old");
	const char *points = "{\"partialSuccess\":{\"rejectedDataPoints\":5}}";
	SK_CHECK_INT(otlp_json_rejected(points, strlen(points), &rejected, why, sizeof(why)), SK_OK);
	SK_CHECK_INT(rejected, 5);
	SK_CHECK_STR(why, "");
	SK_CHECK_INT(otlp_json_rejected("{}", 2, &rejected, why, sizeof(why)), SK_OK);
	SK_CHECK_INT(rejected, 0);
	SK_CHECK_INT(otlp_json_rejected("", 0, &rejected, why, sizeof(why)), SK_OK);
	SK_CHECK_INT(otlp_json_rejected("<html>", 6, &rejected, why, sizeof(why)), SK_EINVAL);

	sk_strbuf_free(&json);
	sk_strbuf_free(&pb);
	sk_strbuf_free(&framed);
}

/* The periodic export is due once an interval has passed since the last
 * full request the collector took, and only when there is a count to send. */
SK_TEST(periodic_export_is_due_each_interval_with_counts)
{
	const char *values[] = {"abc123", "prod", "web-1", "bash"};
	saker_alert a = make_alert(values, 4);
	const saker_alert *one[] = {&a};
	otlp_config cfg = {"falco", "1.2.3", 1000};
	otlp_counter *c = NULL;
	const char *rejected = NULL;
	sk_strbuf b = SK_STRBUF_INIT;
	const int64_t t0 = 1796126400000000000LL, s = 1000000000LL;

	SK_CHECK_INT(otlp_counter_new(NULL, 0, NULL, 0, 10, t0, &c, &rejected), SK_OK);
	if (c == NULL) {
		return;
	}
	SK_CHECK(!otlp_counter_export_due(c, t0 + 120 * s)); /* nothing counted yet */
	SK_CHECK_INT(otlp_metrics_body(&b, &cfg, c, one, 1, t0 + s), SK_OK);
	otlp_counter_settle(c, false); /* refused: still nothing to send */
	SK_CHECK(!otlp_counter_export_due(c, t0 + 120 * s));
	SK_CHECK_INT(otlp_metrics_body(&b, &cfg, c, one, 1, t0 + 2 * s), SK_OK);
	otlp_counter_settle(c, true); /* the first request carries every series */
	SK_CHECK(!otlp_counter_export_due(c, t0 + 3 * s));
	SK_CHECK(otlp_counter_export_due(c, t0 + 62 * s));
	/* a request with no alert then is the full one, with the total */
	SK_CHECK_INT(otlp_metrics_body(&b, &cfg, c, one, 0, t0 + 62 * s), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&b), "\"asInt\":\"1\"");
	otlp_counter_settle(c, true);
	SK_CHECK(!otlp_counter_export_due(c, t0 + 63 * s));
	otlp_counter_set_interval(c, s / 2);
	SK_CHECK(otlp_counter_export_due(c, t0 + 63 * s));
	otlp_counter_free(c);
	sk_strbuf_free(&b);
}

/* The builders' protobuf is byte for byte the JSON request re-encoded:
 * the same fields, values and order, text that is not UTF-8 repaired the
 * same way, a time before 1970 sent as 0. */
SK_TEST(protobuf_builders_match_the_json_requests_re_encoded)
{
	const char *values[] = {"bad \xff\xc3 bytes", "prod", "web-1", "bash"};
	saker_alert a = make_alert(values, 4);
	saker_alert old = make_alert(values, 0);
	old.time_ns = -1000;
	old.ntags = 0;
	old.output = "\xe2\x9c";
	const saker_alert *batch[] = {&a, &old, &a};
	otlp_config cfg = {"falco\xfe", "1.2.3", 1000};
	sk_strbuf json = SK_STRBUF_INIT, built = SK_STRBUF_INIT, recoded = SK_STRBUF_INIT;

	for (int grpc = 0; grpc < 2; grpc++) {
		SK_CHECK_INT(otlp_traces_body(&json, &cfg, batch, 3), SK_OK);
		SK_CHECK_INT(otlp_pb_from_json(OTLP_SIGNAL_TRACES, json.data, json.len, grpc, &recoded), SK_OK);
		SK_CHECK_INT(otlp_traces_pb(&built, &cfg, batch, 3, grpc), SK_OK);
		SK_CHECK(built.len == recoded.len && memcmp(built.data, recoded.data, built.len) == 0);
		SK_CHECK_INT(otlp_logs_body(&json, &cfg, batch, 3, 1796126402000000000LL), SK_OK);
		SK_CHECK_INT(otlp_pb_from_json(OTLP_SIGNAL_LOGS, json.data, json.len, grpc, &recoded), SK_OK);
		SK_CHECK_INT(otlp_logs_pb(&built, &cfg, batch, 3, 1796126402000000000LL, grpc), SK_OK);
		SK_CHECK(built.len == recoded.len && memcmp(built.data, recoded.data, built.len) == 0);
	}
	/* an empty batch is a request too */
	SK_CHECK_INT(otlp_traces_pb(&built, &cfg, batch, 0, false), SK_OK);
	SK_CHECK(built.len > 0);
	sk_strbuf_free(&json);
	sk_strbuf_free(&built);
	sk_strbuf_free(&recoded);
}

SK_TEST_MAIN()

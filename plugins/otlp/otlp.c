#include "otlp.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_util.h"

/* FNV-1a 128 (Go's hash/fnv New128a) of s, big-endian. */
static void otlp_fnv128a(const char *s, uint8_t out[16])
{
	unsigned __int128 h = ((unsigned __int128)0x6c62272e07bb0142ull << 64) | 0x62b821756295c58dull;
	const unsigned __int128 prime = ((unsigned __int128)0x0000000001000000ull << 64) | 0x000000000000013bull;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		h ^= *p;
		h *= prime;
	}
	for (int i = 15; i >= 0; i--) {
		out[i] = (uint8_t)h;
		h >>= 8;
	}
}

uint64_t otlp_fnv64a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		h ^= *p;
		h *= 0x100000001b3ull;
	}
	return h;
}

void otlp_span_id_bytes(const saker_alert *alert, uint8_t id[8])
{
	uint64_t h = otlp_fnv64a(alert->uuid);
	for (int i = 7; i >= 0; i--) {
		id[i] = (uint8_t)h;
		h >>= 8;
	}
}

/* An output field's text, NULL when absent, empty or null ("<NA>"): the
 * string Falcosidekick's type assertion finds. */
static const char *otlp_field(const saker_alert *alert, const char *name)
{
	const char *v = spl_alert_field(alert, name);
	return v != NULL && v[0] != '\0' && strcmp(v, "<NA>") != 0 ? v : NULL;
}

void otlp_trace_id_bytes(const saker_alert *alert, uint8_t id[16])
{
	const char *ns = otlp_field(alert, "k8s.ns.name"), *pod = otlp_field(alert, "k8s.pod.name");
	const char *container = otlp_field(alert, "container.id");
	const char *host = otlp_field(alert, "evt.hostname");
	sk_strbuf key = SK_STRBUF_INIT;

	if (ns != NULL && pod != NULL) {
		sk_strbuf_printf(&key, "%s:%s", ns, pod);
	} else if (container != NULL && strcmp(container, "host") != 0) {
		sk_strbuf_puts(&key, container);
	} else if (host != NULL) {
		sk_strbuf_puts(&key, host);
	} else {
		sk_strbuf_puts(&key, alert->uuid);
	}
	otlp_fnv128a(sk_strbuf_failed(&key) ? alert->uuid : sk_strbuf_str(&key), id);
	sk_strbuf_free(&key);
}

void otlp_trace_id(const saker_alert *alert, char hex[33])
{
	uint8_t id[16];
	otlp_trace_id_bytes(alert, id);
	spl_hex_encode(hex, id, sizeof(id));
}

int otlp_severity(saker_priority priority)
{
	/* OpenTelemetry's SeverityNumber for syslog's levels */
	static const int numbers[] = {24, 23, 21, 17, 13, 10, 9, 5};
	return (unsigned)priority < sizeof(numbers) / sizeof(numbers[0]) ? numbers[priority] : 9;
}

void otlp_put_attr(sk_strbuf *b, bool *first, const char *key, const char *value)
{
	sk_strbuf_puts(b, *first ? "{\"key\":" : ",{\"key\":");
	*first = false;
	spl_json_go_string(b, key);
	sk_strbuf_puts(b, ",\"value\":{\"stringValue\":");
	spl_json_go_string(b, value);
	sk_strbuf_puts(b, "}}");
}

void otlp_put_tags(sk_strbuf *b, const saker_alert *a)
{
	sk_strbuf_puts(b, "{\"arrayValue\":{\"values\":[");
	for (size_t i = 0; i < a->ntags; i++) {
		sk_strbuf_puts(b, i > 0 ? ",{\"stringValue\":" : "{\"stringValue\":");
		spl_json_go_string(b, a->tags[i]);
		sk_strbuf_putc(b, '}');
	}
	sk_strbuf_puts(b, "]}}");
}

void otlp_put_resource(sk_strbuf *b, const otlp_config *cfg)
{
	bool first = true;
	sk_strbuf_puts(b, "{\"resource\":{\"attributes\":[");
	otlp_put_attr(b, &first, "service.name", cfg->service_name);
	otlp_put_attr(b, &first, "service.version", cfg->service_version);
	sk_strbuf_puts(b, "]},");
}

int64_t otlp_time_ns(int64_t ns)
{
	return ns > 0 ? ns : 0;
}

static void otlp_span(sk_strbuf *b, const otlp_config *cfg, const saker_alert *a)
{
	char trace[33], span[17];
	bool first = true;

	otlp_trace_id(a, trace);
	uint8_t span_id[8];
	otlp_span_id_bytes(a, span_id);
	spl_hex_encode(span, span_id, sizeof(span_id));
	sk_strbuf_printf(b, "{\"traceId\":\"%s\",\"spanId\":\"%s\",\"name\":", trace, span);
	spl_json_go_string(b, a->rule);
	sk_strbuf_printf(b, ",\"kind\":2,\"startTimeUnixNano\":\"%lld\",\"endTimeUnixNano\":\"%lld\",\"attributes\":[",
			 (long long)otlp_time_ns(a->time_ns), (long long)otlp_time_ns(a->time_ns + cfg->duration_ms * 1000000));
	otlp_put_attr(b, &first, "uuid", a->uuid);
	otlp_put_attr(b, &first, "source", a->source);
	otlp_put_attr(b, &first, "priority", a->priority);
	otlp_put_attr(b, &first, "rule", a->rule);
	otlp_put_attr(b, &first, "hostname", a->hostname);
	sk_strbuf_puts(b, ",{\"key\":\"tags\",\"value\":");
	otlp_put_tags(b, a);
	sk_strbuf_putc(b, '}');
	for (size_t i = 0; i < a->nfields; i++) {
		otlp_put_attr(b, &first, a->field_names[i], a->field_values[i]);
	}
	sk_strbuf_printf(b, "],\"events\":[{\"timeUnixNano\":\"%lld\",\"name\":", (long long)otlp_time_ns(a->time_ns));
	spl_json_go_string(b, a->output);
	sk_strbuf_puts(b, "}],\"status\":{}}");
}

sk_err otlp_traces_body(sk_strbuf *b, const otlp_config *cfg, const saker_alert *const *alerts, size_t n)
{
	sk_strbuf_reset(b);
	sk_strbuf_puts(b, "{\"resourceSpans\":[");
	otlp_put_resource(b, cfg);
	sk_strbuf_puts(b, "\"scopeSpans\":[{\"scope\":{\"name\":\"falco-event\"},\"spans\":[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			sk_strbuf_putc(b, ',');
		}
		otlp_span(b, cfg, alerts[i]);
	}
	sk_strbuf_puts(b, "]}]}]}");
	return sk_strbuf_failed(b) ? SK_ENOMEM : SK_OK;
}

static void otlp_log(sk_strbuf *b, const saker_alert *a, int64_t now_ns)
{
	sk_strbuf text = SK_STRBUF_INIT;
	bool first = true;

	sk_strbuf_printf(b, "{\"timeUnixNano\":\"%lld\",\"observedTimeUnixNano\":\"%lld\",\"severityNumber\":%d,"
			    "\"severityText\":",
			 (long long)otlp_time_ns(a->time_ns), (long long)otlp_time_ns(now_ns), otlp_severity(a->priority_num));
	spl_json_go_string(b, a->priority);
	sk_strbuf_puts(b, ",\"body\":{\"stringValue\":");
	spl_json_go_string(b, a->output);
	sk_strbuf_puts(b, "},\"attributes\":[");
	otlp_put_attr(b, &first, "priority", a->priority);
	otlp_put_attr(b, &first, "source", a->source);
	otlp_put_attr(b, &first, "rule", a->rule);
	otlp_put_attr(b, &first, "hostname", a->hostname);
	spl_join_tags(&text, a, ",");
	otlp_put_attr(b, &first, "tags", sk_strbuf_str(&text));
	sk_strbuf_reset(&text);
	spl_go_time(&text, a->time_ns);
	otlp_put_attr(b, &first, "timestamp", sk_strbuf_str(&text));
	sk_strbuf_puts(b, "]}");
	if (sk_strbuf_failed(&text)) {
		b->failed = true;
	}
	sk_strbuf_free(&text);
}

sk_err otlp_logs_body(sk_strbuf *b, const otlp_config *cfg, const saker_alert *const *alerts, size_t n,
		      int64_t now_ns)
{
	sk_strbuf_reset(b);
	sk_strbuf_puts(b, "{\"resourceLogs\":[");
	otlp_put_resource(b, cfg);
	sk_strbuf_puts(b, "\"scopeLogs\":[{\"scope\":{\"name\":\"falco\"},\"logRecords\":[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			sk_strbuf_putc(b, ',');
		}
		otlp_log(b, alerts[i], now_ns);
	}
	sk_strbuf_puts(b, "]}]}]}");
	return sk_strbuf_failed(b) ? SK_ENOMEM : SK_OK;
}

sk_err otlp_json_rejected(const char *answer, size_t len, int64_t *rejected, char *why, size_t whylen)
{
	static const char *const counts[] = {"rejectedSpans", "rejectedLogRecords", "rejectedDataPoints"};
	json_tokener *tok = json_tokener_new();
	json_object *doc = NULL, *partial = NULL, *v = NULL;
	sk_err err = SK_EINVAL;

	*rejected = 0;
	if (whylen > 0) {
		why[0] = '\0';
	}
	if (len == 0) {
		err = SK_OK; /* an empty answer: nothing refused */
		goto cleanup;
	}
	if (tok == NULL || len > INT32_MAX) {
		goto cleanup;
	}
	doc = json_tokener_parse_ex(tok, answer, (int)len);
	if (doc == NULL || !json_object_is_type(doc, json_type_object)) {
		goto cleanup;
	}
	err = SK_OK;
	if (!json_object_object_get_ex(doc, "partialSuccess", &partial) ||
	    !json_object_is_type(partial, json_type_object)) {
		goto cleanup;
	}
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		/* an int64 in OTLP/JSON: a string of digits, or a number */
		if (json_object_object_get_ex(partial, counts[i], &v)) {
			*rejected = json_object_is_type(v, json_type_string) ? strtoll(json_object_get_string(v), NULL, 10)
									    : json_object_get_int64(v);
		}
	}
	if (json_object_object_get_ex(partial, "errorMessage", &v) && json_object_is_type(v, json_type_string)) {
		snprintf(why, whylen, "%s", json_object_get_string(v));
	}
cleanup:
	json_object_put(doc);
	if (tok != NULL) {
		json_tokener_free(tok);
	}
	return err;
}

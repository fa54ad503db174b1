/* otlp_bodies DIR: writes the otlp.* outputs' requests for a few alerts
 * (tags or none, an empty hostname, quotes, control bytes, non-ASCII text,
 * bytes that are not UTF-8, a metric past its series limit) as
 * DIR/traces.json, logs.json,
 * metrics.json and metrics-overflow.json, each with its protobuf encoding
 * beside it (traces.pb and logs.pb from the protobuf builders, the metrics
 * re-encoded from their JSON as the plugin sends them), for
 * schema_check.cjs to hold against OpenTelemetry's protobuf definitions.
 * Exits 1 on any failure. */
#include <stdio.h>
#include <string.h>

#include "otlp.h"

static const char *const names[] = {"container.id", "fd.name", "k8s.ns.name", "proc.cmdline"};
static const char *const values[] = {"host", "/tmp/\"quoted\"\tname\xff\xc3", "<NA>", "python3 -c 'print(\"\xc3\xa9t\xc3\xa9\")'"};
static const char *const tags[] = {"T1059", "filesystem", "mitre_execution"};

static saker_alert alert(const char *rule, const char *hostname, size_t ntags)
{
	saker_alert a = {
		.uuid = "0b1c2d3e-0000-4000-8000-000000000001",
		.json = "{}",
		.json_len = 2,
		.rule = rule,
		.priority = "Warning",
		.priority_num = SAKER_PRIORITY_WARNING,
		.source = "syscall",
		.hostname = hostname,
		.output = "12:00:00.000000001: Warning \x01odd <bytes> & \xe2\x9c\x93 text",
		.time = "2026-12-01T12:00:00.000000001Z",
		.time_ns = 1796126400000000001LL,
		.tags = tags,
		.ntags = ntags,
		.field_names = names,
		.field_values = values,
		.nfields = 4,
	};
	return a;
}

static int write_file(const char *dir, const char *stem, const char *ext, const sk_strbuf *b)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.%s", dir, stem, ext);
	FILE *f = fopen(path, "w");
	if (f == NULL || fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

/* DIR/stem.json and its protobuf form DIR/stem.pb: pb when given (the
 * builders' own), else the JSON re-encoded. */
static int write_body(const char *dir, const char *stem, otlp_signal signal, const sk_strbuf *json,
		      const sk_strbuf *pb)
{
	sk_strbuf recoded = SK_STRBUF_INIT;
	int rc = write_file(dir, stem, "json", json);
	sk_err err = pb != NULL ? SK_OK : otlp_pb_from_json(signal, json->data, json->len, false, &recoded);
	if (err != SK_OK) {
		fprintf(stderr, "%s: no protobuf form (%s)\n", stem, sk_strerror(err));
		rc = 1;
	} else {
		rc |= write_file(dir, stem, "pb", pb != NULL ? pb : &recoded);
	}
	sk_strbuf_free(&recoded);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: otlp_bodies DIR\n");
		return 2;
	}
	saker_alert a = alert("Read sensitive file untrusted", "node-1", 3);
	saker_alert b = alert("Terminal shell in container", "", 0);
	saker_alert c = alert("Other rule", "node-2", 1);
	const saker_alert *batch[] = {&a, &b, &a, &c};
	otlp_config cfg = {"falco", "0.1.0", 1000};
	char *custom[] = {"k8s.ns.name"};
	char *extra[] = {"fd.name", "proc.cmdline"};
	sk_strbuf body = SK_STRBUF_INIT, pb = SK_STRBUF_INIT;
	otlp_counter *counter = NULL;
	const char *rejected = NULL;
	int rc = 0;

	rc |= otlp_traces_body(&body, &cfg, batch, 4) != SK_OK || otlp_traces_pb(&pb, &cfg, batch, 4, false) != SK_OK ||
	      write_body(argv[1], "traces", OTLP_SIGNAL_TRACES, &body, &pb);
	rc |= otlp_logs_body(&body, &cfg, batch, 4, 1796126402000000000LL) != SK_OK ||
	      otlp_logs_pb(&pb, &cfg, batch, 4, 1796126402000000000LL, false) != SK_OK ||
	      write_body(argv[1], "logs", OTLP_SIGNAL_LOGS, &body, &pb);
	/* a limit of two series: the third attribute set overflows */
	if (otlp_counter_new(custom, 1, extra, 2, 2, 1796126300000000000LL, &counter, &rejected) != SK_OK) {
		fprintf(stderr, "otlp_counter_new failed\n");
		return 1;
	}
	rc |= otlp_metrics_body(&body, &cfg, counter, batch, 2, 1796126402000000000LL) != SK_OK ||
	      write_body(argv[1], "metrics", OTLP_SIGNAL_METRICS, &body, NULL);
	otlp_counter_settle(counter, true);
	rc |= otlp_metrics_body(&body, &cfg, counter, batch, 4, 1796126403000000000LL) != SK_OK ||
	      write_body(argv[1], "metrics-overflow", OTLP_SIGNAL_METRICS, &body, NULL);
	if (strstr(body.data != NULL ? body.data : "", "otel.metric.overflow") == NULL) {
		fprintf(stderr, "metrics-overflow.json has no overflow series\n");
		rc = 1;
	}
	otlp_counter_free(counter);
	sk_strbuf_free(&body);
	sk_strbuf_free(&pb);
	return rc;
}

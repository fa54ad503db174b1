/* Fuzzes the payload builders of the slack, loki, alertmanager,
 * elasticsearch, teams, discord, googlechat, pagerduty, opsgenie, datadog,
 * datadoglogs, grafana, grafanaoncall, dynatrace, logstash, cliq, cloudevents,
 * influxdb, smtp and statsd outputs with alerts whose strings come from the input (any bytes, invalid
 * UTF-8 included; the alert's JSON, which several of them parse, is one of
 * them): every JSON payload must be strict, valid-UTF-8 JSON, and
 * valid-UTF-8 text must decode back to itself. The same string is read as
 * an Elasticsearch _bulk answer. The InfluxDB point must keep line
 * protocol's shape: tags of one key=value each, no line end before the
 * quoted value, the time last. The Telegram (MarkdownV2) message must escape
 * every special character but its own bold marks. The smtp message must be
 * 7-bit CRLF lines (header lines of at most 998 characters, body lines of
 * at most 78) whose header section holds only the headers it writes (so
 * alert text never adds one); the statsd datagram must be three lines. The
 * timescaledb INSERT must be quoted identifiers and $N placeholders only,
 * one per value, whatever the table and field names (no name reaches the
 * statement unquoted). The OTLP traces and logs requests and the
 * Spyderbat record must be strict JSON too; a Wavefront point one line. */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_json.h"
#include "alertmanager.h"
#include "cliq.h"
#include "cloudevents.h"
#include "datadog.h"
#include "discord.h"
#include "dynatrace.h"
#include "elasticsearch.h"
#include "googlechat.h"
#include "grafana.h"
#include "influxdb.h"
#include "opsgenie.h"
#include "otlp.h"
#include "pagerduty.h"
#include "logstash.h"
#include "loki.h"
#include "slack.h"
#include "spl_summary.h"
#include "splunk.h"
#include "spyderbat.h"
#include "smtp.h"
#include "statsd.h"
#include "timescaledb.h"
#include "teams.h"
#include "wavefront.h"

#define NSTR 8

static const char *get_path(json_object *o, const char *k1, const char *k2)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, k1, &v)) {
		abort();
	}
	v = json_object_array_get_idx(v, 0);
	if (v == NULL || !json_object_object_get_ex(v, k2, &v)) {
		abort();
	}
	return json_object_get_string(v);
}

/* Every OTLP request the JSON writers make has a protobuf form (OTLP/HTTP
 * protobuf, OTLP/gRPC); a refusal means they and otlp_wire.proto disagree.
 * When the builders made one from the alerts (built, else NULL), it must
 * be that form byte for byte. */
static void fz_otlp_pb(otlp_signal signal, const sk_strbuf *json, const sk_strbuf *built)
{
	sk_strbuf pb = SK_STRBUF_INIT;
	if (otlp_pb_from_json(signal, json->data, json->len, true, &pb) != SK_OK) {
		abort();
	}
	if (built != NULL && (built->len != pb.len || memcmp(built->data, pb.data, pb.len) != 0)) {
		abort();
	}
	sk_strbuf_free(&pb);
}

/* Reads a tag key or value up to the unescaped delimiter it must end at
 * (one of stops); aborts when it is empty, holds a line end, ends in a
 * backslash (InfluxDB refuses that) or stops elsewhere. */
static const char *influx_part(const char *p, const char *stops)
{
	size_t len = 0;
	bool ends_in_backslash = false;

	while (*p != ',' && *p != '=' && *p != ' ') {
		if (*p == '\0' || *p == '\n' || *p == '\r') {
			abort();
		}
		if (*p == '\\') {
			p++;
			if (*p == '\0' || *p == '\n' || *p == '\r') {
				abort();
			}
		}
		ends_in_backslash = *p == '\\';
		len++;
		p++;
	}
	if (len == 0 || ends_in_backslash || strchr(stops, *p) == NULL) {
		abort();
	}
	return p;
}

/* Aborts unless sb holds "events[,k=v...] value=\"...\" DIGITS\n", reading
 * escapes as InfluxDB does (a backslash takes the next byte with it). */
static void check_influx_point(const sk_strbuf *sb)
{
	const char *p = sk_strbuf_str(sb);

	if (strncmp(p, "events", 6) != 0) {
		abort();
	}
	for (p += 6; *p == ',';) {
		p = influx_part(p + 1, "=");
		p = influx_part(p + 1, ", ");
	}
	if (strncmp(p, " value=\"", 8) != 0) {
		abort();
	}
	for (p += 8; *p != '"'; p++) {
		if (*p == '\0') {
			abort();
		}
		if (*p == '\\') {
			p++;
		}
	}
	p++;
	if (*p != ' ' || p[1] == '\n') {
		abort();
	}
	for (p++; *p != '\n'; p++) {
		if (*p < '0' || *p > '9') {
			abort();
		}
	}
	if (p[1] != '\0') {
		abort();
	}
}

/* Aborts unless msg is 7-bit CRLF lines of at most 78 characters and its
 * header section has only smtp_message's headers (or continuations). */
static void check_smtp_message(const sk_strbuf *sb)
{
	static const char *const names[] = {"Date: ", "From: ", "To: ", "Subject: ", "Message-ID: ",
					    "MIME-Version: ", "Content-Type: ", "Content-Transfer-Encoding: "};
	const char *msg = sk_strbuf_str(sb);
	const char *end = strstr(msg, "\r\n\r\n");
	size_t col = 0;
	if (end == NULL || strlen(msg) != sb->len) {
		abort();
	}
	for (size_t i = 0; i < sb->len; i++) {
		unsigned char c = (unsigned char)msg[i];
		bool bad_cr = c == '\r' && msg[i + 1] != '\n';
		bool bad_lf = c == '\n' && (i == 0 || msg[i - 1] != '\r');
		col = c == '\n' ? 0 : col + 1;
		/* with the CR: header lines within 998, body lines within 78 */
		size_t limit = msg + i < end ? 999 : 79;
		if (c >= 0x80 || bad_cr || bad_lf || col > limit) {
			abort();
		}
	}
	for (const char *line = msg; line < end + 2; line = strstr(line, "\r\n") + 2) {
		bool known = line[0] == ' ';
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !known; i++) {
			known = strncmp(line, names[i], strlen(names[i])) == 0;
		}
		if (!known) {
			abort();
		}
	}
}

/* Skips one quoted identifier at p ('"', doubled '"' inside, '"'); aborts
 * when there is none. */
static const char *skip_identifier(const char *p)
{
	if (*p++ != '"') {
		abort();
	}
	for (;;) {
		if (*p == '\0') {
			abort();
		}
		if (*p == '"' && p[1] != '"') {
			return p + 1;
		}
		p += *p == '"' ? 2 : 1;
	}
}

/* Aborts unless sql is INSERT INTO "t"[."t"] ("c",...) VALUES ($1,...,$n). */
static void check_tsdb_insert(const char *sql, int n)
{
	const char *p = sql;
	char want[16];

	if (strncmp(p, "INSERT INTO ", 12) != 0) {
		abort();
	}
	p = skip_identifier(p + 12);
	if (*p == '.') {
		p = skip_identifier(p + 1);
	}
	if (strncmp(p, " (", 2) != 0) {
		abort();
	}
	p += 2;
	for (int i = 0; i < n; i++) {
		p = skip_identifier(p);
		if (*p != (i + 1 < n ? ',' : ')')) {
			abort();
		}
		p++;
	}
	if (strncmp(p, " VALUES (", 9) != 0) {
		abort();
	}
	p += 9;
	for (int i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "$%d%c", i + 1, i + 1 < n ? ',' : ')');
		if (strncmp(p, want, strlen(want)) != 0) {
			abort();
		}
		p += strlen(want);
	}
	if (*p != '\0') {
		abort();
	}
}

/* Aborts if a MarkdownV2 special character other than '*' (the message's
 * bold labels) appears without its backslash. */
static void check_markdownv2(const sk_strbuf *sb)
{
	for (const char *p = sk_strbuf_str(sb); *p != '\0'; p++) {
		if (*p == '\\') {
			if (p[1] == '\0') {
				abort();
			}
			p++;
		} else if (*p != '*' && strchr("_[]()~`>#+-=|{}.!", *p) != NULL) {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + NSTR);
	const char *s[NSTR];
	const char *tags[1], *names[2], *values[2];
	sk_strbuf sb = SK_STRBUF_INIT;
	json_object *obj;

	if (buf == NULL) {
		return 0;
	}
	fz_split(data, size, buf, s, NSTR);
	tags[0] = s[4];
	/* field_names must be sorted and distinct, as the ABI promises. */
	names[0] = strcmp(s[5], s[6]) <= 0 ? s[5] : s[6];
	names[1] = names[0] == s[5] ? s[6] : s[5];
	values[0] = s[7];
	values[1] = s[0];
	saker_alert a = {
		.uuid = s[0],
		.json = s[1],
		.json_len = strlen(s[1]),
		.rule = s[0],
		.priority = s[2],
		.priority_num = (saker_priority)(size % 8),
		.source = s[3],
		.hostname = s[4],
		.output = s[1],
		.time = "",
		.time_ns = (int64_t)size * 1000003,
		.tags = tags,
		.ntags = *s[4] != '\0',
		.field_names = names,
		.field_values = values,
		.nfields = strcmp(names[0], names[1]) != 0 ? 2 : 1,
	};
	const saker_alert *one[1] = {&a};
	char *extra_names[2] = {(char *)s[5], (char *)s[6]};
	spl_strlist extra = {extra_names, 2, false};
	slack_config scfg = {s[2], s[3], s[4], s[5], (slack_format)(size % 3), NULL, (slack_layout)(size % 3)};
	loki_config lcfg = {.extralabels = &extra, .json_format = size % 2 == 0, .customfields = &extra};

	slack_payload(&sb, &scfg, &a);
	obj = fz_parse_strict(&sb);
	if (fz_is_ascii(s[1]) && strcmp(get_path(obj, "attachments", "fallback"), s[1]) != 0) {
		abort(); /* ASCII text must survive the Go-style escaping */
	}
	json_object_put(obj);
	sk_strbuf_reset(&sb);
	loki_payload(&sb, &lcfg, one, 1);
	json_object_put(fz_parse_strict(&sb));
	sk_strbuf_reset(&sb);
	am_config acfg;
	am_config_defaults(&acfg);
	acfg.expires_after_s = (int64_t)(size % 5) * 1000;
	if (am_payload(&sb, &acfg, &a) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	es_config ecfg = {"http://es:9200", "falco", "_doc", "", ES_SUFFIX_DAILY, true};
	es_config template_cfg = {"http://es:9200", s[5], "_doc", "", (es_suffix)(size % 4), true};
	if (es_index_ok(s[5])) {
		sk_strbuf_reset(&sb);
		if (es_template_body(&sb, &template_cfg, 3, 1) == SK_OK) {
			json_object_put(fz_parse_strict(&sb));
		}
	}
	(void)es_document(&sb, &ecfg, &a);
	char why[256];
	(void)es_bulk_failed(s[1], why, sizeof(why));
	sk_strbuf_reset(&sb);
	teams_config tcfg = {s[3], (teams_format)(size % 3)};
	if (teams_payload(&sb, &tcfg, &a) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	if (discord_payload(&sb, s[2], &a) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	googlechat_config gcfg = {size % 2 == 1, NULL};
	if (googlechat_payload(&sb, &gcfg, &a) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	if (pagerduty_payload(&sb, s[5], &a) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	if (opsgenie_payload(&sb, &a) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	if (datadog_payload(&sb, &a) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	if (datadog_logs_payload(&sb, s[6], &a) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	grafana_config grcfg = {(int64_t)size, 0, size % 2 == 0};
	if (grafana_annotation(&sb, &grcfg, &a) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	if (grafana_oncall_alert(&sb, &a) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
	}
	/* a CloudEvents header value: printable ASCII only, no space, quote or
	 * bare percent, and it decodes back to the input */
	sk_strbuf_reset(&sb);
	cloudevents_header_value(&sb, s[0]);
	for (size_t i = 0, j = 0; i < sb.len; i++, j++) {
		unsigned char c = (unsigned char)sb.data[i];
		unsigned v = c;
		if (c <= 0x20 || c >= 0x7f || c == '"') {
			abort();
		}
		if (c == '%') {
			const char *digits = "0123456789ABCDEF";
			const char *hi = i + 2 < sb.len ? strchr(digits, sb.data[i + 1]) : NULL;
			const char *lo = i + 2 < sb.len ? strchr(digits, sb.data[i + 2]) : NULL;
			if (hi == NULL || lo == NULL || *hi == '\0' || *lo == '\0') {
				abort();
			}
			v = (unsigned)((hi - digits) * 16 + (lo - digits));
			i += 2;
		}
		if ((unsigned char)s[0][j] != v) {
			abort();
		}
	}
	sk_strbuf_reset(&sb);
	cliq_config ccfg = {(cliq_format)(size % 3), size % 2 == 0, s[5], NULL};
	if (cliq_payload(&sb, &ccfg, &a) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	if (dynatrace_payload(&sb, &a) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
	}
	sk_strbuf_reset(&sb);
	/* one JSON line; an alert JSON that is not an object passes as it is */
	if (logstash_line(&sb, &a, &extra) == SK_OK) {
		if (sb.len == 0 || sb.data[sb.len - 1] != '\n') {
			abort();
		}
		sb.len--;
		if (sb.len != a.json_len || memcmp(sb.data, a.json, sb.len) != 0) {
			json_object_put(fz_parse_strict(&sb));
		}
	}
	sk_strbuf_reset(&sb);
	spl_summary(&sb, &a, (spl_summary_style)(size % 2));
	sk_strbuf_reset(&sb);
	spl_summary(&sb, &a, SPL_SUMMARY_MARKDOWNV2);
	check_markdownv2(&sb);
	sk_strbuf_reset(&sb);
	influxdb_config icfg = {.ns_per_unit = size % 2 == 0 ? 1 : 1000000000};
	if (influxdb_line(&sb, &icfg, &a) == SK_OK) {
		check_influx_point(&sb);
	}
	sk_strbuf_reset(&sb);
	smtp_config mcfg = {"saker@example.com", "ops@example.com", size % 2 == 0, s[3]};
	if (smtp_message(&sb, &mcfg, &a) == SK_OK) {
		check_smtp_message(&sb);
	}
	sk_strbuf_reset(&sb);
	statsd_config dcfg = {size % 2 == 1, "falcosidekick.", &extra};
	if (statsd_payload(&sb, &dcfg, &a) == SK_OK) {
		const char *nl = strchr(sk_strbuf_str(&sb), '\n');
		if (nl == NULL || strchr(nl + 1, '\n') == NULL || strchr(strchr(nl + 1, '\n') + 1, '\n') != NULL) {
			abort(); /* newlines in tags are dropped: always three lines */
		}
	}
	tsdb_config qcfg = {SK_STRBUF_INIT, extra};
	tsdb_row row = {SK_STRBUF_INIT, SK_STRBUF_INIT, {0}, 0};
	char terr[128];
	if (tsdb_set_table(&qcfg, s[6], terr, sizeof(terr)) == SK_OK && tsdb_row_build(&row, &qcfg, &a) == SK_OK) {
		check_tsdb_insert(sk_strbuf_str(&row.sql), row.n);
		if (row.n < 5 || row.n > 5 + (int)a.ntags + (*a.hostname != '\0') + (int)a.nfields) {
			abort();
		}
	}
	tsdb_row_free(&row);
	sk_strbuf_free(&qcfg.table); /* the columns are extra's */
	/* a Splunk batch: the events one after the other, each valid JSON
	 * (the alert JSON is the sidekick's; here only when s[1] is JSON) */
	json_tokener *tk = json_tokener_new();
	json_tokener_set_flags(tk, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	json_object *probe = json_tokener_parse_ex(tk, s[1], (int)strlen(s[1]));
	bool whole = probe != NULL && json_tokener_get_parse_end(tk) == strlen(s[1]);
	json_tokener_free(tk);
	if (whole && json_object_is_type(probe, json_type_object) && strchr(s[1], '\n') == NULL &&
	    splunk_body(&sb, one, 1) == SK_OK) {
		if (sb.len == 0 || sb.data[sb.len - 1] != '\n') {
			abort();
		}
		sb.len--;
		json_object_put(fz_parse_strict(&sb));
	}
	json_object_put(probe);
	sk_strbuf_reset(&sb);
	if (wavefront_line(&sb, s[3], &a) == SK_OK) {
		/* one line: the only newline ends it */
		const char *nl = strchr(sb.data, '\n');
		if (nl == NULL || (size_t)(nl - sb.data) != sb.len - 1 || memchr(sb.data, '\r', sb.len) != NULL) {
			abort();
		}
	}
	char sb_err[256];
	if (sb_record(&sb, &a, (int64_t)size * 1000003, sb_err, sizeof(sb_err)) == SK_OK) {
		if (sb.len == 0 || sb.data[sb.len - 1] != '\n') {
			abort(); /* one line */
		}
		sb.len--;
		json_object_put(fz_parse_strict(&sb));
	}
	(void)sb_has_source(s[1], strlen(s[1]), s[2]);
	otlp_config ocfg = {s[2], s[3], (int64_t)(size % 5000)};
	sk_strbuf built = SK_STRBUF_INIT;
	if (otlp_traces_body(&sb, &ocfg, one, 1) == SK_OK && otlp_traces_pb(&built, &ocfg, one, 1, true) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
		fz_otlp_pb(OTLP_SIGNAL_TRACES, &sb, &built);
	}
	if (otlp_logs_body(&sb, &ocfg, one, 1, (int64_t)size) == SK_OK &&
	    otlp_logs_pb(&built, &ocfg, one, 1, (int64_t)size, true) == SK_OK) {
		json_object_put(fz_parse_strict(&sb));
		fz_otlp_pb(OTLP_SIGNAL_LOGS, &sb, &built);
	}
	sk_strbuf_free(&built);
	/* the fuzzed strings as customfields / extraattributes: the names the
	 * counter takes are attribute names, the rest refused */
	char *attr_names[] = {(char *)s[0], (char *)s[4]};
	otlp_counter *oc = NULL;
	const char *rejected = NULL;
	if (otlp_counter_new(attr_names, 1, attr_names + 1, 1, 2, 1, &oc, &rejected) == SK_OK) {
		const saker_alert *twice[] = {&a, &a};
		if (otlp_metrics_body(&sb, &ocfg, oc, twice, 2, (int64_t)size) == SK_OK) {
			json_object_put(fz_parse_strict(&sb));
			fz_otlp_pb(OTLP_SIGNAL_METRICS, &sb, NULL);
		}
		otlp_counter_settle(oc, true);
		otlp_counter_free(oc);
	} else if (rejected == NULL) {
		abort(); /* only memory could fail otherwise, and the fuzzer has plenty */
	}
	sk_strbuf_free(&sb);
	free(buf);
	return 0;
}

/* influxdb.c: the point and the write URL (influxdb.h). */
#include "influxdb.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "spl_fields.h"
#include "spl_util.h"

sk_err influxdb_precision(const char *name, int64_t *ns_per_unit)
{
	static const struct {
		const char *name;
		int64_t ns;
	} units[] = {
		{"", 1},
		{"n", 1},
		{"ns", 1},
		{"u", 1000},
		{"us", 1000},
		{"ms", 1000000},
		{"s", 1000000000},
		{"m", 60 * INT64_C(1000000000)},
		{"h", 3600 * INT64_C(1000000000)},
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(name, units[i].name) == 0) {
			*ns_per_unit = units[i].ns;
			return SK_OK;
		}
	}
	return SK_EINVAL;
}

/* Appends "&key=value" (or "?key=value" first) with value percent-encoded. */
static sk_err url_param(sk_strbuf *sb, bool *first, const char *key, const char *value)
{
	char *escaped = curl_easy_escape(NULL, value, 0);
	if (escaped == NULL) {
		return SK_ENOMEM;
	}
	sk_strbuf_printf(sb, "%c%s=%s", *first ? '?' : '&', key, escaped);
	*first = false;
	curl_free(escaped);
	return SK_OK;
}

sk_err influxdb_url(sk_strbuf *sb, const influxdb_target *t, char *err, size_t errlen)
{
	bool first = true;
	sk_err rc = SK_OK;

	if (t->organization[0] != '\0') {
		spl_put_base_url(sb, t->hostport);
		sk_strbuf_puts(sb, "/api/v2/write");
		rc = url_param(sb, &first, "org", t->organization);
		if (rc == SK_OK) {
			rc = url_param(sb, &first, "bucket", t->bucket);
		}
	} else if (t->database[0] != '\0') {
		spl_put_base_url(sb, t->hostport);
		sk_strbuf_puts(sb, "/write");
		rc = url_param(sb, &first, "db", t->database);
		/* a token replaces the user and password, as in Falcosidekick */
		if (rc == SK_OK && t->token[0] == '\0' && t->user[0] != '\0' && t->password[0] != '\0') {
			rc = url_param(sb, &first, "u", t->user);
			if (rc == SK_OK) {
				rc = url_param(sb, &first, "p", t->password);
			}
		}
	} else {
		snprintf(err, errlen, "set organization (API v2) or database (API v1)");
		return SK_EINVAL;
	}
	if (rc == SK_OK && t->precision[0] != '\0') {
		rc = url_param(sb, &first, "precision", t->precision);
	}
	if (rc == SK_OK && sk_strbuf_failed(sb)) {
		rc = SK_ENOMEM;
	}
	if (rc == SK_ENOMEM) {
		snprintf(err, errlen, "out of memory");
	}
	return rc;
}

/* A tag key or value: ',', '=' and ' ' are escaped (values have their
 * spaces as '_' first, Falcosidekick's way) and line ends become '_' (a
 * point is one line). InfluxDB reads a backslash before one of those as
 * their escape and keeps other backslashes as they are, so a run of
 * backslashes passes through except: before a delimiter an odd run gets
 * one more (or its last would escape the delimiter's own escape), and at
 * the end, which InfluxDB refuses, they become '_'. */
static void tag_text(sk_strbuf *sb, const char *s, bool spaces_as_underscores)
{
	for (const char *p = s; *p != '\0'; p++) {
		char c = *p;
		if (c == '\\') {
			size_t run = strspn(p, "\\");
			char next = p[run];
			if (next == '\0') {
				for (size_t i = 0; i < run; i++) {
					sk_strbuf_putc(sb, '_');
				}
				break;
			}
			sk_strbuf_append(sb, p, run);
			if (run % 2 == 1 && (next == ',' || next == '=' || (next == ' ' && !spaces_as_underscores))) {
				sk_strbuf_putc(sb, '\\');
			}
			p += run - 1;
			continue;
		}
		if (c == '\n' || c == '\r' || (c == ' ' && spaces_as_underscores)) {
			c = '_';
		}
		if (c == ',' || c == '=' || c == ' ') {
			sk_strbuf_putc(sb, '\\');
		}
		sk_strbuf_putc(sb, c);
	}
}

/* ",key=value" unless key or value is empty (line protocol has no empty
 * tag). */
static void tag(sk_strbuf *sb, const char *key, const char *value)
{
	if (key[0] == '\0' || value == NULL || value[0] == '\0') {
		return;
	}
	sk_strbuf_putc(sb, ',');
	tag_text(sb, key, false);
	sk_strbuf_putc(sb, '=');
	tag_text(sb, value, true);
}

sk_err influxdb_line(sk_strbuf *sb, const influxdb_config *cfg, const saker_alert *alert)
{
	spl_strlist strings = {0};
	sk_strbuf tags = SK_STRBUF_INIT;

	if (spl_string_fields(alert, &strings) != SK_OK) {
		spl_strlist_free(&strings);
		return SK_ENOMEM;
	}
	sk_strbuf_puts(sb, "events");
	tag(sb, "rule", alert->rule);
	tag(sb, "priority", alert->priority);
	tag(sb, "source", alert->source);
	for (size_t i = 0; i < strings.n; i++) {
		/* "value" is the point's field: a tag of that name would be refused */
		if (strcmp(strings.items[i], "value") != 0) {
			tag(sb, strings.items[i], spl_alert_field(alert, strings.items[i]));
		}
	}
	tag(sb, "hostname", alert->hostname);
	spl_join_tags(&tags, alert, "_");
	tag(sb, "tags", sk_strbuf_str(&tags));
	sk_strbuf_free(&tags);
	sk_strbuf_puts(sb, " value=\"");
	for (const char *p = alert->output; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			sk_strbuf_putc(sb, '\\');
		}
		sk_strbuf_putc(sb, *p);
	}
	sk_strbuf_printf(sb, "\" %lld\n", (long long)(alert->time_ns / cfg->ns_per_unit));
	spl_strlist_free(&strings);
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}

/* datadog.c: the event (datadog.h). */
#include "datadog.h"

#include <string.h>

#include "spl_fields.h"
#include "spl_util.h"

static void tag(sk_strbuf *sb, bool *first, const char *name, const char *value)
{
	sk_strbuf text = SK_STRBUF_INIT;

	sk_strbuf_puts(sb, *first ? "" : ",");
	*first = false;
	if (value != NULL) {
		sk_strbuf_printf(&text, "%s:%s", name, value);
		spl_json_go_string(sb, sk_strbuf_str(&text));
	} else {
		spl_json_go_string(sb, name);
	}
	sk_strbuf_free(&text);
}

sk_err datadog_payload(sk_strbuf *sb, const saker_alert *alert)
{
	spl_strlist strings = {0};
	bool first = true;
	const char *type = "info";

	if (spl_string_fields(alert, &strings) != SK_OK) {
		spl_strlist_free(&strings);
		return SK_ENOMEM;
	}
	if (alert->priority_num <= SAKER_PRIORITY_ERROR) {
		type = "error";
	} else if (alert->priority_num == SAKER_PRIORITY_WARNING) {
		type = "warning";
	}
	/* Go's omitempty: an empty title or text is left out */
	sk_strbuf_putc(sb, '{');
	if (alert->rule[0] != '\0') {
		sk_strbuf_puts(sb, "\"title\":");
		spl_json_go_string(sb, alert->rule);
		sk_strbuf_putc(sb, ',');
	}
	if (alert->output[0] != '\0') {
		sk_strbuf_puts(sb, "\"text\":");
		spl_json_go_string(sb, alert->output);
		sk_strbuf_putc(sb, ',');
	}
	sk_strbuf_printf(sb, "\"alert_type\":\"%s\",\"source_type_name\":\"falco\",\"tags\":[", type);
	for (size_t i = 0; i < strings.n; i++) {
		tag(sb, &first, strings.items[i], spl_alert_field(alert, strings.items[i]));
	}
	tag(sb, &first, "source", alert->source);
	if (alert->hostname[0] != '\0') {
		tag(sb, &first, "hostname", alert->hostname);
	}
	for (size_t i = 0; i < alert->ntags; i++) {
		tag(sb, &first, alert->tags[i], NULL);
	}
	sk_strbuf_puts(sb, "]}");
	spl_strlist_free(&strings);
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}

/* "key":value, for Go's omitempty: nothing when value is empty. */
static void nonempty(sk_strbuf *sb, bool *first, const char *key, const char *value, size_t len)
{
	if (len == 0) {
		return;
	}
	sk_strbuf_printf(sb, "%s\"%s\":", *first ? "" : ",", key);
	*first = false;
	spl_json_go_stringn(sb, value, len);
}

sk_err datadog_logs_payload(sk_strbuf *sb, const char *service, const saker_alert *alert)
{
	sk_strbuf tags = SK_STRBUF_INIT;
	bool first = false;

	spl_join_tags(&tags, alert, ",");
	sk_strbuf_puts(sb, "{\"ddsource\":\"falco\"");
	nonempty(sb, &first, "hostname", alert->hostname, strlen(alert->hostname));
	nonempty(sb, &first, "service", service, strlen(service));
	nonempty(sb, &first, "message", alert->json, alert->json_len);
	nonempty(sb, &first, "ddtags", sk_strbuf_str(&tags), tags.len);
	sk_strbuf_putc(sb, '}');
	sk_err rc = sk_strbuf_failed(sb) || sk_strbuf_failed(&tags) ? SK_ENOMEM : SK_OK;
	sk_strbuf_free(&tags);
	return rc;
}

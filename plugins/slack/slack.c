#include "slack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_util.h"

/* Slack shows values shorter than this side by side ("short" fields). */
#define SLACK_SHORT_FIELD 36

sk_err slack_parse_format(const char *text, slack_format *out)
{
	if (*text == '\0' || strcmp(text, "all") == 0) {
		*out = SLACK_FORMAT_ALL;
	} else if (strcmp(text, "text") == 0) {
		*out = SLACK_FORMAT_TEXT;
	} else if (strcmp(text, "fields") == 0) {
		*out = SLACK_FORMAT_FIELDS;
	} else {
		return SK_EINVAL;
	}
	return SK_OK;
}

const char *slack_color(saker_priority priority)
{
	switch (priority) {
	case SAKER_PRIORITY_EMERGENCY:
	case SAKER_PRIORITY_ERROR:
		return "#e20b0b";
	case SAKER_PRIORITY_ALERT:
	case SAKER_PRIORITY_CRITICAL:
		return "#ff5400";
	case SAKER_PRIORITY_WARNING:
		return "#ffc700";
	case SAKER_PRIORITY_NOTICE:
		return "#5bffb5";
	case SAKER_PRIORITY_INFORMATIONAL:
		return "#68c2ff";
	case SAKER_PRIORITY_DEBUG:
		return "#ccfff2";
	}
	return "";
}

static void slack_key(sk_strbuf *sb, const char *key, const char *value)
{
	sk_strbuf_putc(sb, '"');
	sk_strbuf_puts(sb, key);
	sk_strbuf_puts(sb, "\":");
	spl_json_go_string(sb, value);
}

static void slack_field(sk_strbuf *sb, bool *first, const char *title, const char *value, bool short_field)
{
	sk_strbuf_puts(sb, *first ? "{" : ",{");
	*first = false;
	slack_key(sb, "title", title);
	sk_strbuf_putc(sb, ',');
	slack_key(sb, "value", value);
	sk_strbuf_puts(sb, short_field ? ",\"short\":true}" : ",\"short\":false}");
}

static void slack_fields(sk_strbuf *sb, const saker_alert *alert)
{
	sk_strbuf tmp = SK_STRBUF_INIT;
	bool first = true;

	sk_strbuf_putc(sb, '[');
	slack_field(sb, &first, "rule", alert->rule, true);
	slack_field(sb, &first, "priority", alert->priority, true);
	slack_field(sb, &first, "source", alert->source, true);
	if (*alert->hostname != '\0') {
		slack_field(sb, &first, "hostname", alert->hostname, true);
	}
	if (alert->ntags > 0) {
		spl_join_tags(&tmp, alert, ", ");
		slack_field(sb, &first, "tags", sk_strbuf_str(&tmp), true);
	}
	for (size_t i = 0; i < alert->nfields; i++) {
		const char *v = alert->field_values[i];

		slack_field(sb, &first, alert->field_names[i], v, spl_utf8_len(v) < SLACK_SHORT_FIELD);
	}
	sk_strbuf_reset(&tmp);
	spl_go_time(&tmp, alert->time_ns);
	slack_field(sb, &first, "time", sk_strbuf_str(&tmp), false);
	sk_strbuf_putc(sb, ']');
	if (sk_strbuf_failed(&tmp)) {
		/* Poison sb so the caller sees the failure. */
		sb->failed = true;
	}
	sk_strbuf_free(&tmp);
}

void slack_payload(sk_strbuf *sb, const slack_config *cfg, const saker_alert *alert)
{
	bool with_fields = cfg->format != SLACK_FORMAT_TEXT;
	sk_strbuf text = SK_STRBUF_INIT;

	sk_strbuf_putc(sb, '{');
	if (cfg->message != NULL) {
		spl_template_render(cfg->message, alert, &text);
		sb->failed |= sk_strbuf_failed(&text);
	}
	/* Keys in Falcosidekick's order; empty optional ones are left out. */
	if (text.len > 0) {
		slack_key(sb, "text", sk_strbuf_str(&text));
		sk_strbuf_putc(sb, ',');
	}
	sk_strbuf_free(&text);
	if (*cfg->username != '\0') {
		slack_key(sb, "username", cfg->username);
		sk_strbuf_putc(sb, ',');
	}
	if (*cfg->icon != '\0') {
		slack_key(sb, "icon_url", cfg->icon);
		sk_strbuf_putc(sb, ',');
	}
	if (*cfg->channel != '\0') {
		slack_key(sb, "channel", cfg->channel);
		sk_strbuf_putc(sb, ',');
	}
	sk_strbuf_puts(sb, "\"attachments\":[{");
	slack_key(sb, "fallback", alert->output);
	sk_strbuf_putc(sb, ',');
	slack_key(sb, "color", slack_color(alert->priority_num));
	if (cfg->format != SLACK_FORMAT_FIELDS) {
		sk_strbuf_putc(sb, ',');
		slack_key(sb, "text", alert->output);
	}
	sk_strbuf_puts(sb, ",\"fields\":");
	if (with_fields) {
		slack_fields(sb, alert);
		if (*cfg->footer != '\0') {
			sk_strbuf_putc(sb, ',');
			slack_key(sb, "footer", cfg->footer);
		}
	} else {
		sk_strbuf_puts(sb, "null");
	}
	sk_strbuf_puts(sb, "}]}");
}

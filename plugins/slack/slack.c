#include "slack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_fields.h"
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

static void hostname_field(sk_strbuf *sb, bool *first, const saker_alert *alert)
{
	if (*alert->hostname != '\0') {
		slack_field(sb, first, "hostname", alert->hostname, true);
	}
}

/* The output fields: every one (slack), or those holding strings. */
static void output_fields(sk_strbuf *sb, bool *first, const saker_alert *alert, slack_layout layout)
{
	spl_strlist strings = {0};
	if (layout == SLACK_LAYOUT_SLACK) {
		for (size_t i = 0; i < alert->nfields; i++) {
			const char *v = alert->field_values[i];
			slack_field(sb, first, alert->field_names[i], v, spl_utf8_len(v) < SLACK_SHORT_FIELD);
		}
		return;
	}
	sb->failed |= spl_string_fields(alert, &strings) != SK_OK;
	for (size_t i = 0; i < strings.n; i++) {
		const char *v = spl_alert_field(alert, strings.items[i]);
		v = v != NULL ? v : "";
		slack_field(sb, first, strings.items[i], v, spl_utf8_len(v) < SLACK_SHORT_FIELD);
	}
	spl_strlist_free(&strings);
}

static void slack_fields(sk_strbuf *sb, const saker_alert *alert, slack_layout layout)
{
	sk_strbuf tags = SK_STRBUF_INIT, time = SK_STRBUF_INIT;
	bool first = true;

	spl_join_tags(&tags, alert, ", ");
	spl_go_time(&time, alert->time_ns);
	sk_strbuf_putc(sb, '[');
	slack_field(sb, &first, "rule", alert->rule, true);
	if (layout == SLACK_LAYOUT_MATTERMOST) {
		hostname_field(sb, &first, alert);
	}
	slack_field(sb, &first, "priority", alert->priority, true);
	slack_field(sb, &first, "source", alert->source, true);
	if (layout == SLACK_LAYOUT_SLACK) {
		hostname_field(sb, &first, alert);
	}
	if (alert->ntags > 0) {
		slack_field(sb, &first, "tags", sk_strbuf_str(&tags), true);
	}
	output_fields(sb, &first, alert, layout);
	slack_field(sb, &first, "time", sk_strbuf_str(&time), false);
	if (layout == SLACK_LAYOUT_ROCKETCHAT) {
		hostname_field(sb, &first, alert);
	}
	sk_strbuf_putc(sb, ']');
	/* Poison sb so the caller sees a failure of the scratch buffers. */
	sb->failed |= sk_strbuf_failed(&tags) || sk_strbuf_failed(&time);
	sk_strbuf_free(&tags);
	sk_strbuf_free(&time);
}

/* Opens the next top-level key: a comma before every one but the first. */
static void next_key(sk_strbuf *sb, bool *first)
{
	if (!*first) {
		sk_strbuf_putc(sb, ',');
	}
	*first = false;
}

void slack_payload(sk_strbuf *sb, const slack_config *cfg, const saker_alert *alert)
{
	bool with_fields = cfg->format != SLACK_FORMAT_TEXT;
	sk_strbuf text = SK_STRBUF_INIT;
	bool first = true;

	sk_strbuf_putc(sb, '{');
	if (cfg->message != NULL) {
		spl_template_render(cfg->message, alert, &text);
		sb->failed |= sk_strbuf_failed(&text);
	}
	/* Keys in Falcosidekick's order; empty optional ones are left out. */
	if (text.len > 0) {
		next_key(sb, &first);
		slack_key(sb, "text", sk_strbuf_str(&text));
	}
	sk_strbuf_free(&text);
	if (*cfg->username != '\0') {
		next_key(sb, &first);
		slack_key(sb, "username", cfg->username);
	}
	if (*cfg->icon != '\0') {
		next_key(sb, &first);
		slack_key(sb, "icon_url", cfg->icon);
	}
	if (*cfg->channel != '\0') {
		next_key(sb, &first);
		slack_key(sb, "channel", cfg->channel);
	}
	if (cfg->layout == SLACK_LAYOUT_ROCKETCHAT && !with_fields) {
		sk_strbuf_putc(sb, '}'); /* Rocket.Chat's text format sends no attachment */
		return;
	}
	next_key(sb, &first);
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
		slack_fields(sb, alert, cfg->layout);
		if (*cfg->footer != '\0') {
			sk_strbuf_putc(sb, ',');
			slack_key(sb, "footer", cfg->footer);
		}
	} else {
		sk_strbuf_puts(sb, "null");
	}
	sk_strbuf_puts(sb, "}]}");
}

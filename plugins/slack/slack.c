#include "slack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sko_http.h"
#include "sko_util.h"

#define SLACK_DEFAULT_FOOTER "https://github.com/falcosecurity/falcosidekick"
#define SLACK_DEFAULT_ICON "https://raw.githubusercontent.com/falcosecurity/falcosidekick/master/imgs/falcosidekick.png"
/* Slack shows values shorter than this side by side ("short" fields). */
#define SLACK_SHORT_FIELD 36

typedef struct slack_state {
	slack_config cfg;
	sko_template *message;
	sko_http *http;
	sk_strbuf body;
} slack_state;

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
	sko_json_go_string(sb, value);
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
		sko_join_tags(&tmp, alert, ", ");
		slack_field(sb, &first, "tags", sk_strbuf_str(&tmp), true);
	}
	for (size_t i = 0; i < alert->nfields; i++) {
		const char *v = alert->field_values[i];

		slack_field(sb, &first, alert->field_names[i], v, sko_utf8_len(v) < SLACK_SHORT_FIELD);
	}
	sk_strbuf_reset(&tmp);
	sko_go_time(&tmp, alert->time_ns);
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
		sko_template_render(cfg->message, alert, &text);
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

static void slack_close(void *state)
{
	slack_state *st = state;

	if (st != NULL) {
		sko_http_free(st->http);
		sko_template_free(st->message);
		sk_strbuf_free(&st->body);
		free(st);
	}
}

static bool slack_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *url = host->config_string(host->ctx, "webhookurl", "");
	const char *format = host->config_string(host->ctx, "outputformat", "all");
	const char *message = host->config_string(host->ctx, "messageformat", "");
	slack_state *st = calloc(1, sizeof(*st));
	char why[256];
	sk_err rc = SK_OK;

	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->cfg.username = host->config_string(host->ctx, "username", "Falcosidekick");
	st->cfg.icon = host->config_string(host->ctx, "icon", SLACK_DEFAULT_ICON);
	st->cfg.channel = host->config_string(host->ctx, "channel", "");
	st->cfg.footer = host->config_string(host->ctx, "footer", "");
	if (*st->cfg.footer == '\0') {
		st->cfg.footer = SLACK_DEFAULT_FOOTER;
	}
	if (slack_parse_format(format, &st->cfg.format) != SK_OK) {
		snprintf(err, errlen, "outputformat '%s': want all, text or fields", format);
		rc = SK_EINVAL;
		goto cleanup;
	}
	if (*message != '\0') {
		rc = sko_template_compile(message, strlen(message), &st->message, why, sizeof(why));
		if (rc != SK_OK) {
			snprintf(err, errlen, "messageformat: %s", why);
			goto cleanup;
		}
		st->cfg.message = st->message;
	}
	rc = sko_http_new(host, url, &st->http, err, errlen);
cleanup:
	if (rc != SK_OK) {
		slack_close(st);
		return false;
	}
	*state = st;
	return true;
}

static saker_send_result slack_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	slack_state *st = state;
	saker_send_result res;

	sk_strbuf_reset(&st->body);
	slack_payload(&st->body, &st->cfg, alert);
	res = sko_check_buf(&st->body, err, errlen);
	if (res != SAKER_SEND_OK) {
		return res;
	}
	return sko_http_send(st->http, st->body.data, st->body.len, err, errlen);
}

static const saker_output_plugin slack_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "slack",
	.description = "Slack incoming webhook, Falcosidekick's attachment layout",
	.required_key = "webhookurl",
	.max_batch = 1,
	.init = slack_init,
	.send = slack_send,
	.send_batch = NULL,
	.close = slack_close,
};

SKO_PLUGIN_ENTRY(slack_plugin)

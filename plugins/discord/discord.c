/* discord.c: the embed (discord.h) and the plugin glue. */
#include "discord.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_fields.h"
#include "spl_http.h"
#include "spl_util.h"

static void field(sk_strbuf *sb, bool *first, const char *name, const char *value, bool code)
{
	sk_strbuf_puts(sb, *first ? "{\"name\":" : ",{\"name\":");
	*first = false;
	spl_json_go_string(sb, name);
	sk_strbuf_puts(sb, ",\"value\":");
	if (code) {
		sk_strbuf tmp = SK_STRBUF_INIT;
		sk_strbuf_printf(&tmp, "```%s```", value);
		spl_json_go_string(sb, sk_strbuf_str(&tmp));
		sk_strbuf_free(&tmp);
	} else {
		spl_json_go_string(sb, value);
	}
	sk_strbuf_puts(sb, ",\"inline\":true}");
}

sk_err discord_payload(sk_strbuf *sb, const char *icon, const saker_alert *alert)
{
	static const char *const colors[8] = {"15158332", "11027200", "15105570", "15844367",
					      "12745742", "3066993",  "3447003",  "12370112"};
	spl_strlist strings = {0};
	bool first = true;
	if (spl_string_fields(alert, &strings) != SK_OK) {
		spl_strlist_free(&strings);
		return SK_ENOMEM;
	}
	sk_strbuf_puts(sb, "{\"content\":\"\"");
	if (icon[0] != '\0') {
		sk_strbuf_puts(sb, ",\"avatar_url\":");
		spl_json_go_string(sb, icon);
	}
	sk_strbuf_puts(sb, ",\"embeds\":[{\"title\":\"\",\"url\":\"\",\"description\":");
	spl_json_go_string(sb, alert->output);
	sk_strbuf_printf(sb, ",\"color\":\"%s\",\"fields\":[",
			 alert->priority_num <= SAKER_PRIORITY_DEBUG ? colors[alert->priority_num] : "");
	field(sb, &first, "rule", alert->rule, false);
	field(sb, &first, "priority", alert->priority, false);
	field(sb, &first, "source", alert->source, false);
	if (alert->hostname[0] != '\0') {
		field(sb, &first, "hostname", alert->hostname, false);
	}
	for (size_t i = 0; i < strings.n; i++) {
		const char *value = spl_alert_field(alert, strings.items[i]);
		field(sb, &first, strings.items[i], value != NULL ? value : "", true);
	}
	if (alert->ntags > 0) {
		sk_strbuf tags = SK_STRBUF_INIT;
		spl_join_tags(&tags, alert, ", ");
		field(sb, &first, "tags", sk_strbuf_str(&tags), false);
		sk_strbuf_free(&tags);
	}
	sk_strbuf time = SK_STRBUF_INIT;
	spl_go_time(&time, alert->time_ns);
	field(sb, &first, "time", sk_strbuf_str(&time), false);
	sk_strbuf_free(&time);
	sk_strbuf_puts(sb, "]}]}");
	spl_strlist_free(&strings);
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}

/* ---- plugin ---------------------------------------------------------------- */

typedef struct discord_state {
	const char *icon;
	spl_http *http;
	sk_strbuf body;
} discord_state;

static void discord_close(void *state)
{
	discord_state *st = state;
	if (st != NULL) {
		spl_http_free(st->http);
		sk_strbuf_free(&st->body);
		free(st);
	}
}

static bool discord_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	discord_state *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->icon = host->config_string(host->ctx, "icon", "");
	st->icon = st->icon[0] != '\0' ? st->icon : DISCORD_DEFAULT_ICON;
	if (spl_http_new(host, host->config_string(host->ctx, "webhookurl", ""), &st->http, err, errlen) != SK_OK) {
		discord_close(st);
		return false;
	}
	*state = st;
	return true;
}

static saker_send_result discord_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	discord_state *st = state;
	sk_strbuf_reset(&st->body);
	if (discord_payload(&st->body, st->icon, alert) != SK_OK) {
		snprintf(err, errlen, "out of memory building the payload");
		return SAKER_SEND_RETRY;
	}
	return spl_http_send(st->http, st->body.data, st->body.len, err, errlen);
}

static const saker_output_plugin discord_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "discord",
	.description = "Discord webhook, Falcosidekick's embed",
	.required_key = "webhookurl",
	.max_batch = 1,
	.init = discord_init,
	.send = discord_send,
	.send_batch = NULL,
	.close = discord_close,
};

SPL_PLUGIN_ENTRY(discord_plugin)

/* discord plugin glue: Falcosidekick's discord.* keys; one POST per alert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discord.h"
#include "spl_http.h"
#include "spl_util.h"

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

/* teams plugin glue: teams.webhookurl, activityimage, outputformat; one
 * POST per alert. */
#include <stdio.h>
#include <stdlib.h>

#include "spl_http.h"
#include "spl_util.h"
#include "teams.h"

typedef struct teams_state {
	teams_config cfg;
	spl_http *http;
	sk_strbuf body;
} teams_state;

static void teams_close(void *state)
{
	teams_state *st = state;
	if (st != NULL) {
		spl_http_free(st->http);
		sk_strbuf_free(&st->body);
		free(st);
	}
}

static bool teams_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *format = host->config_string(host->ctx, "outputformat", "all");
	teams_state *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->cfg.activity_image = host->config_string(host->ctx, "activityimage", "");
	if (teams_parse_format(format, &st->cfg.format) != SK_OK) {
		snprintf(err, errlen, "outputformat '%s': want all, text or facts", format);
		teams_close(st);
		return false;
	}
	if (spl_http_new(host, host->config_string(host->ctx, "webhookurl", ""), &st->http, err, errlen) != SK_OK) {
		teams_close(st);
		return false;
	}
	*state = st;
	return true;
}

static saker_send_result teams_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	teams_state *st = state;
	sk_strbuf_reset(&st->body);
	if (teams_payload(&st->body, &st->cfg, alert) != SK_OK) {
		snprintf(err, errlen, "out of memory building the payload");
		return SAKER_SEND_RETRY;
	}
	return spl_http_send(st->http, st->body.data, st->body.len, err, errlen);
}

static const saker_output_plugin teams_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "teams",
	.description = "Microsoft Teams incoming webhook, Falcosidekick's MessageCard",
	.required_key = "webhookurl",
	.max_batch = 1,
	.init = teams_init,
	.send = teams_send,
	.send_batch = NULL,
	.close = teams_close,
};

SPL_PLUGIN_ENTRY(teams_plugin)

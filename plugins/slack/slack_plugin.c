/* slack plugin glue: config keys -> slack_config, one POST per alert.
 * The same file builds the mattermost and rocketchat plugins (CMake
 * defines SLACK_FLAVOUR_MATTERMOST or SLACK_FLAVOUR_ROCKETCHAT): their
 * sections take the same keys (no channel; rocketchat no footer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slack.h"
#include "spl_http.h"
#include "spl_util.h"

#define SLACK_DEFAULT_FOOTER "https://github.com/falcosecurity/falcosidekick"
#define SLACK_DEFAULT_ICON "https://raw.githubusercontent.com/falcosecurity/falcosidekick/master/imgs/falcosidekick.png"
/* Falcosidekick's DefaultIconURL, what mattermost and rocketchat use */
#define CHAT_DEFAULT_ICON "https://raw.githubusercontent.com/falcosecurity/falcosidekick/master/imgs/falcosidekick_color.png"

#if defined(SLACK_FLAVOUR_MATTERMOST)
#define FLAVOUR_NAME "mattermost"
#define FLAVOUR_LAYOUT SLACK_LAYOUT_MATTERMOST
#define FLAVOUR_DESCRIPTION "Mattermost incoming webhook, Falcosidekick's attachment layout"
#elif defined(SLACK_FLAVOUR_ROCKETCHAT)
#define FLAVOUR_NAME "rocketchat"
#define FLAVOUR_LAYOUT SLACK_LAYOUT_ROCKETCHAT
#define FLAVOUR_DESCRIPTION "Rocket.Chat incoming webhook, Falcosidekick's attachment layout"
#else
#define FLAVOUR_NAME "slack"
#define FLAVOUR_LAYOUT SLACK_LAYOUT_SLACK
#define FLAVOUR_DESCRIPTION "Slack incoming webhook, Falcosidekick's attachment layout"
#endif

typedef struct slack_state {
	slack_config cfg;
	spl_template *message;
	spl_http *http;
	sk_strbuf body;
} slack_state;

static void slack_close(void *state)
{
	slack_state *st = state;

	if (st != NULL) {
		spl_http_free(st->http);
		spl_template_free(st->message);
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
	st->cfg.layout = FLAVOUR_LAYOUT;
	st->cfg.username = host->config_string(host->ctx, "username", "Falcosidekick");
	st->cfg.icon = host->config_string(host->ctx, "icon",
					   FLAVOUR_LAYOUT == SLACK_LAYOUT_SLACK ? SLACK_DEFAULT_ICON : CHAT_DEFAULT_ICON);
	if (*st->cfg.icon == '\0' && FLAVOUR_LAYOUT != SLACK_LAYOUT_SLACK) {
		st->cfg.icon = CHAT_DEFAULT_ICON; /* Falcosidekick's "when empty, the default" */
	}
	/* Mattermost and Rocket.Chat take the webhook's own channel */
	st->cfg.channel = FLAVOUR_LAYOUT == SLACK_LAYOUT_SLACK ? host->config_string(host->ctx, "channel", "") : "";
	st->cfg.footer = host->config_string(host->ctx, "footer", "");
	if (*st->cfg.footer == '\0') {
		st->cfg.footer = SLACK_DEFAULT_FOOTER;
	}
	if (FLAVOUR_LAYOUT == SLACK_LAYOUT_ROCKETCHAT) {
		st->cfg.footer = ""; /* Falcosidekick sets none for Rocket.Chat */
	}
	if (slack_parse_format(format, &st->cfg.format) != SK_OK) {
		snprintf(err, errlen, "outputformat '%s': want all, text or fields", format);
		rc = SK_EINVAL;
		goto cleanup;
	}
	if (*message != '\0') {
		rc = spl_template_compile(message, strlen(message), &st->message, why, sizeof(why));
		if (rc != SK_OK) {
			snprintf(err, errlen, "messageformat: %s", why);
			goto cleanup;
		}
		st->cfg.message = st->message;
	}
	rc = spl_http_new(host, url, &st->http, err, errlen);
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
	res = spl_check_buf(&st->body, err, errlen);
	if (res != SAKER_SEND_OK) {
		return res;
	}
	return spl_http_send(st->http, st->body.data, st->body.len, err, errlen);
}

static const saker_output_plugin slack_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = FLAVOUR_NAME,
	.description = FLAVOUR_DESCRIPTION,
	.required_key = "webhookurl",
	.max_batch = 1,
	.init = slack_init,
	.send = slack_send,
	.send_batch = NULL,
	.close = slack_close,
};

SPL_PLUGIN_ENTRY(slack_plugin)

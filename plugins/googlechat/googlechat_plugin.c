/* googlechat plugin glue: Falcosidekick's googlechat.* keys; one POST per alert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "googlechat.h"
#include "spl_http.h"
#include "spl_util.h"

typedef struct googlechat_state {
	googlechat_config cfg;
	spl_template *message;
	spl_http *http;
	sk_strbuf body;
} googlechat_state;

static void googlechat_close(void *state)
{
	googlechat_state *st = state;
	if (st != NULL) {
		spl_http_free(st->http);
		spl_template_free(st->message);
		sk_strbuf_free(&st->body);
		free(st);
	}
}

static bool googlechat_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *format = host->config_string(host->ctx, "outputformat", "all");
	const char *message = host->config_string(host->ctx, "messageformat", "");
	googlechat_state *st = calloc(1, sizeof(*st));
	char why[256];
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	bool ok = true;
	if (format[0] != '\0' && strcmp(format, "all") != 0 && strcmp(format, "text") != 0) {
		snprintf(err, errlen, "outputformat '%s': want all or text", format);
		ok = false;
	}
	st->cfg.text_only = strcmp(format, "text") == 0;
	if (ok && message[0] != '\0') {
		ok = spl_template_compile(message, strlen(message), &st->message, why, sizeof(why)) == SK_OK;
		if (!ok) {
			snprintf(err, errlen, "messageformat: %s", why);
		}
		st->cfg.message = st->message;
	}
	ok = ok && spl_http_new(host, host->config_string(host->ctx, "webhookurl", ""), &st->http, err, errlen) == SK_OK;
	if (!ok) {
		googlechat_close(st);
		return false;
	}
	*state = st;
	return true;
}

static saker_send_result googlechat_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	googlechat_state *st = state;
	sk_strbuf_reset(&st->body);
	if (googlechat_payload(&st->body, &st->cfg, alert) != SK_OK) {
		snprintf(err, errlen, "out of memory building the payload");
		return SAKER_SEND_RETRY;
	}
	return spl_http_send(st->http, st->body.data, st->body.len, err, errlen);
}

static const saker_output_plugin googlechat_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "googlechat",
	.description = "Google Chat webhook, Falcosidekick's card",
	.required_key = "webhookurl",
	.max_batch = 1,
	.init = googlechat_init,
	.send = googlechat_send,
	.send_batch = NULL,
	.close = googlechat_close,
};

SPL_PLUGIN_ENTRY(googlechat_plugin)

/* webhook: POSTs (or PUTs) the Falco JSON alert to `address`, with
 * `customheaders`, `checkcert` and mutual TLS, on one kept-alive connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saker/output_plugin.h"
#include "spl_http.h"
#include "spl_util.h"

typedef struct webhook_state {
	spl_http *http;
} webhook_state;

static bool webhook_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *address = host->config_string(host->ctx, "address", "");
	const char *method = host->config_string(host->ctx, "method", "POST");
	webhook_state *st = calloc(1, sizeof(*st));

	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (spl_http_new(host, address, &st->http, err, errlen) != SK_OK) {
		free(st);
		return false;
	}
	if (spl_http_set_method(st->http, method) != SK_OK) {
		snprintf(err, errlen, "method '%s': want POST or PUT", method);
		spl_http_free(st->http);
		free(st);
		return false;
	}
	*state = st;
	return true;
}

static saker_send_result webhook_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	webhook_state *st = state;

	return spl_http_send(st->http, alert->json, alert->json_len, err, errlen);
}

static void webhook_close(void *state)
{
	webhook_state *st = state;

	if (st != NULL) {
		spl_http_free(st->http);
		free(st);
	}
}

static const saker_output_plugin webhook_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "webhook",
	.description = "HTTP POST/PUT of the Falco JSON alert to any endpoint",
	.required_key = "address",
	.max_batch = 1,
	.init = webhook_init,
	.send = webhook_send,
	.send_batch = NULL,
	.close = webhook_close,
};

SPL_PLUGIN_ENTRY(webhook_plugin)

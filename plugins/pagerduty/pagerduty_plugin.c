/* pagerduty plugin glue: routingkey, region (us or eu); one event per
 * alert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pagerduty.h"
#include "spl_http.h"
#include "spl_util.h"

typedef struct pagerduty_state {
	const char *routing_key;
	spl_http *http;
	sk_strbuf body;
} pagerduty_state;

static void pagerduty_close(void *state)
{
	pagerduty_state *st = state;
	if (st != NULL) {
		spl_http_free(st->http);
		sk_strbuf_free(&st->body);
		free(st);
	}
}

static bool pagerduty_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *region = host->config_string(host->ctx, "region", "us");
	pagerduty_state *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->routing_key = host->config_string(host->ctx, "routingkey", "");
	bool ok = true;
	if (strcasecmp(region, "us") != 0 && strcasecmp(region, "eu") != 0 && region[0] != '\0') {
		snprintf(err, errlen, "region '%s': want us or eu", region);
		ok = false;
	}
	/* endpoint (Saker): the events API's URL, for a proxy or a test receiver */
	const char *endpoint = host->config_string(
		host->ctx, "endpoint", strcasecmp(region, "eu") == 0 ? PAGERDUTY_EU_ENDPOINT : PAGERDUTY_US_ENDPOINT);
	ok = ok && spl_http_new(host, endpoint, &st->http, err, errlen) == SK_OK;
	if (!ok) {
		pagerduty_close(st);
		return false;
	}
	*state = st;
	return true;
}

static saker_send_result pagerduty_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	pagerduty_state *st = state;
	sk_strbuf_reset(&st->body);
	if (pagerduty_payload(&st->body, st->routing_key, alert) != SK_OK) {
		snprintf(err, errlen, "out of memory building the payload");
		return SAKER_SEND_RETRY;
	}
	return spl_http_send(st->http, st->body.data, st->body.len, err, errlen);
}

static const saker_output_plugin pagerduty_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "pagerduty",
	.description = "PagerDuty Events API v2, Falcosidekick's trigger event",
	.required_key = "routingkey",
	.max_batch = 1,
	.init = pagerduty_init,
	.send = pagerduty_send,
	.send_batch = NULL,
	.close = pagerduty_close,
};

SPL_PLUGIN_ENTRY(pagerduty_plugin)

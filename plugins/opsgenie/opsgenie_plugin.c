/* opsgenie plugin glue: apikey (GenieKey authorization), region (us or
 * eu); one alert per POST. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opsgenie.h"
#include "spl_http.h"
#include "spl_util.h"

typedef struct opsgenie_state {
	spl_http *http;
	sk_strbuf body;
} opsgenie_state;

static void opsgenie_close(void *state)
{
	opsgenie_state *st = state;
	if (st != NULL) {
		spl_http_free(st->http);
		sk_strbuf_free(&st->body);
		free(st);
	}
}

static bool opsgenie_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *region = host->config_string(host->ctx, "region", "us");
	const char *apikey = host->config_string(host->ctx, "apikey", "");
	opsgenie_state *st = calloc(1, sizeof(*st));
	char auth[1024];
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	bool ok = true;
	if (strcasecmp(region, "us") != 0 && strcasecmp(region, "eu") != 0 && region[0] != '\0') {
		snprintf(err, errlen, "region '%s': want us or eu", region);
		ok = false;
	}
	/* endpoint (Saker): the alerts API's URL, for a proxy or a test receiver */
	const char *endpoint = host->config_string(
		host->ctx, "endpoint", strcasecmp(region, "eu") == 0 ? OPSGENIE_EU_ENDPOINT : OPSGENIE_US_ENDPOINT);
	ok = ok && spl_http_new(host, endpoint, &st->http, err, errlen) == SK_OK;
	snprintf(auth, sizeof(auth), "GenieKey %s", apikey);
	if (ok && spl_http_add_header(st->http, "Authorization", auth) != SK_OK) {
		snprintf(err, errlen, "apikey: not a header value");
		ok = false;
	}
	if (!ok) {
		opsgenie_close(st);
		return false;
	}
	*state = st;
	return true;
}

static saker_send_result opsgenie_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	opsgenie_state *st = state;
	sk_strbuf_reset(&st->body);
	if (opsgenie_payload(&st->body, alert) != SK_OK) {
		snprintf(err, errlen, "out of memory building the payload");
		return SAKER_SEND_RETRY;
	}
	return spl_http_send(st->http, st->body.data, st->body.len, err, errlen);
}

static const saker_output_plugin opsgenie_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "opsgenie",
	.description = "Opsgenie alerts API, Falcosidekick's alert",
	.required_key = "apikey",
	.max_batch = 1,
	.init = opsgenie_init,
	.send = opsgenie_send,
	.send_batch = NULL,
	.close = opsgenie_close,
};

SPL_PLUGIN_ENTRY(opsgenie_plugin)

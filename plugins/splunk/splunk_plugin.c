/* splunk plugin glue: Falcosidekick's splunk keys, host (the HEC URL,
 * http(s)://host:8088/services/collector/event) and token (sent as
 * "Authorization: Splunk <token>"), plus the shared HTTP keys; batches of
 * up to 256 alerts in one request, all or none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saker/output_plugin.h"
#include "splunk.h"
#include "spl_http.h"
#include "spl_util.h"

#define SPLUNK_MAX_BATCH 256

typedef struct splunk_out {
	spl_http *http;
	sk_strbuf body;
} splunk_out;

static void splunk_close(void *state)
{
	splunk_out *o = state;
	if (o != NULL) {
		spl_http_free(o->http);
		sk_strbuf_free(&o->body);
		free(o);
	}
}

static bool splunk_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *token = host->config_string(host->ctx, "token", "");
	splunk_out *o = calloc(1, sizeof(*o));
	sk_strbuf auth = SK_STRBUF_INIT;

	if (o == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (spl_http_new(host, host->config_string(host->ctx, "host", ""), &o->http, err, errlen) != SK_OK) {
		splunk_close(o);
		return false;
	}
	if (token[0] != '\0') {
		sk_strbuf_printf(&auth, "Splunk %s", token);
		if (sk_strbuf_failed(&auth) || spl_http_add_header(o->http, "Authorization", sk_strbuf_str(&auth)) != SK_OK) {
			snprintf(err, errlen, "token: not a header value");
			sk_strbuf_free(&auth);
			splunk_close(o);
			return false;
		}
		explicit_bzero(auth.data, auth.len);
	}
	sk_strbuf_free(&auth);
	*state = o;
	return true;
}

static saker_send_result splunk_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
					   size_t errlen)
{
	splunk_out *o = state;
	if (splunk_body(&o->body, alerts, n) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	return spl_http_send(o->http, o->body.data, o->body.len, err, errlen);
}

static saker_send_result splunk_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	return splunk_send_batch(state, &alert, 1, err, errlen);
}

static const saker_output_plugin splunk_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "splunk",
	.description = "Splunk HTTP Event Collector, the Falco JSON alert as the event, batched",
	.required_key = "host",
	.max_batch = SPLUNK_MAX_BATCH,
	.init = splunk_init,
	.send = splunk_send,
	.send_batch = splunk_send_batch,
	.close = splunk_close,
};

SPL_PLUGIN_ENTRY(splunk_plugin)

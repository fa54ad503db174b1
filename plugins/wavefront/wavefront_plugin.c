/* wavefront plugin glue: Falcosidekick's wavefront keys. endpointtype
 * "proxy": the points over TCP to endpointhost:endpointmetricport (2878),
 * a kept connection (spl_stream); "direct": an HTTPS POST to
 * endpointhost's /report?f=wavefront with endpointtoken as the bearer
 * token. metricname (falco.alert) names the metric. Batches of up to 256
 * points are one write or request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saker/output_plugin.h"
#include "spl_http.h"
#include "spl_stream.h"
#include "spl_util.h"
#include "wavefront.h"

#define WF_MAX_BATCH 256

typedef struct wf_out {
	spl_http *http;	    /* direct */
	spl_stream *stream; /* proxy */
	const char *metric;
	sk_strbuf body;
} wf_out;

static void wf_close(void *state)
{
	wf_out *o = state;
	if (o != NULL) {
		spl_http_free(o->http);
		spl_stream_free(o->stream);
		sk_strbuf_free(&o->body);
		free(o);
	}
}

static bool wf_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *type = host->config_string(host->ctx, "endpointtype", "");
	const char *endpoint = host->config_string(host->ctx, "endpointhost", "");
	const char *token = host->config_string(host->ctx, "endpointtoken", "");
	wf_out *o = calloc(1, sizeof(*o));
	sk_strbuf url = SK_STRBUF_INIT;
	bool ok = false;

	if (o == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	o->metric = host->config_string(host->ctx, "metricname", "falco.alert");
	if (endpoint[0] == '\0' || strpbrk(endpoint, "/?#@ ") != NULL) {
		snprintf(err, errlen, "endpointhost '%s': want the host name (or address) only", endpoint);
		goto cleanup;
	}
	/* an IPv6 literal (two colons or more) needs brackets; "host:port" not */
	const char *colon = strchr(endpoint, ':');
	bool v6 = colon != NULL && strchr(colon + 1, ':') != NULL && endpoint[0] != '[';
	if (strcmp(type, "proxy") == 0) {
		int64_t port = host->config_int(host->ctx, "endpointmetricport", 2878);
		if (port < 1 || port > 65535) {
			snprintf(err, errlen, "endpointmetricport %lld: want 1..65535", (long long)port);
			goto cleanup;
		}
		sk_strbuf_printf(&url, "http://%s%s%s:%lld", v6 ? "[" : "", endpoint, v6 ? "]" : "", (long long)port);
		if (sk_strbuf_failed(&url) || spl_stream_new(sk_strbuf_str(&url), host->config_int(host->ctx, "timeout", 5000),
							     NULL, NULL, &o->stream, err, errlen) != SK_OK) {
			goto cleanup;
		}
	} else if (strcmp(type, "direct") == 0) {
		sk_strbuf auth = SK_STRBUF_INIT;
		sk_strbuf_printf(&url, "https://%s%s%s/report?f=wavefront", v6 ? "[" : "", endpoint, v6 ? "]" : "");
		sk_strbuf_printf(&auth, "Bearer %s", token);
		bool made = !sk_strbuf_failed(&url) && !sk_strbuf_failed(&auth) &&
			    spl_http_new(host, sk_strbuf_str(&url), &o->http, err, errlen) == SK_OK;
		if (made && (spl_http_add_header(o->http, "Authorization", sk_strbuf_str(&auth)) != SK_OK ||
			     spl_http_add_header(o->http, "Content-Type", "application/octet-stream") != SK_OK)) {
			snprintf(err, errlen, "endpointtoken: not a header value");
			made = false;
		}
		sk_strbuf_free(&auth);
		if (!made) {
			goto cleanup;
		}
	} else {
		snprintf(err, errlen, "endpointtype '%s': want direct or proxy", type);
		goto cleanup;
	}
	*state = o;
	o = NULL;
	ok = true;
cleanup:
	sk_strbuf_free(&url);
	wf_close(o);
	return ok;
}

static saker_send_result wf_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
				       size_t errlen)
{
	wf_out *o = state;

	sk_strbuf_reset(&o->body);
	for (size_t i = 0; i < n; i++) {
		if (wavefront_line(&o->body, o->metric, alerts[i]) != SK_OK) {
			snprintf(err, errlen, "out of memory");
			return SAKER_SEND_RETRY;
		}
	}
	if (o->stream != NULL) {
		return spl_stream_write(o->stream, o->body.data, o->body.len, err, errlen);
	}
	return spl_http_send(o->http, o->body.data, o->body.len, err, errlen);
}

static saker_send_result wf_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	return wf_send_batch(state, &alert, 1, err, errlen);
}

static const saker_output_plugin wf_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "wavefront",
	.description = "Wavefront (Aria Operations for Applications) points, through a proxy or direct",
	.required_key = "endpointhost",
	.max_batch = WF_MAX_BATCH,
	.init = wf_init,
	.send = wf_send,
	.send_batch = wf_send_batch,
	.close = wf_close,
};

SPL_PLUGIN_ENTRY(wf_plugin)

/* datadoglogs plugin glue: apikey (the DD-API-KEY header), host, service;
 * one log per POST to host/api/v2/logs, as Falcosidekick sends it. */
#include <stdio.h>

#include "datadog.h"
#include "spl_post.h"
#include "spl_util.h"

static sk_err datadoglogs_build(sk_strbuf *sb, const void *service, const saker_alert *alert)
{
	return datadog_logs_payload(sb, service, alert);
}

static bool datadoglogs_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *base = host->config_string(host->ctx, "host", "");
	const char *apikey = host->config_string(host->ctx, "apikey", "");
	const char *service = host->config_string(host->ctx, "service", "");
	sk_strbuf url = SK_STRBUF_INIT;
	spl_post *post = NULL;
	bool ok = false;

	spl_put_base_url(&url, base[0] != '\0' ? base : DATADOG_LOGS_DEFAULT_HOST);
	sk_strbuf_puts(&url, DATADOG_LOGS_PATH);
	/* the host keeps its strings for the instance's life: service is not copied */
	if (sk_strbuf_failed(&url)) {
		snprintf(err, errlen, "out of memory");
	} else if (spl_post_new(host, sk_strbuf_str(&url), datadoglogs_build, (void *)service, NULL, &post, err,
				errlen) == SK_OK) {
		if (spl_http_add_header(post->http, "DD-API-KEY", apikey) != SK_OK) {
			snprintf(err, errlen, "apikey: not a header value");
			spl_post_close(post);
		} else {
			*state = post;
			ok = true;
		}
	}
	sk_strbuf_free(&url);
	return ok;
}

static const saker_output_plugin datadoglogs_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "datadoglogs",
	.description = "Datadog Logs API, Falcosidekick's log",
	.required_key = "apikey",
	.max_batch = 1,
	.init = datadoglogs_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(datadoglogs_plugin)

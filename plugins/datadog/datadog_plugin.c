/* datadog plugin glue: apikey, host; one event per POST to
 * host/api/v1/events?api_key=KEY, as Falcosidekick sends it. */
#include <curl/curl.h>
#include <stdio.h>

#include "datadog.h"
#include "spl_post.h"
#include "spl_util.h"

static sk_err datadog_build(sk_strbuf *sb, const void *cfg, const saker_alert *alert)
{
	(void)cfg;
	return datadog_payload(sb, alert);
}

static bool datadog_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *base = host->config_string(host->ctx, "host", "");
	const char *apikey = host->config_string(host->ctx, "apikey", "");
	char *key = curl_easy_escape(NULL, apikey, 0);
	sk_strbuf url = SK_STRBUF_INIT;
	spl_post *post = NULL;
	bool ok = false;

	spl_put_base_url(&url, base[0] != '\0' ? base : DATADOG_DEFAULT_HOST);
	sk_strbuf_printf(&url, DATADOG_EVENTS_PATH "?api_key=%s", key != NULL ? key : "");
	if (key == NULL || sk_strbuf_failed(&url)) {
		snprintf(err, errlen, "out of memory");
	} else if (spl_post_new(host, sk_strbuf_str(&url), datadog_build, NULL, NULL, &post, err, errlen) == SK_OK) {
		*state = post;
		ok = true;
	}
	curl_free(key);
	sk_strbuf_free(&url);
	return ok;
}

static const saker_output_plugin datadog_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "datadog",
	.description = "Datadog Events API, Falcosidekick's event",
	.required_key = "apikey",
	.max_batch = 1,
	.init = datadog_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(datadog_plugin)

/* dynatrace plugin glue: apitoken (Authorization: Api-Token), apiurl; one
 * log record per POST to apiurl/v2/logs/ingest. */
#include <stdio.h>

#include "dynatrace.h"
#include "spl_post.h"
#include "spl_util.h"

static sk_err dynatrace_build(sk_strbuf *sb, const void *cfg, const saker_alert *alert)
{
	(void)cfg;
	return dynatrace_payload(sb, alert);
}

static bool dynatrace_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *token = host->config_string(host->ctx, "apitoken", "");
	const char *api = host->config_string(host->ctx, "apiurl", "");
	sk_strbuf url = SK_STRBUF_INIT;
	spl_post *post = NULL;
	char auth[1024];
	bool ok = false;

	/* Falcosidekick turns dynatrace on only with both apitoken and apiurl */
	if (api[0] == '\0') {
		snprintf(err, errlen, "apiurl: not set");
		return false;
	}
	spl_put_base_url(&url, api);
	sk_strbuf_puts(&url, "/v2/logs/ingest");
	snprintf(auth, sizeof(auth), "Api-Token %s", token);
	if (sk_strbuf_failed(&url)) {
		snprintf(err, errlen, "out of memory");
	} else if (spl_post_new(host, sk_strbuf_str(&url), dynatrace_build, NULL, NULL, &post, err, errlen) == SK_OK) {
		if (spl_http_add_header(post->http, "Authorization", auth) != SK_OK ||
		    spl_http_add_header(post->http, "Content-Type", "application/json; charset=utf-8") != SK_OK) {
			snprintf(err, errlen, "apitoken: not a header value");
			spl_post_close(post);
		} else {
			*state = post;
			ok = true;
		}
	}
	sk_strbuf_free(&url);
	return ok;
}

static const saker_output_plugin dynatrace_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "dynatrace",
	.description = "Dynatrace Log Monitoring API v2, Falcosidekick's log record",
	.required_key = "apitoken",
	.max_batch = 1,
	.init = dynatrace_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(dynatrace_plugin)

/* opsgenie plugin glue: apikey (GenieKey authorization), region (us or
 * eu); one alert per POST. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "opsgenie.h"
#include "spl_post.h"
#include "spl_util.h"

static sk_err opsgenie_build(sk_strbuf *sb, const void *cfg, const saker_alert *alert)
{
	(void)cfg;
	return opsgenie_payload(sb, alert);
}

static bool opsgenie_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *region = host->config_string(host->ctx, "region", "us");
	const char *apikey = host->config_string(host->ctx, "apikey", "");
	spl_post *post = NULL;
	char auth[1024];

	if (strcasecmp(region, "us") != 0 && strcasecmp(region, "eu") != 0 && region[0] != '\0') {
		snprintf(err, errlen, "region '%s': want us or eu", region);
		return false;
	}
	/* endpoint (Saker): the alerts API's URL, for a proxy or a test receiver */
	const char *endpoint = host->config_string(
		host->ctx, "endpoint", strcasecmp(region, "eu") == 0 ? OPSGENIE_EU_ENDPOINT : OPSGENIE_US_ENDPOINT);
	if (spl_post_new(host, endpoint, opsgenie_build, NULL, NULL, &post, err, errlen) != SK_OK) {
		return false;
	}
	snprintf(auth, sizeof(auth), "GenieKey %s", apikey);
	if (spl_http_add_header(post->http, "Authorization", auth) != SK_OK) {
		snprintf(err, errlen, "apikey: not a header value");
		spl_post_close(post);
		return false;
	}
	*state = post;
	return true;
}

static const saker_output_plugin opsgenie_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "opsgenie",
	.description = "Opsgenie alerts API, Falcosidekick's alert",
	.required_key = "apikey",
	.max_batch = 1,
	.init = opsgenie_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(opsgenie_plugin)

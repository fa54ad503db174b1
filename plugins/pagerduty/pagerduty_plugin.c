/* pagerduty plugin glue: routingkey, region (us or eu); one event per
 * alert. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pagerduty.h"
#include "spl_post.h"
#include "spl_util.h"

static sk_err pagerduty_build(sk_strbuf *sb, const void *routing_key, const saker_alert *alert)
{
	return pagerduty_payload(sb, routing_key, alert);
}

static bool pagerduty_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *region = host->config_string(host->ctx, "region", "us");
	const char *routing_key = host->config_string(host->ctx, "routingkey", "");
	spl_post *post = NULL;

	if (strcasecmp(region, "us") != 0 && strcasecmp(region, "eu") != 0 && region[0] != '\0') {
		snprintf(err, errlen, "region '%s': want us or eu", region);
		return false;
	}
	/* endpoint (Saker): the events API's URL, for a proxy or a test receiver */
	const char *endpoint = host->config_string(
		host->ctx, "endpoint", strcasecmp(region, "eu") == 0 ? PAGERDUTY_EU_ENDPOINT : PAGERDUTY_US_ENDPOINT);
	/* the host keeps its strings for the instance's life: the key is not copied */
	if (spl_post_new(host, endpoint, pagerduty_build, (void *)routing_key, NULL, &post, err, errlen) != SK_OK) {
		return false;
	}
	*state = post;
	return true;
}

static const saker_output_plugin pagerduty_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "pagerduty",
	.description = "PagerDuty Events API v2, Falcosidekick's trigger event",
	.required_key = "routingkey",
	.max_batch = 1,
	.init = pagerduty_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(pagerduty_plugin)

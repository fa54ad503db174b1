/* kafkarest plugin: the Falco alert as one record to a Kafka REST Proxy
 * topic, as Falcosidekick sends it: POST `address` (the topic's URL,
 * .../topics/<topic>) with {"records":[{"value":"<base64 of the alert>"}]}
 * and Content-Type application/vnd.kafka.binary.v<version>+json. */
#include <stdio.h>

#include "spl_post.h"
#include "spl_util.h"

static sk_err kafkarest_build(sk_strbuf *sb, const void *cfg, const saker_alert *alert)
{
	(void)cfg;
	sk_strbuf_puts(sb, "{\"records\":[{\"value\":\"");
	sk_strbuf_base64(sb, alert->json, alert->json_len);
	sk_strbuf_puts(sb, "\"}]}");
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}

static bool kafkarest_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	int64_t version = host->config_int(host->ctx, "version", 2);
	spl_post *post = NULL;
	char type[64];

	/* Falcosidekick takes anything but 1 as 2 */
	if (version != 1 && version != 2) {
		snprintf(err, errlen, "version %lld: want 1 or 2", (long long)version);
		return false;
	}
	if (spl_post_new(host, host->config_string(host->ctx, "address", ""), kafkarest_build, NULL, NULL, &post, err,
			 errlen) != SK_OK) {
		return false;
	}
	snprintf(type, sizeof(type), "application/vnd.kafka.binary.v%lld+json", (long long)version);
	if (spl_http_add_header(post->http, "Content-Type", type) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		spl_post_close(post);
		return false;
	}
	*state = post;
	return true;
}

static const saker_output_plugin kafkarest_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "kafkarest",
	.description = "Kafka REST Proxy, the Falco JSON alert as a binary record",
	.required_key = "address",
	.max_batch = 1,
	.init = kafkarest_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(kafkarest_plugin)

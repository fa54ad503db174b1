/* webex plugin: Falcosidekick's Webex payload, {"markdown": MESSAGE}, POSTed
 * to webhookurl (an incoming webhook); the message is spl_summary's. */
#include <stdio.h>

#include "spl_post.h"
#include "spl_summary.h"
#include "spl_util.h"

static sk_err webex_build(sk_strbuf *sb, const void *cfg, const saker_alert *alert)
{
	sk_strbuf text = SK_STRBUF_INIT;

	(void)cfg;
	spl_summary(&text, alert, SPL_SUMMARY_MARKDOWN);
	sk_strbuf_puts(sb, "{\"markdown\":");
	spl_json_go_string(sb, sk_strbuf_str(&text));
	sk_strbuf_putc(sb, '}');
	sk_err rc = sk_strbuf_failed(&text) || sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
	sk_strbuf_free(&text);
	return rc;
}

static bool webex_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	spl_post *post = NULL;

	if (spl_post_new(host, host->config_string(host->ctx, "webhookurl", ""), webex_build, NULL, NULL, &post, err,
			 errlen) != SK_OK) {
		return false;
	}
	*state = post;
	return true;
}

static const saker_output_plugin webex_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "webex",
	.description = "Webex incoming webhook, a Markdown message",
	.required_key = "webhookurl",
	.max_batch = 1,
	.init = webex_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(webex_plugin)

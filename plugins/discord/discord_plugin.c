/* discord plugin glue: Falcosidekick's discord.* keys; one POST per alert. */
#include <stdio.h>

#include "discord.h"
#include "spl_post.h"
#include "spl_util.h"

static sk_err discord_build(sk_strbuf *sb, const void *icon, const saker_alert *alert)
{
	return discord_payload(sb, icon, alert);
}

static bool discord_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *icon = host->config_string(host->ctx, "icon", "");
	const char *url = host->config_string(host->ctx, "webhookurl", "");

	spl_post *post = NULL;

	icon = icon[0] != '\0' ? icon : DISCORD_DEFAULT_ICON;
	/* the host keeps its strings for the instance's life: icon is not copied */
	if (spl_post_new(host, url, discord_build, (void *)icon, NULL, &post, err, errlen) != SK_OK) {
		return false;
	}
	*state = post;
	return true;
}

static const saker_output_plugin discord_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "discord",
	.description = "Discord webhook, Falcosidekick's embed",
	.required_key = "webhookurl",
	.max_batch = 1,
	.init = discord_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(discord_plugin)

/* cliq plugin glue: Falcosidekick's cliq.* keys (webhookurl, icon,
 * useemoji, outputformat, messageformat); one POST per alert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliq.h"
#include "spl_post.h"
#include "spl_util.h"

/* The payload's settings and the compiled messageformat they point to. */
typedef struct cliq_setup {
	cliq_config cfg;
	spl_template *message;
} cliq_setup;

static void cliq_setup_free(void *p)
{
	cliq_setup *setup = p;
	if (setup != NULL) {
		spl_template_free(setup->message);
		free(setup);
	}
}

static sk_err cliq_build(sk_strbuf *sb, const void *setup, const saker_alert *alert)
{
	return cliq_payload(sb, &((const cliq_setup *)setup)->cfg, alert);
}

static bool cliq_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *format = host->config_string(host->ctx, "outputformat", "all");
	const char *message = host->config_string(host->ctx, "messageformat", "");
	cliq_setup *setup = calloc(1, sizeof(*setup));
	spl_post *post = NULL;
	char why[256];

	if (setup == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	setup->cfg.icon = host->config_string(host->ctx, "icon", "");
	setup->cfg.use_emoji = host->config_bool(host->ctx, "useemoji", false);
	if (cliq_parse_format(format, &setup->cfg.format) != SK_OK) {
		snprintf(err, errlen, "outputformat '%s': want all, text or fields", format);
		cliq_setup_free(setup);
		return false;
	}
	if (message[0] != '\0') {
		if (spl_template_compile(message, strlen(message), &setup->message, why, sizeof(why)) != SK_OK) {
			snprintf(err, errlen, "messageformat: %s", why);
			cliq_setup_free(setup);
			return false;
		}
		setup->cfg.message = setup->message;
	}
	if (spl_post_new(host, host->config_string(host->ctx, "webhookurl", ""), cliq_build, setup, cliq_setup_free,
			 &post, err, errlen) != SK_OK) {
		return false;
	}
	*state = post;
	return true;
}

static const saker_output_plugin cliq_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "cliq",
	.description = "Zoho Cliq channel message, Falcosidekick's table",
	.required_key = "webhookurl",
	.max_batch = 1,
	.init = cliq_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(cliq_plugin)

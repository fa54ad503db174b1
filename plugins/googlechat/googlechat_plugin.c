/* googlechat plugin glue: Falcosidekick's googlechat.* keys; one POST per alert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "googlechat.h"
#include "spl_post.h"
#include "spl_util.h"

/* The payload's settings and the compiled messageformat they point to. */
typedef struct googlechat_setup {
	googlechat_config cfg;
	spl_template *message;
} googlechat_setup;

static void googlechat_setup_free(void *p)
{
	googlechat_setup *setup = p;
	if (setup != NULL) {
		spl_template_free(setup->message);
		free(setup);
	}
}

static sk_err googlechat_build(sk_strbuf *sb, const void *setup, const saker_alert *alert)
{
	return googlechat_payload(sb, &((const googlechat_setup *)setup)->cfg, alert);
}

static bool googlechat_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *format = host->config_string(host->ctx, "outputformat", "all");
	const char *message = host->config_string(host->ctx, "messageformat", "");
	googlechat_setup *setup = calloc(1, sizeof(*setup));
	spl_post *post = NULL;
	char why[256];

	if (setup == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (format[0] != '\0' && strcmp(format, "all") != 0 && strcmp(format, "text") != 0) {
		snprintf(err, errlen, "outputformat '%s': want all or text", format);
		googlechat_setup_free(setup);
		return false;
	}
	setup->cfg.text_only = strcmp(format, "text") == 0;
	if (message[0] != '\0') {
		if (spl_template_compile(message, strlen(message), &setup->message, why, sizeof(why)) != SK_OK) {
			snprintf(err, errlen, "messageformat: %s", why);
			googlechat_setup_free(setup);
			return false;
		}
		setup->cfg.message = setup->message;
	}
	if (spl_post_new(host, host->config_string(host->ctx, "webhookurl", ""), googlechat_build, setup,
			 googlechat_setup_free, &post, err, errlen) != SK_OK) {
		return false;
	}
	*state = post;
	return true;
}

static const saker_output_plugin googlechat_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "googlechat",
	.description = "Google Chat webhook, Falcosidekick's card",
	.required_key = "webhookurl",
	.max_batch = 1,
	.init = googlechat_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(googlechat_plugin)

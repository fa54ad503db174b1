/* teams plugin glue: teams.webhookurl, activityimage, outputformat; one
 * POST per alert. */
#include <stdio.h>
#include <stdlib.h>

#include "spl_post.h"
#include "spl_util.h"
#include "teams.h"

static sk_err teams_build(sk_strbuf *sb, const void *cfg, const saker_alert *alert)
{
	return teams_payload(sb, cfg, alert);
}

static bool teams_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *format = host->config_string(host->ctx, "outputformat", "all");
	teams_config *cfg = calloc(1, sizeof(*cfg));
	spl_post *post = NULL;

	if (cfg == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	cfg->activity_image = host->config_string(host->ctx, "activityimage", "");
	if (teams_parse_format(format, &cfg->format) != SK_OK) {
		snprintf(err, errlen, "outputformat '%s': want all, text or facts", format);
		free(cfg);
		return false;
	}
	if (spl_post_new(host, host->config_string(host->ctx, "webhookurl", ""), teams_build, cfg, free, &post, err,
			 errlen) != SK_OK) {
		return false;
	}
	*state = post;
	return true;
}

static const saker_output_plugin teams_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "teams",
	.description = "Microsoft Teams incoming webhook, Falcosidekick's MessageCard",
	.required_key = "webhookurl",
	.max_batch = 1,
	.init = teams_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(teams_plugin)

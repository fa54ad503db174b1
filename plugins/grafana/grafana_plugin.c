/* grafana and grafanaoncall plugin glue (GRAFANA_ONCALL builds the second):
 * grafana.hostport + apikey (Bearer), dashboardid, panelid,
 * allfieldsastags; grafanaoncall.webhookurl. One POST per alert. */
#include <stdio.h>
#include <stdlib.h>

#include "grafana.h"
#include "spl_post.h"
#include "spl_util.h"

#if defined(GRAFANA_ONCALL)
static sk_err grafana_build(sk_strbuf *sb, const void *cfg, const saker_alert *alert)
{
	(void)cfg;
	return grafana_oncall_alert(sb, alert);
}

static bool grafana_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	spl_post *post = NULL;

	if (spl_post_new(host, host->config_string(host->ctx, "webhookurl", ""), grafana_build, NULL, NULL, &post, err,
			 errlen) != SK_OK) {
		return false;
	}
	*state = post;
	return true;
}
#else
static sk_err grafana_build(sk_strbuf *sb, const void *cfg, const saker_alert *alert)
{
	return grafana_annotation(sb, cfg, alert);
}

static bool grafana_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *apikey = host->config_string(host->ctx, "apikey", "");
	grafana_config *cfg = calloc(1, sizeof(*cfg));
	sk_strbuf url = SK_STRBUF_INIT;
	spl_post *post = NULL;
	char auth[1024];
	bool ok = false;

	if (cfg == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	/* Falcosidekick turns grafana on only with both hostport and apikey */
	if (apikey[0] == '\0') {
		snprintf(err, errlen, "apikey: not set");
		free(cfg);
		return false;
	}
	cfg->dashboard_id = host->config_int(host->ctx, "dashboardid", 0);
	cfg->panel_id = host->config_int(host->ctx, "panelid", 0);
	cfg->all_fields_as_tags = host->config_bool(host->ctx, "allfieldsastags", false);
	spl_put_base_url(&url, host->config_string(host->ctx, "hostport", ""));
	sk_strbuf_puts(&url, "/api/annotations");
	snprintf(auth, sizeof(auth), "Bearer %s", apikey);
	if (sk_strbuf_failed(&url)) {
		snprintf(err, errlen, "out of memory");
		free(cfg);
	} else if (spl_post_new(host, sk_strbuf_str(&url), grafana_build, cfg, free, &post, err, errlen) == SK_OK) {
		if (spl_http_add_header(post->http, "Authorization", auth) != SK_OK) {
			snprintf(err, errlen, "apikey: not a header value");
			spl_post_close(post);
		} else {
			*state = post;
			ok = true;
		}
	}
	sk_strbuf_free(&url);
	return ok;
}
#endif

static const saker_output_plugin grafana_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
#if defined(GRAFANA_ONCALL)
	.name = "grafanaoncall",
	.description = "Grafana OnCall webhook integration, Falcosidekick's alert",
	.required_key = "webhookurl",
#else
	.name = "grafana",
	.description = "Grafana annotations API, Falcosidekick's annotation",
	.required_key = "hostport",
#endif
	.max_batch = 1,
	.init = grafana_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(grafana_plugin)

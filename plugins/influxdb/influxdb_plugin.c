/* influxdb plugin glue: Falcosidekick's influxdb.* keys; one point per
 * POST. */
#include <stdio.h>
#include <stdlib.h>

#include "influxdb.h"
#include "spl_post.h"
#include "spl_util.h"

static sk_err influxdb_build(sk_strbuf *sb, const void *cfg, const saker_alert *alert)
{
	return influxdb_line(sb, cfg, alert);
}

static bool influxdb_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	influxdb_target t = {
		.hostport = host->config_string(host->ctx, "hostport", ""),
		.database = host->config_string(host->ctx, "database", "falco"),
		.organization = host->config_string(host->ctx, "organization", ""),
		.bucket = host->config_string(host->ctx, "bucket", "falco"),
		.user = host->config_string(host->ctx, "user", ""),
		.password = host->config_string(host->ctx, "password", ""),
		.token = host->config_string(host->ctx, "token", ""),
		.precision = host->config_string(host->ctx, "precision", "ns"),
	};
	influxdb_config *cfg = calloc(1, sizeof(*cfg));
	sk_strbuf url = SK_STRBUF_INIT;
	spl_post *post = NULL;
	char auth[1024];
	bool ok = false;

	if (cfg == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (influxdb_precision(t.precision, &cfg->ns_per_unit) != SK_OK) {
		snprintf(err, errlen, "precision '%s': want ns, us, ms, s, m or h", t.precision);
		free(cfg);
		goto cleanup;
	}
	if (influxdb_url(&url, &t, err, errlen) != SK_OK) {
		free(cfg);
		goto cleanup;
	}
	if (spl_post_new(host, sk_strbuf_str(&url), influxdb_build, cfg, free, &post, err, errlen) != SK_OK) {
		goto cleanup;
	}
	snprintf(auth, sizeof(auth), "Token %s", t.token);
	if (spl_http_add_header(post->http, "Content-Type", "text/plain; charset=utf-8") != SK_OK ||
	    spl_http_add_header(post->http, "Accept", "application/json") != SK_OK ||
	    (t.token[0] != '\0' && spl_http_add_header(post->http, "Authorization", auth) != SK_OK)) {
		snprintf(err, errlen, "token: not a header value");
		goto cleanup;
	}
	*state = post;
	post = NULL;
	ok = true;
cleanup:
	spl_post_close(post);
	sk_strbuf_free(&url);
	return ok;
}

static const saker_output_plugin influxdb_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "influxdb",
	.description = "InfluxDB write API (v1 or v2), Falcosidekick's events point",
	.required_key = "hostport",
	.max_batch = 1,
	.init = influxdb_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(influxdb_plugin)

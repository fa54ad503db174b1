/* loki plugin glue: config keys -> loki_config and HTTP client, one POST
 * per alert or batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loki.h"
#include "spl_http.h"

typedef struct loki_state {
	loki_config cfg;
	spl_strlist extralabels;
	spl_strlist customfields;
	spl_strlist templatedfields;
	spl_http *http;
	sk_strbuf body;
} loki_state;

static void loki_close(void *state)
{
	loki_state *st = state;

	if (st != NULL) {
		spl_http_free(st->http);
		spl_strlist_free(&st->extralabels);
		spl_strlist_free(&st->customfields);
		spl_strlist_free(&st->templatedfields);
		sk_strbuf_free(&st->body);
		free(st);
	}
}

static bool loki_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *hostport = host->config_string(host->ctx, "hostport", "");
	const char *endpoint = host->config_string(host->ctx, "endpoint", "/loki/api/v1/push");
	const char *format = host->config_string(host->ctx, "format", "text");
	const char *tenant = host->config_string(host->ctx, "tenant", "");
	const char *user = host->config_string(host->ctx, "user", "");
	const char *apikey = host->config_string(host->ctx, "apikey", "");
	loki_state *st = calloc(1, sizeof(*st));
	char url[2048];
	sk_err rc = SK_OK;

	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->cfg.extralabels = &st->extralabels;
	st->cfg.customfields = &st->customfields;
	st->cfg.templatedfields = &st->templatedfields;
	if (strcmp(format, "json") == 0) {
		st->cfg.json_format = true;
	} else if (strcmp(format, "text") != 0 && *format != '\0') {
		snprintf(err, errlen, "format '%s': want text or json", format);
		rc = SK_EINVAL;
		goto cleanup;
	}
	rc = spl_strlist_from_config(host, "extralabels", &st->extralabels);
	if (rc != SK_OK || st->extralabels.n > LOKI_MAX_EXTRALABELS) {
		snprintf(err, errlen, "extralabels: at most %d fields", LOKI_MAX_EXTRALABELS);
		rc = rc != SK_OK ? rc : SK_ERANGE;
		goto cleanup;
	}
	/* The sidekick's top-level customfields/templatedfields keys label too. */
	rc = spl_strlist_keys_from_config(host, "customfields", &st->customfields);
	if (rc == SK_OK) {
		rc = spl_strlist_keys_from_config(host, "templatedfields", &st->templatedfields);
	}
	if (rc != SK_OK) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	if ((size_t)snprintf(url, sizeof(url), "%s%s", hostport, endpoint) >= sizeof(url)) {
		snprintf(err, errlen, "hostport + endpoint longer than %zu bytes", sizeof(url));
		rc = SK_ERANGE;
		goto cleanup;
	}
	rc = spl_http_new(host, url, &st->http, err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	if (*tenant != '\0') {
		rc = spl_http_add_header(st->http, "X-Scope-OrgID", tenant);
	}
	if (rc == SK_OK && *user != '\0' && *apikey != '\0') {
		rc = spl_http_set_basic_auth(st->http, user, apikey);
	}
	if (rc != SK_OK) {
		snprintf(err, errlen, "tenant: invalid header value");
	}
cleanup:
	if (rc != SK_OK) {
		loki_close(st);
		return false;
	}
	*state = st;
	return true;
}

static saker_send_result loki_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
					 size_t errlen)
{
	loki_state *st = state;
	saker_send_result res;

	sk_strbuf_reset(&st->body);
	loki_payload(&st->body, &st->cfg, alerts, n);
	res = spl_check_buf(&st->body, err, errlen);
	if (res != SAKER_SEND_OK) {
		return res;
	}
	return spl_http_send(st->http, st->body.data, st->body.len, err, errlen);
}

static saker_send_result loki_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	return loki_send_batch(state, &alert, 1, err, errlen);
}

static const saker_output_plugin loki_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "loki",
	.description = "Grafana Loki push API, batched",
	.required_key = "hostport",
	.max_batch = LOKI_MAX_BATCH,
	.init = loki_init,
	.send = loki_send,
	.send_batch = loki_send_batch,
	.close = loki_close,
};

SPL_PLUGIN_ENTRY(loki_plugin)

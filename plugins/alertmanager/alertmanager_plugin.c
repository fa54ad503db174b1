/* alertmanager plugin glue: Falcosidekick's alertmanager.* keys ->
 * am_config; every alert POSTed to each hostport's endpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertmanager.h"
#include "spl_http.h"
#include "spl_util.h"

#define AM_MAX_HOSTS 16

typedef struct am_state {
	am_config cfg;
	spl_http *http[AM_MAX_HOSTS];
	size_t nhttp;
	sk_strbuf body;
} am_state;

static void am_close(void *state)
{
	am_state *st = state;
	if (st == NULL) {
		return;
	}
	for (size_t i = 0; i < st->nhttp; i++) {
		spl_http_free(st->http[i]);
	}
	for (size_t i = 0; i < st->cfg.nlabels; i++) {
		free(st->cfg.labels[i].name);
		free(st->cfg.labels[i].value);
	}
	for (size_t i = 0; i < st->cfg.nannotations; i++) {
		free(st->cfg.annotations[i].name);
		free(st->cfg.annotations[i].value);
	}
	for (size_t i = 0; i < 8; i++) {
		free(st->cfg.severity[i]);
	}
	sk_strbuf_free(&st->body);
	free(st);
}

/* What a config list walk collects: "name:value" items, or the first bad
 * one. */
typedef struct pairs_ctx {
	am_pair *pairs;
	size_t *n;
	size_t max;
	char bad[128];
	bool failed;
} pairs_ctx;

/* Splits "name:value" (blanks around either trimmed). */
static bool split_pair(const char *item, char **name, char **value)
{
	const char *colon = strchr(item, ':');
	if (colon == NULL) {
		return false;
	}
	const char *n0 = item + strspn(item, " \t"), *v0 = colon + 1 + strspn(colon + 1, " \t");
	size_t nl = (size_t)(colon - n0), vl = strlen(v0);
	while (nl > 0 && (n0[nl - 1] == ' ' || n0[nl - 1] == '\t')) {
		nl--;
	}
	while (vl > 0 && (v0[vl - 1] == ' ' || v0[vl - 1] == '\t')) {
		vl--;
	}
	if (nl == 0) {
		return false;
	}
	*name = strndup(n0, nl);
	*value = strndup(v0, vl);
	return *name != NULL && *value != NULL;
}

static void collect_pair(void *user, const char *item)
{
	pairs_ctx *c = user;
	char *name = NULL, *value = NULL;
	if (c->failed) {
		return;
	}
	if (*c->n >= c->max || !split_pair(item, &name, &value)) {
		free(name);
		free(value);
		snprintf(c->bad, sizeof(c->bad), "%s", item);
		c->failed = true;
		return;
	}
	c->pairs[*c->n].name = name;
	c->pairs[*c->n].value = value;
	(*c->n)++;
}

/* extralabels / extraannotations: comma-separated name:value pairs. */
static bool read_pairs(const saker_plugin_host *host, const char *key, am_pair *pairs, size_t *n, char *err,
		       size_t errlen)
{
	pairs_ctx c = {pairs, n, AM_MAX_EXTRA, "", false};
	host->config_list(host->ctx, key, collect_pair, &c);
	if (c.failed) {
		snprintf(err, errlen, "%s: '%s' is not name:value", key, c.bad);
	}
	return !c.failed;
}

/* customseveritymap: "debug:value_1,critical:value2". */
static bool read_severities(const saker_plugin_host *host, am_config *cfg, char *err, size_t errlen)
{
	am_pair pairs[AM_MAX_EXTRA];
	size_t n = 0;
	bool ok = read_pairs(host, "customseveritymap", pairs, &n, err, errlen);
	for (size_t i = 0; i < n; i++) {
		saker_priority p = SAKER_PRIORITY_DEBUG;
		if (ok && !am_parse_priority(pairs[i].name, &p)) {
			snprintf(err, errlen, "customseveritymap: '%s' is not a priority", pairs[i].name);
			ok = false;
		}
		if (ok) {
			free(cfg->severity[p]);
			cfg->severity[p] = pairs[i].value;
			pairs[i].value = NULL;
		}
		free(pairs[i].name);
		free(pairs[i].value);
	}
	return ok;
}

typedef struct hosts_ctx {
	am_state *st;
	const saker_plugin_host *host;
	const char *endpoint;
	char *err;
	size_t errlen;
	bool failed;
} hosts_ctx;

static void add_host(void *user, const char *hostport)
{
	hosts_ctx *c = user;
	char url[1024];
	if (c->failed) {
		return;
	}
	if (c->st->nhttp >= AM_MAX_HOSTS) {
		snprintf(c->err, c->errlen, "hostport: more than %d addresses", AM_MAX_HOSTS);
		c->failed = true;
		return;
	}
	hostport += strspn(hostport, " \t");
	size_t len = strlen(hostport);
	while (len > 0 && (hostport[len - 1] == ' ' || hostport[len - 1] == '\t')) {
		len--;
	}
	if (len == 0) {
		return;
	}
	snprintf(url, sizeof(url), "%.*s%s", (int)len, hostport, c->endpoint);
	c->failed = spl_http_new(c->host, url, &c->st->http[c->st->nhttp], c->err, c->errlen) != SK_OK;
	c->st->nhttp += !c->failed;
}

static bool am_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	am_state *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	am_config_defaults(&st->cfg);
	const char *drop_default = host->config_string(host->ctx, "dropeventdefaultpriority", "critical");
	const char *thresholds = host->config_string(host->ctx, "dropeventthresholds", "");
	bool ok = true;
	st->cfg.expires_after_s = host->config_int(host->ctx, "expiresafter", 0);
	if (!am_parse_priority(drop_default, &st->cfg.drop_default)) {
		snprintf(err, errlen, "dropeventdefaultpriority: '%s' is not a priority", drop_default);
		ok = false;
	}
	if (ok && thresholds[0] != '\0') {
		ok = am_parse_thresholds(&st->cfg, thresholds, err, errlen) == SK_OK;
	}
	ok = ok && read_pairs(host, "extralabels", st->cfg.labels, &st->cfg.nlabels, err, errlen);
	ok = ok && read_pairs(host, "extraannotations", st->cfg.annotations, &st->cfg.nannotations, err, errlen);
	ok = ok && read_severities(host, &st->cfg, err, errlen);
	if (ok) {
		hosts_ctx c = {st, host, host->config_string(host->ctx, "endpoint", "/api/v1/alerts"), err, errlen, false};
		host->config_list(host->ctx, "hostport", add_host, &c);
		ok = !c.failed && st->nhttp > 0;
		if (!c.failed && st->nhttp == 0) {
			snprintf(err, errlen, "hostport: no address");
		}
	}
	if (!ok) {
		am_close(st);
		return false;
	}
	*state = st;
	return true;
}

/* POSTs to every address; the worst outcome counts (a retry sends to all
 * again: Alertmanager merges an alert it already has). */
static saker_send_result am_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	am_state *st = state;
	saker_send_result worst = SAKER_SEND_OK;

	sk_strbuf_reset(&st->body);
	if (am_payload(&st->body, &st->cfg, alert) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	for (size_t i = 0; i < st->nhttp; i++) {
		saker_send_result r = spl_http_send(st->http[i], st->body.data, st->body.len, err, errlen);
		worst = r == SAKER_SEND_RETRY || worst == SAKER_SEND_RETRY ? SAKER_SEND_RETRY
			: r == SAKER_SEND_FAIL ? SAKER_SEND_FAIL : worst;
	}
	return worst;
}

static const saker_output_plugin am_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "alertmanager",
	.description = "Prometheus Alertmanager, Falcosidekick's labels and annotations",
	.required_key = "hostport",
	.max_batch = 1,
	.init = am_init,
	.send = am_send,
	.send_batch = NULL,
	.close = am_close,
};

SPL_PLUGIN_ENTRY(am_plugin)

/* elasticsearch plugin glue: Falcosidekick's elasticsearch.* keys; one
 * document per alert, or _bulk requests with batching.enabled (its
 * default in Falcosidekick). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elasticsearch.h"
#include "spl_http.h"
#include "spl_util.h"

#define ES_MAX_BATCH 256

typedef struct es_state {
	es_config cfg;
	bool batching;
	bool template_pending; /* createindextemplate, not done yet */
	int64_t shards, replicas;
	const saker_plugin_host *host;
	spl_http *http;
	sk_strbuf url, body;
} es_state;

static void es_close(void *state)
{
	es_state *st = state;
	if (st != NULL) {
		spl_http_free(st->http);
		sk_strbuf_free(&st->url);
		sk_strbuf_free(&st->body);
		free(st);
	}
}

static bool es_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	es_state *st = calloc(1, sizeof(*st));
	const char *suffix = host->config_string(host->ctx, "suffix", "daily");
	const char *user = host->config_string(host->ctx, "username", "");
	const char *password = host->config_string(host->ctx, "password", "");
	const char *apikey = host->config_string(host->ctx, "apikey", "");
	sk_err rc = SK_OK;

	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->host = host;
	st->cfg.hostport = host->config_string(host->ctx, "hostport", "");
	st->cfg.index = host->config_string(host->ctx, "index", "falco");
	st->cfg.type = host->config_string(host->ctx, "type", "_doc");
	st->cfg.pipeline = host->config_string(host->ctx, "pipeline", "");
	st->cfg.flatten = host->config_bool(host->ctx, "flattenfields", false);
	st->batching = host->config_bool(host->ctx, "batching.enabled", true);
	if (es_parse_suffix(suffix, &st->cfg.suffix) != SK_OK) {
		snprintf(err, errlen, "suffix '%s': want daily, monthly, annually or none", suffix);
		rc = SK_EINVAL;
	} else if (!es_index_ok(st->cfg.index)) {
		snprintf(err, errlen, "index '%s': not an Elasticsearch index name (lower case, none of \\/*?\"<>|,#: or "
			 "spaces)", st->cfg.index);
		rc = SK_EINVAL;
	}
	st->template_pending = host->config_bool(host->ctx, "createindextemplate", false);
	st->shards = host->config_int(host->ctx, "numberofshards", 3);
	st->replicas = host->config_int(host->ctx, "numberofreplicas", 3);
	if (rc == SK_OK && st->template_pending) {
		st->cfg.flatten = true; /* as Falcosidekick: the template maps flat names */
		if (st->shards < 1 || st->shards > 1024 || st->replicas < 0 || st->replicas > 1024) {
			snprintf(err, errlen, "numberofshards %lld / numberofreplicas %lld: want 1..1024 / 0..1024",
				 (long long)st->shards, (long long)st->replicas);
			rc = SK_EINVAL;
		}
	}
	if (rc == SK_OK) {
		es_url(&st->url, &st->cfg, time(NULL), st->batching);
		rc = spl_http_new(host, sk_strbuf_str(&st->url), &st->http, err, errlen);
	}
	if (rc == SK_OK && user[0] != '\0' && password[0] != '\0') {
		rc = spl_http_set_basic_auth(st->http, user, password);
	}
	if (rc == SK_OK && apikey[0] != '\0') {
		char value[1024];
		snprintf(value, sizeof(value), "APIKey %s", apikey);
		rc = spl_http_add_header(st->http, "Authorization", value);
		if (rc != SK_OK) {
			snprintf(err, errlen, "apikey: not a header value");
		}
	}
	if (rc == SK_OK) {
		spl_http_keep_answer(st->http);
		if (host->config_bool(host->ctx, "enablecompression", false)) {
			rc = spl_http_set_gzip(st->http, true);
		}
	}
	if (rc != SK_OK) {
		es_close(st);
		return false;
	}
	*state = st;
	return true;
}

/* createindextemplate: puts the index template before the first
 * document (an existing template of that name is kept), so an
 * Elasticsearch that is down at start only delays it. */
static saker_send_result es_put_template(es_state *st, char *err, size_t errlen)
{
	saker_send_result res = SAKER_SEND_RETRY;

	sk_strbuf_reset(&st->url);
	spl_put_base_url(&st->url, st->cfg.hostport);
	sk_strbuf_printf(&st->url, "/_index_template/%s?create=true", st->cfg.index);
	sk_strbuf_reset(&st->body);
	if (es_template_body(&st->body, &st->cfg, st->shards, st->replicas) != SK_OK || sk_strbuf_failed(&st->url) ||
	    spl_http_set_url(st->http, sk_strbuf_str(&st->url)) != SK_OK || spl_http_set_method(st->http, "PUT") != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	res = spl_http_send(st->http, st->body.data, st->body.len, err, errlen);
	spl_http_set_method(st->http, "POST");
	if (res == SAKER_SEND_OK || (spl_http_last_status(st->http) == 400 &&
				     es_template_exists(spl_http_last_answer(st->http)))) {
		st->template_pending = false;
		st->host->log(st->host->ctx, SAKER_LOG_INFO, "index template %s %s", st->cfg.index,
			      res == SAKER_SEND_OK ? "created" : "exists already, kept");
		return SAKER_SEND_OK;
	}
	char why[512];
	snprintf(why, sizeof(why), "%s", err);
	snprintf(err, errlen, "index template: %s", why);
	return res;
}

/* Points the client at today's index (the date may have turned). */
static saker_send_result es_target(es_state *st, bool bulk, char *err, size_t errlen)
{
	if (st->template_pending) {
		saker_send_result res = es_put_template(st, err, errlen);
		if (res != SAKER_SEND_OK) {
			return res;
		}
	}
	sk_strbuf_reset(&st->url);
	es_url(&st->url, &st->cfg, time(NULL), bulk);
	if (sk_strbuf_failed(&st->url) || spl_http_set_url(st->http, sk_strbuf_str(&st->url)) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	return SAKER_SEND_OK;
}

static saker_send_result es_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	es_state *st = state;
	saker_send_result res = es_target(st, false, err, errlen);
	if (res != SAKER_SEND_OK) {
		return res;
	}
	sk_strbuf_reset(&st->body);
	sk_err e = es_document(&st->body, &st->cfg, alert);
	if (e != SK_OK) {
		snprintf(err, errlen, e == SK_ENOMEM ? "out of memory" : "the alert is not a JSON document");
		return e == SK_ENOMEM ? SAKER_SEND_RETRY : SAKER_SEND_FAIL;
	}
	return spl_http_send(st->http, st->body.data, st->body.len, err, errlen);
}

/* One _bulk request (batching.enabled); an answer reporting a failed item
 * fails the batch (Elasticsearch answers 200 either way). */
static saker_send_result es_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
				       size_t errlen)
{
	es_state *st = state;
	if (!st->batching) {
		for (size_t i = 0; i < n; i++) {
			saker_send_result r = es_send(state, alerts[i], err, errlen);
			if (r != SAKER_SEND_OK) {
				return r;
			}
		}
		return SAKER_SEND_OK;
	}
	saker_send_result res = es_target(st, true, err, errlen);
	if (res != SAKER_SEND_OK) {
		return res;
	}
	sk_strbuf_reset(&st->body);
	sk_err e = es_bulk_body(&st->body, &st->cfg, alerts, n);
	if (e != SK_OK) {
		snprintf(err, errlen, e == SK_ENOMEM ? "out of memory" : "an alert is not a JSON document");
		return e == SK_ENOMEM ? SAKER_SEND_RETRY : SAKER_SEND_FAIL;
	}
	res = spl_http_send(st->http, st->body.data, st->body.len, err, errlen);
	if (res == SAKER_SEND_OK && es_bulk_failed(spl_http_last_answer(st->http), err, errlen)) {
		res = SAKER_SEND_FAIL;
	}
	return res;
}

static saker_send_result es_send_one(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	const saker_alert *one[1] = {alert};
	return es_send_batch(state, one, 1, err, errlen);
}

static const saker_output_plugin es_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "elasticsearch",
	.description = "Elasticsearch: the Falco document into index-<date>, or _bulk batches",
	.required_key = "hostport",
	.max_batch = ES_MAX_BATCH,
	.init = es_init,
	.send = es_send_one,
	.send_batch = es_send_batch,
	.close = es_close,
};

SPL_PLUGIN_ENTRY(es_plugin)

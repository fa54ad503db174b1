/* forward: the Falcosidekick outputs that POST the Falco alert as it is,
 * like webhook, and differ only in their enabling key and how they
 * authenticate. One .so per output, this file built with one of:
 *
 *   FORWARD_NODERED    nodered.address; user + password (basic auth)
 *   FORWARD_N8N        n8n.address; user + password (basic auth),
 *                      headerauthname + headerauthvalue (a header)
 *   FORWARD_TEKTON     tekton.eventlistener
 *   FORWARD_TALON      talon.address
 *   FORWARD_SUMOLOGIC  sumologic.receiverurl; sourcecategory, sourcehost
 *                      and name as X-Sumo-Category, -Host and -Name
 *   FORWARD_ZINCSEARCH   zincsearch.hostport + /api/<index>/_doc;
 *                        username + password (basic auth)
 *   FORWARD_OPENOBSERVE  openobserve.hostport +
 *                        /api/<organizationname>/<streamname>/_multi;
 *                        username + password (basic auth)
 *   FORWARD_QUICKWIT     quickwit.hostport + /<apiendpoint>/<index>/ingest;
 *                        autocreateindex creates the index first
 *   FORWARD_GCPCLOUDRUN  gcp.cloudrun.endpoint; jwt as a bearer token
 *   FORWARD_WEBUI        webui.url + /api/v1/, the alert wrapped as
 *                        falcosidekick-ui wants it: {"event": <alert>,
 *                        "outputs": ["WebUI"]}
 *
 * customheaders, checkcert and mutual TLS come from spl_http as for every
 * HTTP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saker/output_plugin.h"
#include "spl_post.h"
#include "spl_util.h"

#if defined(FORWARD_NODERED)
#define FORWARD_NAME "nodered"
#define FORWARD_URL_KEY "address"
#define FORWARD_DESCRIPTION "Node-RED http in node, the Falco JSON alert"
#elif defined(FORWARD_N8N)
#define FORWARD_NAME "n8n"
#define FORWARD_URL_KEY "address"
#define FORWARD_DESCRIPTION "n8n webhook node, the Falco JSON alert"
#elif defined(FORWARD_TEKTON)
#define FORWARD_NAME "tekton"
#define FORWARD_URL_KEY "eventlistener"
#define FORWARD_DESCRIPTION "Tekton EventListener, the Falco JSON alert"
#elif defined(FORWARD_TALON)
#define FORWARD_NAME "talon"
#define FORWARD_URL_KEY "address"
#define FORWARD_DESCRIPTION "Falco Talon, the Falco JSON alert"
#elif defined(FORWARD_SUMOLOGIC)
#define FORWARD_NAME "sumologic"
#define FORWARD_URL_KEY "receiverurl"
#define FORWARD_DESCRIPTION "Sumo Logic HTTP source, the Falco JSON alert"
#elif defined(FORWARD_ZINCSEARCH)
#define FORWARD_NAME "zincsearch"
#define FORWARD_URL_KEY "hostport"
#define FORWARD_DESCRIPTION "ZincSearch document API, the Falco JSON alert"
#elif defined(FORWARD_OPENOBSERVE)
#define FORWARD_NAME "openobserve"
#define FORWARD_URL_KEY "hostport"
#define FORWARD_DESCRIPTION "OpenObserve _multi ingestion, the Falco JSON alert"
#elif defined(FORWARD_QUICKWIT)
#define FORWARD_NAME "quickwit"
#define FORWARD_URL_KEY "hostport"
#define FORWARD_DESCRIPTION "Quickwit ingest API, the Falco JSON alert"
#elif defined(FORWARD_WEBUI)
#define FORWARD_NAME "webui"
#define FORWARD_URL_KEY "url"
#define FORWARD_DESCRIPTION "falcosidekick-ui, the Falco JSON alert as an event"
#elif defined(FORWARD_GCPCLOUDRUN)
#define FORWARD_NAME "gcp.cloudrun"
#define FORWARD_URL_KEY "endpoint"
#define FORWARD_DESCRIPTION "Google Cloud Run service, the Falco JSON alert"
#else
#error "define one FORWARD_<NAME>"
#endif

/* Appends path segment s without its leading and trailing slashes. */
static void put_segment(sk_strbuf *sb, const char *s)
{
	size_t len;

	while (*s == '/') {
		s++;
	}
	len = strlen(s);
	while (len > 0 && s[len - 1] == '/') {
		len--;
	}
	sk_strbuf_putc(sb, '/');
	sk_strbuf_append(sb, s, len);
}

/* The output's URL: the enabling key's value, or for the search backends
 * hostport with their API path. */
static void forward_url(sk_strbuf *url, const saker_plugin_host *host)
{
	const char *base = host->config_string(host->ctx, FORWARD_URL_KEY, "");
#if defined(FORWARD_ZINCSEARCH)
	spl_put_base_url(url, base);
	sk_strbuf_puts(url, "/api");
	put_segment(url, host->config_string(host->ctx, "index", "falco"));
	sk_strbuf_puts(url, "/_doc");
#elif defined(FORWARD_OPENOBSERVE)
	spl_put_base_url(url, base);
	sk_strbuf_puts(url, "/api");
	put_segment(url, host->config_string(host->ctx, "organizationname", "default"));
	put_segment(url, host->config_string(host->ctx, "streamname", "falco"));
	sk_strbuf_puts(url, "/_multi");
#elif defined(FORWARD_QUICKWIT)
	spl_put_base_url(url, base);
	put_segment(url, host->config_string(host->ctx, "apiendpoint", "/api/v1"));
	put_segment(url, host->config_string(host->ctx, "index", "falco"));
	sk_strbuf_puts(url, "/ingest");
#elif defined(FORWARD_WEBUI)
	/* the UI's event API under the given address, as Falcosidekick */
	static const char api[] = "/api/v1";
	size_t len = strlen(base);
	(void)put_segment;
	while (len > 0 && base[len - 1] == '/') {
		len--;
	}
	if (len >= sizeof(api) - 1 && strncmp(base + len - (sizeof(api) - 1), api, sizeof(api) - 1) == 0) {
		len -= sizeof(api) - 1;
	}
	sk_strbuf_append(url, base, len);
	sk_strbuf_puts(url, "/api/v1/");
#else
	(void)put_segment;
	sk_strbuf_puts(url, base);
#endif
}

static sk_err forward_build(sk_strbuf *sb, const void *cfg, const saker_alert *alert)
{
	(void)cfg;
#if defined(FORWARD_WEBUI)
	/* the plugin ABI does not tell which other outputs are on */
	sk_strbuf_puts(sb, "{\"event\":");
	sk_strbuf_append(sb, alert->json, alert->json_len);
	sk_strbuf_puts(sb, ",\"outputs\":[\"WebUI\"]}");
#else
	sk_strbuf_append(sb, alert->json, alert->json_len);
#endif
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}

/* The output's own authentication keys, read as Falcosidekick does: a pair
 * is used only when both halves are set. */
#if defined(FORWARD_NODERED) || defined(FORWARD_N8N) || defined(FORWARD_ZINCSEARCH) || defined(FORWARD_OPENOBSERVE)
static bool forward_auth(spl_post *post, const saker_plugin_host *host, char *err, size_t errlen)
{
#if defined(FORWARD_ZINCSEARCH) || defined(FORWARD_OPENOBSERVE)
	const char *user = host->config_string(host->ctx, "username", "");
#else
	const char *user = host->config_string(host->ctx, "user", "");
#endif
	const char *password = host->config_string(host->ctx, "password", "");

	if (user[0] != '\0' && password[0] != '\0' && spl_http_set_basic_auth(post->http, user, password) != SK_OK) {
		snprintf(err, errlen, "user: out of memory");
		return false;
	}
#if defined(FORWARD_N8N)
	const char *header = host->config_string(host->ctx, "headerauthname", "");
	const char *value = host->config_string(host->ctx, "headerauthvalue", "");

	if (header[0] != '\0' && value[0] != '\0' && spl_http_add_header(post->http, header, value) != SK_OK) {
		snprintf(err, errlen, "headerauthname: not a header name and value");
		return false;
	}
#endif
	return true;
}
#elif defined(FORWARD_SUMOLOGIC)
static bool forward_auth(spl_post *post, const saker_plugin_host *host, char *err, size_t errlen)
{
	static const char *const headers[][2] = {
		{"sourcecategory", "X-Sumo-Category"}, {"sourcehost", "X-Sumo-Host"}, {"name", "X-Sumo-Name"}};

	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		const char *value = host->config_string(host->ctx, headers[i][0], "");
		if (value[0] != '\0' && spl_http_add_header(post->http, headers[i][1], value) != SK_OK) {
			snprintf(err, errlen, "%s: not a header value", headers[i][0]);
			return false;
		}
	}
	return true;
}
#elif defined(FORWARD_QUICKWIT)
/* autocreateindex: the index to create before the first alert */
typedef struct quickwit_index {
	bool pending;
	sk_strbuf indexes_url; /* hostport/<apiendpoint>/indexes */
	sk_strbuf ingest_url;
	sk_strbuf config;      /* the index config, JSON */
	const saker_plugin_host *host;
} quickwit_index;

static void quickwit_index_free(void *cfg)
{
	quickwit_index *q = cfg;
	if (q != NULL) {
		sk_strbuf_free(&q->indexes_url);
		sk_strbuf_free(&q->ingest_url);
		sk_strbuf_free(&q->config);
		free(q);
	}
}

/* Quickwit's index config for the Falco document: dynamic mode keeping the
 * source, `time` the timestamp, the alert's fields fast, output_fields as
 * JSON, the usual fields searched by default. */
static void quickwit_index_config(sk_strbuf *sb, const char *index, const char *version)
{
	static const char *const fast_texts[] = {"uuid", "hostname", "priority", "source", "rule"};
	sk_strbuf_puts(sb, "{\"version\":");
	spl_json_go_string(sb, version);
	sk_strbuf_puts(sb, ",\"index_id\":");
	spl_json_go_string(sb, index);
	sk_strbuf_puts(sb, ",\"doc_mapping\":{\"mode\":\"dynamic\",\"store_source\":true,\"timestamp_field\":\"time\","
			   "\"dynamic_mapping\":{\"indexed\":true,\"stored\":true,\"fast\":true,\"expand_dots\":true,"
			   "\"tokenizer\":\"raw\",\"record\":\"basic\"},\"field_mappings\":["
			   "{\"name\":\"time\",\"type\":\"datetime\",\"fast\":true}");
	for (size_t i = 0; i < sizeof(fast_texts) / sizeof(fast_texts[0]); i++) {
		sk_strbuf_printf(sb, ",{\"name\":\"%s\",\"type\":\"text\",\"fast\":true}", fast_texts[i]);
	}
	sk_strbuf_puts(sb, ",{\"name\":\"output\",\"type\":\"text\"},{\"name\":\"tags\",\"type\":\"array<text>\","
			   "\"fast\":true},{\"name\":\"output_fields\",\"type\":\"json\",\"fast\":true}]},"
			   "\"search_settings\":{\"default_search_fields\":[\"rule\",\"source\",\"output\",\"priority\","
			   "\"hostname\",\"tags\"]}}");
}

static bool forward_auth(spl_post *post, const saker_plugin_host *host, char *err, size_t errlen)
{
	quickwit_index *q = post->cfg;
	if (q == NULL || !host->config_bool(host->ctx, "autocreateindex", false)) {
		return true;
	}
	q->pending = true;
	q->host = host;
	spl_put_base_url(&q->indexes_url, host->config_string(host->ctx, FORWARD_URL_KEY, ""));
	put_segment(&q->indexes_url, host->config_string(host->ctx, "apiendpoint", "/api/v1"));
	sk_strbuf_puts(&q->indexes_url, "/indexes");
	quickwit_index_config(&q->config, host->config_string(host->ctx, "index", "falco"),
			      host->config_string(host->ctx, "version", "0.7"));
	if (sk_strbuf_failed(&q->indexes_url) || sk_strbuf_failed(&q->config)) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

/* Creates the index before the first alert (one that exists already is
 * kept: Quickwit answers 400), then sends as the other outputs do. */
static saker_send_result quickwit_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	spl_post *post = state;
	quickwit_index *q = post->cfg;

	if (q != NULL && q->pending) {
		if (spl_http_set_url(post->http, sk_strbuf_str(&q->indexes_url)) != SK_OK) {
			snprintf(err, errlen, "out of memory");
			return SAKER_SEND_RETRY;
		}
		saker_send_result res = spl_http_send(post->http, q->config.data, q->config.len, err, errlen);
		long status = spl_http_last_status(post->http);
		if (spl_http_set_url(post->http, sk_strbuf_str(&q->ingest_url)) != SK_OK) {
			snprintf(err, errlen, "out of memory");
			return SAKER_SEND_RETRY;
		}
		if (res != SAKER_SEND_OK && status != 400) {
			char why[512];
			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "autocreateindex: %s", why);
			return res;
		}
		q->pending = false;
		q->host->log(q->host->ctx, SAKER_LOG_INFO, "index %s", res == SAKER_SEND_OK ? "created" : "exists, kept");
	}
	return spl_post_send(state, alert, err, errlen);
}
#elif defined(FORWARD_GCPCLOUDRUN)
static bool forward_auth(spl_post *post, const saker_plugin_host *host, char *err, size_t errlen)
{
	const char *jwt = host->config_string(host->ctx, "jwt", "");
	sk_strbuf bearer = SK_STRBUF_INIT;
	bool ok = true;

	if (jwt[0] != '\0') {
		sk_strbuf_printf(&bearer, "Bearer %s", jwt);
		ok = !sk_strbuf_failed(&bearer) && spl_http_add_header(post->http, "Authorization", sk_strbuf_str(&bearer)) == SK_OK;
	}
	if (!ok) {
		snprintf(err, errlen, "jwt: not a header value");
	}
	sk_strbuf_free(&bearer);
	return ok;
}
#else
static bool forward_auth(spl_post *post, const saker_plugin_host *host, char *err, size_t errlen)
{
	(void)post;
	(void)host;
	(void)err;
	(void)errlen;
	return true;
}
#endif

static bool forward_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	sk_strbuf url = SK_STRBUF_INIT;
	spl_post *post = NULL;

	forward_url(&url, host);
	if (sk_strbuf_failed(&url)) {
		snprintf(err, errlen, "out of memory");
		sk_strbuf_free(&url);
		return false;
	}
#if defined(FORWARD_QUICKWIT)
	quickwit_index *q = calloc(1, sizeof(*q));
	if (q == NULL) {
		snprintf(err, errlen, "out of memory");
		sk_strbuf_free(&url);
		return false;
	}
	sk_strbuf_puts(&q->ingest_url, sk_strbuf_str(&url));
	sk_err rc = spl_post_new(host, sk_strbuf_str(&url), forward_build, q, quickwit_index_free, &post, err, errlen);
#else
	sk_err rc = spl_post_new(host, sk_strbuf_str(&url), forward_build, NULL, NULL, &post, err, errlen);
#endif
	sk_strbuf_free(&url);
	if (rc != SK_OK) {
		return false;
	}
	if (!forward_auth(post, host, err, errlen)) {
		spl_post_close(post);
		return false;
	}
	*state = post;
	return true;
}

static const saker_output_plugin forward_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = FORWARD_NAME,
	.description = FORWARD_DESCRIPTION,
	.required_key = FORWARD_URL_KEY,
	.max_batch = 1,
	.init = forward_init,
#if defined(FORWARD_QUICKWIT)
	.send = quickwit_send,
#else
	.send = spl_post_send,
#endif
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(forward_plugin)

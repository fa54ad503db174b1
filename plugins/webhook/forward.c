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
 *   FORWARD_QUICKWIT     quickwit.hostport + /<apiendpoint>/<index>/ingest
 *   FORWARD_GCPCLOUDRUN  gcp.cloudrun.endpoint; jwt as a bearer token
 *   FORWARD_WEBUI        webui.url + /api/v1/, the alert wrapped as
 *                        falcosidekick-ui wants it: {"event": <alert>,
 *                        "outputs": ["WebUI"]}
 *
 * customheaders, checkcert and mutual TLS come from spl_http as for every
 * HTTP output. */
#include <stdio.h>
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
static bool forward_auth(spl_post *post, const saker_plugin_host *host, char *err, size_t errlen)
{
	(void)post;
	(void)err;
	(void)errlen;
	/* creating the index needs its mapping sent first; not done */
	if (host->config_bool(host->ctx, "autocreateindex", false)) {
		host->log(host->ctx, SAKER_LOG_WARNING, "autocreateindex is not supported: create the index first");
	}
	return true;
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
	sk_err rc = spl_post_new(host, sk_strbuf_str(&url), forward_build, NULL, NULL, &post, err, errlen);
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
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(forward_plugin)

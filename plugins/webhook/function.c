/* function: the Falcosidekick outputs that call a serverless function in
 * the cluster with the Falco alert, through the function's in-cluster
 * Service URL. One .so per output, this file built with one of:
 *
 *   FUNCTION_OPENFAAS  openfaas.functionname:
 *                      http://<gatewayservice>.<gatewaynamespace>:<gatewayport>
 *                      /function/<functionname>.<functionnamespace>
 *   FUNCTION_FISSION   fission.function:
 *                      http://<routerservice>.<routernamespace>.svc.cluster.local:<routerport>
 *                      /fission-function/<function>, header event-id
 *   FUNCTION_KUBELESS  kubeless.function (and namespace):
 *                      http://<function>.<namespace>.svc.cluster.local:<port>,
 *                      headers event-id, event-type: falco, event-namespace
 *
 * event-id is the alert's uuid, so a retried call carries the same id.
 * With kubeconfig (Falcosidekick's mode for a sidekick outside the
 * cluster), the same Service is called through the API server's service
 * proxy, /api/v1/namespaces/<ns>/services/<service>:<port>/proxy/<path>,
 * authenticated as the kubeconfig's user (k8s_client.h). customheaders,
 * checkcert and mutual TLS come from spl_http (in-cluster calls). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s_client.h"
#include "saker/output_plugin.h"
#include "spl_http.h"
#include "spl_util.h"

#if defined(FUNCTION_OPENFAAS)
#define FUNCTION_NAME "openfaas"
#define FUNCTION_KEY "functionname"
#define FUNCTION_DESCRIPTION "OpenFaaS function through its gateway, the Falco JSON alert"
#define FUNCTION_EVENT_ID false /* Falcosidekick sends it only through the API server (kubeconfig) */
#elif defined(FUNCTION_FISSION)
#define FUNCTION_NAME "fission"
#define FUNCTION_KEY "function"
#define FUNCTION_DESCRIPTION "Fission function through its router, the Falco JSON alert"
#define FUNCTION_EVENT_ID true
#elif defined(FUNCTION_KUBELESS)
#define FUNCTION_NAME "kubeless"
#define FUNCTION_KEY "function"
#define FUNCTION_DESCRIPTION "Kubeless function Service, the Falco JSON alert"
#define FUNCTION_EVENT_ID true
#else
#error "define one FUNCTION_<NAME>"
#endif

/* Reads a port key (default def) into *port; false, with why in err, for
 * anything but 1..65535. */
static bool function_port(const saker_plugin_host *host, const char *key, int64_t def, int64_t *port, char *err,
			  size_t errlen)
{
	*port = host->config_int(host->ctx, key, def);
	if (*port < 1 || *port > 65535) {
		snprintf(err, errlen, "%s %lld: want 1..65535", key, (long long)*port);
		return false;
	}
	return true;
}

/* The function's Service (namespace, name, port) and the path on it, from
 * Falcosidekick's keys and defaults. */
typedef struct function_target {
	const char *namespace_;
	const char *service;
	int64_t port;
	sk_strbuf path; /* from "/" */
} function_target;

static bool function_target_of(const saker_plugin_host *host, function_target *t, char *err, size_t errlen)
{
	const char *function = host->config_string(host->ctx, FUNCTION_KEY, "");

#if defined(FUNCTION_OPENFAAS)
	t->namespace_ = host->config_string(host->ctx, "gatewaynamespace", "openfaas");
	t->service = host->config_string(host->ctx, "gatewayservice", "gateway");
	sk_strbuf_printf(&t->path, "/function/%s.%s", function,
			 host->config_string(host->ctx, "functionnamespace", "openfaas-fn"));
	if (!function_port(host, "gatewayport", 8080, &t->port, err, errlen)) {
		return false;
	}
#elif defined(FUNCTION_FISSION)
	t->namespace_ = host->config_string(host->ctx, "routernamespace", "fission");
	t->service = host->config_string(host->ctx, "routerservice", "router");
	sk_strbuf_printf(&t->path, "/fission-function/%s", function);
	if (!function_port(host, "routerport", 80, &t->port, err, errlen)) {
		return false;
	}
#else
	t->namespace_ = host->config_string(host->ctx, "namespace", "");
	t->service = function;
	sk_strbuf_puts(&t->path, "/");
	if (t->namespace_[0] == '\0') {
		snprintf(err, errlen, "namespace: required with function");
		return false;
	}
	if (!function_port(host, "port", 8080, &t->port, err, errlen)) {
		return false;
	}
#endif
	if (sk_strbuf_failed(&t->path)) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

/* The in-cluster URL Falcosidekick builds for t. */
static void function_url(const function_target *t, sk_strbuf *url)
{
#if defined(FUNCTION_OPENFAAS)
	/* the gateway by its short name */
	sk_strbuf_printf(url, "http://%s.%s:%lld%s", t->service, t->namespace_, (long long)t->port, t->path.data);
#else
	sk_strbuf_printf(url, "http://%s.%s.svc.cluster.local:%lld%s", t->service, t->namespace_, (long long)t->port,
			 t->path.data);
#endif
}

/* An instance: a direct connection, or the API server's service proxy. */
typedef struct function_state {
	spl_http *http;
	k8s_client *k8s;
	sk_strbuf proxy_path;
	sk_strbuf answer;
	char namespace_header[300];
} function_state;

static void function_close(void *state)
{
	function_state *f = state;
	if (f == NULL) {
		return;
	}
	spl_http_free(f->http);
	k8s_client_free(f->k8s);
	sk_strbuf_free(&f->proxy_path);
	sk_strbuf_free(&f->answer);
	free(f);
}

static bool function_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *kubeconfig = host->config_string(host->ctx, "kubeconfig", "");
	function_target t = {NULL, NULL, 0, SK_STRBUF_INIT};
	sk_strbuf url = SK_STRBUF_INIT;
	function_state *f = calloc(1, sizeof(*f));
	bool ok = false;

	if (f == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (!function_target_of(host, &t, err, errlen)) {
		goto cleanup;
	}
	snprintf(f->namespace_header, sizeof(f->namespace_header), "event-namespace: %s",
		 host->config_string(host->ctx, "namespace", ""));
	if (kubeconfig[0] != '\0') {
		/* through the API server: the kubeconfig's user needs the
		 * services/proxy right on that Service */
		int64_t timeout = host->config_int(host->ctx, "timeout", 10000);
		if (k8s_client_new(kubeconfig, timeout > 0 ? timeout : 10000, &f->k8s, err, errlen) != SK_OK) {
			goto cleanup;
		}
		sk_strbuf_puts(&f->proxy_path, "/api/v1/namespaces/");
		spl_uri_encode(&f->proxy_path, t.namespace_, false);
		sk_strbuf_puts(&f->proxy_path, "/services/");
		spl_uri_encode(&f->proxy_path, t.service, false);
		sk_strbuf_printf(&f->proxy_path, ":%lld/proxy%s", (long long)t.port, t.path.data);
		if (sk_strbuf_failed(&f->proxy_path)) {
			snprintf(err, errlen, "out of memory");
			goto cleanup;
		}
	} else {
		function_url(&t, &url);
		if (sk_strbuf_failed(&url) || spl_http_new(host, sk_strbuf_str(&url), &f->http, err, errlen) != SK_OK) {
			if (sk_strbuf_failed(&url)) {
				snprintf(err, errlen, "out of memory");
			}
			goto cleanup;
		}
#if defined(FUNCTION_KUBELESS)
		if (spl_http_add_header(f->http, "event-type", "falco") != SK_OK ||
		    spl_http_add_header(f->http, "event-namespace", host->config_string(host->ctx, "namespace", "")) !=
			    SK_OK) {
			snprintf(err, errlen, "namespace: not a header value");
			goto cleanup;
		}
#endif
	}
	*state = f;
	f = NULL;
	ok = true;
cleanup:
	function_close(f);
	sk_strbuf_free(&t.path);
	sk_strbuf_free(&url);
	return ok;
}

/* The call through the API server's service proxy. */
static saker_send_result function_send_proxy(function_state *f, const saker_alert *alert, char *err, size_t errlen)
{
	char event_id[128];
	long status = 0;

	snprintf(event_id, sizeof(event_id), "event-id: %s", alert->uuid);
	/* through the API server Falcosidekick sends event-id for every one */
	const char *headers[] = {event_id,
#if defined(FUNCTION_KUBELESS)
				 "event-type: falco", f->namespace_header,
#endif
				 NULL};
	if (k8s_request(f->k8s, "POST", sk_strbuf_str(&f->proxy_path), "application/json", headers, alert->json,
			alert->json_len, &status, &f->answer, err, errlen) != SK_OK) {
		return SAKER_SEND_RETRY;
	}
	if (status >= 200 && status < 300) {
		return SAKER_SEND_OK;
	}
	snprintf(err, errlen, "HTTP %ld from %s%s: %.200s", status, k8s_client_server(f->k8s),
		 sk_strbuf_str(&f->proxy_path), sk_strbuf_str(&f->answer));
	for (char *c = err; *c != '\0'; c++) {
		*c = (unsigned char)*c < 0x20 ? ' ' : *c;
	}
	return status == 429 || status >= 500 ? SAKER_SEND_RETRY : SAKER_SEND_FAIL;
}

static saker_send_result function_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	function_state *f = state;

	if (f->k8s != NULL) {
		return function_send_proxy(f, alert, err, errlen);
	}
	/* the alert's uuid: a retried call keeps its id */
	if (FUNCTION_EVENT_ID && spl_http_add_header(f->http, "event-id", alert->uuid) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	return spl_http_send(f->http, alert->json, alert->json_len, err, errlen);
}

static const saker_output_plugin function_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = FUNCTION_NAME,
	.description = FUNCTION_DESCRIPTION,
	.required_key = FUNCTION_KEY,
	.max_batch = 1,
	.init = function_init,
	.send = function_send,
	.send_batch = NULL,
	.close = function_close,
};

SPL_PLUGIN_ENTRY(function_plugin)
